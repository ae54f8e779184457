"""Confidentiality (P06, P10, P15, P20): what is said in confidence stays out of public pages.

Values are compared in the normal form the site scan uses (`generator.site.scan.normalise`), and
the same values count: every confidential free-text value that `searchable` accepts (two or more
words, or one long word), never the fixed choices such as `risk_tolerance = "high"`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from generator.diagnostics import Location
from generator.findings import Violation
from generator.hookspecs import hookimpl
from generator.model import Program
from generator.rules import Rule, RuleOptions
from generator.site.public_view import slug
from generator.site.scan import confidential_free_text_fields, normalise, searchable

if TYPE_CHECKING:
    from generator.project import Project
from generator.source import KeyPath

_SENTENCE = re.compile(r"(?<=[.!?;])\s+")
_WRAPPERS = " .!?;,:"
_REFERENCE = re.compile(r"\bconfidential\s*(?:\.|\[)\s*['\"]?\w+", re.IGNORECASE)
_PAGE_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".j2", ".jinja", ".jinja2", ".txt"}


def _sentences(text: str) -> list[str]:
    """The whole text and each of its sentences, normalised, those distinctive enough to search."""
    normal = normalise(text)
    parts = [normal.strip(_WRAPPERS), *(p.strip(_WRAPPERS) for p in _SENTENCE.split(normal))]
    return [p for p in dict.fromkeys(parts) if searchable(p)]


def _walk(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, (*path, i))


def _public_texts(program: Program, dump: dict[str, Any]) -> Iterator[tuple[KeyPath, str]]:
    """Every string in the program outside the people's confidential sections, with its path."""
    for i, person in enumerate(program.people):
        for key, value in person.__dict__.items():
            if key == "confidential":
                continue
            if isinstance(value, str):
                yield ("people", i, key), value
            elif isinstance(value, list):
                for j, item in enumerate(value):
                    if isinstance(item, str):
                        yield ("people", i, key, j), item
    yield from _walk(dump, ())


def _public_dump(program: Program) -> dict[str, Any]:
    """The program without the people, the rule settings and the matching settings."""
    return program.model_dump(mode="json", exclude={"people", "checks", "matching"})


