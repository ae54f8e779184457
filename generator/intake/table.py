"""Read a form or survey export (CSV or XLSX) into a header row and located cells.

Rows and columns are numbered as a spreadsheet shows them: the header is row 1, column A is 1,
and a CSV answer that spans several lines is still one row. Whether a file is a workbook is
decided by its first bytes, not its name. CSV text may be UTF-8 (with or without the byte-order
mark form tools add) or UTF-16 as Excel's "Unicode text" writes it; the delimiter is sniffed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Location, Problem
from generator.errors import EXIT_PROBLEMS, HandbookError, UsageError

Value = str | int | float | dt.date | None
"""A cell as read: text from CSV; text, a number or a date from a workbook; None when empty."""

_ZIP = b"PK\x03\x04"
PROGRESS_EVERY = 5000


class UnreadableFile(UsageError):
    """The export cannot be read at all (missing, a folder, binary, a broken workbook)."""


class ImportProblems(HandbookError):
    """Problems in the imported file; `problems` holds every one, located. Nothing was written."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, problems: list[Problem], display: str, summary: str = "") -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in {display}"
            + (f" ({summary})" if summary else "")
            + ": nothing was written; fix them and run the import again"
        )


@dataclass
class Sheet:
    display: str
    headers: list[str]
    rows: list[tuple[int, list[Value]]] = field(default_factory=list)
    """(row number, cells) for every row below the header that is not blank."""
    problems: list[Problem] = field(default_factory=list)

    def at(self, row: int, column: int, message: str) -> Problem:
        """A problem located at a cell (column is 0-based here, shown 1-based)."""
        return Problem(Location(self.display, row, column + 1), message)


def read_sheet(path: Path, display: str, progress: Callable[[int], None] | None = None) -> Sheet:
    """The export's header and rows; raises UnreadableFile, or ImportProblems for an empty file."""
    try:
        if path.is_dir():
            raise UnreadableFile(f"{display}: is a folder: pass the exported .csv or .xlsx file")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(
            f"{display}: no such file: pass the path of the exported .csv or .xlsx"
        ) from None
    except OSError as exc:
        raise UnreadableFile(f"{display}: cannot be read: {exc.strerror or exc}") from None
    sheet = (
        _read_workbook(path, display, progress) if raw.startswith(_ZIP) else _read_csv(raw, display, progress)
    )
    if not sheet.headers and not sheet.problems:
        raise ImportProblems(
            [Problem(Location(display, 1, 1), "the file is empty: export the answers with their header row")],
            display,
        )
    return sheet


def terminal_progress(display: str) -> Callable[[int], None] | None:
    """A row counter on standard error when it is a terminal (large files take a few seconds)."""
    if not sys.stderr.isatty():
        return None

    def show(rows: int) -> None:
        print(f"\rReading {display}: {rows:,} rows", end="", file=sys.stderr, flush=True)

    return show


# -- CSV ------------------------------------------------------------------------------------


def _decode(raw: bytes, display: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile(
                f"{display}: is not valid UTF-16 text: export it again as CSV UTF-8"
            ) from None
    if b"\x00" in raw[:4096]:
        raise UnreadableFile(
            f"{display}: holds binary data, not CSV text: export the answers as CSV (UTF-8) or as an "
            ".xlsx workbook"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UnreadableFile(
            f"{display}:{line}: is not UTF-8 text (byte 0x{raw[exc.start]:02x}): export it as "
            "'CSV UTF-8', or save it from the spreadsheet as .xlsx"
        ) from None


def _read_csv(raw: bytes, display: str, progress: Callable[[int], None] | None) -> Sheet:
    text = _decode(raw, display)
    sample = "\n".join(text[:65536].splitlines()[:50])
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    sheet = Sheet(display, [])
    number = 0
    for cells in reader:
        number += 1
        if number == 1:
            sheet.headers = [c.strip() for c in cells]
            continue
        if any(map(str.strip, cells)):
            sheet.rows.append((number, list(cells)))
        if progress and number % PROGRESS_EVERY == 0:
            progress(number)
    return sheet


# -- XLSX -----------------------------------------------------------------------------------


def _read_workbook(path: Path, display: str, progress: Callable[[int], None] | None) -> Sheet:
    """The first sheet of a workbook. Formulas and error cells are problems: an export holds
    values, and a formula's result is whatever the spreadsheet last computed, if anything."""
    import zipfile

    import openpyxl  # only imports pay for it
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise UnreadableFile(
            f"{display}: is not a readable .xlsx workbook ({exc}): save it again from the spreadsheet"
        ) from None
    ws = book.worksheets[0]
    sheet = Sheet(display, [])
    for merged in ws.merged_cells.ranges:
        if merged.min_row == 1:
            sheet.problems.append(
                sheet.at(
                    1,
                    merged.min_col - 1,
                    f"header cells {merged.coord} are merged: unmerge them and give each column its own "
                    "header",
                )
            )
    for number, row in enumerate(ws.iter_rows(), start=1):
        values: list[Value] = []
        for col, cell in enumerate(row):
            kind, value = cell.data_type, cell.value
            if kind == "f":
                where = f"{get_column_letter(col + 1)}{number}"
                sheet.problems.append(
                    sheet.at(
                        number,
                        col,
                        f"cell {where} holds a formula ({value}): export values only (copy the sheet and "
                        "paste as values)",
                    )
                )
                value = None
            elif kind == "e":
                sheet.problems.append(
                    sheet.at(
                        number,
                        col,
                        f"cell {get_column_letter(col + 1)}{number} holds the error {value}: fix or clear "
                        "it in the spreadsheet",
                    )
                )
                value = None
            elif isinstance(value, dt.datetime):
                value = value.date()  # a date column; a time of day has no field to go to
            elif isinstance(value, bool):
                value = str(value).upper()
            elif isinstance(value, dt.time | dt.timedelta):
                value = str(value)
            values.append(value)
        if number == 1:
            sheet.headers = [str(v).strip() if v is not None else "" for v in values]
        elif any(v is not None and str(v).strip() for v in values):
            sheet.rows.append((number, values))
        if progress and number % PROGRESS_EVERY == 0:
            progress(number)
    while sheet.headers and not sheet.headers[-1]:
        sheet.headers.pop()
    return sheet
