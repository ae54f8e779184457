"""The position map finds keys and values wherever TOML allows them to be written."""

from __future__ import annotations

from generator.source import format_path, parse_source

TEXT = '''top = 1
[x]
notes = """
[not.a.table]
"""
"q.k".z = 2
[["odd key".arr]] # a comment
v = [1, {w = 3}]
[["odd key".arr]]
v = 4
[x.sub]
name = "Zoë 王芳"
after = true
'''


def where(path: tuple[str | int, ...], at_key: bool = False) -> str:
    loc = parse_source(TEXT.encode(), "p.toml").positions.locate(path, at_key=at_key)
    return f"{loc.line}:{loc.column}"


def test_values_of_root_and_tables() -> None:
    assert where(("top",)) == "1:7"
    assert where(("x", "notes")) == "3:9"


def test_a_bracket_inside_a_multiline_string_is_not_a_table() -> None:
    assert where(("not", "a", "table")) == "1:1"
    assert where(("x", "sub", "after")) == "13:9"


def test_quoted_and_dotted_keys() -> None:
    assert where(("x", "q.k", "z")) == "6:11"
    assert where(("x", "q.k", "z"), at_key=True) == "6:1"


def test_arrays_of_tables_and_inline_values() -> None:
    assert where(("odd key", "arr", 0, "v", 1, "w")) == "8:14"
    assert where(("odd key", "arr", 1, "v")) == "10:5"


def test_a_missing_key_points_at_its_table_header() -> None:
    assert where(("x", "sub", "missing")) == "11:2"


def test_columns_are_characters() -> None:
    text = 'name = "王芳"\nrole = 5\nx = { a = "é", b = 1 }\n'
    loc = parse_source(text.encode(), "p.toml").positions.locate(("x", "b"))
    assert (loc.line, loc.column) == (3, 20)


def test_format_path() -> None:
    assert format_path(("cohorts", 0, "pairs", 2, "mentor")) == "cohorts[0].pairs[2].mentor"
    assert format_path(("odd key", "v")) == '"odd key".v'
