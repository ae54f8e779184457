"""The confidential scan: every built file is searched for every spelling of every
confidential value before anything is published.

Both sides are normalised the same way (`normalise`: NFKC, casefold, whitespace collapsed), so
upper case, a value wrapped over two lines or full-width letters do not hide it. Files are
decoded first as a reader would see them (gzip, JSON strings, folded calendar lines, HTML
entities). One Aho-Corasick automaton holds every spelling of every value, so each file is
read once, in time linear in its size however many values the program has.

What counts as confidential: every free-text value of a person's `[people.confidential]`
section (not the person ids it names) and every free-text field of the progress records
(`RECORD_FREE_TEXT`). Values of
fields whose type is a fixed set (`risk_tolerance = "high"`) are never searched for, nor are
values too short to be told from ordinary prose (see `searchable`).
"""

from __future__ import annotations

import contextlib
import errno
import filecmp
import gzip
import json
import os
import re
import typing
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ahocorasick

from generator.model import CONFIDENTIAL_REFERENCES, Confidential, Program
from generator.site.addresses import slug

if TYPE_CHECKING:
    from generator.records import ProgressRecords

MIN_SINGLE_WORD = 8
"""A one-word value is searched for from this many characters; two or more words always are."""

RECORD_FREE_TEXT: tuple[tuple[str, str, str], ...] = (
    ("milestones", "evidence", "milestone evidence"),
    ("feedback", "comment", "feedback comment"),
    ("behaviours", "note", "behaviour note"),
    ("outcomes", "note", "outcome note"),
)
"""(list in a pair's record, its free-text field, how messages name it). Every other
string in a record is an id (cohort, mentor, milestone, cadence, indicator) or a fixed choice;
a test keeps this table in step with `generator.records.model`."""

_WRAPPERS = " \t\r\n.!?;,:\"'()[]\u201c\u201d\u2018\u2019"
SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+")
"""Where a value's sentences meet. Each sentence of a confidential value is confidential on its
own: rule HB201 looks for each in the program's public text, the site scan in every built file."""