def _ids(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    """Every id in the program (a key named `id`), which becomes part of page addresses."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, str):
                yield (*path, key), item
            else:
                yield from _ids(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _ids(item, (*path, i))


class ConfidentialityOptions(RuleOptions):
    pages_dir: str = Field("handbook", min_length=1, description="Hand-written pages, beside the program.")


def check_confidentiality(project: Project, options: ConfidentialityOptions) -> Iterator[Violation]:
    program = project.program
    # 1. Every contract states confidentiality norms.
    for c, cohort in enumerate(program.cohorts):
        for p, pair in enumerate(cohort.pairs):
            if not program.contract_for(pair).confidentiality:
                yield Violation(
                    ("cohorts", c, "pairs", p),
                    f"the learning contract of {pair.mentor} and {pair.mentee} states no "
                    "confidentiality norms: add them to [guardrails] confidentiality or [contract]",
                )
    # 2. A confidential value copied into a public field.
    secrets: dict[str, KeyPath] = {}
    addresses: dict[str, KeyPath] = {}
    fields = confidential_free_text_fields()
    for i, person in enumerate(program.people):
        for field in fields:
            value = getattr(person.confidential, field)
            if isinstance(value, str):
                origin: KeyPath = ("people", i, "confidential", field)
                for sentence in _sentences(value):
                    secrets.setdefault(sentence, origin)
                    addresses.setdefault(slug(sentence), origin)
    automaton = _automaton(secrets)
    dump = _public_dump(program)
    searched: list[tuple[KeyPath, str]] = []
    for path, text in _public_texts(program, dump):
        if _REFERENCE.search(text):
            yield Violation(
                path,
                "this public text refers to a person's confidential section: "
                "public pages must not show assessments or private notes",
            )
        elif automaton is not None and path[-1:] != ("id",):  # ids: below, in their address form
            searched.append((path, text))
    for index, sentence in _first_hits(automaton, [text for _, text in searched]):
        yield Violation(
            searched[index][0],
            "this public text repeats a confidential value word for word: remove it; "
            "assessments and private notes never appear in the handbook",
            ((secrets[sentence], "the confidential value"),),
        )
    # 2b. A confidential value used as an id: ids become page addresses, calendars and the sitemap.
    id_automaton = _automaton(addresses)
    if id_automaton is not None:
        people_ids = ((("people", i, "id"), person.id) for i, person in enumerate(program.people))
        for path, value in [*people_ids, *_ids(dump, ())]:
            for _, address in id_automaton.iter(slug(value)):
                yield Violation(
                    path,
                    "this id spells a confidential value, and ids become page addresses, the sitemap "
                    "and calendars: choose a neutral id",
                    ((addresses[address], "the confidential value"),),
                )
                break
    # 3. Custom templates and hand-written pages that reach into the confidential section.
    root: Path = project.root
    folders = [root / options.pages_dir]
    if program.site.templates:
        folders.append(root / program.site.templates)
    for folder in folders:
        yield from _scan_folder(folder, root)
    # 4. Sections left in the reviewed file although a private file is configured for them.
    yield from _left_in_program(project)


def _first_hits(automaton: Any, texts: list[str]) -> Iterator[tuple[int, str]]:
    """(index, value) of the first confidential value in each text that holds one.

    The texts are normalised and searched as one string joined by NUL, which no value holds, so
    no hit spans two texts: one pass instead of one per text (a large program has 300,000)."""
    if automaton is None or not texts:
        return
    blob = normalise("\x00".join(texts))
    starts = [m.start() for m in re.finditer("\x00", blob)]
    reported: set[int] = set()
    for end, value in automaton.iter(blob):
        index = bisect.bisect_left(starts, end)
        if index not in reported:
            reported.add(index)
            yield index, value


def _automaton(words: dict[str, KeyPath]) -> Any:
    """An Aho-Corasick automaton of the words (each its own value), or None when there are none."""
    if not words:
        return None
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


def _scan_folder(folder: Path, root: Path) -> Iterator[Violation]:
    if not folder.is_dir():
        return
    for file in sorted(folder.rglob("*")):
        if file.suffix.lower() not in _PAGE_SUFFIXES or not file.is_file():
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        for n, line in enumerate(text.splitlines(), start=1):
            m = _REFERENCE.search(line)
            if m:
                shown = file.relative_to(root) if file.is_relative_to(root) else file
                yield Violation(
                    (),
                    f"{shown} refers to a person's confidential section ({m.group(0)!r}): "
                    "pages and templates only get the public view; remove the reference",
                    location=Location(str(shown), n, m.start() + 1, n, m.end() + 1),
                )


def _left_in_program(project: Project) -> Iterator[Violation]:
    """Confidential sections still in program.toml once a private file is configured."""
    private = project.program.private.file
    if not private:
        return
    name = Path(project.source.display).name
    for i, raw in enumerate(project.source.data.get("people") or []):
        if isinstance(raw, dict) and raw.get("confidential"):
            yield Violation(
                ("people", i, "confidential"),
                f"the confidential section of {raw.get('id')!r} is still in {name}, although [private] "
                f"file names {private!r}: run `handbook private move` to move it there",
            )


@hookimpl
def handbook_register_rules(register: Callable[[Rule], None]) -> None:
    register(
        Rule(
            code="HB201",
            name="confidentiality",
            severity="error",
            summary="Nothing confidential is published, and every contract states confidentiality norms.",
            what="Reports (1) a pair whose learning contract has no confidentiality norms; (2) a public "
            "field that repeats, word for word, a sentence from anyone's `[people.confidential]` "
            "section, however it is spelt (case, spacing, Unicode forms), or refers to the "
            "confidential section; (2b) an id (cohort, milestone, ...) that spells such a value, as "
            "ids become page addresses; (3) a hand-written page (in `pages_dir`) or custom template (in "
            "`[site] templates`) that refers to `confidential.…`; (4) with `[private] file` set, a "
            "`[people.confidential]` table still in the program file.",
            why="Assessments, 360 summaries and private notes are shared on the promise that only the "
            "program owners see them. One leak ends that trust for the whole program.",
            example='bio = "Direct, occasionally curt under pressure."\n[people.confidential]\n'
            'communication_tone = "Direct, occasionally curt under pressure."  # -> HB201',
            fix="Remove the confidential text from the public field or page. The handbook's "
            "templates receive a public view without confidential fields at all. Move sections left "
            "in the program file with `handbook private move`.",
            check=check_confidentiality,
            options=ConfidentialityOptions,
        )
    )
