"""Session logs and pulse-survey exports to a cohort's progress records.

Each row names a pair (mentor and mentee by id, email or name) and a date, and records what its
filled columns say: a session (kind, minutes), feedback (by and the four 1-5 ratings), a
milestone reached (milestone, evidence) or a behaviour indicator (indicator, level); one row may
record several. An entry equal to one already in the records is left out, so importing the same
export twice adds nothing and a later export adds only its new rows.

The records file is edited with tomlkit, which keeps every comment and untouched line; new
entries follow the style of the array they join.
"""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from generator.diagnostics import Problem
from generator.intake import cells
from generator.intake.cells import CellError
from generator.intake.questions import Choice, default_header
from generator.intake.table import Sheet, Value
from generator.model import Cohort, Pair, Program, RecordColumn
from generator.records.model import FEEDBACK_SCALES, SESSION, Behaviour, Feedback, Session
from generator.references import did_you_mean

COLUMNS: tuple[RecordColumn, ...] = typing.get_args(RecordColumn)
"""Every records column, in the order of `RecordColumn`."""
REQUIRED: tuple[RecordColumn, ...] = ("mentor", "mentee", "date")


@dataclass
class Entry:
    """One record to add: the pair's array it joins and its values in the file's key order."""

    row: int
    mentor: str
    mentee: str
    array: str
    values: dict[str, Any]


@dataclass
class RecordsPlan:
    entries: list[Entry] = field(default_factory=list)
    already: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        rows = "row" if self.rejected == 1 else "rows"
        return f"{len(self.entries)} added, {self.already} already recorded, {self.rejected} {rows} rejected"


def plan_records(program: Program, cohort: Cohort, existing: dict[str, Any], sheet: Sheet) -> RecordsPlan:
    """The entries the sheet adds to the cohort's records (`existing`: the file's data, or {})."""
    plan = RecordsPlan(problems=list(sheet.problems))
    columns = _columns(program, sheet, plan.problems)
    if any(p.location.line == 1 for p in plan.problems):
        return plan
    people = _people(program)
    recorded = _recorded(existing)
    for number, values in sheet.rows:
        before = len(plan.problems)
        reader = _Row(number, values, columns, sheet, plan.problems)
        entries = _entries(reader, program, cohort, people)
        if len(plan.problems) > before:
            plan.rejected += 1
            continue
        for entry in entries:
            key = _key(entry.mentor, entry.mentee, entry.array, entry.values)
            if key in recorded:
                plan.already += 1
            else:
                recorded.add(key)
                plan.entries.append(entry)
    return plan


def _columns(program: Program, sheet: Sheet, problems: list[Problem]) -> dict[str, int]:
    mapping = program.intake.records_columns
    # A mapped header is read as well as the default one: a session log and a survey may differ.
    known = {cells.fold(default_header(name)): name for name in COLUMNS}
    known.update({cells.fold(header): name for name, header in mapping.items()})
    found = cells.header_columns(
        sheet,
        known,
        {cells.fold(h) for h in program.intake.records_ignore_columns},
        candidates=[mapping.get(name) or default_header(name) for name in COLUMNS],
        what="a records column",
        fix="map it in [intake.records_columns] or list it in [intake] ignore_columns",
        problems=problems,
    )
    if sheet.headers:
        for required in REQUIRED:
            if required not in found:
                header = mapping.get(required) or default_header(required)
                problems.append(
                    sheet.at(
                        1,
                        0,
                        f"missing required column {header!r}: add it, or name the column that holds the "
                        f"{required} in [intake.records_columns]",
                    )
                )
    return found


def _people(program: Program) -> dict[str, str]:
    """Every way a row may name a person (id, email, name; folded) -> their id."""
    found: dict[str, str] = {}
    for person in program.people:
        for way in (person.name, person.email, person.id):
            if way:
                found[cells.fold(way)] = person.id
    return found


