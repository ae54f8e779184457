"""Intake answers to people: which rows add a person, which update one, and every problem, located.

A row is the same person as an existing one when its id or its email (any case) is theirs; a row
that names one person by id and another by email is refused rather than guessed. A new person's
id is made from their name unless the row gives one. An empty cell leaves a field as it is, so a
later export that drops a question never erases an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Problem
from generator.intake import cells
from generator.intake.cells import CellError
from generator.intake.questions import Question, default_header, questions
from generator.intake.table import Sheet, Value
from generator.model import Person, Program
from generator.references import did_you_mean
from generator.site.addresses import slug


@dataclass
class PersonChange:
    """One person added (`index` None) or updated, with the new values of the changed fields."""

    row: int
    id: str
    index: int | None
    values: dict[str, Any]
    old: dict[str, Any] = field(default_factory=dict)


@dataclass
class PeoplePlan:
    columns: dict[str, int] = field(default_factory=dict)
    """The column each person field is read from."""
    added: list[PersonChange] = field(default_factory=list)
    updated: list[PersonChange] = field(default_factory=list)
    unchanged: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {self.unchanged} unchanged, "
            f"{self.rejected} rejected"
        )


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    cells: list[Value]
    """The row as read, by column index (a short row lacks its last cells)."""
    match: int | None = None
    id: str = ""
    manager: str = ""

    def cell(self, column: int) -> Value:
        return self.cells[column] if column < len(self.cells) else None


def plan_people(program: Program, raw_people: list[dict[str, Any]], sheet: Sheet) -> PeoplePlan:
    """What importing the sheet would change, or every problem that stops it."""
    plan = PeoplePlan(problems=list(sheet.problems))
    asked = questions(program)
    columns = plan.columns = _columns(program, asked, sheet, plan.problems)
    by_field = {q.field: q for q in asked}
    if any(p.location.line == 1 for p in plan.problems):
        return plan  # a header problem makes every row's reading doubtful
    by_id = {p.id: i for i, p in enumerate(program.people)}
    by_email = {p.email.casefold(): i for i, p in enumerate(program.people) if p.email}
    seen: dict[tuple[str, str], int] = {}
    answers: dict[tuple[str, Value], Any] = {}
    reading = _reading(columns, by_field)
    rows: list[_Row] = []
    for number, values in sheet.rows:
        before = len(plan.problems)
        row = _read_row(number, values, reading, answers, sheet, plan.problems)
        _identify(row, program, by_id, by_email, columns, sheet, seen, plan.problems)
        if row.match is None:
            _required(row, columns, sheet, plan.problems)
        if len(plan.problems) > before:
            plan.rejected += 1
        else:
            rows.append(row)
    new_rows = [r.number for r in rows if r.match is None]
    if new_rows and (missing := _missing(asked, columns, sheet, new_rows)):
        plan.problems.extend(missing)
        plan.rejected += len(new_rows)
        rows = [r for r in rows if r.match is not None]
    ids = set(by_id) | {r.id for r in rows}
    emails = {**{e: program.people[i].id for e, i in by_email.items()}}
    emails.update({str(r.values["email"]).casefold(): r.id for r in rows if r.values.get("email")})
    candidates: list[str] = []
    hints: dict[str, str] = {}
    for row in rows:
        before = len(plan.problems)
        if row.manager:
            found = row.manager if row.manager in ids else emails.get(row.manager.casefold())
            if found is None:
                candidates = candidates or sorted(ids)
                hint = _hint(row.manager, candidates, hints)
                plan.problems.append(
                    sheet.at(
                        row.number,
                        columns["manager"],
                        f"{by_field['manager'].header} {row.manager!r} is not a person in the program or "
                        f"this file{hint}: write their email or id, or leave it empty",
                    )
                )
            else:
                row.values["manager"] = found
        change = _change(row, raw_people, columns, sheet, plan.problems)
        if len(plan.problems) > before:
            plan.rejected += 1
        elif change is None:
            plan.unchanged += 1
        elif change.index is None:
            plan.added.append(change)
        else:
            plan.updated.append(change)
    return plan


_HINT_WORK = 200_000
"""How many id comparisons the did-you-mean hints for unknown managers may take in all: each
compares one name with every id, so a file of thousands of unknown managers in a large program
would otherwise take minutes. Past it, problems are reported without a hint."""


def _hint(name: str, candidates: list[str], hints: dict[str, str]) -> str:
    """The did-you-mean hint for an unknown manager, once per name, within the work allowed."""
    if name not in hints:
        affordable = len(hints) * len(candidates) < _HINT_WORK
        hints[name] = did_you_mean(name, candidates) if affordable else ""
    return hints[name]


def _columns(
    program: Program, asked: list[Question], sheet: Sheet, problems: list[Problem]
) -> dict[str, int]:
    """field -> column index, from the headers (the form's, the program's, or the field name)."""
    known: dict[str, str] = {}
    for q in asked:
        known.setdefault(cells.fold(q.header), q.field)
        known.setdefault(cells.fold(q.field), q.field)
        known.setdefault(cells.fold(default_header(q.field)), q.field)
    found = cells.header_columns(
        sheet,
        known,
        {cells.fold(h) for h in program.intake.ignore_columns},
        candidates=[q.header for q in asked],
        what="an intake question",
        fix="map it to a field in [intake.columns] or list it in [intake] ignore_columns",
        problems=problems,
    )
    if sheet.headers and "email" not in found and "id" not in found:
        problems.append(
            sheet.at(
                1,
                0,
                "no Email or Id column: add one, so each row can be matched to the person it is about",
            )
        )
    return found


def _missing(
    asked: list[Question], columns: dict[str, int], sheet: Sheet, new_rows: list[int]
) -> list[Problem]:
    """Required columns absent from a file that adds people (a file that only updates may omit them)."""
    rows = ", ".join(map(str, new_rows[:5])) + (", ..." if len(new_rows) > 5 else "")
    which = f"row {rows} matches" if len(new_rows) == 1 else f"rows {rows} match"
    return [
        sheet.at(
            1,
            0,
            f"missing required column {q.header!r}: new people need it ({which} nobody in the program); "
            f"add it, or name the column that holds {q.field} in [intake.columns]",
        )
        for q in asked
        if q.required and q.field not in columns
    ]


def _read_row(
    number: int,
    values: list[Value],
    reading: list[tuple[str, int, Question, int]],
    answers: dict[tuple[str, Value], Any],
    sheet: Sheet,
    problems: list[Problem],
) -> _Row:
    """The row's values; `answers` remembers each choice and number cell already read, as a form
    export repeats the same few answers on thousands of rows."""
    row = _Row(number, {}, values)
    found = row.values
    width = len(values)
    for name, index, q, how in reading:
        cell = values[index] if index < width else None
        written = cell.strip() if type(cell) is str else cells.text(cell)
        if not written:
            continue
        if how == _AS_WRITTEN:
            found[name] = written
            continue
        if how == _REPEATED:
            value = answers.get((name, cell), _EMPTY)
            if value is _EMPTY:
                value = answers[name, cell] = _answer(q, cell, written)
        else:
            value = _answer(q, cell, written)
        if isinstance(value, CellError):
            problems.append(sheet.at(number, index, str(value)))
        else:
            found[name] = list(value) if type(value) is list else value
    row.manager = str(found.pop("manager", ""))
    return row


_AS_WRITTEN, _REPEATED, _CONVERTED = range(3)
"""How a column's cells are read: the trimmed text itself; a choice or number, which repeat
from row to row and whose reading is worth remembering; anything else, cell by cell."""


def _reading(columns: dict[str, int], by_field: dict[str, Question]) -> list[tuple[str, int, Question, int]]:
    """(field, column, question, how it is read) for every column, worked out once per file."""
    found = []
    for name, index in columns.items():
        q = by_field[name]
        if q.kind in ("choice", "number"):
            how = _REPEATED
        elif q.kind in ("text", "person") and not q.many:
            how = _AS_WRITTEN
        else:
            how = _CONVERTED
        found.append((name, index, q, how))
    return found


def _answer(q: Question, cell: Value, written: str) -> Any:
    """The cell's value, or the CellError that says why it has none."""
    try:
        if q.kind == "choice":
            if q.many:
                return cells.choice_list(cell, q.choices, q.header)
            return cells.choice(written, q.choices, q.header)
        if q.kind == "number":
            return cells.number(cell, q.header, q.low, q.high)
        if q.many:
            return cells.lines(cell)
        return written
    except CellError as error:
        return error


