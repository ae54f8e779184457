"""Mentor workload (P10): no mentor carries more pairs or hours than the guardrails allow."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from generator.findings import Violation
from generator.hookspecs import hookimpl
from generator.policies.workload import MentorLoadOptions, busiest, limit_for, mentor_windows, side_in
from generator.rules import Rule

if TYPE_CHECKING:
    from generator.project import Project


def check_mentor_load(project: Project, options: MentorLoadOptions) -> Iterator[Violation]:
    program = project.program
    limit = limit_for(program, options)
    index: dict[str, int] = {}  # person id -> position in [[people]], worked out for a first finding
    for mentor, spans in mentor_windows(program).items():
        peak = busiest(spans)
        if not peak:
            continue
        person = program.person(mentor)
        sides = [side_in(program, mentor, path) for path in peak]
        related = tuple(
            ((*path, side), f"one of {person.name}'s concurrent pairs")
            for path, side in zip(peak, sides, strict=True)
        )
        if len(peak) > limit.max_mentees:
            carries = (
                f"mentors {len(peak)} mentees"
                if "mentee" not in sides
                else f"is in {len(peak)} pairs (mentor of {sides.count('mentor')}, "
                f"mentee in {sides.count('mentee')})"
            )
            yield Violation(
                (*peak[-1], sides[-1]),
                f"{person.name} {carries} at the same time, more than the "
                f"{limit.max_mentees} the guardrails allow: move a mentee to another mentor",
                related,
            )
        hours = len(peak) * limit.hours_per_pair
        allowed = limit.hours_for(person)
        if hours > allowed:
            which = (
                f"their {person.hours_per_month:g} hours available a month"
                if person.hours_per_month and person.hours_per_month < limit.max_hours
                else f"the guardrail of {limit.max_hours:g} hours a month"
            )
            index = index or {p.id: i for i, p in enumerate(program.people)}
            yield Violation(
                ("people", index[mentor], "hours_per_month"),
                f"{person.name}'s {len(peak)} concurrent pairs take {hours:g} hours a month "
                f"({limit.hours_per_pair:g} per pair), more than {which}: reduce their pairs or agree "
                "more time",
                related,
            )


@hookimpl
def handbook_register_rules(register: Callable[[Rule], None]) -> None:
    register(
        Rule(
            code="HB101",
            name="mentor-load",
            severity="error",
            summary="A mentor's concurrent pairs and hours stay within the guardrails.",
            what="Counts each mentor's pairs that overlap in time, across all cohorts (a pair runs from "
            "its start, or its cohort's, to its end, or its cohort's). Reports a mentor with more "
            "concurrent mentees than `max_mentees_per_mentor`, or whose pairs need more hours a month "
            "(`hours_per_pair_per_month` each) than both their own `hours_per_month` and the guardrail "
            "`max_hours_per_month` allow. A person with role 'both' counts the pairs they are "
            "mentored in too: a pair takes the same time from either side.",
            why="Overloaded mentors cancel sessions first. The guardrail protects the mentor's day job "
            "and every mentee's share of their attention.",
            example="[guardrails]\nmax_mentees_per_mentor = 2\n\n# three pairs for the same mentor in "
            "overlapping cohorts -> HB101",
            fix="Move a mentee to another mentor (`handbook match --rebalance PERSON`), stagger the "
            "cohorts, or agree more hours with the mentor and record them in `hours_per_month`.",
            check=check_mentor_load,
            options=MentorLoadOptions,
        )
    )
