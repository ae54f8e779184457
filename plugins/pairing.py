"""Pair quality (P02, P04, P22, P30): complementary, diverse, free of conflicts, rotated, complete."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from pydantic import Field

from generator.findings import Violation
from generator.hookspecs import hookimpl
from generator.model import Person, Program
from generator.policies.pair_quality import (
    ComplementarityOptions,
    PerspectiveOptions,
    covered_goals,
    lacks_complementarity,
    lacks_perspective,
)
from generator.rules import NoOptions, Rule, RuleOptions

if TYPE_CHECKING:
    from generator.project import Project


class RotationOptions(RuleOptions):
    min_mentors_per_mentee: int = Field(0, ge=0, description="Different mentors a mentee should meet.")


class UnmatchedOptions(RuleOptions):
    skip_cohorts_without_pairs: bool = Field(True, description="Planned cohorts are not matched yet.")


def _pairs(program: Program) -> Iterator[tuple[int, int, Person, Person]]:
    for c, cohort in enumerate(program.cohorts):
        for p, pair in enumerate(cohort.pairs):
            yield c, p, program.person(pair.mentor), program.person(pair.mentee)


def check_complementarity(project: Project, options: ComplementarityOptions) -> Iterator[Violation]:
    program = project.program
    names = {c.id: c.name for c in program.vocabulary.competencies}
    for c, p, mentor, mentee in _pairs(program):
        if lacks_complementarity(mentor, mentee, options):
            goals = ", ".join(names.get(g, g) for g in mentee.development_goals)
            covered = len(covered_goals(mentor, mentee))
            how_many = "none" if not covered else f"only {covered}"
            wanted = "one of them" if options.min_covered <= 1 else f"{options.min_covered} of them"
            yield Violation(
                ("cohorts", c, "pairs", p, "mentor"),
                f"{mentor.name}'s strengths cover {how_many} of {mentee.name}'s development goals "
                f"({goals}): choose a mentor who is strong in {wanted}",
            )


def check_perspective_diversity(project: Project, options: PerspectiveOptions) -> Iterator[Violation]:
    attributes = list(options.attributes)
    for c, p, mentor, mentee in _pairs(project.program):
        if lacks_perspective(mentor, mentee, options):
            same = " and ".join(f"{a} ({getattr(mentor, a, '')})" for a in attributes)
            yield Violation(
                ("cohorts", c, "pairs", p, "mentee"),
                f"{mentor.name} and {mentee.name} share their {same}: pair across divisions or "
                "geographies so the mentee sees the business from elsewhere",
            )


def check_conflict_of_interest(project: Project, options: NoOptions) -> Iterator[Violation]:
    program = project.program
    managers = {person.id: person.manager for person in program.people}
    for c, p, mentor, mentee in _pairs(program):
        seen: set[str] = set()
        boss = managers.get(mentee.id)
        levels = 1
        while boss and boss not in seen:
            if boss == mentor.id:
                where = "manages" if levels == 1 else f"is {levels} levels above"
                yield Violation(
                    ("cohorts", c, "pairs", p, "mentor"),
                    f"{mentor.name} {where} {mentee.name} in the reporting line: a mentor must "
                    "come from outside the mentee's line so the mentee can speak freely",
                )
                break
            seen.add(boss)
            boss = managers.get(boss)
            levels += 1


def check_rotation(project: Project, options: RotationOptions) -> Iterator[Violation]:
    program = project.program
    order = sorted(range(len(program.cohorts)), key=lambda i: program.cohorts[i].start)
    previous: set[tuple[str, str]] = set()
    for c in order:
        cohort = program.cohorts[c]
        current = set()
        for p, pair in enumerate(cohort.pairs):
            key = (pair.mentor, pair.mentee)
            current.add(key)
            if key in previous:
                yield Violation(
                    ("cohorts", c, "pairs", p),
                    f"{program.person(pair.mentor).name} already mentored "
                    f"{program.person(pair.mentee).name} in the previous cohort: rotate so the mentee "
                    "meets a new mentoring voice",
                )
        previous = current
    wanted = options.min_mentors_per_mentee
    if wanted <= 1:
        return
    mentors: dict[str, set[str]] = defaultdict(set)
    cohorts: dict[str, set[str]] = defaultdict(set)
    for cohort in program.cohorts:
        for pair in cohort.pairs:
            mentors[pair.mentee].add(pair.mentor)
            cohorts[pair.mentee].add(cohort.id)
    for i, person in enumerate(program.people):
        if len(cohorts[person.id]) >= wanted and len(mentors[person.id]) < wanted:
            yield Violation(
                ("people", i, "id"),
                f"{person.name} has met {len(mentors[person.id])} different mentor(s) in "
                f"{len(cohorts[person.id])} cohorts; the program wants {wanted}",
            )


def check_unmatched(project: Project, options: UnmatchedOptions) -> Iterator[Violation]:
    program = project.program
    for c, cohort in enumerate(program.cohorts):
        if not cohort.pairs and options.skip_cohorts_without_pairs:
            continue
        as_mentor = {pair.mentor for pair in cohort.pairs}
        as_mentee = {pair.mentee for pair in cohort.pairs}
        for m, member in enumerate(cohort.members):
            person = program.person(member)
            if person.role == "mentee" and member not in as_mentee:
                yield Violation(
                    ("cohorts", c, "members", m),
                    f"mentee {person.name} has no mentor in cohort {cohort.id!r}: add a pair "
                    "(`handbook match --cohort` proposes one)",
                )
            elif person.role == "mentor" and member not in as_mentor:
                yield Violation(
                    ("cohorts", c, "members", m),
                    f"mentor {person.name} has no mentee in cohort {cohort.id!r}: add a pair or "
                    "remove them from the cohort's members",
                )


@hookimpl
def handbook_register_rules(register: Callable[[Rule], None]) -> None:
    register(
        Rule(
            code="HB301",
            name="complementarity",
            severity="warning",
            summary="The mentor is strong where the mentee wants to grow.",
            what="Reports a pair in which the mentor's `strengths` include none of the mentee's "
            "`development_goals` (at least `min_covered` must match).",
            why="The most useful pairings put a mentor's proven strength against a mentee's gap; "
            "without that the pair drifts into general conversation.",
            example='# mentor strengths = ["operational-discipline"]\n'
            '# mentee development_goals = ["strategic-foresight"]  -> HB301',
            fix="Choose a mentor whose strengths include one of the mentee's goals; `handbook match` "
            "scores this for every candidate.",
            check=check_complementarity,
            options=ComplementarityOptions,
        )
    )
    register(
        Rule(
            code="HB302",
            name="perspective-diversity",
            severity="warning",
            summary="Mentor and mentee see the business from different places.",
            what="Reports a pair whose mentor and mentee differ in fewer than `min_different` of the "
            "`attributes` (default: division and geography).",
            why="A mentor from another division or geography challenges assumptions a colleague next "
            "door shares.",
            example='[checks.perspective-diversity]\nattributes = ["division", "geography", "industry"]',
            fix="Pair across divisions or geographies, or widen `attributes` if another difference "
            "(industry, career stage) matters more to your program. `generation` may be listed but is "
            "never a default, here or in `[matching] perspective`: it is a proxy for age, which many "
            "countries protect in employment decisions.",
            check=check_perspective_diversity,
            options=PerspectiveOptions,
        )
    )
    register(
        Rule(
            code="HB303",
            name="conflict-of-interest",
            severity="error",
            summary="A mentor is never in the mentee's reporting line.",
            what="Follows each mentee's `manager` chain upwards and reports a pair whose mentor appears "
            "in it, directly or higher up.",
            why="A mentee cannot speak freely about gaps and doubts to someone who rates their "
            "performance or decides their promotion.",
            example='# mentee.manager = "vp-sales"; people["vp-sales"].manager = "mentor-id"  -> HB303',
            fix="Choose a mentor outside the mentee's reporting line.",
            check=check_conflict_of_interest,
        )
    )
    register(
        Rule(
            code="HB304",
            name="rotation",
            severity="warning",
            summary="Mentees meet new mentors from one cohort to the next.",
            what="Reports a mentor-mentee pair repeated in consecutive cohorts (by start date). With "
            "`min_mentors_per_mentee` set, also reports a mentee who has been in that many cohorts but "
            "met fewer different mentors.",
            why="Several mentoring voices over time broaden a leader more than one long relationship.",
            example="[checks.rotation]\nmin_mentors_per_mentee = 2",
            fix="Pair the mentee with a different mentor; `handbook match --rounds N` plans rotations.",
            check=check_rotation,
            options=RotationOptions,
        )
    )
    register(
        Rule(
            code="HB305",
            name="unmatched",
            severity="warning",
            summary="Every mentee in a cohort has a mentor, every mentor a mentee.",
            what="Reports cohort members with the role mentee who are in no pair, and members with the "
            "role mentor who mentor no one. Cohorts with no pairs yet (being planned) are skipped "
            "unless `skip_cohorts_without_pairs` is false.",
            why="An unmatched participant joined the program and gets nothing from it.",
            example='members = ["ana", "ben", "chen"]\n# pairs cover ana and ben only  -> HB305',
            fix="Add a pair (`handbook match --cohort ID` proposes one) or remove the member.",
            check=check_unmatched,
            options=UnmatchedOptions,
        )
    )
