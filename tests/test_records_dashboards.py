"""Progress dashboards and the milestones page: only aggregates, never an individual record."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from generator.project import open_project
from generator.site.dashboards import MILESTONES_PAGE, PROGRAM_PAGE, markdown_text, progress_pages
from tests.conftest import ROOT, replace_once
from tests.test_records_aggregates import write_program

AS_OF = dt.date(2026, 11, 24)


def pages_for(program: Path, as_of: dt.date = AS_OF) -> dict[str, str]:
    loaded = open_project(program)
    return progress_pages(loaded.program, loaded.records, as_of)


def canary_copy_of_the_example(tmp_path: Path) -> tuple[Path, list[str]]:
    """The example program with every free-text value of its records replaced by a unique canary."""
    shutil.copy(ROOT / "program.toml", tmp_path / "program.toml")
    (tmp_path / "records").mkdir()
    canaries: list[str] = []
    for source in (ROOT / "records").glob("*.toml"):
        text = source.read_text(encoding="utf-8")

        def canary(match: re.Match[str]) -> str:
            canaries.append(f"CANARY{len(canaries):04d}X")
            return f'{match.group(1)} = "{canaries[-1]}"'

        text = re.sub(r'\b(evidence|comment|note)\s*=\s*"[^"]*"', canary, text)
        (tmp_path / "records" / source.name).write_text(text, encoding="utf-8")
    return tmp_path / "program.toml", canaries


def test_no_individual_record_reaches_the_pages(tmp_path: Path) -> None:
    program, canaries = canary_copy_of_the_example(tmp_path)
    assert len(canaries) > 40  # every milestone's evidence at least
    pages = pages_for(program)
    text = "\n".join(pages.values())
    assert "Sessions held against plan" in text  # the pages do show figures
    leaked = [c for c in canaries if c in text]
    assert leaked == []
    people = open_project(program).program.people
    assert [p.id for p in people if p.id in text] == []
    assert [p.name for p in people if p.name in text] == []


def test_the_example_has_a_dashboard_per_cohort_with_records_and_a_milestones_page() -> None:
    pages = pages_for(ROOT / "program.toml")
    assert sorted(pages) == [
        "cohorts/2026-autumn/progress.md",
        "cohorts/2026-spring/progress.md",
        PROGRAM_PAGE,
        MILESTONES_PAGE,
    ]
    assert "over 11 mentees" in pages["cohorts/2026-autumn/progress.md"]
    assert "milestones reached across the program" in pages[MILESTONES_PAGE]


def test_a_cohort_of_four_shows_no_figures(tmp_path: Path) -> None:
    pages = pages_for(write_program(tmp_path, {"tiny": 2, "big": 8, "other": 6}), dt.date(2027, 12, 31))
    tiny = pages["cohorts/tiny/progress.md"]
    assert "Nothing to show yet: the groups are too small to publish." in tiny
    body = tiny.split("*As of", 1)[1]
    assert not re.search(r"\d+ of \d+|%", body)
    tiny_milestones = pages[MILESTONES_PAGE].split("## tiny")[1].split("## big")[0]
    assert tiny_milestones.strip().splitlines()[2:] == ["| Plan agreed | withheld (fewer than 5 mentees) |"]


def test_an_aggregate_of_exactly_k_shows(tmp_path: Path) -> None:
    pages = pages_for(write_program(tmp_path, {"exact": 5, "big": 8}), dt.date(2027, 12, 31))
    exact = pages["cohorts/exact/progress.md"]
    assert "*As of 2027-12-31, over 5 mentees.*" in exact
    assert "10 of 20 planned alignment checks and check-ins held (50%)" in exact
    assert "| Plan agreed | 5 of 5 due so far (100%) |" in exact


def test_text_from_program_toml_cannot_inject_markup(tmp_path: Path) -> None:
    program = write_program(tmp_path, {"big": 8})
    text = replace_once(
        program.read_text(),
        'title = "Plan agreed"',
        'title = "<script>alert(1)</script> [x](javascript:alert(1)) {{ x }}"',
    )
    program.write_text(text)
    page = pages_for(program, dt.date(2027, 12, 31))["cohorts/big/progress.md"]
    assert "<script>" not in page and "](javascript:" not in page
    assert r"&lt;script&gt;alert\(1\)&lt;/script&gt; \[x\]\(javascript:alert\(1\)\) \{\{ x \}\}" in page


def test_markdown_text_keeps_a_table_row_whole() -> None:
    assert markdown_text("A | B\nC") == r"A \| B C"


def test_no_milestones_page_when_recognition_is_off(tmp_path: Path) -> None:
    program = write_program(tmp_path, {"big": 8}, extra='[recognition]\nmilestones = "none"\n')
    assert MILESTONES_PAGE not in pages_for(program, dt.date(2027, 12, 31))


def test_no_pages_without_records(tmp_path: Path) -> None:
    program = write_program(tmp_path, {"big": 8})
    shutil.rmtree(tmp_path / "records")
    assert pages_for(program) == {}