_FORMAT_BMP = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
)
_FORMAT_ASTRAL = (
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
_FORMAT_CHARACTERS = re.compile(f"[{_FORMAT_BMP}{_FORMAT_ASTRAL}]")
"""Unicode's format characters (category Cf): invisible, so a value split by one reads whole."""
_MAYBE_FORMAT = re.compile(f"[{_FORMAT_BMP}\U00010000-\U0010ffff]")
"""The same, or any character beyond the first plane: a search for this short class is several
times quicker than for the exact one, and most pages have neither."""
TYPOGRAPHIC = (
    "\u00a9\u00ab\u00b6\u00b7\u00bb\u00d7"  # copyright, guillemets, pilcrow, middle dot, times
    "\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026"  # dashes, quotes, bullet, ellipsis
    "\u2039\u203a\u2190\u2192"  # single guillemets (breadcrumbs), arrows
)
"""Characters themes and Markdown put on nearly every page (the permalink pilcrow, the middle
dot, breadcrumb guillemets, dashes, quotes, arrows). Each normalises to a fixed text (itself, or
`...` for the ellipsis) that never joins with a neighbour, is no space and has no case: a test
holds every one to that."""
_TYPOGRAPHIC_SET = frozenset(TYPOGRAPHIC)
_ASCII = bytes(range(0x80))
_ASCII_FOLD = bytes.maketrans(
    bytes(range(ord("A"), ord("Z") + 1)) + b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f",
    bytes(range(ord("a"), ord("z") + 1)) + b" " * 9,
)
"""ASCII upper case to lower case, and every ASCII character `str.split` counts as whitespace
(`bytes.split` does not know the last four) to a space."""
_TAG = re.compile(r"(<[^<>]*>)")
"""An HTML tag: `Planning to <em>resign</em>` reads as the sentence it shows."""
_FOLD = re.compile(rb"\r\n[ \t]|\n[ \t]")
"""A folded calendar line's break, `\\r?\\n[ \\t]` spelt as two alternatives: the regular
expression engine finds them by their first byte instead of trying at every position."""


def normalise(text: str) -> str:
    """The one normal form both values and files are compared in: casefolded, NFKC, every run
    of whitespace (line wraps, tabs, no-break spaces) one space. Shared with rule HB201.

    Invisible format characters (soft hyphen, zero-width space, word joiner, BOM) are dropped:
    a reader does not see them, so neither may the comparison. ASCII text only needs `lower`;
    a page that is ASCII but for the theme's typographic characters (`TYPOGRAPHIC`: most built
    pages) is folded as bytes, several times quicker and to the same text; any other text takes
    one pass of each step (`_normal_form`)."""
    if text.isascii():
        return " ".join(text.lower().split())
    data = text.encode("utf-8", "surrogatepass")
    # The non-ASCII characters alone (deleting ASCII bytes leaves whole UTF-8 sequences): the
    # check stops at the first character that is not typographic.
    if not _TYPOGRAPHIC_SET.issuperset(data.translate(None, _ASCII).decode("utf-8", "surrogatepass")):
        return _normal_form(text)
    for raw, normal in _TYPOGRAPHIC_CHANGED:
        if raw in data:
            data = data.replace(raw, normal)
    folded = data.translate(_ASCII_FOLD)
    if b"   " not in folded:  # spaces at most two in a row (a search index): one pass makes them one
        return folded.replace(b"  ", b" ").strip(b" ").decode("utf-8")
    return b" ".join(folded.split()).decode("utf-8")


def _normal_form(text: str) -> str:
    """`normalise` of any text, one step after the other."""
    text = text.casefold()
    if _MAYBE_FORMAT.search(text):
        text = _FORMAT_CHARACTERS.sub("", text)
    if not unicodedata.is_normalized("NFKC", text):  # a quick check; most text already is
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


_TYPOGRAPHIC_CHANGED = tuple(
    (c.encode(), _normal_form(c).encode()) for c in TYPOGRAPHIC if _normal_form(c) != c
)
"""(UTF-8 of a typographic character, of its normal form) where the two differ: the ellipsis."""


def searchable(normal: str) -> bool:
    """Whether a normalised value is distinctive enough to search for without flagging prose:
    two or more words ("flight risk"), or one word of at least MIN_SINGLE_WORD characters.
    "low", "curt" or "ok" would be found in any page."""
    text = normal.strip()
    # Long enough, or short but two words or more (a space inside): without splitting, as the
    # confidentiality rule asks this of every sentence of every confidential value.
    return len(text) >= MIN_SINGLE_WORD or any(ch.isspace() for ch in text)


def _is_fixed_choice(annotation: Any) -> bool:
    """A field whose type is a fixed set of values (a Literal, possibly optional): enum-like."""
    if typing.get_origin(annotation) is typing.Literal:
        return True
    return any(_is_fixed_choice(arg) for arg in typing.get_args(annotation))


def confidential_free_text_fields() -> list[str]:
    """The free-text fields of `[people.confidential]`: every field but the fixed choices and
    the person ids of preferences and declines (ids are on every page; the confidential part,
    who named whom, never reaches the site because the site never receives this section)."""
    return [
        name
        for name, info in Confidential.model_fields.items()
        if not _is_fixed_choice(info.annotation) and name not in CONFIDENTIAL_REFERENCES
    ]


@dataclass(frozen=True)
class Secret:
    """One confidential value: whose it is, which field, and the text (never printed)."""

    person: str
    field: str
    text: str


def confidential_values(program: Program, records: ProgressRecords | None = None) -> list[Secret]:
    """Every searchable confidential free-text value of the people and, given, of the records."""
    found: list[Secret] = []
    fields = confidential_free_text_fields()
    for person in program.people:
        for name in fields:
            value = getattr(person.confidential, name)
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str) and searchable(normalise(v)):
                    found.append(Secret(person.id, name, v))
    if records is not None:
        for record_file in records.files.values():
            for pair in record_file.pairs:
                owner = f"{pair.mentor} and {pair.mentee} (records of {record_file.cohort})"
                for collection, name, shown in RECORD_FREE_TEXT:
                    for entry in getattr(pair, collection):
                        value = getattr(entry, name)
                        if isinstance(value, str) and searchable(normalise(value)):
                            found.append(Secret(owner, shown, value))
    return found


def _spellings(value: str) -> set[str]:
    """The normalised ways a built file can spell a value: as text (files are decoded first:
    HTML entities, JSON strings, calendar escapes), with JSON's \\u escapes (JSON inside a page
    or a script) and as a page address would (the slug, with '-', '_' or '.' between words)."""
    found: set[str] = set()
    for text in {value, value.strip(_WRAPPERS)}:
        for spelled in {text, json.dumps(text)[1:-1]}:
            normal = normalise(spelled)
            if searchable(normal):
                found.add(normal)
    address = slug(value)
    if searchable(address.replace("-", " ")):
        found |= {address, address.replace("-", "_"), address.replace("-", ".")}
    return found


