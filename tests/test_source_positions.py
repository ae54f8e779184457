"""Positions come from a real TOML parse: text that only looks like a header, a quote or a line
break must not move any later location, excerpt or edit offset."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.diagnostics import ProgramError
from generator.source import KeyPath, Source, parse_source

ROOT = Path(__file__).resolve().parent.parent


def source(text: str | bytes) -> Source:
    return parse_source(text.encode("utf-8") if isinstance(text, str) else text, "p.toml")


def where(text: str | bytes | Source, path: KeyPath, *, at_key: bool = False) -> str:
    """`line:column` of a path, as a message would show it."""
    src = text if isinstance(text, Source) else source(text)
    loc = src.positions.locate(path, at_key=at_key)
    return f"{loc.line}:{loc.column}"


def span(text: str | Source, path: KeyPath) -> str:
    """`line:column-end_line:end_column` of a path's value."""
    src = text if isinstance(text, Source) else source(text)
    loc = src.positions.locate(path)
    return f"{loc.line}:{loc.column}-{loc.end_line}:{loc.end_column}"


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


# -- comments and strings that look like something else ----------------------------------------

COMMENTS = "\n".join(
    [
        '# a note with """ in it',  # 1
        "# and one with ''' in it, and quote runs \"\"\"\"\" ''''' \"\"",  # 2
        '# [[cohorts]] "x',  # 3
        "top = 1  # trailing \"\"\" and '''",  # 4
        "[program]  # [not] a '''header",  # 5
        'name = "P"',  # 6
        "# [cohorts]",  # 7
        "[[cohorts]]",  # 8
        'id = "c1"  # \'\'\' """ [[x]]',  # 9
        "[[cohorts.pairs]]",  # 10
        'mentor = "a"',  # 11
        "",
    ]
)


def test_comments_holding_triple_quotes_and_brackets_do_not_hide_later_tables() -> None:
    assert where(COMMENTS, ("top",)) == "4:7"
    assert where(COMMENTS, ("program", "name")) == "6:8"
    assert where(COMMENTS, ("cohorts", 0, "id")) == "9:6"
    assert where(COMMENTS, ("cohorts", 0, "pairs", 0, "mentor")) == "11:10"
    assert where(COMMENTS, ("cohorts", 0, "pairs", 0, "mentee")) == "10:3"  # missing: its header
    assert where(COMMENTS, ("x",)) == "1:1"  # `[[x]]` in a comment is no table


def test_a_table_on_the_first_line() -> None:
    assert where('[program]\nname = "P"\n', ("program", "name")) == "2:8"
    assert where('[program]\nname = "P"\n', ("program",)) == "1:2"


def test_a_value_is_located_and_not_its_trailing_comment() -> None:
    assert span(COMMENTS, ("top",)) == "4:7-4:8"
    assert span(COMMENTS, ("cohorts", 0, "id")) == "9:6-9:10"


MULTILINE = "\n".join(
    [
        "[program]",  # 1
        'notes = """',  # 2
        "[[x]]",  # 3
        "[cohorts]",  # 4
        "it's here: ''' and \\\"\"\" [y]",  # 5
        '"""',  # 6
        "lit = '''",  # 7
        "[cohorts]",  # 8
        '[[x]] """',  # 9
        "'''",  # 10
        "after = 1",  # 11
        "[[cohorts]]",  # 12
        'id = "c"',  # 13
        "",
    ]
)


def test_headers_inside_multiline_strings_are_text() -> None:
    src = source(MULTILINE)
    assert src.data["program"]["notes"].startswith("[[x]]\n[cohorts]\n")
    assert span(src, ("program", "notes")) == "2:9-6:4"
    assert span(src, ("program", "lit")) == "7:7-10:4"
    assert where(src, ("program", "after")) == "11:9"
    assert where(src, ("cohorts", 0, "id")) == "13:6"
    assert where(src, ("x",)) == "1:1"
    assert where(src, ("y",)) == "1:1"


