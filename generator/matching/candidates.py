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
from generator.policies.pair_quality import attribute_value
from generator.policies.working_hours import shared_hours, utc_windows
from generator.policies.workload import PairWindow, WorkloadLimit, busiest, limit_for, mentor_windows


class Blocked(IntEnum):
    """Why a candidate pair is ruled out (0: it is allowed)."""

    ALLOWED = 0
    REPORTING_LINE = 1
    EARLIER_PAIR = 2
    EXCLUDED = 3
    MENTOR_AVAILABILITY = 4
    MENTEE_AVAILABILITY = 5
    SELF = 6
    MUTUAL = 7
    DECLINED = 8
    NO_SHARED_LANGUAGE = 9
    TOO_LITTLE_OVERLAP = 10
    SAME_FIELD = 11


BLOCKED_WORDS = {
    Blocked.REPORTING_LINE: "in the mentee's reporting line",
    Blocked.EARLIER_PAIR: "already paired in an earlier cohort",
    Blocked.EXCLUDED: "excluded in [matching] exclude",
    Blocked.MENTOR_AVAILABILITY: "mentor below the minimum hours a month",
    Blocked.MENTEE_AVAILABILITY: "mentee below the minimum hours a month",
    Blocked.SELF: "the same person",
    Blocked.MUTUAL: "already mentored by the mentee",
    Blocked.DECLINED: "declined by the mentor (confidential)",
    Blocked.NO_SHARED_LANGUAGE: "no shared language",
    Blocked.TOO_LITTLE_OVERLAP: "too few shared working hours ([matching] min_overlap_hours)",
    Blocked.SAME_FIELD: "same unit ([matching] avoid_same)",
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
    same: list[tuple[int, int]] = field(default_factory=list)
    """(mentor index, mentee index) of each person with role 'both' on both sides: being
    mentored takes one of their places, and two of them may not mentor each other."""
    overlap: np.ndarray | None = None  # mentors x mentees shared working hours a day, NaN: unknown

    @cached_property
    def free(self) -> np.ndarray:
        """Each mentor's free places (computed once; callers copy before changing it)."""
        return np.array([c.free for c in self.capacity], dtype=np.int64)

    @cached_property
    def mentor_side(self) -> dict[int, int]:
        """Mentee index -> mentor index of each person in both roles."""
        return {j: i for i, j in self.same}

    @cached_property
    def mentee_side(self) -> dict[int, int]:
        """Mentor index -> mentee index of each person in both roles."""
        return {i: j for i, j in self.same}

    @cached_property
    def allowed(self) -> np.ndarray:
        """Computed once: it is a mentors x mentees mask, read for every explanation."""
        return self.blocked == Blocked.ALLOWED


def sides_of(program: Program, cohort: Cohort) -> tuple[list[Person], list[Person]]:
    """The cohort's members as mentors and mentees. Role 'both' takes both sides (or only the
    one `[matching] both_as` names)."""
    both_as = program.matching.both_as
    mentors: list[Person] = []
    mentees: list[Person] = []
    for member in dict.fromkeys(cohort.members):
        person = program.person(member)
        sides = (
            (("mentor", "mentee") if both_as == "both" else (both_as,))
            if person.role == "both"
            else (person.role,)
        )
        if "mentor" in sides:
            mentors.append(person)
        if "mentee" in sides:
            mentees.append(person)
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

    Counted as HB101 counts (a person with role 'both' counts the pairs they are mentored in
    too): every pair in the program except this cohort's pairs that are not kept (they are being
    matched again).
    """
    limit = limit or limit_for(program)
    kept_ids = {id(pair) for pair in kept}
    replaced = {id(pair) for pair in cohort.pairs if id(pair) not in kept_ids and pair.state != "rebalanced"}
    windows: dict[str, list[PairWindow]] = {}
    for person, spans in mentor_windows(program).items():
        for start, end, path in spans:
            _, c, _, p = path
            if id(program.cohorts[int(c)].pairs[int(p)]) not in replaced:
                windows.setdefault(person, []).append((start, end, path))
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
    same = [(mentor_index[p.id], j) for j, p in enumerate(mentees) if p.id in mentor_index]
    for i, j in same:
        blocked[i, j] = Blocked.SELF
    for pair in kept:  # a kept pair's mentee may not mentor their own mentor
        block(pair.mentee, pair.mentor, Blocked.MUTUAL)
    for mentor in mentors:
        for declined in mentor.confidential.declines:
            block(mentor.id, declined, Blocked.DECLINED)
    overlap = _constrain_people(program, cohort, mentors, mentees, blocked)

    spare = np.array(
        [max(0.0, c.hours_limit - c.busy * limit.hours_per_pair) for c in capacity], dtype=np.float64
    )
    return Candidates(
        program, cohort, mentors, mentees, list(kept), capacity, blocked, spare, same=same, overlap=overlap
    )


def shared_languages(mentor: Person, mentee: Person) -> list[str]:
    """The mentee's languages the mentor also speaks (compared case-insensitively)."""
    spoken = {language.casefold() for language in mentor.languages}
    return [language for language in mentee.languages if language.casefold() in spoken]