def _confidential_spellings(value: str) -> set[str]:
    """The spellings (`_spellings`) of a value and of each of its sentences."""
    found = _spellings(value)
    parts = SENTENCE_BREAK.split(value)
    if len(parts) > 1:
        for part in parts:
            found |= _spellings(part)
    return found


def _json_strings(value: Any, found: list[str]) -> list[str]:
    """Every string of a JSON document, keys too, in document order, added to `found`."""
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            found.append(key)
            _json_strings(item, found)
    elif isinstance(value, list):
        for item in value:
            _json_strings(item, found)
    return found


def readable_text(name: str, data: bytes) -> str:
    """A built file's text as a reader would see it: unzipped, JSON strings decoded, calendars
    unfolded and unescaped, HTML entities resolved."""
    suffix = Path(name).suffix
    if suffix == ".gz":
        with contextlib.suppress(OSError, EOFError):
            data = gzip.decompress(data)
        suffix = Path(name[:-3]).suffix
    if suffix == ".ics":  # lines are folded every 75 bytes, even inside a character
        data = _unfolded(data)
    text = data.decode("utf-8", errors="ignore")
    if suffix == ".ics":
        text = re.sub(r"\\([nN,;\\])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)
    elif suffix == ".json":
        with contextlib.suppress(ValueError, RecursionError):
            text = "\n".join(_json_strings(json.loads(text), []))
    if suffix in (".html", ".htm"):
        # The text a reader sees (markup inside a value removed), then the tags themselves:
        # addresses, titles and alt texts are read too.
        parts = _TAG.split(text)  # one pass: text between tags at even places, the tags at odd
        text = "".join(parts[0::2]) + "\n" + "\n".join(parts[1::2])
    if "&" not in text:
        return text
    import html  # its table of entities is large; `check` never needs it

    return html.unescape(text)


def _unfolded(data: bytes) -> bytes:
    """A calendar's lines unfolded: each line break followed by a space or tab removed (RFC 5545
    3.1). When every such break is `\\r\\n ` (as calendar writers fold), one `replace` removes
    exactly what the regular expression would, several times quicker."""
    if b"\n\t" not in data and data.count(b"\n ") == data.count(b"\r\n "):
        return data.replace(b"\r\n ", b"")
    return _FOLD.sub(b"", data)


@dataclass(frozen=True)
class Leak:
    file: str
    person: str
    field: str

    def message(self) -> str:
        """Names the file, the person and the field; never the value."""
        return f"{self.file}: confidential {self.field} of {self.person}"


@dataclass
class LeakScanner:
    """The automaton of every spelling of every confidential value, built once per build."""

    secrets: list[Secret]
    _automaton: Any = field(default=None, repr=False)
    _owners: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _tags_apart: bool = field(default=False, repr=False)
    _clean_tags: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def for_program(cls, program: Program, records: ProgressRecords | None = None) -> LeakScanner:
        return cls(confidential_values(program, records))

    def __post_init__(self) -> None:
        if not self.secrets:
            return
        automaton = ahocorasick.Automaton()
        for i, secret in enumerate(self.secrets):
            for spelling in _confidential_spellings(secret.text):
                owners = self._owners.setdefault(spelling, [])
                if not owners:
                    automaton.add_word(spelling, spelling)
                owners.append(i)
        automaton.make_automaton()
        self._automaton = automaton
        self._tags_apart = not any("<" in spelling or ">" in spelling for spelling in self._owners)

    def scan_text(self, name: str, text: str) -> list[Leak]:
        """The confidential values in one file's name (an address: slugs) or readable text,
        each (person, field) once."""
        if self._automaton is None:
            return []
        spellings = [spelling for _, spelling in self._automaton.iter(normalise(text))]
        spellings += [spelling for _, spelling in self._automaton.iter(normalise(name))]
        hits = dict.fromkeys(i for spelling in spellings for i in self._owners[spelling])
        found = dict.fromkeys(Leak(name, self.secrets[i].person, self.secrets[i].field) for i in sorted(hits))
        return list(found)

    def scan_bytes(self, name: str, data: bytes) -> list[Leak]:
        """The confidential values in one built file: its name in the site and its bytes.

        A page's tags (links, titles, icons, scripts) mostly repeat from page to page: a tag
        already found clean on an earlier page is not searched again. That finds what a search
        of the page's whole readable text finds, because no value can run from the text into a
        tag or from one tag into the next: each tag begins with `<` and ends with `>`, and no
        spelling holds either (if one does, every page is searched whole). A page with a hit is
        searched whole again, so its leaks are reported as always."""
        if self._automaton is None:
            return []
        if self._tags_apart and Path(name).suffix in (".html", ".htm") and self._clean_page(name, data):
            return []
        return self.scan_text(name, readable_text(name, data))

    def _clean_page(self, name: str, data: bytes) -> bool:
        """True if the page (as `readable_text` reads it) and its name hold no value: its text
        between tags, then its tags not yet known clean. Text is unescaped part by part, which
        is the same: an entity never spans a line break, and the parts are joined by one."""
        parts = _TAG.split(data.decode("utf-8", errors="ignore"))
        new = [tag for tag in dict.fromkeys(parts[1::2]) if tag not in self._clean_tags]
        for text in ("".join(parts[0::2]), "\n".join(new)):
            if "&" in text:
                import html

                text = html.unescape(text)
            if next(self._automaton.iter(normalise(text)), None) is not None:
                return False
        if next(self._automaton.iter(normalise(name)), None) is not None:
            return False
        self._clean_tags.update(new)
        return True

    def scan_folder(self, folder: Path, skip: Iterable[str] = ()) -> list[Leak]:
        """Every file under `folder` (but those in `skip`, relative names) that holds a value."""
        skipped = set(skip)
        leaks: list[Leak] = []
        if self._automaton is None:
            return leaks
        for name, path in files_under(folder):
            if name not in skipped:
                with open(path, "rb") as file:
                    leaks += self.scan_bytes(name, file.read())
        return leaks


def files_under(folder: Path) -> list[tuple[str, str]]:
    """(name relative to `folder`, path) of every file under it, in path order, as `rglob`
    finds them: a link to a file counts, a linked folder is not entered, an unreadable one is
    passed over. One directory listing per folder, without a path object per file."""
    found: list[tuple[str, str]] = []
    pending = [("", str(folder))]
    while pending:
        prefix, directory = pending.pop()
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((f"{prefix}{entry.name}/", entry.path))
                    elif _is_file(entry):
                        found.append((prefix + entry.name, entry.path))
        except PermissionError:
            continue
    found.sort(key=lambda item: item[0].split("/"))
    return found


def _is_file(entry: os.DirEntry[str]) -> bool:
    """`Path.is_file` of a listed entry: a link that leads nowhere or to itself is no file."""
    try:
        return entry.is_file()
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP):
            return False
        raise