class _Row:
    """One row's cells by column name, reporting each unreadable cell once."""

    def __init__(
        self, number: int, values: list[Value], columns: dict[str, int], sheet: Sheet, problems: list[Problem]
    ) -> None:
        self.number, self.columns, self.sheet, self.problems = number, columns, sheet, problems
        self.cells = {name: values[i] if i < len(values) else None for name, i in columns.items()}

    def filled(self, name: str) -> bool:
        return bool(cells.text(self.cells.get(name)))

    def problem(self, name: str, message: str) -> None:
        self.problems.append(self.sheet.at(self.number, self.columns.get(name, 0), message))

    def header(self, name: str) -> str:
        return self.sheet.headers[self.columns[name]] if name in self.columns else default_header(name)

    def get(self, name: str, convert: Any) -> Any:
        """The converted cell, or None (and a problem) when it cannot be read or is empty."""
        if not self.filled(name):
            return None
        try:
            return convert(self.cells[name], self.header(name))
        except CellError as error:
            self.problem(name, str(error))
            return None

    def need(self, name: str, what: str) -> None:
        if not self.filled(name):
            self.problem(name, f"{self.header(name)} is empty: {what}; fill it in")


def _entries(row: _Row, program: Program, cohort: Cohort, people: dict[str, str]) -> list[Entry]:
    for name in REQUIRED:
        row.need(name, "every row names its pair and a date")
    mentor = row.get("mentor", lambda v, h: _person(v, h, people))
    mentee = row.get("mentee", lambda v, h: _person(v, h, people))
    when: dt.date | None = row.get("date", lambda v, h: cells.date(v, h, program.intake.date_format))
    pair = _pair(row, cohort, mentor, mentee) if mentor and mentee else None
    if pair is None or when is None:
        return []
    start, end = pair.start or cohort.start, pair.end or cohort.end
    if not start <= when <= end:
        row.problem(
            "date",
            f"{row.header('date')} {cells.text(row.cells['date'])!r} is outside the pair's window, "
            f"{start} to {end}: check the date, or the row belongs to another cohort",
        )
    entries: list[Entry] = []

    def add(array: str, values: dict[str, Any]) -> None:
        entries.append(Entry(row.number, pair.mentor, pair.mentee, array, {"date": when, **values}))

    if row.filled("kind") or row.filled("minutes"):
        kinds = [Choice(SESSION, "Session"), *(Choice(c.id, c.name) for c in program.cadences)]
        kind = row.get("kind", lambda v, h: cells.choice(cells.text(v), kinds, h)) or SESSION
        minutes = row.get("minutes", lambda v, h: _whole(v, h, *_bounds(Session, "minutes")))
        session: dict[str, Any] = {"kind": kind}
        if minutes is not None:
            session["minutes"] = minutes
        add("sessions", session)
    if row.filled("by") or any(row.filled(s) for s in FEEDBACK_SCALES):
        by = row.get("by", lambda v, h: cells.choice(cells.text(v), _SIDES, h))
        row.need("by", "feedback says who gave it (mentor or mentee)")
        ratings = {
            s: row.get(s, lambda v, h: _whole(v, h, *_bounds(Feedback, "clarity"))) for s in FEEDBACK_SCALES
        }
        for scale in FEEDBACK_SCALES:
            row.need(scale, "feedback has all four ratings, each 1 to 5")
        if by and all(r is not None for r in ratings.values()):
            add("feedback", {"by": by, **ratings})
    if row.filled("milestone") or row.filled("evidence"):
        due = program.contract_for(pair).milestones or []
        choices = [Choice(m.id, m.title) for m in program.milestones if m.id in due]
        milestone = row.get("milestone", lambda v, h: cells.choice(cells.text(v), choices, h))
        row.need("milestone", "a milestone row names the milestone reached")
        row.need("evidence", "a milestone reached needs its evidence")
        if milestone and row.filled("evidence"):
            add(
                "milestones",
                {"milestone": milestone, "evidence": " ".join(cells.lines(row.cells["evidence"]))},
            )
    if row.filled("indicator") or row.filled("level"):
        choices = [Choice(m.id, m.name) for m in program.metrics if m.category == "behaviour"]
        indicator = row.get("indicator", lambda v, h: cells.choice(cells.text(v), choices, h))
        level = row.get("level", lambda v, h: _whole(v, h, *_bounds(Behaviour, "level")))
        row.need("indicator", "a behaviour observation names its indicator")
        row.need("level", "a behaviour observation has a level from 1 to 5")
        if indicator and level is not None:
            add("behaviours", {"indicator": indicator, "level": level})
    if not entries and not any(p.location.line == row.number for p in row.problems):
        row.problem(
            "date",
            "this row records nothing: fill Kind or Minutes for a session, By and the ratings for "
            "feedback, Milestone and Evidence, or Indicator and Level",
        )
    return entries


