"""Kinds of pairings: each dimension splits the pairs into two groups the portfolio compares.

A dimension names the `[matching]` lever it informs, so a clear difference between its groups
can become a suggestion to change that lever (see `review.py`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from generator.model import Cohort, Pair, Program


@dataclass
class Context:
    """What classifying a pair needs beyond the pair itself, computed once per review."""

    program: Program
    loads: dict[tuple[str, str, str], int]

    @classmethod
    def of(cls, program: Program) -> Context:
        return cls(program, mentor_loads(program))


Classifier = Callable[[Context, Cohort, Pair], str | None]


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str
    groups: tuple[str, str]  # (the kind the lever favours, the other kind)
    classify: Classifier
    if_first_better: str  # the change to suggest when the evidence favours groups[0]
    if_second_better: str


def _differs(attribute: str, groups: tuple[str, str]) -> Classifier:
    def classify(ctx: Context, cohort: Cohort, pair: Pair) -> str | None:
        mentor, mentee = ctx.program.person(pair.mentor), ctx.program.person(pair.mentee)
        return groups[0] if getattr(mentor, attribute) != getattr(mentee, attribute) else groups[1]

    return classify


def _style_contrast(ctx: Context, cohort: Cohort, pair: Pair) -> str | None:
    mentor, mentee = ctx.program.person(pair.mentor), ctx.program.person(pair.mentee)
    if mentor.leadership_style is None or mentee.leadership_style is None:
        return None
    return "contrasting styles" if mentor.leadership_style != mentee.leadership_style else "similar styles"


def mentor_loads(program: Program) -> dict[tuple[str, str, str], int]:
    """For each (cohort, mentor, mentee): the mentor's pairs in cohorts overlapping this one."""
    loads: dict[tuple[str, str, str], int] = {}
    for cohort in program.cohorts:
        overlapping = [c for c in program.cohorts if c.start <= cohort.end and cohort.start <= c.end]
        counts = Counter(p.mentor for c in overlapping for p in c.pairs)
        for pair in cohort.pairs:
            loads[(cohort.id, pair.mentor, pair.mentee)] = counts[pair.mentor]
    return loads


def _mentor_load(ctx: Context, cohort: Cohort, pair: Pair) -> str | None:
    load = ctx.loads[(cohort.id, pair.mentor, pair.mentee)]
    return "one mentee at a time" if load <= 1 else "two or more at a time"


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "division", "Cross-division vs same division", ("cross-division", "same division"),
        _differs("division", ("cross-division", "same division")),
        "raise the matching weight on perspective diversity across divisions",
        "lower the matching weight on perspective diversity across divisions",
    ),
    Dimension(
        "geography", "Cross-geography vs same geography", ("cross-geography", "same geography"),
        _differs("geography", ("cross-geography", "same geography")),
        "raise the matching weight on perspective diversity across geographies",
        "lower the matching weight on perspective diversity across geographies",
    ),
    Dimension(
        "style", "Leadership-style contrast", ("contrasting styles", "similar styles"),
        _style_contrast,
        "raise the matching weight on leadership-style contrast",
        "lower the matching weight on leadership-style contrast",
    ),
    Dimension(
        "mentor-load", "Mentor load", ("one mentee at a time", "two or more at a time"),
        _mentor_load,
        "give each mentor one mentee at a time ([guardrails] max_mentees_per_mentor = 1)",
        "mentors with two or more mentees did better: the workload cap is not holding pairs back",
    ),
)
