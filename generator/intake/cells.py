"""One cell to one value: text, choices, numbers and dates, each refused with a reason and a fix.

Choices match an id or a display name whatever the case, accents, spaces or dashes ("rísk aware"
is "risk-aware"); anything else is refused with a did-you-mean. Dates are ISO (2027-04-03), a
spreadsheet date, or text in the program's declared `[intake] date_format`: 03/04/2027 is
3 April in Europe and 4 March in the US, so without a declared format it is refused, never
guessed.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence

from generator.diagnostics import Problem
from generator.intake.questions import Choice
from generator.intake.table import Sheet, Value
from generator.references import did_you_mean


class CellError(ValueError):
    """A cell that cannot become a value; the message says why and how to fix it."""


_SPACING = re.compile(r"[\s_\-]+")
_CHOICE_SPLIT = re.compile(r"[;,\n]")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
_PARTS = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """The form two answers share when they differ only by case, accents, spaces or dashes."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACING.sub(" ", plain.casefold()).strip()


def text(value: Value) -> str:
    """A cell as trimmed text ('' when empty); whole numbers lose their '.0'."""
    if type(value) is str:
        return value.strip()  # every cell of a CSV file
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def lines(value: Value) -> list[str]:
    """Several free-text answers in one cell, one per line."""
    return [line.strip() for line in text(value).splitlines() if line.strip()]


def choice(answer: str, choices: Sequence[Choice], what: str) -> str:
    """The id of the choice an answer names (by id or display name)."""
    found = _index(tuple(choices)).get(fold(answer))
    if found is not None:
        return found
    names = [option.name for option in choices]
    hint = did_you_mean(answer, names) or did_you_mean(answer.casefold(), [n.casefold() for n in names])
    listed = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    raise CellError(f"{what} {answer!r} is not one of the choices{hint} (choices: {listed})")


@functools.lru_cache(maxsize=64)
def _index(choices: tuple[Choice, ...]) -> dict[str, str]:
    """Folded id and display name -> id, built once per question (a file asks it thousands of times)."""
    index: dict[str, str] = {}
    for option in choices:
        index.setdefault(fold(option.id), option.id)
        index.setdefault(fold(option.name), option.id)
    return index


def choice_list(value: Value, choices: Sequence[Choice], what: str) -> list[str]:
    """Several choices in one cell, separated by ';', ',' or line breaks, in order, once each."""
    found: list[str] = []
    for part in _CHOICE_SPLIT.split(text(value)):
        if part.strip():
            picked = choice(part.strip(), choices, what)
            if picked not in found:
                found.append(picked)
    return found


def number(value: Value, what: str, low: float, high: float) -> int | float:
    """A number from low to high; a decimal comma is accepted ('7,5')."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        figure: float = value
    else:
        written = text(value).replace(",", ".")
        try:
            figure = float(written)
        except ValueError:
            raise CellError(f"{what} {text(value)!r} is not a number: write a number such as 8") from None
    if not low <= figure <= high:
        raise CellError(f"{what} {text(value)!r} is outside {low:g}-{high:g}: write a number in that range")
    return int(figure) if float(figure).is_integer() else figure


def date(value: Value, what: str, date_format: str) -> dt.date:
    """A date from a spreadsheet date, an ISO date or the declared date format."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value, what)
    written = text(value)
    if _SERIAL.match(written):
        return _serial(float(written), what)
    iso = _ISO.match(written)
    if iso:
        return _checked(written, what, int(iso[1]), int(iso[2]), int(iso[3]))
    parts = _PARTS.match(written)
    if parts is None:
        raise CellError(f"{what} {written!r} is not a date: write it as year-month-day, e.g. 2027-04-03")
    a, b, c = (int(p) for p in parts.groups())
    if date_format == "DD/MM/YYYY":
        return _checked(written, what, c, b, a)
    if date_format == "MM/DD/YYYY":
        return _checked(written, what, c, a, b)
    if date_format == "YYYY/MM/DD":
        return _checked(written, what, a, b, c)
    reading = (
        f"could be {a} {_month(b)} or {b} {_month(a)}"
        if a <= 12 and b <= 12 and a != b
        else "is not in ISO form"
    )
    raise CellError(
        f"{what} {written!r} {reading}: write it as year-month-day (e.g. 2027-04-03), or declare how "
        'dates are written with [intake] date_format = "DD/MM/YYYY" (or "MM/DD/YYYY") in program.toml'
    )


def _month(number: int) -> str:
    return dt.date(2000, number, 1).strftime("%B") if 1 <= number <= 12 else str(number)


def _checked(written: str, what: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"{what} {written!r} is not a calendar date: check the day and month") from None


def _serial(days: float, what: str) -> dt.date:
    """A spreadsheet's day number (1900 date system, as Excel and Google Sheets export it)."""
    if not 1 <= days < 2958466:
        raise CellError(f"{what} {days:g} is not a spreadsheet date: write it as year-month-day")
    return _EXCEL_EPOCH + dt.timedelta(days=int(days))


def header_columns(
    sheet: Sheet,
    known: Mapping[str, str],
    ignored: set[str],
    *,
    candidates: Sequence[str],
    what: str,
    fix: str,
    problems: list[Problem],
) -> dict[str, int]:
    """field -> column index from a sheet's header row, for people and records alike: `known`
    maps folded headers to fields, `ignored` holds folded headers to skip. An unknown header
    (with a did-you-mean among `candidates`) or a repeated one is a located problem."""
    found: dict[str, int] = {}
    for index, header in enumerate(sheet.headers):
        if not header or fold(header) in ignored:
            continue
        name = known.get(fold(header))
        if name is None:
            hint = did_you_mean(header, list(candidates))
            problems.append(
                sheet.at(
                    1,
                    index,
                    f"column {header!r} is not {what}" + (f"{hint} Otherwise {fix}" if hint else f": {fix}"),
                )
            )
        elif name in found:
            problems.append(
                sheet.at(1, index, f"column {header!r} repeats column {found[name] + 1}: keep one of them")
            )
        else:
            found[name] = index
    return found
