"""`handbook build`: a strict MkDocs build into a temporary folder, a scan of every built file
for the program's confidential values, then an atomic swap into place.

A failed build or a confidential hit leaves the previous site untouched.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from generator.errors import DataError
from generator.model import Program
from generator.project import Project
from generator.safe_files import replaced_atomically

_MIN_CANARY_LENGTH = 6  # shorter values ("low", "high") occur in ordinary prose


class BuildFailed(DataError):
    """The site could not be built; the message says why and how to fix it."""


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


class _ErrorLog(logging.Handler):
    """Keeps MkDocs' error messages so a failed build says why, not only that it aborted."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_site(config_file: Path, project: Project, site_dir: Path | None = None) -> Path:
    """Build strictly into a temporary folder beside the target, check it, then swap it in.

    The MkDocs plugin instance of this build is handed the project, so the program is not read
    a second time.
    """
    config = load_config(str(config_file), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    plugin = config.plugins.get("handbook")
    if plugin is not None and hasattr(plugin, "project"):
        plugin.project = project
    try:
        return _build_checked(config, project, site_dir)
    finally:
        config.plugins.on_shutdown()


def _build_checked(config: MkDocsConfig, project: Project, site_dir: Path | None) -> Path:
    program = project.program
    target = Path(site_dir or config.site_dir).resolve()
    with replaced_atomically(target) as staging:
        config.site_dir = str(staging)
        errors = _ErrorLog()
        logging.getLogger("mkdocs").addHandler(errors)
        try:
            mkdocs_build(config)
        except MkDocsException as exc:
            raise BuildFailed("build failed: " + ("\n".join(errors.messages) or str(exc))) from None
        finally:
            logging.getLogger("mkdocs").removeHandler(errors)
        leaks = scan_for_leaks(staging, program)
        if leaks:
            lines = [f"  {leak.file}: confidential {leak.field} of {leak.person}" for leak in leaks[:20]]
            raise BuildFailed(
                "build failed: the built site contains confidential values; the previous site is kept:\n"
                + "\n".join(lines)
                + "\nRemove the confidential text from the page or template that shows it."
            )
    return target