# -- line breaks other than "\n" ----------------------------------------------------------------

SEPARATORS = "\n".join(
    [
        "# a comment\u2028with a line separator\u2029and a paragraph separator\x85too",  # 1
        "[program]",  # 2
        'name = "A\u2028B\u2029C"',  # 3
        'x = { a = "\u2028\u2029", b = 2 }',  # 4
        'owner = "o"',  # 5
        "",
    ]
)


def test_unicode_line_separators_do_not_start_lines() -> None:
    src = source(SEPARATORS)
    assert src.data["program"]["name"] == "A\u2028B\u2029C"
    assert span(src, ("program", "name")) == "3:8-3:15"
    assert where(src, ("program", "x", "b")) == "4:21"
    assert where(src, ("program", "owner")) == "5:9"
    assert src.line_text(4) == 'x = { a = "\u2028\u2029", b = 2 }'
    assert src.line_text(5) == 'owner = "o"'
    assert src.line_text(6) == ""
    assert src.line_text(7) == ""


def test_a_syntax_error_after_a_line_separator_is_on_its_line() -> None:
    with pytest.raises(ProgramError) as caught:
        source('# one\u2028two\nname = "x"\nbad = = 1\n')
    (problem,) = caught.value.problems
    assert (problem.location.line, problem.location.column) == (3, 7)
    assert problem.source_line == "bad = = 1"


def test_crlf_line_endings() -> None:
    text = COMMENTS.replace("\n", "\r\n")
    src = source(text)
    assert where(src, ("cohorts", 0, "pairs", 0, "mentor")) == "11:10"
    assert span(src, ("cohorts", 0, "id")) == "9:6-9:10"
    assert src.line_text(11) == 'mentor = "a"'
    multiline = source(MULTILINE.replace("\n", "\r\n"))
    assert span(multiline, ("program", "notes")) == "2:9-6:4"
    assert where(multiline, ("cohorts", 0, "id")) == "13:6"


def test_a_byte_order_mark_takes_no_column() -> None:
    src = source(b"\xef\xbb\xbf" + COMMENTS.replace('name = "P"', 'name = "Zoë"').encode("utf-8"))
    assert src.line_text(1) == '# a note with """ in it'
    assert where(src, ("top",)) == "4:7"
    assert span(src, ("program", "name")) == "6:8-6:13"
    assert where(src, ("cohorts", 0, "pairs", 0, "mentor")) == "11:10"
    first_line = source(b'\xef\xbb\xbfname = "x"\n')
    assert span(first_line, ("name",)) == "1:8-1:11"


def test_columns_are_characters_after_wide_and_accented_text() -> None:
    text = 'name = "王芳 Zoë"\nx = { "ü" = "é", b = 1 }\n'
    assert span(text, ("name",)) == "1:8-1:16"
    assert where(text, ("x", "b")) == "2:22"
    assert where(text, ("x", "ü"), at_key=True) == "2:7"


# -- keys ---------------------------------------------------------------------------------------

DOTTED = "\n".join(
    [
        "site.title = 1",  # 1
        "[a]",  # 2
        "b.c.d = 1",  # 3
        'b."e.f" = 2',  # 4
        '[ a . "b.c" ]',  # 5
        "x = 3",  # 6
        "[a.'g h'.i]",  # 7
        "y = 4",  # 8
        "",
    ]
)


def test_dotted_keys_in_tables_and_headers() -> None:
    src = source(DOTTED)
    assert where(src, ("site", "title")) == "1:14"
    assert where(src, ("site", "title"), at_key=True) == "1:1"
    assert where(src, ("a", "b", "c", "d")) == "3:9"
    assert where(src, ("a", "b", "c", "d"), at_key=True) == "3:1"
    assert where(src, ("a", "b", "c")) == "3:1"  # a table made by dotted keys: the key
    assert where(src, ("a", "b", "e.f")) == "4:11"
    assert where(src, ("a", "b.c", "x")) == "6:5"
    assert where(src, ("a", "b.c", "missing")) == "5:3"  # the header's key
    assert where(src, ("a", "g h", "i", "y")) == "8:5"
    assert where(src, ("a", "missing")) == "2:2"


