"""Reading program.toml: bytes to text to TOML data, and a map from key paths to positions.

The standard TOML parser gives values but no positions, and pydantic keeps none either, so the
position map comes from a second, concrete-syntax parse with tree-sitter's TOML grammar. That
parse runs only when a location is asked for (an error or a finding), so a clean program pays
nothing for it.

TOML is parsed with tomli, the standard library's parser compiled to C: the same grammar and
messages as `tomllib`, three times faster on a large program.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from pathlib import Path
from typing import Any

import tomli

from generator.diagnostics import Location, Problem, ProgramError, UnreadableProgram

KeyPath = tuple[str | int, ...]

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)\s*$")

_TOML_HINTS = {
    "Cannot overwrite a value": "a key or table is defined twice: keep one of them",
    "Cannot declare": "a table is declared twice: merge the two tables",
    "Expected '=' after a key in a key/value pair": (
        "expected '=' after the key: write `key = value` (quote keys that contain spaces)"
    ),
    "Invalid value": 'this value is not valid TOML: quote text ("..."), or write a number, '
    "date (2027-01-15), boolean (true/false), list ([...]) or table ({...})",
    "Invalid statement": "this line is not a `key = value` pair or a [table] header",
    "Unclosed array": "a list is not closed: add the missing ']'",
    "Unclosed inline table": "an inline table is not closed: add the missing '}'",
    "Unterminated string": "a string is not closed: add the missing quote",
    "Illegal character": "a character that TOML does not allow here (a control character?)",
}


def _hint(message: str) -> str:
    for prefix, hint in _TOML_HINTS.items():
        if message.startswith(prefix):
            return f"TOML syntax error: {hint}"
    return f"TOML syntax error: {message[:1].lower()}{message[1:]}"


@dataclass
class Source:
    """The text of a program file, its parsed data and (on demand) its positions."""

    display: str
    text: str
    data: dict[str, Any]
    lines: list[str] = field(default_factory=list, repr=False)

    @cached_property
    def positions(self) -> SourceMap:
        return SourceMap(self)

    def line_text(self, line: int) -> str:
        if not self.lines:
            self.lines = self.text.splitlines()
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def problem(self, path: KeyPath, message: str, *, at_key: bool = False) -> Problem:
        """A problem located at `path`: its value, or its key when `at_key` (unknown keys).

        A path that does not exist in the file (a missing key) lands on the header of the
        nearest table that does.
        """
        loc = self.positions.locate(path, at_key=at_key)
        return Problem(loc, message, format_path(path), self.line_text(loc.line))


def format_path(path: KeyPath) -> str:
    """`('cohorts', 0, 'pairs', 2, 'mentor')` -> `cohorts[0].pairs[2].mentor`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else f'"{part}"'
            out += f".{text}" if out else text
    return out


