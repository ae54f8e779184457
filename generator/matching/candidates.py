"""Who can be matched in a cohort, how many mentees each mentor can still take, and which
mentor-mentee candidates the hard constraints rule out (and why).

Capacity follows the workload guardrail: `max_mentees_per_mentor` and the monthly hours, minus
the pairs the mentor already has in this cohort and in every cohort whose dates overlap it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property

import numpy as np

from generator.model import Cohort, Pair, Person, Program


class Blocked(IntEnum):
    """Why a candidate pair is ruled out (0: it is allowed)."""

    ALLOWED = 0
    REPORTING_LINE = 1
    EARLIER_PAIR = 2
    EXCLUDED = 3
    MENTOR_AVAILABILITY = 4
    MENTEE_AVAILABILITY = 5


BLOCKED_WORDS = {
    Blocked.REPORTING_LINE: "in the mentee's reporting line",
    Blocked.EARLIER_PAIR: "already paired in an earlier cohort",
    Blocked.EXCLUDED: "excluded in [matching] exclude",
    Blocked.MENTOR_AVAILABILITY: "mentor below the minimum hours a month",
    Blocked.MENTEE_AVAILABILITY: "mentee below the minimum hours a month",
}


@dataclass
class Capacity:
    """A mentor's room for new mentees, and where the limit comes from (for explanations)."""

    allowed: int  # by the guardrails: the smaller of the mentee and the hours limit
    in_cohort: int  # pairs kept in this cohort
    overlapping: int  # pairs in other cohorts whose dates overlap this one
    hours_limit: float

    @property
    def free(self) -> int:
        return max(0, self.allowed - self.in_cohort - self.overlapping)


@dataclass
class Candidates:
    """The matching problem for one cohort before scoring."""

    program: Program
    cohort: Cohort
    mentors: list[Person]
    mentees: list[Person]  # only those still without a mentor
    kept: list[Pair]  # pairs already in the cohort, kept as they are
    capacity: list[Capacity]
    blocked: np.ndarray  # mentors x mentees, Blocked codes
    spare_hours: np.ndarray  # per mentor, for the availability score
    notes: list[str] = field(default_factory=list)

    @property
    def free(self) -> np.ndarray:
        return np.array([c.free for c in self.capacity], dtype=np.int64)

    @cached_property
    def allowed(self) -> np.ndarray:
        """Computed once: it is a mentors x mentees mask, read for every explanation."""
        return self.blocked == Blocked.ALLOWED


def sides_of(program: Program, cohort: Cohort) -> tuple[list[Person], list[Person]]:
    """The cohort's members as mentors and mentees; role 'both' goes to `[matching] both_as`."""
    both_as = program.matching.both_as
    mentors, mentees = [], []
    for member in dict.fromkeys(cohort.members):
        person = program.person(member)
        side = both_as if person.role == "both" else person.role
        (mentors if side == "mentor" else mentees).append(person)
    for pair in cohort.pairs:  # pair members missing from `members` still count (HB reports it)
        if pair.mentor not in cohort.members:
            mentors.append(program.person(pair.mentor))
        if pair.mentee not in cohort.members:
            mentees.append(program.person(pair.mentee))
    return list({p.id: p for p in mentors}.values()), list({p.id: p for p in mentees}.values())


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def capacities(
    program: Program, cohort: Cohort, mentors: list[Person], kept: Iterable[Pair]
) -> list[Capacity]:
    guard = program.guardrails
    window = (cohort.start, cohort.end)
    in_cohort: dict[str, int] = {}
    for pair in kept:
        in_cohort[pair.mentor] = in_cohort.get(pair.mentor, 0) + 1
    overlapping: dict[str, int] = {}
    for other in program.cohorts:
        if other.id == cohort.id:
            continue
        for pair in other.pairs:
            if _overlaps(other.window(pair), window):
                overlapping[pair.mentor] = overlapping.get(pair.mentor, 0) + 1
    result = []
    for mentor in mentors:
        hours = min(guard.max_hours_per_month, mentor.hours_per_month or guard.max_hours_per_month)
        by_hours = math.floor(hours / guard.hours_per_pair_per_month + 1e-9)
        result.append(
            Capacity(
                allowed=min(guard.max_mentees_per_mentor, by_hours),
                in_cohort=in_cohort.get(mentor.id, 0),
                overlapping=overlapping.get(mentor.id, 0),
                hours_limit=hours,
            )
        )
    return result


def earlier_pairs(program: Program, cohort: Cohort) -> set[tuple[str, str]]:
    """Pairs that may not meet again: every pair of another cohort that started before this one,
    and pairs of this cohort that were rebalanced."""
    seen = {(p.mentor, p.mentee) for p in cohort.pairs if p.state == "rebalanced"}
    for other in program.cohorts:
        if other.id != cohort.id and other.start <= cohort.start:
            seen.update((p.mentor, p.mentee) for p in other.pairs)
    return seen


def reporting_lines(program: Program, mentee: Person) -> set[str]:
    """Everyone above the mentee in the `manager` chain."""
    above: set[str] = set()
    boss = mentee.manager
    while boss and boss not in above:
        above.add(boss)
        try:
            boss = program.person(boss).manager
        except KeyError:  # an unknown manager is a reference error reported by the check
            boss = None
    return above


def build(
    program: Program,
    cohort: Cohort,
    kept: list[Pair] | None = None,
    forbidden: Iterable[tuple[str, str]] = (),
) -> Candidates:
    """The cohort's matching problem: kept pairs default to every pair not rebalanced."""
    mentors, everyone = sides_of(program, cohort)
    if kept is None:
        kept = [p for p in cohort.pairs if p.state != "rebalanced"]
    matched = {p.mentee for p in kept}
    mentees = [p for p in everyone if p.id not in matched]
    capacity = capacities(program, cohort, mentors, kept)
    blocked = np.zeros((len(mentors), len(mentees)), dtype=np.int8)
    mentor_index = {p.id: i for i, p in enumerate(mentors)}
    mentee_index = {p.id: j for j, p in enumerate(mentees)}

    minimum = program.matching.min_hours_per_month
    if minimum > 0:
        for i, mentor in enumerate(mentors):
            if 0 < mentor.hours_per_month < minimum:
                blocked[i, :] = Blocked.MENTOR_AVAILABILITY
        for j, mentee in enumerate(mentees):
            if 0 < mentee.hours_per_month < minimum:
                blocked[:, j] = Blocked.MENTEE_AVAILABILITY

    def block(mentor: str, mentee: str, why: Blocked) -> None:
        i, j = mentor_index.get(mentor), mentee_index.get(mentee)
        if i is not None and j is not None and blocked[i, j] == Blocked.ALLOWED:
            blocked[i, j] = why

    for exclusion in program.matching.exclude:
        block(exclusion.mentor, exclusion.mentee, Blocked.EXCLUDED)
    for mentor, mentee in {*earlier_pairs(program, cohort), *forbidden}:
        block(mentor, mentee, Blocked.EARLIER_PAIR)
    for mentee in mentees:
        for boss in reporting_lines(program, mentee):
            block(boss, mentee.id, Blocked.REPORTING_LINE)

    guard = program.guardrails
    spare = np.array(
        [
            max(0.0, c.hours_limit - (c.in_cohort + c.overlapping) * guard.hours_per_pair_per_month)
            for c in capacity
        ],
        dtype=np.float64,
    )
    return Candidates(program, cohort, mentors, mentees, list(kept), capacity, blocked, spare)
