"""The confidential scan: every built file is searched for every spelling of every
confidential value before anything is published.

One Aho-Corasick automaton of every spelling of every value: each file is read once, in time
linear in its size however many values the program has.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from generator.model import Program

_MIN_CANARY_LENGTH = 6  # shorter values ("low", "high") occur in ordinary prose


@dataclass(frozen=True)
class Leak:
    file: str
    person: str
    field: str


def confidential_values(program: Program) -> list[tuple[str, str, str]]:
    """(person id, field, text) for every confidential value long enough to search for."""
    found = []
    for person in program.people:
        for name, value in person.confidential.model_dump().items():
            values = value if isinstance(value, list) else [value]
            for v in values:
                if isinstance(v, str) and len(v.strip()) >= _MIN_CANARY_LENGTH:
                    found.append((person.id, name, v.strip()))
    return found


def _spellings(value: str) -> set[str]:
    """The ways a built file can spell a value: as is, whitespace collapsed (as pages print text),
    HTML-escaped, and JSON-escaped with non-ASCII as \\u escapes (as the search index writes it)."""
    found = set()
    for text in {value, " ".join(value.split())}:
        for escaped in {text, html.escape(text, quote=False), html.escape(text)}:
            found |= {escaped, json.dumps(escaped)[1:-1], json.dumps(escaped, ensure_ascii=False)[1:-1]}
    return found


def _readable_text(path: Path) -> str:
    """A built file's text as a reader would see it: unzipped, and calendars unfolded."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        with contextlib.suppress(OSError, EOFError):
            data = gzip.decompress(data)
    if path.suffix == ".ics":  # lines are folded every 75 bytes, even inside a character
        data = re.sub(rb"\r?\n[ \t]", b"", data)
    text = data.decode("utf-8", errors="ignore")
    if path.suffix == ".ics":
        text = text.replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")
    return text


def scan_for_leaks(site: Path, program: Program) -> list[Leak]:
    """Every built file that contains a confidential value (HTML, search index, .ics, assets, ...).

    One Aho-Corasick automaton of every spelling of every value: each file is read once, in time
    linear in its size however many values the program has (a regular expression alternation of
    thousands of values is about a hundred times slower on a large site).
    """
    values = confidential_values(program)
    if not values:
        return []
    owners: dict[str, list[tuple[str, str]]] = {}
    for person, field, value in values:
        owners.setdefault(value, []).append((person, field))
    automaton = ahocorasick.Automaton()
    for value in owners:
        for spelling in _spellings(value):
            automaton.add_word(spelling, value)
    automaton.make_automaton()
    leaks = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        found = dict.fromkeys(value for _, value in automaton.iter(_readable_text(path)))
        for value in found:
            for person, field in owners[value]:
                leaks.append(Leak(path.relative_to(site).as_posix(), person, field))
    return leaks