INLINE = "\n".join(
    [
        "x = { y = { z = 1 } }",  # 1
        "arr = [{ n = 1 }, { n = 2, m = [10, 20] }]",  # 2
        "multi = [",  # 3
        "  # a comment is not an item",  # 4
        "  { n = 3 },  # nor is this one",  # 5
        "  { n = 4 },",  # 6
        "]",  # 7
        "",
    ]
)


def test_inline_tables_and_arrays_of_inline_tables() -> None:
    src = source(INLINE)
    assert where(src, ("x", "y", "z")) == "1:17"
    assert where(src, ("x", "y", "z"), at_key=True) == "1:13"
    assert where(src, ("x", "y")) == "1:11"
    assert where(src, ("x", "y", "missing")) == "1:7"  # the key of the deepest that exists
    assert where(src, ("arr", 1, "n")) == "2:25"
    assert where(src, ("arr", 1, "m", 1)) == "2:37"
    assert where(src, ("arr", 1)) == "2:19"
    assert where(src, ("arr", 5)) == "2:1"  # no such item: the array's key
    assert where(src, ("multi", 0, "n")) == "5:9"
    assert where(src, ("multi", 1, "n")) == "6:9"


OUT_OF_ORDER = "\n".join(
    [
        "[[cohorts]]",  # 1
        'id = "c1"',  # 2
        "[program]",  # 3
        'name = "P"',  # 4
        "[[cohorts]]",  # 5
        'id = "c2"',  # 6
        "[[cohorts.pairs]]",  # 7
        'mentor = "a"',  # 8
        "[[cohorts.pairs]]",  # 9
        'mentor = "b"',  # 10
        "[cohorts.pairs.contract]",  # 11
        'milestones = ["m"]',  # 12
        "[program.extra]",  # 13
        "k = 1",  # 14
        "[[cohorts.pairs]]",  # 15
        'mentor = "c"',  # 16
        "[[cohorts]]",  # 17
        'id = "c3"',  # 18
        "[[cohorts.pairs]]",  # 19
        'mentor = "d"',  # 20
        "",
    ]
)


def test_arrays_of_tables_out_of_order() -> None:
    src = source(OUT_OF_ORDER)
    assert [c["id"] for c in src.data["cohorts"]] == ["c1", "c2", "c3"]
    assert where(src, ("cohorts", 0, "id")) == "2:6"
    assert where(src, ("program", "name")) == "4:8"
    assert where(src, ("cohorts", 1, "id")) == "6:6"
    assert where(src, ("cohorts", 1, "pairs", 0, "mentor")) == "8:10"
    assert where(src, ("cohorts", 1, "pairs", 1, "mentor")) == "10:10"
    assert where(src, ("cohorts", 1, "pairs", 1, "contract", "milestones", 0)) == "12:15"
    assert where(src, ("program", "extra", "k")) == "14:5"
    assert where(src, ("cohorts", 1, "pairs", 2, "mentor")) == "16:10"
    assert where(src, ("cohorts", 2, "id")) == "18:6"
    assert where(src, ("cohorts", 2, "pairs", 0, "mentor")) == "20:10"
    assert where(src, ("cohorts", 0, "pairs", 0)) == "1:3"  # no pairs there: the cohort
    assert where(src, ("cohorts", 1, "pairs", 0), at_key=True) == "7:3"


TOML_1_1 = "\n".join(
    [
        'esc = "\\e[1m"',  # 1: an escape tree-sitter's TOML 1.0 grammar does not know
        "[t]",  # 2
        "x = 1",  # 3
        "[[u]]",  # 4
        "y = 2",  # 5
        "[[u]]",  # 6
        "y = 3",  # 7
        "[v]",  # 8
        "inline = {",  # 9: TOML 1.1 allows newlines in inline tables
        "  a = 1,",  # 10
        "}",  # 11
        "time = 07:32",  # 12: and times without seconds
        "[[u]]",  # 13
        "y = 4",  # 14
        "",
    ]
)


