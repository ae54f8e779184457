"""The leak scan's quick paths: a page that is ASCII but for the theme's typographic characters
is normalised to exactly the text the full normalisation gives, a calendar folded as writers
fold it is unfolded exactly as the RFC 5545 rule says, and a folder is listed file for file as
`rglob` lists it, so the scan reads the same files and finds the same values."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator.site.scan import (
    TYPOGRAPHIC,
    LeakScanner,
    Secret,
    _normal_form,
    _unfolded,
    files_under,
    normalise,
    readable_text,
)

ASCII = "".join(map(chr, range(0x80)))
TRICKY = (
    "\u00a0\u2028\u0085\u3000"  # spaces str.split knows and bytes.split does not
    "\u0301\u0327"  # combining marks: join the character before them
    "\u00ad\u200b\u2060\ufeff"  # invisible format characters
    "\uff21\ufb01\u2126\u00df\u0130\u212a"  # full-width, ligature, ohm, sharp s, dotted I, kelvin
    "\u00e9\u00fc\u0142\u4e2d\U0001d400\ud800"  # accented, CJK, mathematical bold A, a lone surrogate
)


@pytest.mark.parametrize("char", list(TYPOGRAPHIC), ids=[f"U+{ord(c):04X}" for c in TYPOGRAPHIC])
def test_a_typographic_character_folds_the_same_whatever_surrounds_it(char: str) -> None:
    normal = unicodedata.normalize("NFKC", char)
    assert char.casefold() == char.lower() == char
    assert not char.isspace() and unicodedata.category(char) != "Cf"
    assert normal == normal.casefold() and not any(c.isspace() for c in normal)
    assert _normal_form(char) == normal
    for other in ASCII + TYPOGRAPHIC:
        # Nothing composes across the two: NFKC of the pair is NFKC of each, in both orders.
        for pair in (other + char, char + other):
            assert unicodedata.normalize("NFKC", pair) == "".join(
                unicodedata.normalize("NFKC", c) for c in pair
            )


@given(
    st.text(
        alphabet=st.sampled_from(ASCII + TYPOGRAPHIC * 4 + "  \n\t")
        | st.sampled_from(TRICKY)
        | st.characters(codec="utf-8"),
        max_size=60,
    )
)
@example("Planning to RESIGN\u2026 \u00b6\x1cnext\u203a")
@example("cafe\u0301 \u00b7 \u00b6")
@example("\u00b7\u0301 flight risk")
@example("\x1f\u2026\x1e")
@example("\u00b6 a\n\n b  c \u00b7")  # at most two spaces in a row
@example("\u00b6 a \n\t b\u00b7   ")  # longer runs
def test_the_quick_normal_form_is_the_full_one(text: str) -> None:
    assert normalise(text) == _normal_form(text)


def test_a_value_between_typographic_characters_is_found() -> None:
    scanner = LeakScanner([Secret("zoe-muller", "notes", "Flight risk if passed over")])
    page = "<p>\u00b6 Summary \u00b7 FLIGHT\n   risk if passed\tover\u2026 \u203a next</p>"
    leaks = scanner.scan_text("people/index.html", page)
    assert [leak.message() for leak in leaks] == ["people/index.html: confidential notes of zoe-muller"]


@given(
    st.lists(
        st.sampled_from(
            [b"\r\n ", b"\r\n", b"\n ", b"\n\t", b"\r", b"\n", b" ", b"\t", b"ab", b"\\n", b"\xc3\xa9"]
        )
    )
)
@example([b"\n", b"\r\n ", b" "])  # unfolding must not join what an earlier unfolding brought together
@example([b"\r\n ", b"\n\t"])
def test_a_calendar_unfolds_as_rfc_5545_says(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    assert _unfolded(data) == re.sub(rb"\r?\n[ \t]", b"", data)


def test_a_folder_is_listed_as_rglob_lists_it(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for name in ("a/x.html", "a-b/x.html", "a/b/c.ics", "real/f.json", "index.html"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("Flight risk if passed over", encoding="utf-8")
    (site / "linked-folder").symlink_to(site / "real")  # not entered, as rglob does not
    (site / "linked-file.html").symlink_to(site / "real" / "f.json")  # read through
    (site / "broken.html").symlink_to(site / "nowhere")
    (site / "loop.html").symlink_to(site / "loop.html")
    expected = [(p.relative_to(site).as_posix(), str(p)) for p in sorted(site.rglob("*")) if p.is_file()]
    assert files_under(site) == expected
    assert [name for name, _ in expected] == [
        "a/b/c.ics",
        "a/x.html",
        "a-b/x.html",
        "index.html",
        "linked-file.html",
        "real/f.json",
    ]
    scanner = LeakScanner([Secret("zoe-muller", "notes", "Flight risk if passed over")])
    assert [leak.file for leak in scanner.scan_folder(site, skip=["index.html"])] == [
        "a/b/c.ics",
        "a/x.html",
        "a-b/x.html",
        "linked-file.html",
        "real/f.json",
    ]


SECRET = "Flight risk if passed over"
PAGE_PIECES = [
    "Flight risk",
    " if passed over",
    "flight-risk-if-passed-over",
    "<p>",
    "</p>",
    "<em>",
    "</em>",
    '<a href="/flight-risk-if-passed-over/">',
    '<a title="Flight risk if passed over">',
    "</a>",
    '<img alt="Flight">',
    '<img alt=" risk">',
    "<b risk>",
    "<if passed x>",
    "&amp;",
    "&lt;",
    "&gt",
    "&#60;",
    "\n  ",
    "\u00b6",
    "\u00fc",
    " ",
    "if",
    "passed",
    "over",
]


@given(
    st.lists(st.lists(st.sampled_from(PAGE_PIECES), max_size=14), min_size=1, max_size=6),
    st.sampled_from([SECRET, "risk> <if passed", "Flight risk <p>"]),
)
@example([["<p>", "Flight risk", "</p>"], ['<a title="Flight risk if passed over">', "</a>"]], SECRET)
@example([["<p>", "Flight risk", "<em>", " if passed over", "</em>"]], SECRET)
@example([["<b risk>", "<if passed x>"]], "risk> <if passed")  # from one tag into the next
@example([["<p>", "Flight risk", "</p>"]], "Flight risk <p>")  # from the text into the tags
def test_a_page_finds_what_its_whole_readable_text_finds(pages: list[list[str]], secret: str) -> None:
    """Pages are scanned in turn by one scanner, which skips tags it already found clean: every
    page gets exactly the leaks a search of its whole readable text gives."""
    scanner = LeakScanner([Secret("zoe-muller", "notes", secret)])
    fresh = LeakScanner([Secret("zoe-muller", "notes", secret)])
    for number, pieces in enumerate(pages):
        name = f"page-{number}/index.html"
        data = "".join(pieces).encode()
        assert scanner.scan_bytes(name, data) == fresh.scan_text(name, readable_text(name, data))