def _identify(
    row: _Row,
    program: Program,
    by_id: dict[str, int],
    by_email: dict[str, int],
    columns: dict[str, int],
    sheet: Sheet,
    seen: dict[tuple[str, str], int],
    problems: list[Problem],
) -> None:
    """Which person the row is about; duplicates in the file and two-person rows are problems."""
    given_id = str(row.values.get("id", ""))
    email = str(row.values.get("email", "")).casefold()
    for key, value, column in (("id", given_id, "id"), ("email", email, "email")):
        if value and (earlier := seen.get((key, value))) is not None:
            problems.append(
                sheet.at(
                    row.number,
                    columns[column],
                    f"{key} {cells.text(row.cell(columns[column]))} is also on row {earlier}: "
                    "keep one row per person",
                )
            )
            return
    by_given = by_id.get(given_id) if given_id else None
    by_mail = by_email.get(email) if email else None
    if by_given is not None and by_mail is not None and by_given != by_mail:
        problems.append(
            sheet.at(
                row.number,
                columns["id"],
                f"this row matches two people: id {given_id!r} is {program.people[by_given].name} but "
                f"email {row.cell(columns['email'])!s} is {program.people[by_mail].name}'s: correct the id "
                "or the email",
            )
        )
        return
    row.match = by_given if by_given is not None else by_mail
    if row.match is not None:
        row.id = program.people[row.match].id
    elif given_id:
        row.id = given_id
    elif row.values.get("name"):
        row.id = slug(str(row.values["name"]))
        if row.id in by_id:
            problems.append(
                sheet.at(
                    row.number,
                    columns.get("email", 0),
                    f"new person {row.values['name']!r} would get the id {row.id!r}, which is "
                    f"{program.people[by_id[row.id]].name}'s: write their email as it is on file, or give "
                    "the new person an id in the Id column",
                )
            )
            return
        if (earlier := seen.get(("id", row.id))) is not None:
            problems.append(
                sheet.at(
                    row.number,
                    columns["name"],
                    f"new person {row.values['name']!r} would get the id {row.id!r}, as the person on row "
                    f"{earlier} does: if they are one person keep one row, else give one an id in the "
                    "Id column",
                )
            )
            return
    if not row.id:
        return  # the empty name is reported with the other required cells
    for key, value in (("id", row.id), ("email", email)):
        if value:
            seen[key, value] = row.number
    row.values["id"] = row.id


