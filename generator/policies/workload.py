"""Mentor workload (P10): how many pairs a mentor carries at once, and how many they may.

A pair occupies its mentor from its start (or its cohort's) to its end (or its cohort's).
A mentor's load is the largest number of their pairs running on the same day; the guardrail
caps it by `max_mentees_per_mentor` and by the monthly hours (`hours_per_pair_per_month`
each, within both the mentor's own `hours_per_month` and `max_hours_per_month`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import Field

from generator.model import Person, Program
from generator.rules import RuleOptions
from generator.source import KeyPath

PairWindow = tuple[dt.date, dt.date, KeyPath]
"""(first day, last day, the pair's key path in program.toml)."""


class MentorLoadOptions(RuleOptions):
    """`[checks.mentor-load]`: stricter (or looser) limits than `[guardrails]` for the check and
    for `handbook match`."""

    max_mentees: int | None = Field(None, ge=0, description="Default: [guardrails] max_mentees_per_mentor.")
    max_hours: float | None = Field(None, ge=0, description="Default: [guardrails] max_hours_per_month.")


@dataclass(frozen=True)
class WorkloadLimit:
    """The workload guardrail in force."""

    max_mentees: int
    max_hours: float
    hours_per_pair: float

    def hours_for(self, mentor: Person) -> float:
        """The hours a month this mentor may give: the guardrail, or less if they have less.

        No stated availability (0) is intake-complete's finding; the guardrail still applies.
        """
        if mentor.hours_per_month:
            return min(self.max_hours, mentor.hours_per_month)
        return self.max_hours

    def pairs_allowed(self, mentor: Person) -> int:
        """How many pairs this mentor may run at the same time."""
        by_hours = math.floor(self.hours_for(mentor) / self.hours_per_pair + 1e-9)
        return max(0, min(self.max_mentees, by_hours))


def limit_for(program: Program, options: MentorLoadOptions | None = None) -> WorkloadLimit:
    """The guardrail of `[guardrails]`, with the overrides of `[checks.mentor-load]` if given."""
    guard = program.guardrails
    max_mentees = options.max_mentees if options and options.max_mentees is not None else None
    max_hours = options.max_hours if options and options.max_hours is not None else None
    return WorkloadLimit(
        max_mentees=guard.max_mentees_per_mentor if max_mentees is None else max_mentees,
        max_hours=guard.max_hours_per_month if max_hours is None else max_hours,
        hours_per_pair=guard.hours_per_pair_per_month,
    )


def mentor_windows(program: Program, *, both_sides: bool = True) -> dict[str, list[PairWindow]]:
    """Every pair of every cohort, by the mentor it occupies, with the days it runs.

    A person with role 'both' also carries the pairs they are mentored in (`both_sides`): a
    pair takes the same hours from either side, so capacity counts across both roles."""
    both = {p.id for p in program.people if p.role == "both"} if both_sides else set()
    windows: dict[str, list[PairWindow]] = defaultdict(list)
    for c, cohort in enumerate(program.cohorts):
        for p, pair in enumerate(cohort.pairs):
            start, end = cohort.window(pair)
            windows[pair.mentor].append((start, end, ("cohorts", c, "pairs", p)))
            if pair.mentee in both:
                windows[pair.mentee].append((start, end, ("cohorts", c, "pairs", p)))
    return windows


def side_in(program: Program, person: str, path: KeyPath) -> str:
    """'mentor' or 'mentee': the side `person` takes in the pair at `path` (from `mentor_windows`)."""
    _, c, _, p = path
    pair = program.cohorts[int(c)].pairs[int(p)]
    return "mentor" if pair.mentor == person else "mentee"


def busiest(windows: Iterable[PairWindow], within: tuple[dt.date, dt.date] | None = None) -> list[KeyPath]:
    """The pairs running at the busiest moment (within a period, if given).

    A pair that ends on the day another starts frees its place first.
    """
    spans = list(windows)
    if within is not None:
        low, high = within
        spans = [(max(s, low), min(e, high), path) for s, e, path in spans if s < high and low < e]
    events = sorted(
        [(start, 1, path) for start, _, path in spans] + [(end, 0, path) for _, end, path in spans],
        key=lambda e: (e[0], e[1]),
    )
    running: dict[KeyPath, None] = {}
    best: list[KeyPath] = []
    for _, is_start, path in events:
        if is_start:
            running[path] = None
            if len(running) > len(best):
                best = list(running)
        else:
            running.pop(path, None)
    return best


def over_limit(program: Program, limit: WorkloadLimit) -> dict[str, tuple[int, int]]:
    """Mentors whose busiest moment holds more pairs than they may run: (pairs, allowed).

    The same test as the mentor-load check: more pairs than `max_mentees`, or more hours than
    the mentor may give, both within `pairs_allowed`.
    """
    over: dict[str, tuple[int, int]] = {}
    for mentor, spans in mentor_windows(program).items():
        pairs, allowed = len(busiest(spans)), limit.pairs_allowed(program.person(mentor))
        if pairs > allowed:
            over[mentor] = (pairs, allowed)
    return over
