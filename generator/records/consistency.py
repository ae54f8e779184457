"""Progress records against the program: every pair, milestone, cadence and date must fit.

Like `generator.references`, this reads the raw TOML data, so a record naming an unknown pair is
reported in the same run as a wrong type elsewhere in the file. Values of the wrong shape are
skipped here: validation reports them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from generator.diagnostics import Problem
from generator.model import Cohort, Pair, Program
from generator.records.model import SESSION
from generator.references import did_you_mean
from generator.source import KeyPath, Source


def _items(node: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    value = node.get(key) if isinstance(node, dict) else None
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


class RecordChecker:
    """Checks one records file; `seen_cohorts` spans files so a cohort is kept in one place."""

    def __init__(self, program: Program, seen_cohorts: dict[str, str]) -> None:
        self.program = program
        self.cohorts = {c.id: c for c in program.cohorts}
        self.cadences = {c.id for c in program.cadences}
        self.milestones = {m.id for m in program.milestones}
        self.metrics = {m.id: m for m in program.metrics}
        self.seen_cohorts = seen_cohorts

    def check(self, source: Source) -> list[Problem]:
        problems: list[Problem] = []

        def error(path: KeyPath, message: str, related: tuple[tuple[KeyPath, str], ...] = ()) -> None:
            problems.append(source.problem(path, message, related=related))

        data = source.data
        cohort_id = data.get("cohort")
        if not isinstance(cohort_id, str):
            return problems  # missing or of the wrong type: validation says so
        cohort = self.cohorts.get(cohort_id)
        if cohort is None:
            error(
                ("cohort",),
                f"unknown cohort {cohort_id!r}{did_you_mean(cohort_id, set(self.cohorts))} "
                "(cohort ids are declared in [[cohorts]] of program.toml)",
            )
            return problems
        first = self.seen_cohorts.setdefault(cohort_id, source.display)
        if first != source.display:
            error(
                ("cohort",),
                f"cohort {cohort_id!r} already has a records file ({first}): keep one file per cohort",
            )
        pairs = {(p.mentor, p.mentee): p for p in cohort.pairs}
        recorded: dict[tuple[str, str], int] = {}
        for i, record in _items(data, "pairs"):
            mentor, mentee = record.get("mentor"), record.get("mentee")
            if not isinstance(mentor, str) or not isinstance(mentee, str):
                continue
            pair = pairs.get((mentor, mentee))
            if pair is None:
                error(("pairs", i, "mentee"), self._unknown_pair(cohort, mentor, mentee))
                continue
            if (mentor, mentee) in recorded:
                first_record: KeyPath = ("pairs", recorded[(mentor, mentee)], "mentee")
                line = source.positions.locate(first_record).line
                error(
                    ("pairs", i, "mentee"),
                    f"the pair {mentor} -> {mentee} is already recorded on line {line}: merge the records",
                    ((first_record, "first recorded here"),),
                )
                continue
            recorded[(mentor, mentee)] = i
            for problem_path, message in self._pair_problems(cohort, pair, record):
                error(("pairs", i, *problem_path), message)
        return problems

    def _unknown_pair(self, cohort: Cohort, mentor: str, mentee: str) -> str:
        text = f"unknown pair {mentor} -> {mentee}: cohort {cohort.id!r} has no such pair"
        with_mentee = [p.mentor for p in cohort.pairs if p.mentee == mentee]
        with_mentor = [p.mentee for p in cohort.pairs if p.mentor == mentor]
        if with_mentee:
            return f"{text}; {mentee!r} is paired with {', '.join(repr(m) for m in with_mentee)}"
        if with_mentor:
            return f"{text}; {mentor!r} mentors {', '.join(repr(m) for m in with_mentor)}"
        names = [f"{p.mentor} -> {p.mentee}" for p in cohort.pairs]
        hint = did_you_mean(f"{mentor} -> {mentee}", names)
        return f"{text}{hint} (pairs are declared in [[cohorts.pairs]])"

    def _pair_problems(
        self, cohort: Cohort, pair: Pair, record: dict[str, Any]
    ) -> Iterator[tuple[KeyPath, str]]:
        start = pair.start or cohort.start
        end = pair.end or cohort.end
        window = f"the pair's window is {start} to {end}"

        def within(path: KeyPath, entry: dict[str, Any], what: str, until_end: bool = True) -> Iterator:
            when = _date(entry.get("date"))
            if when is None:
                return
            if when < start:
                yield (*path, "date"), f"{what} dated {when} is before the pair started: {window}"
            elif until_end and when > end:
                ended = "the pair ended" if pair.end else f"cohort {cohort.id!r} ended"
                yield (*path, "date"), f"{what} dated {when} is after {ended}: {window}"

        for j, session in _items(record, "sessions"):
            yield from within(("sessions", j), session, "a session")
            kind = session.get("kind")
            if isinstance(kind, str) and kind != SESSION and kind not in self.cadences:
                hint = did_you_mean(kind, {*self.cadences, SESSION})
                yield (
                    ("sessions", j, "kind"),
                    (
                        f"unknown session kind {kind!r}{hint}: use 'session' or a cadence id "
                        "declared in [[cadences]]"
                    ),
                )
        contract = self.program.contract_for(pair).milestones or []
        reached: dict[str, dict[str, Any]] = {}
        for j, entry in _items(record, "milestones"):
            yield from within(("milestones", j), entry, "a milestone")
            ident = entry.get("milestone")
            if not isinstance(ident, str):
                continue
            if ident not in self.milestones:
                yield (
                    ("milestones", j, "milestone"),
                    (
                        f"unknown milestone {ident!r}{did_you_mean(ident, self.milestones)} "
                        "(milestone ids are declared in [[milestones]])"
                    ),
                )
            elif ident not in contract:
                yield (
                    ("milestones", j, "milestone"),
                    (
                        f"milestone {ident!r} is not in this pair's contract "
                        f"(it has: {', '.join(contract) or 'none'}): add it to the contract's milestones"
                    ),
                )
            elif ident in reached:
                first = _date(reached[ident].get("date"))
                on = f" on {first}" if first else ""
                yield (
                    ("milestones", j, "milestone"),
                    f"milestone {ident!r} is already recorded as reached{on}: keep one entry",
                )
            else:
                reached[ident] = entry
        for j, entry in _items(record, "feedback"):
            yield from within(("feedback", j), entry, "feedback")
        for j, entry in _items(record, "behaviours"):
            yield from within(("behaviours", j), entry, "a behaviour observation")
            ident = entry.get("indicator")
            if not isinstance(ident, str):
                continue
            metric = self.metrics.get(ident)
            if metric is None:
                behaviours = {m.id for m in self.metrics.values() if m.category == "behaviour"}
                yield (
                    ("behaviours", j, "indicator"),
                    (
                        f"unknown indicator {ident!r}{did_you_mean(ident, behaviours)} (indicators are "
                        '[[metrics]] with category = "behaviour")'
                    ),
                )
            elif metric.category != "behaviour":
                yield (
                    ("behaviours", j, "indicator"),
                    (
                        f"metric {ident!r} has category {metric.category!r}, not 'behaviour': "
                        'record it as an outcome, or set its category to "behaviour"'
                    ),
                )
        for j, entry in _items(record, "outcomes"):
            # Outcomes such as a promotion often come after the cohort ends, so only the start bounds them.
            yield from within(("outcomes", j), entry, "an outcome", until_end=False)