_SIDES = [Choice("mentor", "Mentor"), Choice("mentee", "Mentee")]


def _person(value: Value, header: str, people: dict[str, str]) -> str:
    written = cells.text(value)
    found = people.get(cells.fold(written))
    if found is None:
        hint = did_you_mean(written, sorted(set(people.values())))
        raise CellError(
            f"{header} {written!r} is not a person in the program{hint}: write their id, email or name"
        )
    return found


def _bounds(model: type[BaseModel], field: str) -> tuple[int, int]:
    """A whole number's range as the records model sets it (the 1-5 scales, minutes)."""
    metadata = model.model_fields[field].metadata
    low = next((m.ge for m in metadata if hasattr(m, "ge")), None)
    if low is None:
        low = next(m.gt for m in metadata if hasattr(m, "gt")) + 1
    return int(low), int(next(m.le for m in metadata if hasattr(m, "le")))


def _whole(value: Value, header: str, low: int, high: int) -> int:
    figure = cells.number(value, header, low, high)
    if not isinstance(figure, int):
        raise CellError(f"{header} {cells.text(value)!r} is not a whole number from {low} to {high}")
    return figure


def _pair(row: _Row, cohort: Cohort, mentor: str, mentee: str) -> Pair | None:
    for pair in cohort.pairs:
        if (pair.mentor, pair.mentee) == (mentor, mentee):
            return pair
    names = [f"{p.mentor} -> {p.mentee}" for p in cohort.pairs]
    hint = did_you_mean(f"{mentor} -> {mentee}", names)
    fix = "check the names, or import into the cohort they are paired in"
    row.problem(
        "mentee",
        f"{mentor} and {mentee} are not a pair in cohort {cohort.id!r}"
        + (f"{hint} Otherwise {fix}" if hint else f": {fix}"),
    )
    return None


def _plain(value: Any) -> Any:
    """tomlkit items and dicts as hashable plain values, for comparing entries."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), _plain(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def _key(mentor: str, mentee: str, array: str, values: dict[str, Any]) -> tuple[Any, ...]:
    shown = dict(values)
    if array == "sessions":
        shown.setdefault("kind", SESSION)
    return (mentor, mentee, array, _plain(shown))


def _recorded(existing: dict[str, Any]) -> set[tuple[Any, ...]]:
    """Every entry already in the records file, keyed as imported rows are."""
    found: set[tuple[Any, ...]] = set()
    for pair in existing.get("pairs") or []:
        if not isinstance(pair, dict):
            continue
        for array in ("sessions", "feedback", "milestones", "behaviours"):
            for entry in pair.get(array) or []:
                if isinstance(entry, dict):
                    # A comment or note added by hand does not make an entry a new one.
                    values = {k: v for k, v in entry.items() if k not in ("comment", "note")}
                    found.add(_key(str(pair.get("mentor")), str(pair.get("mentee")), array, values))
    return found
