"""Located messages: where in which file, what is wrong, and the source line with a caret.

Both the loader's errors and the rules' findings are shown this way, so a program owner reads
one format whatever found the problem.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import EXIT_PROBLEMS, EXIT_USAGE, HandbookError


def relative(file: str) -> str:
    """A file as every message shows it: relative to the working folder when inside it, with
    forward slashes."""
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_posix()
    return path.as_posix()


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based line and column (in characters, not bytes) in a file, with an end point."""

    file: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """An error in a program definition: the program cannot be used until it is fixed."""

    location: Location
    message: str
    path: str = ""
    source_line: str = field(default="", compare=False)
    related: tuple[tuple[Location, str], ...] = field(default=(), compare=False)
    """Other places that explain the problem, e.g. where a duplicated id was first used."""

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.location.file, self.location.line, self.location.column, self.message)


def caret_excerpt(source_line: str, column: int, end_column: int = 0, indent: str = "    ") -> str:
    """The source line and a caret line under the offending text.

    Wide characters (CJK) take two cells and combining marks none, so the caret lands under the
    right character on a terminal.
    """
    line = source_line.rstrip("\r\n").replace("\t", " ")
    start = max(column - 1, 0)
    stop = end_column - 1 if end_column > column else start + 1
    stop = min(max(stop, start + 1), max(len(line), start + 1))
    pad = sum(_cell_width(ch) for ch in line[:start])
    width = max(sum(_cell_width(ch) for ch in line[start:stop]), 1)
    return f"{indent}{line}\n{indent}{' ' * pad}{'^' * width}"


def _cell_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def format_problem(problem: Problem) -> str:
    text = f"{problem.location}: {problem.message}"
    if problem.source_line:
        text += "\n" + caret_excerpt(
            problem.source_line,
            problem.location.column,
            problem.location.end_column if problem.location.end_line == problem.location.line else 0,
        )
    for where, why in problem.related:
        text += f"\n    related: {where}: {why}"
    return text


class ProgramError(HandbookError):
    """The program definition has errors; `problems` holds every one of them, sorted."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__(f"{len(self.problems)} error(s) in the program definition")

    def summary(self, program: str) -> str:
        """'2 errors in program.toml' (or '... and its records' when records have some too)."""
        count = len(self.problems)
        only_program = all(p.location.file == program for p in self.problems)
        where = program if only_program or not program else f"{program} and its records"
        return f"{count} error{'s' if count != 1 else ''} in {where}"


class UnreadableProgram(HandbookError):
    """The file could not be read at all (missing, a directory, no permission): a usage error."""

    exit_code = EXIT_USAGE

    def __init__(self, file: str, message: str) -> None:
        self.file = file
        super().__init__(f"{file}: {message}")
