"""Write imported people into program.toml the way `handbook match --write` adds pairs: on the text,
at positions from the source map, with values rendered by tomlkit, so every comment and every
line the import did not change stays exactly as it was.

New people go after the last `[[people]]` table (with its sub-tables); an updated person's
changed values are replaced in place and fields they did not have yet are added at the end of
their own table, before any `[people.confidential]`.
"""

from __future__ import annotations

import re
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any, NamedTuple

from generator.intake.people import PeoplePlan, PersonChange
from generator.matching.writing import WriteRefused, _content_end, _newlines, _value
from generator.model import Person
from generator.source import Source

if TYPE_CHECKING:
    from generator.intake.records import Entry


class EditedProgram(NamedTuple):
    """The program text with an import applied, and the data that text parses to."""

    text: str
    replaced_lines: int
    """How many existing lines the edit replaces (values set on purpose)."""
    data: dict[str, Any]
    """What a TOML parser reads from `text`: the original data with the plan applied, built
    alongside the text from the same values (a property test checks that the two agree), so the
    result is validated without parsing the whole program again."""


def people_text(source: Source, plan: PeoplePlan) -> EditedProgram:
    """The program text and data with the plan applied."""
    text = source.text
    people = source.data.get("people")
    merged = list(people) if isinstance(people, list) else []
    starts: list[int] = []
    if plan.updated:
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
    edits: list[tuple[int, int, int, str]] = []  # (start, order, stop, new text)
    replaced_lines = 0
    for change in plan.updated:
        assert change.index is not None
        path = ("people", change.index)
        body = source.positions.body(path)
        if body is None:
            raise WriteRefused(
                f"{source.display}: {change.id!r} is not written as a [[people]] table, so the import "
                "cannot update it safely; make it a [[people]] table or update it by hand"
            )
        merged[change.index] = {**merged[change.index], **change.values}
        missing = []
        for name, value in change.values.items():
            if name in change.old:
                where = source.positions.locate((*path, name))
                start = starts[where.line - 1] + where.column - 1
                end_line = where.end_line or where.line
                stop = starts[end_line - 1] + where.end_column - 1
                edits.append((start, 0, stop, toml_value(value)))
                replaced_lines += end_line - where.line + 1
            else:
                missing.append(f"{name} = {toml_value(value)}\n")
        if missing:
            at = _content_end(text, *body)
            lead = "" if text[:at].endswith("\n") else "\n"
            edits.append((at, 0, at, _newlines(text, lead + "".join(missing))))
    if plan.added:
        at = _append_at(source)
        lead = "" if not text or text[:at].endswith("\n") else "\n"
        orders: dict[tuple[str, ...], tuple[str, ...]] = {}
        added = [new_person(change, orders) for change in plan.added]
        merged += added
        block = "".join(person_table(person) for person in added)
        edits.append((at, 1, at, _newlines(text, lead + block)))
    # Spliced in one pass: replacing edit by edit would copy the whole text once per person.
    pieces: list[str] = []
    done = 0
    for start, _, stop, new in sorted(edits):
        pieces += [text[done:start], new]
        done = stop
    pieces.append(text[done:])
    data = source.data if not edits else {**source.data, "people": merged}
    return EditedProgram("".join(pieces), replaced_lines, data)


def _append_at(source: Source) -> int:
    """After the last [[people]] table and its sub-tables, else at the end of the file."""
    people = source.data.get("people")
    if isinstance(people, list) and people:
        region = source.positions.region(("people", len(people) - 1))
        if region is None:
            raise WriteRefused(
                f"{source.display}: people are not written as [[people]] tables, so new people cannot be "
                "added safely; add them by hand"
            )
        return _content_end(source.text, *region)
    return len(source.text)


def toml_value(value: Any) -> str:
    """A value as TOML. Text, the bulk of an import, is written as a basic string with JSON's
    escapes, which TOML shares (plus DEL, which TOML also escapes), and whole numbers as Python
    writes them; anything else is rendered by tomlkit. A property test checks that TOML parsers
    read every value back unchanged."""
    kind = type(value)
    if kind is str:
        quoted: str = encode_basestring(value)  # what json.dumps(value, ensure_ascii=False) writes
    elif kind is int:
        return str(value)  # a TOML integer is written as Python writes it
    elif kind is list and all(type(v) is str for v in value):
        quoted = "[" + ", ".join(map(encode_basestring, value)) + "]"
    else:
        return _value(value)
    return quoted.replace("\x7f", "\\u007f") if "\x7f" in quoted else quoted


def new_person(change: PersonChange, orders: dict[tuple[str, ...], tuple[str, ...]]) -> dict[str, Any]:
    """A new person's fields as they are written: in the model's order, empty answers left out.
    `orders` keeps that order for each set of fields (a file gives most people the same set)."""
    values = change.values
    given = tuple(values)
    order = orders.get(given)
    if order is None:
        order = orders[given] = tuple(name for name in Person.model_fields if name in values)
    return {name: values[name] for name in order if values[name] != "" and values[name] != []}


def person_table(person: dict[str, Any]) -> str:
    """A `[[people]]` table holding exactly the given fields. Text is quoted here as `toml_value`
    quotes it, with DEL escaped once per table: the field names hold none, so any DEL is in text."""
    table = "\n[[people]]\n" + "".join(
        [
            f"{name} = {encode_basestring(value) if type(value) is str else toml_value(value)}\n"
            for name, value in person.items()
        ]
    )
    return table.replace("\x7f", "\\u007f") if "\x7f" in table else table


def records_text(text: str, cohort_id: str, entries: list[Entry]) -> str:
    """The records file's text (`''` for a new file) with the entries added to their pairs'
    arrays, in the style of each array (inline tables or `[[pairs.feedback]]` tables)."""
    import tomlkit
    from tomlkit.items import AoT, Array

    if not text:
        text = f"#:schema ../records.schema.json\ncohort = {_value(cohort_id)}\n"
    document = tomlkit.parse(text)
    pairs = document.get("pairs")
    if pairs is None:
        pairs = tomlkit.aot()
        document.append("pairs", pairs)
    for entry in entries:
        pair = next(
            (p for p in pairs if p.get("mentor") == entry.mentor and p.get("mentee") == entry.mentee), None
        )
        if pair is None:
            pair = tomlkit.table()
            pair.add("mentor", entry.mentor)
            pair.add("mentee", entry.mentee)
            pairs.append(pair)
        array = pair.get(entry.array)
        if isinstance(array, AoT):
            table = tomlkit.table()
            for key, value in entry.values.items():
                table.add(key, value)
            array.append(table)
            continue
        if array is None:
            array = tomlkit.array()
            array.multiline(True)
            pair.add(entry.array, array)
        if not isinstance(array, Array):
            raise WriteRefused(
                f"{entry.array} of {entry.mentor} and {entry.mentee} is not a list, so rows cannot be added "
                "to it safely"
            )
        inline = "{ " + ", ".join(f"{key} = {_value(value)}" for key, value in entry.values.items()) + " }"
        array.append(tomlkit.parse(f"x = {inline}")["x"])
    new = document.as_string()
    # tomlkit drops the final line break when it appends to the file's last array
    return new + "\n" if text.endswith("\n") and not new.endswith("\n") else new
