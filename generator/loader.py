"""program.toml -> a validated `Program`, or every problem in the file, located.

This is the first step of the data flow: read (source.py), validate the structure (pydantic),
resolve cross-references (references.py), and translate pydantic's errors into messages a
program owner can act on.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator.diagnostics import Location, Problem, ProgramError
from generator.model import Program
from generator.references import check_references, did_you_mean
from generator.source import KeyPath, Source, format_path, parse_source

M = TypeVar("M", bound=BaseModel)


def load_program_text(text: str | bytes, display: str = "program.toml") -> Program:
    """Validate program text held in memory (tests, editors)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return validate_source(parse_source(raw, display))


def validate_source(source: Source) -> Program:
    if not source.data and not source.text.strip(" \t\r\n"):
        raise ProgramError(
            [
                Problem(
                    Location(source.display, 1, 1),
                    "the file is empty: a program starts with a [program] table "
                    "(run `handbook init` for a commented starter)",
                )
            ]
        )
    program, problems = validate_against(Program, source)
    problems.extend(check_references(source))
    if problems:
        raise ProgramError(_unique(problems))
    assert program is not None
    return program


def validate_against(model: type[M], source: Source) -> tuple[M | None, list[Problem]]:
    """Validate a parsed TOML file against `model`; pydantic's errors become located problems.

    Shared by program.toml and the files that sit beside it (progress records), so every file
    the tool reads reports errors the same way.
    """
    return validate_table(model, source, source.data, ())


