"""Confidentiality (P06, P10, P15, P20): what is said in confidence stays out of public pages.

Values are compared in the normal form the site scan uses (`generator.site.scan.normalise`), and
the same values count: every confidential free-text value that `searchable` accepts (two or more
words, or one long word), never the fixed choices such as `risk_tolerance = "high"`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, chain, compress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from generator.diagnostics import Location
from generator.findings import Violation
from generator.hookspecs import hookimpl
from generator.rules import Rule, RuleOptions
from generator.site.addresses import slug
from generator.site.scan import SENTENCE_BREAK, confidential_free_text_fields, normalise, searchable

if TYPE_CHECKING:
    from generator.project import Project
from generator.source import KeyPath

_WRAPPERS = " .!?;,:"
_REFERENCE = re.compile(r"\bconfidential\s*(?:\.|\[)\s*['\"]?\w+", re.IGNORECASE)
_REFERENCE_LOWER = re.compile(r"confidential\s*(?:\.|\[)\s*['\"]?\w+")
"""`_REFERENCE` for lowercased text without its leading word boundary, which would make the regex
engine try every position of a 10 MB text: `_word_starts` checks the word start itself."""
_WORD_CHARACTER = re.compile(r"\w")
_PAGE_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".j2", ".jinja", ".jinja2", ".txt"}
_SENTENCE_END = re.compile(r"[.!?;]\s")
"""Where `SENTENCE_BREAK` splits a value, found with a pattern the regex engine scans for quickly."""
_ASCII_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"
"""What `str.split()` splits ASCII text at besides the space."""


def _normal(text: str) -> str:
    """`normalise(text)`: for ASCII text that is its lowercase form with whitespace collapsed,
    and the collapsing (which splits the text into words) is skipped when there is nothing to
    collapse, as in the values and public texts of most programs."""
    if text.isascii():
        lowered = text.lower()
        return " ".join(lowered.split()) if _collapsible(lowered) else lowered
    return normalise(text)


def _collapsible(text: str) -> bool:
    """Whether `" ".join(text.split())` would change this ASCII text: a run of spaces, another
    whitespace character, or a space at either end. Each is a quick search for a substring."""
    return (
        "  " in text
        or text[:1] == " "
        or text[-1:] == " "
        or any(character in text for character in _ASCII_WHITESPACE)
    )


class _Secrets:
    """The sentences of the confidential values that are searched for, each value and each of its
    sentences in the scan's normal form (those `searchable` accepts), in order of first use.

    Which value a sentence comes from is worked out only for a finding: a large program has
    40,000 values and hardly ever one in public text. Values are normalised as one string (NUL
    never survives in a value) and split into sentences only when they have more than one."""

    def __init__(self, values: list[str]) -> None:
        blob = _normal(_joined(values))
        self._origins: dict[str, int] | None = None
        self.normals = blob.split("\x00") if values else []
        self.wholes = [normal.strip(_WRAPPERS) for normal in self.normals]
        self.split: set[int] = set()  # the values with a sentence break inside
        ends = [m.start() for m in _SENTENCE_END.finditer(blob)]
        if ends:
            starts = list(accumulate((len(n) + 1 for n in self.normals), initial=0))
            self.split = {bisect.bisect_right(starts, end) - 1 for end in ends}
        if not self.split:
            found: Iterable[str] = compress(self.wholes, map(searchable, self.wholes))
        else:
            found = chain.from_iterable(map(self.sentences_of, range(len(self.normals))))
        self.sentences = list(dict.fromkeys(found))

    def sentences_of(self, index: int) -> list[str]:
        """The whole value at `index` and each of its sentences, those distinctive enough to search."""
        whole = self.wholes[index]
        if index not in self.split:
            return [whole] if searchable(whole) else []
        parts = [whole, *(p.strip(_WRAPPERS) for p in SENTENCE_BREAK.split(self.normals[index]))]
        return [p for p in dict.fromkeys(parts) if searchable(p)]

    def origin(self, sentence: str) -> int:
        """The index of the first value that has this sentence (all are indexed at the first
        finding: a program with findings often has several)."""
        if self._origins is None:
            self._origins = {}
            for index in range(len(self.normals)):
                for each in self.sentences_of(index):
                    self._origins.setdefault(each, index)
        return self._origins[sentence]


def _joined(texts: list[str]) -> str:
    """The texts as one string, separated by NUL: one search pass covers them all, and no
    match spans two of them (a NUL inside a text reads as a space)."""
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1:
        joined = "\x00".join(text.replace("\x00", " ") for text in texts)
    return joined


def _public_parts(data: dict[str, Any]) -> Iterator[tuple[KeyPath, Any]]:
    """Each public part of the program file with its key path, in file order: every top-level
    table but the rule and matching settings, and each person's fields but `confidential`."""
    for key, value in data.items():
        if key in _NOT_PUBLIC:
            continue
        if key == "people" and isinstance(value, list):
            for i, person in enumerate(value):
                if isinstance(person, dict) and "confidential" in person:
                    person = person.copy()  # the profile without its confidential part
                    del person["confidential"]
                yield ("people", i), person
        else:
            yield (key,), value