def read_source(path: Path, display: str | None = None) -> Source:
    """Read and parse a program file, or raise UnreadableProgram / ProgramError."""
    shown = display or str(path)
    try:
        if path.is_dir():
            raise UnreadableProgram(
                shown, f"is a directory: pass the program file inside it, e.g. {Path(shown) / 'program.toml'}"
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableProgram(
            shown,
            "no such file: pass the path to your program.toml (or run `handbook init DIR` to start one)",
        ) from None
    except PermissionError:
        raise UnreadableProgram(shown, "permission denied: the file cannot be read") from None
    except OSError as exc:
        raise UnreadableProgram(shown, f"cannot be read: {exc.strerror or exc}") from None
    return parse_source(raw, shown)


def parse_source(raw: bytes, display: str) -> Source:
    """Decode and parse program bytes; every failure is a located ProgramError."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise ProgramError(
            [
                _byte_problem(
                    raw,
                    nul,
                    display,
                    (
                        "this is a binary file (it contains a NUL byte), not TOML text: "
                        "program.toml must be UTF-8 text"
                    ),
                )
            ]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProgramError(
            [
                _byte_problem(
                    raw,
                    exc.start,
                    display,
                    (f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}): save the file with UTF-8 encoding"),
                )
            ]
        ) from None
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        raise ProgramError([_syntax_problem(text, str(exc), display)]) from None
    return Source(display, text, data)


def _byte_problem(raw: bytes, offset: int, display: str, message: str) -> Problem:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    prefix = raw[line_start:offset].decode("utf-8", "replace")
    line_end = raw.find(b"\n", offset)
    line_text = raw[line_start : line_end if line_end >= 0 else len(raw)]
    shown = line_text.decode("utf-8", "replace").replace("\x00", "\N{SYMBOL FOR NULL}")
    return Problem(Location(display, line, len(prefix) + 1), message, "", shown)


def _syntax_problem(text: str, message: str, display: str) -> Problem:
    lines = text.splitlines() or [""]
    m = _TOML_POSITION.search(message)
    if m:
        line, column = int(m.group(1)), int(m.group(2))
        message = message[: m.start()]
    else:
        line = len(lines)
        column = len(lines[-1]) + 1
        message = _TOML_AT_END.sub("", message)
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if message.startswith("Cannot overwrite") and source_line.strip():
        # The parser stops after the repeated value; point at the repeated key instead.
        column = len(source_line) - len(source_line.lstrip()) + 1
    return Problem(Location(display, line, column), _hint(message), "", source_line)


_BARE_DOTTED = re.compile(r"^[A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*$")
_HEADER_OR_MULTILINE = re.compile(r"^[ \t]*\[|\"\"\"|\'\'\'", re.MULTILINE)
_HEADER = re.compile(r"\[\[?\s*((?:[^\]\"\'#]|\"(?:[^\"\\\n]|\\.)*\"|\'[^\'\n]*\')+?)\s*\]\]?")


class SourceMap:
    """Positions of tables, keys and values.

    A quick scan finds every table header (skipping multi-line strings) and gives it its
    concrete key path, e.g. `[[cohorts.pairs]]` -> `('cohorts', 1, 'pairs', 3)`. A lookup then
    parses only the one table it needs with tree-sitter's TOML grammar, so locating a finding in
    a 10 MB program costs a scan and a few small parses, not a full concrete-syntax tree.
    """

    def __init__(self, source: Source) -> None:
        self._source = source
        self._text = source.text
        self._line_starts = _line_starts(self._text)
        # concrete path -> (offset of the header line, offset where the table's body ends)
        self._tables: dict[KeyPath, tuple[int, int]] = {}
        self._parsed: dict[int, Any] = {}
        self._index_tables()

    # -- index -----------------------------------------------------------------------------

    def _index_tables(self) -> None:
        headers: list[tuple[int, list[str], bool]] = []
        in_string: str | None = None
        for m in _HEADER_OR_MULTILINE.finditer(self._text):
            token = m.group(0)
            if token in ('"""', "'''"):
                if in_string is None:
                    in_string = token
                elif in_string == token:
                    in_string = None
                continue
            if in_string is not None:
                continue
            header = _HEADER.match(self._text, m.end() - 1)
            if header is None:
                continue
            parts = _split_key(header.group(1))
            if parts:
                headers.append((m.start(), parts, header.group(0).startswith("[[")))
        ends = [start for start, _, _ in headers[1:]] + ([len(self._text)] if headers else [])
        self._tables[()] = (0, headers[0][0] if headers else len(self._text))
        counts: dict[KeyPath, int] = {}
        for (start, parts, is_array), end in zip(headers, ends, strict=True):
            concrete: list[str | int] = []
            for i, part in enumerate(parts):
                concrete.append(part)
                key = tuple(concrete)
                if i == len(parts) - 1 and is_array:
                    counts[key] = counts.get(key, 0) + 1
                    concrete.append(counts[key] - 1)
                elif key in counts:
                    concrete.append(counts[key] - 1)
            self._tables.setdefault(tuple(concrete), (start, end))

    def region(self, path: KeyPath) -> tuple[int, int] | None:
        """(start, end) offsets of a table written with a [header] and all its sub-tables, from its
        header to where the next unrelated header begins; None for inline or implicit tables."""
        own = self._tables.get(tuple(path))
        if own is None or not path:
            return None
        n = len(path)
        end = max(e for key, (_, e) in self._tables.items() if tuple(key[:n]) == tuple(path))
        return own[0], end

    def body(self, path: KeyPath) -> tuple[int, int] | None:
        """(start, end) offsets of a table's own lines: its header to its first sub-table or the next
        header."""
        return self._tables.get(tuple(path)) if path else None

    # -- lookup ----------------------------------------------------------------------------

    def locate(self, path: KeyPath, *, at_key: bool = False) -> Location:
        """The location of `path`'s value (or key), else of the deepest table that exists."""
        for n in range(len(path), -1, -1):
            span = self._tables.get(tuple(path[:n]))
            if span is not None:
                break
        start, end = span
        root = self._parse(start, end)
        first_line = self._line_of(start)
        if n == 0:
            container, header = root, None
        else:
            container = next(
                (c for c in root.named_children if c.type in ("table", "table_array_element")),
                root,
            )
            header = container.named_children[0] if container is not root else None
        found = self._descend(container, list(path[n:]), at_key)
        node = found if found is not None else header
        if node is None:
            return Location(self._source.display, 1, 1)
        return self._location(node, first_line)

    def _parse(self, start: int, end: int) -> Any:
        tree = self._parsed.get(start)
        if tree is None:
            import tree_sitter
            import tree_sitter_toml

            parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_toml.language()))
            tree = parser.parse(self._text[start:end].encode("utf-8")).root_node
            self._parsed[start] = tree
        return tree

    def _descend(self, container: Any, rest: list[str | int], at_key: bool) -> Any:
        if not rest:
            return None
        if container.type == "array":
            if not isinstance(rest[0], int):
                return None
            items = [c for c in container.named_children if c.type != "comment"]
            if rest[0] >= len(items):
                return None
            item = items[rest[0]]
            if len(rest) == 1:
                return item
            return self._descend(item, rest[1:], at_key) or item
        for child in container.named_children:
            if child.type != "pair":
                continue
            key_node, value = child.named_children[0], child.named_children[-1]
            parts = _key_parts(key_node)
            if rest[: len(parts)] == parts:
                if len(parts) == len(rest):
                    return key_node if at_key else value
                if value.type in ("inline_table", "array"):
                    return self._descend(value, rest[len(parts) :], at_key) or key_node
                return key_node
            if parts[: len(rest)] == rest:
                return key_node
        return None

    def _location(self, node: Any, first_line: int) -> Location:
        (row, col), (end_row, end_col) = node.start_point, node.end_point
        line, end_line = first_line + row, first_line + end_row
        return Location(
            self._source.display,
            line + 1,
            self._char_column(line, col),
            end_line + 1,
            self._char_column(end_line, end_col),
        )

    def _line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._line_starts, offset) - 1

    def _char_column(self, line: int, byte_col: int) -> int:
        text = self._source.line_text(line + 1)
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace")) + 1


def _line_starts(text: str) -> list[int]:
    """Offsets where each line starts (computed with C-level helpers: this runs on 10 MB files)."""
    return [0, *accumulate(map((1).__add__, map(len, text.split("\n"))))][:-1]


def _split_key(text: str) -> list[str]:
    """`cohorts.pairs` or `a."b.c"` -> its parts, using the TOML parser for quoting rules."""
    if _BARE_DOTTED.match(text):
        return text.replace(" ", "").replace("\t", "").split(".")
    try:
        node: Any = tomli.loads(f"{text} = 0")
    except tomli.TOMLDecodeError:
        return []
    parts: list[str] = []
    while isinstance(node, dict) and len(node) == 1:
        key = next(iter(node))
        parts.append(key)
        node = node[key]
    return parts


def _key_parts(node: Any) -> list[str]:
    if node.type == "dotted_key":
        return [p for child in node.named_children for p in _key_parts(child)]
    text = node.text.decode("utf-8")
    if node.type == "quoted_key":
        return _split_key(text) or [text.strip("'\"")]
    return [text]
