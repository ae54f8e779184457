"""Program + records -> the progress concerns an owner should act on early (P25).

Four checks, each a plain function so the rules in `plugins/progress.py` stay thin:
a stalling pair, an overdue milestone, a finished cohort without end reviews, and a sustained
drop in feedback. Each concern points at the pair or cohort in program.toml, where the owner
acts (rebalance, extend, follow up); messages carry dates and scores, never free text from
the records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from statistics import fmean

from generator.model import Cohort, Pair, Program
from generator.records.loading import ProgressRecords
from generator.records.model import FEEDBACK_SCALES, PairRecord
from generator.source import KeyPath

STALL_FACTOR = 1.5
DROP_ENTRIES = 3
DROP_POINTS = 1.0


@dataclass(frozen=True)
class Concern:
    path: KeyPath
    message: str


def _running_pairs(
    program: Program, records: ProgressRecords, today: dt.date
) -> Iterator[tuple[int, Cohort, int, Pair, PairRecord | None]]:
    """Active pairs of cohorts that keep records and have started by `today`."""
    for i, cohort in enumerate(program.cohorts):
        if cohort.id not in records.files or cohort.start > today:
            continue
        for j, pair in enumerate(cohort.pairs):
            ended = pair.end is not None and pair.end < today
            if pair.state == "active" and not ended and (pair.start or cohort.start) <= today:
                yield i, cohort, j, pair, records.for_pair(cohort, pair)


def stalling_pairs(
    program: Program, records: ProgressRecords, today: dt.date, factor: float = STALL_FACTOR
) -> Iterator[Concern]:
    """No session for longer than `factor` times the pair's alignment-check interval."""
    for i, cohort, j, pair, record in _running_pairs(program, records, today):
        if today > cohort.end:
            continue  # a finished cohort is judged by its end review instead
        ids = set(program.contract_for(pair).cadences or [])
        intervals = [
            c.every
            for c in program.cadences
            if c.id in ids and c.kind == "alignment-check" and c.every is not None
        ]
        if not intervals:
            continue
        every = min(intervals, key=lambda e: e.approx_days)
        last = record.last_session() if record else None
        since = last or pair.start or cohort.start
        idle = (today - since).days
        if idle > factor * every.approx_days:
            what = f"no session since {last}" if last else f"no session recorded since it started on {since}"
            yield Concern(
                ("cohorts", i, "pairs", j),
                f"pair {pair.mentor} -> {pair.mentee} is stalling: {what} ({idle} days; its alignment "
                f"check is every {every}): talk to the pair and consider rebalancing",
            )


def overdue_milestones(program: Program, records: ProgressRecords, today: dt.date) -> Iterator[Concern]:
    """A milestone of the pair's contract that is past its due date and not reached."""
    for i, cohort, j, pair, record in _running_pairs(program, records, today):
        if today > (pair.end or cohort.end):
            continue  # once the pair is over, the end review is where unmet milestones are discussed
        reached = {m.milestone for m in record.milestones} if record else set()
        start = pair.start or cohort.start
        for milestone_id in program.contract_for(pair).milestones or []:
            if milestone_id in reached:
                continue
            due = program.milestone(milestone_id).due_date(start)
            if due < today:
                yield Concern(
                    ("cohorts", i, "pairs", j),
                    f"milestone {milestone_id!r} of pair {pair.mentor} -> {pair.mentee} was due on {due} "
                    f"and is not recorded as reached ({(today - due).days} days overdue)",
                )


def missing_end_reviews(program: Program, records: ProgressRecords, today: dt.date) -> Iterator[Concern]:
    """A cohort past its end where pairs have no end-review session recorded."""
    end_kinds = {c.id for c in program.cadences if c.kind == "end-review"}
    for i, cohort in enumerate(program.cohorts):
        if cohort.end >= today or cohort.id not in records.files:
            continue
        pairs = [p for p in cohort.pairs if p.state != "rebalanced"]
        missing = 0
        for pair in pairs:
            record = records.for_pair(cohort, pair)
            if not record or not any(s.kind in end_kinds for s in record.sessions):
                missing += 1
        if missing:
            kinds = ", ".join(repr(k) for k in sorted(end_kinds)) or "an end-review cadence id"
            yield Concern(
                ("cohorts", i, "end"),
                f"cohort {cohort.id!r} ended on {cohort.end} but {missing} of {len(pairs)} pairs have no "
                f"end review recorded (a session with kind {kinds}): hold and record the end reviews",
            )


def feedback_drops(
    program: Program,
    records: ProgressRecords,
    today: dt.date,
    entries: int = DROP_ENTRIES,
    points: float = DROP_POINTS,
) -> Iterator[Concern]:
    """One side's feedback fell at each of its last `entries` ratings, by `points` or more overall."""
    for i, _cohort, j, pair, record in _running_pairs(program, records, today):
        if record is None:
            continue
        for side in ("mentee", "mentor"):
            ratings = sorted(
                (f for f in record.feedback if f.by == side and f.date <= today), key=lambda f: f.date
            )[-entries:]
            if len(ratings) < entries:
                continue
            means = [fmean(f.score(s) for s in FEEDBACK_SCALES) for f in ratings]
            falling = all(later < earlier for earlier, later in pairwise(means))
            if falling and means[0] - means[-1] >= points:
                yield Concern(
                    ("cohorts", i, "pairs", j),
                    f"feedback from the {side} of pair {pair.mentor} -> {pair.mentee} fell from "
                    f"{means[0]:.1f} to {means[-1]:.1f} over its last {entries} ratings "
                    f"({ratings[0].date} to {ratings[-1].date}): follow up with the pair",
                )
