"""Records -> the only figures the handbook may publish: aggregates over at least k people.

Individual progress is private (P15). Every figure here is a total or an average over a group,
and a figure whose group has fewer than `[records] min_group_size` mentees is suppressed. The
program-wide figure is the sum of the cohort figures, so hiding one small cohort is not enough
(subtracting the shown cohorts from the total would reveal it): more cohorts, or in the end the
total itself, are hidden until the hidden groups together hold at least k people.

The result holds numbers only, never names, ids, dates of a single pair or free text.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from generator.model import Cohort, Pair, Program
from generator.records.loading import ProgressRecords
from generator.records.model import FEEDBACK_SCALES, PairRecord
from generator.site.schedule import cohort_schedule

PROGRAM = "*"
"""The scope of program-wide figures (cohort ids cannot contain '*')."""

Key = tuple[str, ...]


@dataclass
class Tally:
    """A running sum over a group of mentees: numerator / denominator, and who is in it."""

    numerator: float = 0.0
    denominator: float = 0.0
    people: set[str] = field(default_factory=set)

    def add(self, numerator: float, denominator: float, person: str) -> None:
        self.numerator += numerator
        self.denominator += denominator
        self.people.add(person)


@dataclass(frozen=True)
class Figure:
    """A published number: `value` of `total` (or a mean when `total` is None) over `people`."""

    value: float
    total: float | None
    people: int

    @property
    def ratio(self) -> float | None:
        return self.value / self.total if self.total else None


@dataclass
class Aggregates:
    """Figures per scope (a cohort id, or PROGRAM) and key; a suppressed figure is simply absent."""

    min_group_size: int
    as_of: dt.date
    figures: dict[str, dict[Key, Figure]] = field(default_factory=dict)
    suppressed: dict[str, int] = field(default_factory=dict)  # how many figures each scope lost
    scopes_with_records: list[str] = field(default_factory=list)
    withheld_keys: set[tuple[str, Key]] = field(default_factory=set)

    def get(self, scope: str, *key: str) -> Figure | None:
        return self.figures.get(scope, {}).get(key)

    def withheld(self, scope: str, *prefix: str) -> bool:
        """Whether a figure under `prefix` exists for `scope` but is hidden for its small group."""
        n = len(prefix)
        return any(s == scope and k[:n] == prefix for s, k in self.withheld_keys)

    def keys(self, scope: str, prefix: str) -> list[Key]:
        return sorted(k for k in self.figures.get(scope, {}) if k[0] == prefix)


def _planned_sessions(
    program: Program, cohort: Cohort, pair: Pair, until: dt.date
) -> dict[str, list[dt.date]]:
    """The dates of the alignment checks and check-ins in the pair's contract, by cadence id, up
    to `until`: the sessions its schedule page and calendars show (working days, closed dates),
    so a figure never counts against dates the pair was not given."""
    ids = set(program.contract_for(pair).cadences or [])
    cadences = [
        c
        for c in program.cadences
        if c.id in ids and c.every is not None and c.kind in ("alignment-check", "check-in")
    ]
    start, end = cohort.window(pair)
    closed = frozenset(program.calendar.closed_dates)
    planned: dict[str, list[dt.date]] = {c.id: [] for c in cadences}
    for session in cohort_schedule(cadences, start, min(until, end), closed=closed):
        planned[session.cadence].append(session.date)
    return planned


def _held_against_plan(planned: dict[str, list[dt.date]], held: dict[str, list[dt.date]]) -> int:
    """How many planned sessions were held: a planned date counts once when a session of its kind
    falls nearer to it than to the kind's other planned dates. Extra, duplicate or unplanned
    sessions fill no other date, so the share never goes over 100 %."""
    count = 0
    for kind, dates in planned.items():
        if not dates:
            continue
        bounds = [a + (b - a) / 2 for a, b in pairwise(dates)]  # a date's slot ends halfway to the next
        count += len({bisect_right(bounds, day) for day in held.get(kind, [])})
    return count


def cohort_month(cohort: Cohort, day: dt.date) -> int:
    """The month of the cohort a day falls in: 1 for the month it starts in, and so on."""
    return (day.year - cohort.start.year) * 12 + day.month - cohort.start.month + 1


def _tally_pair(
    program: Program,
    cohort: Cohort,
    pair: Pair,
    record: PairRecord | None,
    as_of: dt.date,
    add: Callable[[Key, float, float, str], None],
) -> None:
    mentee = pair.mentee
    sessions = [s for s in record.sessions if s.date <= as_of] if record else []
    start = pair.start or cohort.start
    last_day = min(as_of, pair.end or cohort.end)
    planned = _planned_sessions(program, cohort, pair, as_of)
    in_plan: dict[str, list[dt.date]] = defaultdict(list)
    for session in sessions:
        if session.kind in planned and start <= session.date <= last_day:
            in_plan[session.kind].append(session.date)
    total = sum(len(dates) for dates in planned.values())
    add(("sessions",), _held_against_plan(planned, in_plan), total, mentee)
    add(("sessions-all",), len(sessions), 0, mentee)
    add(("session-minutes",), sum(s.minutes or 0 for s in sessions), 0, mentee)
    reached = {m.milestone: m.date for m in record.milestones} if record else {}
    for milestone_id in program.contract_for(pair).milestones or []:
        milestone = program.milestone(milestone_id)
        due = milestone.due_date(start) <= last_day
        done = milestone_id in reached and reached[milestone_id] <= as_of
        if due or done:
            add(("milestone", milestone_id), 1 if done else 0, 1 if due else 0, mentee)
        if done:
            add(("milestones-reached",), 1, 0, mentee)
    if record is None:
        return
    for entry in record.feedback:
        if entry.date > as_of:
            continue
        month = f"{cohort_month(cohort, entry.date):02d}"  # aligned by cohort month, not calendar
        for scale in FEEDBACK_SCALES:
            add(("feedback", scale, month), entry.score(scale), 1, mentee)
    latest: dict[str, int] = {}
    for obs in sorted(record.behaviours, key=lambda b: b.date):
        if obs.date <= as_of:
            latest[obs.indicator] = obs.level
    for indicator, level in latest.items():
        add(("indicator", indicator), level, 1, mentee)
    outcomes = [o for o in record.outcomes if o.date <= as_of]
    if outcomes:
        trimmed = PairRecord(mentor=pair.mentor, mentee=mentee, outcomes=outcomes)
        promoted, project = trimmed.latest_outcome("promoted"), trimmed.latest_outcome("project")
        collaboration = trimmed.latest_outcome("collaboration")
        if promoted is not None:
            add(("outcome", "promoted"), 1 if promoted else 0, 1, mentee)
        if project is not None:
            add(("outcome", "project-achieved"), 1 if project == "achieved" else 0, 1, mentee)
        if collaboration is not None:
            add(("outcome", "collaboration"), float(collaboration), 1, mentee)  # type: ignore[arg-type]


_COUNTS = {"sessions", "sessions-all", "session-minutes", "milestone", "milestones-reached"}
"""Keys whose figure is a count with a total; the rest are means (numerator / denominator)."""


def aggregate(
    program: Program, records: ProgressRecords, as_of: dt.date, min_group_size: int | None = None
) -> Aggregates:
    """Program-wide and per-cohort figures from the records, with small groups suppressed."""
    k = group_minimum(program, min_group_size)
    tallies: dict[str, dict[Key, Tally]] = defaultdict(lambda: defaultdict(Tally))
    result = Aggregates(min_group_size=k, as_of=as_of)
    for cohort in program.cohorts:
        if cohort.id not in records.files:
            continue  # no records kept for this cohort (yet): nothing to publish
        result.scopes_with_records.append(cohort.id)

        def add(key: Key, numerator: float, denominator: float, person: str, _c: str = cohort.id) -> None:
            tallies[_c][key].add(numerator, denominator, person)
            tallies[PROGRAM][key].add(numerator, denominator, person)

        for pair in cohort.pairs:
            _tally_pair(program, cohort, pair, records.for_pair(cohort, pair), as_of, add)
            add(("mentees",), 0, 0, pair.mentee)
    hidden = _suppress(tallies, k)
    result.withheld_keys = hidden
    for scope, by_key in tallies.items():
        shown = result.figures.setdefault(scope, {})
        for key, tally in by_key.items():
            if (scope, key) in hidden:
                result.suppressed[scope] = result.suppressed.get(scope, 0) + 1
                continue
            if key[0] in _COUNTS:
                total = tally.denominator if key[0] in ("sessions", "milestone") else None
                shown[key] = Figure(tally.numerator, total, len(tally.people))
            elif key[0] == "mentees":
                shown[key] = Figure(len(tally.people), None, len(tally.people))
            elif tally.denominator:
                shown[key] = Figure(tally.numerator / tally.denominator, None, len(tally.people))
    return result


def _suppress(tallies: dict[str, dict[Key, Tally]], k: int) -> set[tuple[str, Key]]:
    """(scope, key) pairs to hide: small groups, and enough others that no difference reveals them."""
    hidden: set[tuple[str, Key]] = set()
    for key, whole in tallies.get(PROGRAM, {}).items():
        parts = {scope: t[key].people for scope, t in tallies.items() if scope != PROGRAM and key in t}
        if len(whole.people) < k:
            hidden.add((PROGRAM, key))
            hidden.update((scope, key) for scope in parts)
            continue
        pooled, whole_hidden = pooled_groups(parts, k)
        if whole_hidden:
            hidden.add((PROGRAM, key))
        hidden.update((scope, key) for scope in pooled)
    return hidden


def pooled_groups(groups: dict[str, set[str]], k: int) -> tuple[set[str], bool]:
    """The groups that may not be shown on their own, and whether the total must go too.

    Every group of fewer than k people is hidden; as the total is shown, the hidden groups together
    must hold k people too (or the total minus the shown groups reveals them), so the smallest
    shown groups join them until they do. If all of them together hold fewer than k, the total
    is hidden as well. The one small-group rule of the handbook: progress figures per cohort and
    a sponsor page's representation by division, geography and career stage both follow it.
    """
    small = {name for name, people in groups.items() if len(people) < k}
    if not small:
        return set(), False
    people: set[str] = set().union(*(groups[name] for name in small))
    rest = sorted((name for name in groups if name not in small), key=lambda name: (len(groups[name]), name))
    while len(people) < k:
        if not rest:
            return small, True
        extra = rest.pop(0)
        small.add(extra)
        people |= groups[extra]
    return small, False


def group_minimum(program: Program, min_group_size: int | None = None) -> int:
    """k: the fewest people a published figure may be over (`[records] min_group_size`, at least 3)."""
    return max(3, min_group_size if min_group_size is not None else program.records.min_group_size)