def validate_table(model: type[M], source: Source, data: Any, at: KeyPath) -> tuple[M | None, list[Problem]]:
    """Validate the table at key path `at` of a file against `model` (a rule's options), with
    errors located in that file like any other."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [
            _translate(source, {**error, "loc": (*at, *error["loc"])}, model, len(at))
            for error in exc.errors(include_url=False)
        ]


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p in problems:
        key = (p.location, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


# --------------------------------------------------------------------------------------------
# pydantic errors -> messages
# --------------------------------------------------------------------------------------------

_TYPE_WORDS = {
    "string_type": "text (a quoted string)",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list ([...])",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "date_type": "a date such as 2027-01-15",
    "date_parsing": "a date such as 2027-01-15",
    "date_from_datetime_parsing": "a date such as 2027-01-15",
    "date_from_datetime_inexact": "a date without a time, such as 2027-01-15",
}


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return str(value).lower()
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _model_at(path: KeyPath, root: type[BaseModel] = Program, skip: int = 0) -> type[BaseModel] | None:
    """The model class that validates the table at `path` (for listing its keys); the first
    `skip` parts lead to the table `root` validates."""
    current: Any = root
    for part in path[skip:]:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            current = field.annotation if field else None
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional[...] so `Foo | None` becomes `Foo`."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


def _name_of(path: KeyPath) -> str:
    """What a value is called in a message: its key, or 'item of KEY' inside a list."""
    if path and isinstance(path[-1], int):
        parent = next((p for p in reversed(path) if isinstance(p, str)), "list")
        return f"item of {parent}"
    return str(path[-1]) if path else "value"


_DATE_TEXT = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")
"""A date written as text ("2027-09-01", "09/01/2027"): TOML has dates of its own."""

_ITEM_NAMES = {
    "people": "person",
    "cohorts": "cohort",
    "milestones": "milestone",
    "cadences": "cadence",
    "metrics": "metric",
    "events": "event",
    "activities": "activity",
}


def _table_name(path: KeyPath, data: Any = None) -> str:
    """A table as a program owner knows it: `person 'ada'`, `pair ada -> cleo of cohort 'c1'`,
    or its key path when nothing names it."""
    if not path:
        return "the top level"
    named, rest = "", path
    current = data
    for n, part in enumerate(path):
        if not isinstance(current, dict | list):
            break
        try:
            current = current[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and isinstance(current, dict) and n > 0:
            kind = str(path[n - 1])
            if (
                kind == "pairs"
                and isinstance(current.get("mentor"), str)
                and isinstance(current.get("mentee"), str)
            ):
                named = f"pair {current['mentor']} -> {current['mentee']}" + (f" of {named}" if named else "")
                rest = path[n + 1 :]
            elif kind in _ITEM_NAMES and isinstance(current.get("id"), str):
                named = f"{_ITEM_NAMES[kind]} {current['id']!r}"
                rest = path[n + 1 :]
    if not named:
        return format_path(path)
    return f"{format_path(rest)} of {named}" if rest else named


def _translate(source: Source, error: Any, root: type[BaseModel] = Program, skip: int = 0) -> Problem:
    path: KeyPath = tuple(error["loc"])
    kind: str = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    key = path[-1] if path else ""

    if kind == "extra_forbidden":
        model = _model_at(path[:-1], root, skip)
        known = sorted(model.model_fields) if model else []
        hint = did_you_mean(str(key), known)
        if not hint and known:
            hint = f"; expected one of: {', '.join(known)}"
        problem = source.problem(
            path, f"unknown key {key!r} in {_table_name(path[:-1], source.data)}{hint}", at_key=True
        )
        if isinstance(value, list) and value and isinstance(value[0], dict):
            # An array of tables has no `key =` line: point at its first [[header]] instead.
            first = source.positions.locate((*path, 0), at_key=True)
            if source.line_text(first.line).lstrip().startswith("[["):
                problem = Problem(first, problem.message, problem.path, source.line_text(first.line))
        return problem
    if kind == "missing":
        model = _model_at(path[:-1], root, skip)
        field = model.model_fields.get(str(key)) if model else None
        annotation = _unwrap(field.annotation) if field else None
        full = format_path(path)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fix = f"add a [{full}] table"
        else:
            fix = f"add `{key} = ...` to this table"
        return source.problem(path, f"missing key {key!r} in {_table_name(path[:-1], source.data)}: {fix}")
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
        return source.problem(
            path,
            f"{_describe(value)} is not a valid {_name_of(path)}{hint} "
            f"(expected one of: {', '.join(repr(c) for c in choices)})",
        )
    if kind in _TYPE_WORDS:
        message = f"{key} must be {_TYPE_WORDS[kind]}, not {_describe(value)}"
        if kind.startswith("date") and isinstance(value, str) and _DATE_TEXT.match(value.strip()):
            message += ": write dates as year-month-day without quotes, e.g. 2027-09-01"
        return source.problem(path, message)
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(ctx.values()), "")
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        words = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        return source.problem(path, f"{key} must be {words} {bound}, not {_describe(value)}")
    if kind in ("too_short", "string_too_short"):
        what = "at least one item" if kind == "too_short" else "some text"
        return source.problem(path, f"{key} must not be empty: give {what}")
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    # Custom errors already read as advice; pydantic's own get the offending value.
    if not kind.startswith(
        (
            "unsafe_id",
            "self_pair",
            "end_before",
            "reason_",
            "cadence_",
            "interval_",
            "due_",
            "record_",
            "date_range",
            "cohort_too_long",
            "single_line",
        )
    ):
        message = f"{key}: {message[:1].lower()}{message[1:]} (got {_describe(value)})"
    elif kind in ("date_range", "cohort_too_long", "single_line"):
        message = f"{key}: {message}"  # the value is shown in the excerpt; repeating it helps no one
    return source.problem(path, message)


def names_a_key(data: Any, path: KeyPath, root: type[BaseModel] = Program) -> bool:
    """Whether `path` names something in the file or a key its table may hold (a default value).

    A rule may point at `people[3].hours_per_month` when the file leaves it at its default, but
    not at `people[99]` or `people[3].hours`.
    """
    current = data
    for n, part in enumerate(path):
        if isinstance(part, int):
            if not isinstance(current, list) or not 0 <= part < len(current):
                return False
            current = current[part]
        elif isinstance(current, dict) and part in current:
            current = current[part]
        else:
            model = _model_at(path[:n], root)
            return model is not None and part in model.model_fields
    return True