def unchanged_copies(site: Path, theme_copies: dict[str, Path]) -> set[str]:
    """The theme package's files the build copied byte for byte: nothing from the program can be
    in them, so the scan may skip them. Comparing bytes costs far less than scanning them; a file
    that differs in any byte (a theme override, a plugin's rewrite) is scanned as usual."""
    same = set()
    for name, source in theme_copies.items():
        built = site / name
        with contextlib.suppress(OSError):
            if built.stat().st_size == source.stat().st_size and filecmp.cmp(built, source, shallow=False):
                same.add(name)
    return same


def scan_for_leaks(
    site: Path, program: Program, records: ProgressRecords | None = None, skip: Iterable[str] = ()
) -> list[Leak]:
    """Every built file that contains a confidential value (HTML, search index, .ics, assets, ...).

    One Aho-Corasick automaton of every spelling of every value: each file is read once, in time
    linear in its size however many values the program has (a regular expression alternation of
    thousands of values is about a hundred times slower on a large site). `skip`: relative
    names of files known to hold nothing from the program (the theme's unchanged files).
    """
    return LeakScanner.for_program(program, records).scan_folder(site, skip)


def leak_report(leaks: list[Leak], *, kept: bool = False) -> str:
    """Why a build stopped on confidential values: each file, person and field, never the value.

    `kept`: `handbook build` builds into a staging folder, so the previous site is kept; a plain
    `mkdocs build` may have written other files, and removes those that show a value."""
    lines = [f"  {leak.message()}" for leak in leaks[:20]]
    more = [f"  and {len(leaks) - 20} more"] if len(leaks) > 20 else []
    return "\n".join(
        [
            "the built site contains confidential values; "
            + (
                "the previous site is kept:"
                if kept
                else "no file that shows them is left in the site folder:"
            ),
            *lines,
            *more,
            "Remove the confidential text from the page or template that shows it.",
        ]
    )
