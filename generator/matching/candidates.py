"""Who can be matched in a cohort, how many mentees each mentor can still take, and which
mentor-mentee candidates the hard constraints rule out (and why).

Capacity follows the workload policy (`generator.policies.workload`), the same one HB101
checks: the pairs a mentor may run at once, minus the most pairs they already run on any one day
of this cohort (in this cohort or any other).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property

import numpy as np

from generator.model import Cohort, Pair, Person, Program
from generator.policies.workload import PairWindow, WorkloadLimit, busiest, limit_for


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
    busy: int  # the most pairs they already run on one day of the cohort, in any cohort
    hours_limit: float

    @property
    def free(self) -> int:
        return max(0, self.allowed - self.busy)


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
    mentors: list[Person] = []
    mentees: list[Person] = []
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


def capacities(
    program: Program,
    cohort: Cohort,
    mentors: list[Person],
    kept: Iterable[Pair],
    limit: WorkloadLimit | None = None,
) -> list[Capacity]:
    """Each mentor's room for new pairs that run through the whole cohort.

    Counted as HB101 counts: every pair in the program except this cohort's pairs that are not
    kept (they are being matched again).
    """
    limit = limit or limit_for(program)
    kept_ids = {id(pair) for pair in kept}
    replaced = {id(pair) for pair in cohort.pairs if id(pair) not in kept_ids and pair.state != "rebalanced"}
    windows: dict[str, list[PairWindow]] = {}
    for c, other in enumerate(program.cohorts):
        for p, pair in enumerate(other.pairs):
            if id(pair) not in replaced:
                start, end = other.window(pair)
                windows.setdefault(pair.mentor, []).append((start, end, ("cohorts", c, "pairs", p)))
    period = (cohort.start, cohort.end)
    return [
        Capacity(
            allowed=limit.pairs_allowed(mentor),
            busy=len(busiest(windows.get(mentor.id, []), within=period)),
            hours_limit=limit.hours_for(mentor),
        )
        for mentor in mentors
    ]


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
    limit: WorkloadLimit | None = None,
) -> Candidates:
    """The cohort's matching problem: kept pairs default to every pair not rebalanced."""
    mentors, everyone = sides_of(program, cohort)
    if kept is None:
        kept = [p for p in cohort.pairs if p.state != "rebalanced"]
    matched = {p.mentee for p in kept}
    mentees = [p for p in everyone if p.id not in matched]
    limit = limit or limit_for(program)
    capacity = capacities(program, cohort, mentors, kept, limit)
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
    for mentor_id, mentee_id in {*earlier_pairs(program, cohort), *forbidden}:
        block(mentor_id, mentee_id, Blocked.EARLIER_PAIR)
    for person in mentees:
        for boss in reporting_lines(program, person):
            block(boss, person.id, Blocked.REPORTING_LINE)

    spare = np.array(
        [max(0.0, c.hours_limit - c.busy * limit.hours_per_pair) for c in capacity], dtype=np.float64
    )
    return Candidates(program, cohort, mentors, mentees, list(kept), capacity, blocked, spare)