def _no_shared_language(mentors: list[Person], mentees: list[Person]) -> np.ndarray:
    """mentors x mentees: both list languages and share none. Worked out once per distinct set
    of languages and looked up for everyone."""
    kinds: dict[frozenset[str], int] = {}

    def encode(people: list[Person]) -> np.ndarray:
        found = (frozenset(language.casefold() for language in p.languages) for p in people)
        return np.array([kinds.setdefault(k, len(kinds)) for k in found], dtype=np.int64)

    mentor_code, mentee_code = encode(mentors), encode(mentees)
    sets = list(kinds)
    table = np.array([[bool(a) and bool(b) and not (a & b) for b in sets] for a in sets], dtype=bool)
    # Columns first (a small table), then whole rows copied: far faster than gathering columns.
    return table.reshape(len(sets), len(sets))[:, mentee_code][mentor_code]


def _codes(mentors: list[Person], mentees: list[Person], attribute: str) -> tuple[np.ndarray, np.ndarray]:
    """One integer per value of a profile field on both sides (as the perspective policy compares
    them); -1 where it is not stated."""
    values: dict[str, int] = {}

    def encode(people: list[Person]) -> np.ndarray:
        found = (attribute_value(p, attribute) for p in people)
        return np.array([values.setdefault(v, len(values)) if v else -1 for v in found], dtype=np.int64)

    return encode(mentors), encode(mentees)


def _constrain_people(
    program: Program, cohort: Cohort, mentors: list[Person], mentees: list[Person], blocked: np.ndarray
) -> np.ndarray:
    """Block pairs without a shared language, with too few shared working hours, or from the same
    unit (`avoid_same`); returns the shared working hours for the overlap score."""
    matching = program.matching

    def still_allowed(mask: np.ndarray, why: Blocked) -> None:
        # In place, without boolean indexing (a pass over every candidate, not a gather/scatter).
        np.copyto(blocked, np.int8(why), where=mask & (blocked == Blocked.ALLOWED))

    if matching.shared_language and mentors and mentees:
        still_allowed(_no_shared_language(mentors, mentees), Blocked.NO_SHARED_LANGUAGE)
    overlap = shared_hours(
        utc_windows(mentors, cohort.timezone, cohort.start),
        utc_windows(mentees, cohort.timezone, cohort.start),
    )
    if matching.min_overlap_hours > 0:
        with np.errstate(invalid="ignore"):
            still_allowed(overlap < matching.min_overlap_hours - 1e-9, Blocked.TOO_LITTLE_OVERLAP)
    for attribute in matching.avoid_same:
        mentor_codes, mentee_codes = _codes(mentors, mentees, attribute)
        same_value = (mentor_codes[:, None] == mentee_codes[None, :]) & (mentor_codes[:, None] >= 0)
        still_allowed(same_value, Blocked.SAME_FIELD)
    return overlap
