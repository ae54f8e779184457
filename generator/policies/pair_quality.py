"""Pair quality (P02, P04, P22): is the mentor strong where the mentee wants to grow, and do
the two see the business from different places?

HB301 and HB302 report pairs that fall short; `handbook match` warns about the same pairs,
under the same `[checks]` (selection and options), before an owner writes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from generator.model import Person
from generator.rules import RuleOptions

if TYPE_CHECKING:
    from generator.project import Project

Attribute = Literal["division", "geography", "generation", "career_stage", "industry", "function"]
DEFAULT_ATTRIBUTES: tuple[Attribute, ...] = ("division", "geography")


class ComplementarityOptions(RuleOptions):
    min_covered: int = Field(1, ge=0, description="Mentee goals the mentor's strengths must cover.")


class PerspectiveOptions(RuleOptions):
    attributes: list[Attribute] = Field(
        default_factory=lambda: list(DEFAULT_ATTRIBUTES),
        description="Profile fields in which mentor and mentee should differ.",
    )
    min_different: int = Field(1, ge=0, description="How many of them must differ.")


def covered_goals(mentor: Person, mentee: Person) -> list[str]:
    """The mentee's development goals among the mentor's strengths, in the mentee's order."""
    strengths = set(mentor.strengths)
    return [goal for goal in mentee.development_goals if goal in strengths]


def lacks_complementarity(mentor: Person, mentee: Person, options: ComplementarityOptions) -> bool:
    """Too few goals covered. A mentee with no goals yet is intake-complete's finding, not this."""
    return bool(mentee.development_goals) and len(covered_goals(mentor, mentee)) < options.min_covered


def attribute_value(person: Person, attribute: str) -> str:
    """A profile field as compared for perspective: case-insensitive, '' when not stated."""
    return str(getattr(person, attribute, "") or "").casefold()


def different_attributes(mentor: Person, mentee: Person, attributes: list[str]) -> list[str]:
    return [a for a in attributes if attribute_value(mentor, a) != attribute_value(mentee, a)]


def lacks_perspective(mentor: Person, mentee: Person, options: PerspectiveOptions) -> bool:
    return len(different_attributes(mentor, mentee, list(options.attributes))) < options.min_different


def pair_warnings(project: Project, mentor: Person, mentee: Person) -> list[str]:
    """What `handbook check` will report about this pair under the program's `[checks]`."""
    found = []
    settings = project.rules
    codes = {rule.name: rule.code for rule in settings.rules}
    complementarity = settings.options_of("complementarity")
    if complementarity is not None and lacks_complementarity(mentor, mentee, complementarity):
        how_many = "none" if complementarity.min_covered <= 1 else f"fewer than {complementarity.min_covered}"
        found.append(
            f"{codes['complementarity']}: the mentor's strengths cover {how_many} of the mentee's "
            "development goals"
        )
    perspective = settings.options_of("perspective-diversity")
    if perspective is not None and lacks_perspective(mentor, mentee, perspective):
        fields = " and ".join(a.replace("_", " ") for a in perspective.attributes)
        if perspective.min_different <= 1:
            found.append(f"{codes['perspective-diversity']}: same {fields}")
        else:
            found.append(
                f"{codes['perspective-diversity']}: differ in fewer than {perspective.min_different} "
                f"of {fields}"
            )
    return found
