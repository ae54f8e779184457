"""The owner's HTML reports (`handbook match --report`, `handbook portfolio --html`) print names
from program.toml as text, never as markup: they are rendered from autoescaped templates."""

from __future__ import annotations

import html
import shutil
from html.parser import HTMLParser
from pathlib import Path

from generator.portfolio.html_report import MARKER, render_html
from generator.portfolio.review import Review
from tests.conftest import FIXTURES, ROOT, run_handbook

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"onmouseover=alert(2) x="'
HOSTILE = f"{SCRIPT}{ATTRIBUTE}"


class _Document(HTMLParser):
    """Every tag, attribute and piece of text of a page, as a browser would read them."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _assert_shown_as_text(page: str, name: str) -> _Document:
    """`name` (holding HOSTILE) is text on the page and nowhere markup."""
    assert SCRIPT not in page and ATTRIBUTE not in page
    assert html.escape(SCRIPT, quote=False) in page
    doc = _Document(page)
    assert "script" not in doc.tags
    assert not [a for a, _ in doc.attributes if a.startswith("on")]
    assert any(name in text for text in doc.text)
    return doc


def test_the_matching_report_shows_hostile_names_as_text(tmp_path: Path) -> None:
    shutil.copy(ROOT / "program.toml", tmp_path / "program.toml")
    shutil.copytree(ROOT / "records", tmp_path / "records")
    program = tmp_path / "program.toml"
    # TOML literal strings: the names hold double quotes as they are
    _replace_once(program, 'name = "Kenji Tanaka"', f"name = 'Kenji {HOSTILE}'")
    _replace_once(program, 'name = "Spring 2027 cohort"', f"name = 'Spring {HOSTILE}'")
    result = run_handbook(
        "match",
        "program.toml",
        "--cohort",
        "2027-spring",
        "--report",
        "owner.html",
        cwd=tmp_path,
        env={"HANDBOOK_TODAY": "2026-11-24"},
    )
    assert result.code == 0, result.output
    page = (tmp_path / "owner.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    doc = _assert_shown_as_text(page, f"Kenji {HOSTILE}")
    assert any(f"Spring {HOSTILE}" in text for text in doc.text)  # the title and the heading
    # the heat map's tooltips hold the name inside an attribute value, still as text
    assert [v for a, v in doc.attributes if a == "title" and f"Kenji {HOSTILE}" in v]
    assert "<svg" in page and page.count('class="chosen"') == 7


def test_the_portfolio_report_shows_a_hostile_program_name_as_text(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "records" / "portfolio", tmp_path / "portfolio")
    program = tmp_path / "portfolio" / "program.toml"
    _replace_once(program, 'name = "Portfolio fixture"', f"name = 'Portfolio {HOSTILE}'")
    _replace_once(program, 'name = "Spring"', f"name = 'Spring {HOSTILE}'")
    _replace_once(program, 'name = "Mentor 00"', f"name = 'Mentor {HOSTILE}'")
    target = tmp_path / "review.html"
    result = run_handbook("portfolio", str(program), "--html", str(target))
    assert result.code == 0, result.output
    page = target.read_text(encoding="utf-8")
    _assert_shown_as_text(page, f"Portfolio {HOSTILE}")
    assert MARKER in page[:2000]  # the file stays recognisable as this report's own
    assert page.count("<svg") == 15


def test_an_empty_portfolio_report_escapes_the_program_name() -> None:
    review = Review(program=f"Programme {HOSTILE}", pairs=0, cohorts=0, min_sample=10, confidence=0.95)
    page = render_html(review)
    _assert_shown_as_text(page, f"Programme {HOSTILE}")
    assert "No progress records yet: nothing to compare." in page
    assert "<svg" not in page
