"""Mentor workload (P10): no mentor carries more pairs or hours than the guardrails allow."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator

from generator.findings import Violation
from generator.hookspecs import hookimpl
from generator.model import Program
from generator.rules import Options, Rule
from generator.source import KeyPath


def _peak(windows: list[tuple[dt.date, dt.date, KeyPath]]) -> list[KeyPath]:
    """The pairs of the busiest moment: the largest set of windows that overlap."""
    events = sorted(
        [(start, 1, path) for start, _, path in windows] + [(end, 0, path) for _, end, path in windows],
        key=lambda e: (e[0], e[1]),  # an end on the day another starts frees the slot first
    )
    open_now: dict[KeyPath, None] = {}
    best: list[KeyPath] = []
    for _, is_start, path in events:
        if is_start:
            open_now[path] = None
            if len(open_now) > len(best):
                best = list(open_now)
        else:
            open_now.pop(path, None)
    return best


def check_mentor_load(program: Program, options: Options) -> Iterator[Violation]:
    guard = program.guardrails
    max_mentees = options["max_mentees"]
    if max_mentees is None:
        max_mentees = guard.max_mentees_per_mentor
    max_hours = options["max_hours"] if options["max_hours"] is not None else guard.max_hours_per_month
    per_pair = guard.hours_per_pair_per_month
    windows: dict[str, list[tuple[dt.date, dt.date, KeyPath]]] = defaultdict(list)
    for c, cohort in enumerate(program.cohorts):
        for p, pair in enumerate(cohort.pairs):
            start, end = cohort.window(pair)
            windows[pair.mentor].append((start, end, ("cohorts", c, "pairs", p)))
    index = {person.id: i for i, person in enumerate(program.people)}
    for mentor, spans in windows.items():
        peak = _peak(spans)
        if not peak:
            continue
        person = program.person(mentor)
        related = tuple(((*path, "mentor"), f"one of {person.name}'s concurrent pairs") for path in peak)
        if len(peak) > max_mentees:
            yield Violation(
                (*peak[-1], "mentor"),
                f"{person.name} mentors {len(peak)} mentees at the same time, more than the "
                f"{max_mentees} the guardrails allow: move a mentee to another mentor",
                related,
            )
        hours = len(peak) * per_pair
        # No stated availability (0) is intake-complete's finding; the guardrail still applies.
        limit = min(max_hours, person.hours_per_month) if person.hours_per_month else max_hours
        if hours > limit:
            which = (
                f"their {person.hours_per_month:g} hours available a month"
                if person.hours_per_month < max_hours
                else f"the guardrail of {max_hours:g} hours a month"
            )
            yield Violation(
                ("people", index[mentor], "hours_per_month"),
                f"{person.name}'s {len(peak)} concurrent pairs take {hours:g} hours a month "
                f"({per_pair:g} per pair), more than {which}: reduce their pairs or agree more time",
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
            "`max_hours_per_month` allow.",
            why="Overloaded mentors cancel sessions first. The guardrail protects the mentor's day job "
            "and every mentee's share of their attention.",
            example="[guardrails]\nmax_mentees_per_mentor = 2\n\n# three pairs for the same mentor in "
            "overlapping cohorts -> HB101",
            fix="Move a mentee to another mentor (`handbook match --rebalance PERSON`), stagger the "
            "cohorts, or agree more hours with the mentor and record them in `hours_per_month`.",
            check=check_mentor_load,
            options={"max_mentees": None, "max_hours": None},
        )
    )
