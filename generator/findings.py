"""What a rule reports: a located finding, with the rule's code, name and severity."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from generator.diagnostics import Location
from generator.source import KeyPath

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Violation:
    """What a rule's check yields: where (a key path in program.toml) and what is wrong.

    `related` points at other places that explain the finding, e.g. each of an overloaded
    mentor's pairs.
    """

    path: KeyPath
    message: str
    related: tuple[tuple[KeyPath, str], ...] = ()
    location: Location | None = None
    """Set only for findings outside program.toml (a custom template, a hand-written page)."""


@dataclass(frozen=True)
class Related:
    location: Location
    message: str


@dataclass
class Finding:
    """A violation, located and labelled with its rule, ready for any output format."""

    code: str
    name: str
    severity: Severity
    message: str
    path: str
    location: Location
    related: list[Related] = field(default_factory=list)
    suppressed_because: str | None = None
    source_line: str = ""

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.location.file, self.location.line, self.location.column, self.code)