def _public_texts(data: dict[str, Any]) -> tuple[dict[str, None], list[str]]:
    """Every different string of the public parts, in order of first use, and the value of
    every `id` key among them. A large program has 300,000 texts, most of them repeated
    (divisions, goals, competency ids), and hardly ever a finding: where a text stands is
    worked out only for a finding (`_located_texts`, `_ids`)."""
    texts: dict[str, None] = {}
    ids: list[str] = []

    def walk(value: Any) -> None:
        # Exact types first: this visits every value of a 10 MB program, and tomli makes no others.
        if isinstance(value, dict):
            ident = value.get("id")
            if isinstance(ident, str):
                ids.append(ident)
            value = value.values()
        for item in value:
            kind = type(item)
            if kind is str:
                texts[item] = None
            elif kind is list:
                for inner in item:
                    if isinstance(inner, str):
                        texts[inner] = None
                    elif isinstance(inner, dict | list):
                        walk(inner)
            elif isinstance(item, str):
                texts[item] = None
            elif isinstance(item, dict | list):
                walk(item)

    for _, part in _public_parts(data):
        if isinstance(part, str):
            texts[part] = None
        elif isinstance(part, dict | list):
            walk(part)
    return texts, ids


def _located_texts(data: dict[str, Any]) -> Iterator[tuple[KeyPath, str]]:
    """Each string of the public parts with its key path, in file order."""

    def walk(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from walk(item, (*path, i))

    for path, part in _public_parts(data):
        yield from walk(part, path)


def _ids(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    """Every id in the program (a key named `id`), which becomes part of page addresses."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, str):
                yield (*path, key), item
            elif path == () and key == "people" and isinstance(item, list):
                # A person's only id is their own: no need to walk their profile.
                for i, person in enumerate(item):
                    if isinstance(person, dict) and isinstance(person.get("id"), str):
                        yield ("people", i, "id"), person["id"]
            elif key not in _NOT_PUBLIC or path:
                yield from _ids(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _ids(item, (*path, i))


_NOT_PUBLIC = frozenset({"checks", "matching"})
"""Top-level tables no page shows: rule settings and matching settings."""


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
    fields = confidential_free_text_fields()
    values = [
        value if isinstance(value := getattr(person.confidential, field), str) else ""
        for person in program.people
        for field in fields
    ]
    secrets = _Secrets(values)

    def origin(sentence: str) -> KeyPath:
        person, field = divmod(secrets.origin(sentence), len(fields))
        return ("people", person, "confidential", fields[field])

    data = project.source.data
    public, ids = _public_texts(data)
    texts = _PublicTexts(list(public))
    referring = texts.words_matching(_REFERENCE_LOWER)
    hits = texts.first_hits(_automaton(secrets.sentences), skip=referring)
    for path, text in _located_texts(data) if referring or hits else ():
        if text in referring:
            yield Violation(
                path,
                "this public text refers to a person's confidential section: "
                "public pages must not show assessments or private notes",
            )
        elif text in hits and path[-1:] != ("id",):  # ids: below, in their address form
            yield Violation(
                path,
                "this public text repeats a confidential value word for word: remove it; "
                "assessments and private notes never appear in the handbook",
                ((origin(hits[text]), "the confidential value"),),
            )
    # 2b. A confidential value used as an id: ids become page addresses, calendars and the sitemap.
    addresses: dict[str, str] = {}
    for sentence in _maybe_in_ids(secrets.sentences, ids):
        addresses.setdefault(slug(sentence), sentence)
    id_automaton = _automaton(list(addresses))
    if id_automaton is not None:
        for path, value in _ids(data, ()):
            for _, address in id_automaton.iter(slug(value)):
                yield Violation(
                    path,
                    "this id spells a confidential value, and ids become page addresses, the sitemap "
                    "and calendars: choose a neutral id",
                    ((origin(addresses[address]), "the confidential value"),),
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


def _word_starts(pattern: re.Pattern[str], text: str) -> list[int]:
    """Where the pattern matches the text at the start of a word: the word boundary is checked
    here, as a pattern that starts with one makes the regex engine try every position."""
    return [
        m.start()
        for m in pattern.finditer(text)
        if not m.start() or not _WORD_CHARACTER.match(text, m.start() - 1)
    ]


class _PublicTexts:
    """Different public texts joined into one string by NUL, so that each search is one pass
    over all of them and no match spans two texts (a NUL inside a text reads as a space).
    Where each text starts is worked out only when something is found."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        blob = _joined(texts)
        # ASCII lowercases without changing lengths, so positions in it are positions in the texts.
        self.lowered = blob.lower() if blob.isascii() else None
        self.blob = blob

    def _index(self, blob: str) -> Callable[[int], str]:
        """The text at a position of the blob (or of its normal form)."""
        starts = [m.start() for m in re.finditer("\x00", blob)]
        return lambda position: self.texts[bisect.bisect_left(starts, position)]

    def words_matching(self, lowercase_pattern: re.Pattern[str]) -> set[str]:
        """The texts in which the pattern (written for lowercase text) matches at the start of a
        word."""
        if self.lowered is None:
            return {text for text in self.texts if _word_starts(lowercase_pattern, text.lower())}
        starts = _word_starts(lowercase_pattern, self.lowered)
        if not starts:
            return set()
        text_at = self._index(self.lowered)
        return {text_at(start) for start in starts}

    def first_hits(self, automaton: Any, skip: set[str]) -> dict[str, str]:
        """The first confidential value in each text that holds one, except the texts in
        `skip`, compared in the scan's normal form."""
        if automaton is None or not self.texts:
            return {}
        if self.lowered is None:
            normal = normalise(self.blob)
        elif _collapsible(self.lowered):
            normal = " ".join(self.lowered.split())
        else:
            normal = self.lowered  # `_normal`, with the lowercase text already at hand
        text_at: Callable[[int], str] | None = None
        first: dict[str, str] = {}
        for end, value in _search(automaton, normal):
            text_at = text_at or self._index(normal)
            text = text_at(end)
            if text not in skip:
                first.setdefault(text, value)
        return first


def _automaton(words: list[str]) -> Any:
    """An Aho-Corasick automaton of the words (each its own value), or None when there are none."""
    if not words:
        return None
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


_CHUNK = 16_384
"""Characters searched at a time: the automaton copies what it searches into 4 bytes a character,
and a copy of 10 MB costs more (in fresh memory) than the search itself."""


def _search(automaton: Any, text: str) -> Iterator[tuple[int, str]]:
    """`automaton.iter(text)`, a part of the text at a time; parts end at a NUL, which no word
    holds, so no match is lost or split."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\x00", start + _CHUNK)
        end = size if end < 0 else end
        for at, word in automaton.iter(text[start:end]):
            yield start + at, word
        start = end


def _maybe_in_ids(sentences: list[str], ids: list[str]) -> list[str]:
    """The sentences whose address form (`slug`) may be part of an id's address form.

    A generous test that needs no address: a part of an address has its letters and digits in
    a row within the other's letters and digits, and no more of them. So only the few sentences
    that pass it get their address worked out, not the 40,000 sentences of a large program."""
    if not sentences or not ids:
        return []
    in_ids = _address_letters(ids)
    longest = max(map(len, in_ids))
    letters = _address_letters(sentences)
    words = list(dict.fromkeys(word for word in letters if len(word) <= longest))
    if not words:
        return []
    found = {word for _, word in _search(_automaton(words), "\x00".join(in_ids))}
    return [sentence for sentence, word in zip(sentences, letters, strict=True) if word in found]


_LOWERCASE = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
_NOT_LETTERS = bytes(c for c in range(128) if not (chr(c).isalnum() or c == 0))


def _address_letters(values: list[str]) -> list[str]:
    """The letters and digits of each value's address (`slug`): for an ASCII value, its own
    letters and digits, lowercased, in order (found for all of them at once)."""
    joined = "\x00".join(values)
    parts = [""] * len(values)
    if joined.isascii():
        found = joined.encode("ascii").translate(_LOWERCASE, _NOT_LETTERS).decode("ascii").split("\x00")
        if len(found) == len(values):  # no NUL inside a value
            parts = found
            if "" not in parts:
                return parts  # all ASCII, each with a letter or digit: the common case
    return [
        part if part and value.isascii() else slug(value).replace("-", "")
        for part, value in zip(parts, values, strict=True)
    ]


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