def test_toml_1_1_syntax_that_tree_sitter_lacks_keeps_later_locations() -> None:
    src = source(TOML_1_1)
    assert src.data["esc"] == "\x1b[1m"
    assert len(src.data["u"]) == 3
    assert where(src, ("t", "x")) == "3:5"
    assert where(src, ("u", 0, "y")) == "5:5"
    assert where(src, ("u", 1, "y")) == "7:5"
    assert where(src, ("v", "inline", "a")) == "10:7"
    assert where(src, ("u", 2, "y")) == "14:5"
    assert src.positions.body(("t",)) == (len('esc = "\\e[1m"\n'), len('esc = "\\e[1m"\n[t]\nx = 1\n'))


# -- table offsets for edits ----------------------------------------------------------------------

TABLES = "\n".join(
    [
        "[program]",  # 1
        'name = "Zoë 王芳"',  # 2
        "",  # 3
        '# the next cohort says """ hello, and \u2028 breaks no line',  # 4
        "[[cohorts]]",  # 5
        'id = "c1"',  # 6
        "",  # 7
        "[[cohorts.pairs]]",  # 8
        'mentor = "a"',  # 9
        "",  # 10
        "  [[cohorts]]",  # 11
        'id = "c2"',  # 12
        "",
    ]
)


def _line_offset(text: str, line: int) -> int:
    return sum(len(part) + 1 for part in text.split("\n")[: line - 1])


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_region_and_body_after_a_comment_holding_triple_quotes(newline: str) -> None:
    text = TABLES.replace("\n", newline)
    src = source(text)
    positions = src.positions
    cohort = (_line_offset(text, 5), _line_offset(text, 11))
    assert positions.region(("cohorts", 0)) == cohort
    assert positions.body(("cohorts", 0)) == (cohort[0], _line_offset(text, 8))
    assert positions.body(("cohorts", 0, "pairs", 0)) == (_line_offset(text, 8), cohort[1])
    assert positions.region(("cohorts", 1)) == (_line_offset(text, 11), len(text))
    assert positions.region(("program",)) == (0, _line_offset(text, 5))
    start, end = cohort
    assert text[start:end].startswith("[[cohorts]]" + newline + 'id = "c1"')
    assert text[start:end].endswith('mentor = "a"' + newline + newline)
    assert positions.region(()) is None
    assert positions.body(()) is None
    assert positions.region(("cohorts", 5)) is None
    assert positions.body(("program", "name")) is None


def test_region_and_body_are_none_for_inline_and_implicit_tables() -> None:
    src = source(INLINE + "[a.b]\nc = 1\n")
    assert src.positions.region(("x",)) is None
    assert src.positions.body(("x", "y")) is None
    assert src.positions.region(("a",)) is None  # implicit: only [a.b] is written
    assert src.positions.body(("a", "b")) == (len(INLINE), len(INLINE) + len("[a.b]\nc = 1\n"))


# -- end to end ---------------------------------------------------------------------------------


def test_the_cli_locates_a_mistake_below_a_comment_holding_triple_quotes(tmp_path: Path) -> None:
    text = (ROOT / "program.toml").read_text(encoding="utf-8")
    top = "# Northbridge Financial Group"
    text = replace_once(text, top, '# a note with """ in it\n' + top)
    mistake = 'mentor = "marcus-bell"'
    text = replace_once(text, mistake, 'mentor = "marcus-bel"')
    path = tmp_path / "program.toml"
    path.write_text(text, encoding="utf-8")
    line = text.split("\n").index('mentor = "marcus-bel"') + 1
    assert line > 1000
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "check", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=600,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{path}:{line}:10: unknown person 'marcus-bel'" in proc.stdout + proc.stderr