def _required(row: _Row, columns: dict[str, int], sheet: Sheet, problems: list[Problem]) -> None:
    """A new person needs every required field; an existing one keeps what an empty cell leaves."""
    for name in _REQUIRED:
        if name in columns and name not in row.values and not cells.text(row.cell(columns[name])):
            problems.append(
                sheet.at(
                    row.number,
                    columns[name],
                    f"{sheet.headers[columns[name]]} is empty: every new person needs one; fill it in",
                )
            )


_REQUIRED = tuple(name for name, info in Person.model_fields.items() if info.is_required())


def _change(
    row: _Row,
    raw_people: list[dict[str, Any]],
    columns: dict[str, int],
    sheet: Sheet,
    problems: list[Problem],
) -> PersonChange | None:
    """The row's change; None when it changes nothing. The edited program is validated as a
    whole (`located_in_sheet` points its problems back at the rows), once, not row by row."""
    if row.match is None:  # a new person: every answer is a change, an empty one is left out
        given = {name: value for name, value in row.values.items() if value != "" and value != []}
        return PersonChange(row.number, row.id, None, given) if given else None
    old = raw_people[row.match]
    if "email" in old and str(old["email"]).casefold() == str(row.values.get("email", "")).casefold():
        row.values["email"] = old["email"]  # the same address, however the form capitalised it
    changed = {name: value for name, value in row.values.items() if old.get(name, _EMPTY) != value}
    changed = {name: value for name, value in changed.items() if not (name not in old and value in ("", []))}
    if not changed:
        return None
    return PersonChange(row.number, row.id, row.match, changed, {k: old[k] for k in changed if k in old})


_EMPTY = object()


_PERSON_PATH = re.compile(r"^people\[(\d+)\](?:\.([A-Za-z_]+))?")


def located_in_sheet(
    plan: PeoplePlan, problems: list[Problem], existing: int, sheet: Sheet
) -> list[Problem] | None:
    """The edited program's problems at the rows and cells they came from, the rows rejected; None
    when a problem is not about an imported person (then the import is not its cause)."""
    changes = {c.index: c for c in plan.updated} | {existing + k: c for k, c in enumerate(plan.added)}
    located: list[Problem] = []
    for problem in problems:
        found = _PERSON_PATH.match(problem.path)
        change = changes.get(int(found[1])) if found else None
        if found is None or change is None:
            return None
        column = plan.columns.get(found[2] or "", 0)
        located.append(sheet.at(change.row, column, problem.message))
    rows = {p.location.line for p in located}
    plan.rejected += len(rows)
    plan.added = [c for c in plan.added if c.row not in rows]
    plan.updated = [c for c in plan.updated if c.row not in rows]
    return located
