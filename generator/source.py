"""Reading program.toml: bytes to text to TOML data, and a map from key paths to positions.

The standard TOML parser gives values but no positions, and pydantic keeps none either, so the
position map comes from a second, concrete-syntax parse with tree-sitter's TOML grammar. That
parse runs only when a location is asked for (an error or a finding), so a clean program pays
nothing for it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

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
    "Invalid value": "this value is not valid TOML: quote text (\"...\"), or write a number, "
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
                shown, "is a directory: pass the program file inside it, e.g. "
                f"{Path(shown) / 'program.toml'}"
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableProgram(
            shown, "no such file: pass the path to your program.toml "
            "(or run `handbook init DIR` to start one)"
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
        raise ProgramError([_byte_problem(raw, nul, display, (
            "this is a binary file (it contains a NUL byte), not TOML text: "
            "program.toml must be UTF-8 text"
        ))])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProgramError([_byte_problem(raw, exc.start, display, (
            f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}): save the file with UTF-8 encoding"
        ))]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
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


class SourceMap:
    """Positions of tables, keys and values, found through a concrete-syntax parse."""

    def __init__(self, source: Source) -> None:
        import tree_sitter
        import tree_sitter_toml

        self._source = source
        self._bytes = source.text.encode("utf-8")
        parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_toml.language()))
        self._root = parser.parse(self._bytes).root_node
        self._line_starts: list[int] | None = None
        self._tables: dict[KeyPath, Any] = {(): self._root}
        self._index_tables()

    # -- index -----------------------------------------------------------------------------

    def _index_tables(self) -> None:
        """Give every [table] and [[array.element]] header its concrete key path."""
        counts: dict[KeyPath, int] = {}
        for node in self._root.named_children:
            if node.type not in ("table", "table_array_element"):
                continue
            parts = self._key_parts(node.named_children[0])
            concrete: list[str | int] = []
            for i, part in enumerate(parts):
                concrete.append(part)
                key = tuple(concrete)
                if i == len(parts) - 1 and node.type == "table_array_element":
                    counts[key] = counts.get(key, 0) + 1
                    concrete.append(counts[key] - 1)
                elif key in counts:
                    concrete.append(counts[key] - 1)
            self._tables.setdefault(tuple(concrete), node)

    def _key_parts(self, node: Any) -> list[str]:
        if node.type == "dotted_key":
            return [p for child in node.named_children for p in self._key_parts(child)]
        text = node.text.decode("utf-8")
        if node.type == "quoted_key":
            try:
                return [next(iter(tomllib.loads(f"{text} = 0")))]
            except tomllib.TOMLDecodeError:
                return [text.strip("'\"")]
        return [text]

    # -- lookup ----------------------------------------------------------------------------

    def locate(self, path: KeyPath, *, at_key: bool = False) -> Location:
        """The location of `path`'s value (or key), else of the deepest table that exists."""
        for n in range(len(path), -1, -1):
            table = self._tables.get(tuple(path[:n]))
            if table is not None:
                break
        header = table.named_children[0] if table is not self._root else None
        found = self._descend(table, list(path[n:]), at_key)
        node = found if found is not None else header
        if node is None:
            return Location(self._source.display, 1, 1)
        return self._location(node)

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
            parts = self._key_parts(key_node)
            if rest[: len(parts)] == parts:
                if len(parts) == len(rest):
                    return key_node if at_key else value
                if value.type in ("inline_table", "array"):
                    return self._descend(value, rest[len(parts) :], at_key) or key_node
                return key_node
            if parts[: len(rest)] == rest:
                return key_node
        return None

    def _location(self, node: Any) -> Location:
        (row, col), (end_row, end_col) = node.start_point, node.end_point
        return Location(
            self._source.display,
            row + 1,
            self._char_column(row, col),
            end_row + 1,
            self._char_column(end_row, end_col),
        )

    def _char_column(self, row: int, byte_col: int) -> int:
        if self._line_starts is None:
            starts = [0]
            find = self._bytes.find
            pos = find(b"\n")
            while pos >= 0:
                starts.append(pos + 1)
                pos = find(b"\n", pos + 1)
            self._line_starts = starts
        start = self._line_starts[row] if row < len(self._line_starts) else len(self._bytes)
        return len(self._bytes[start : start + byte_col].decode("utf-8", "replace")) + 1
