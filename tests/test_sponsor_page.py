"""The sponsor page of each cohort: representation by division, geography and career stage under
the small-group rule, mentor time against the workload guardrail, and the cohort's progress."""

from __future__ import annotations

import datetime as dt
import html
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from generator.project import open_project
from generator.site.pages import render_pages
from tests.conftest import ROOT, copy_example

AS_OF = dt.date(2026, 11, 25)


def _sponsor_pages(program: Path) -> dict[str, str]:
    loaded = open_project(program)
    pages = render_pages(loaded.program, records=loaded.records, as_of=AS_OF)
    # read as text: the Markdown escapes (`\(`) go, as they do when the page is rendered
    return {
        p.path.split("/")[1]: str(p.content).replace("\\", "")
        for p in pages
        if p.path.endswith("/sponsor.md")
    }


def _table(page: str, title: str) -> dict[str, list[str]]:
    block = page.split(f"| {title} | Mentees | Mentors |", 1)[1].split("\n\n", 1)[0]
    rows = [line.strip("|").split(" | ") for line in block.strip().splitlines()[1:]]
    return {html.unescape(row[0].strip()): [cell.strip() for cell in row[1:]] for row in rows}


def _cohort_people(doc: dict, cohort_id: str) -> tuple[list[dict], list[dict]]:
    people = {p["id"]: p for p in doc["people"]}
    cohort = next(c for c in doc["cohorts"] if c["id"] == cohort_id)
    pairs = [p for p in cohort.get("pairs", []) if p.get("state", "active") != "rebalanced"]
    mentees = [people[i] for i in dict.fromkeys(p["mentee"] for p in pairs)]
    mentors = [people[i] for i in dict.fromkeys(p["mentor"] for p in pairs)]
    return mentees, mentors


def _with_min_group_size(tmp_path: Path, k: int) -> Path:
    program = copy_example(tmp_path) / "program.toml"
    program.write_text(
        program.read_text(encoding="utf-8") + f"\n[records]\nmin_group_size = {k}\n", encoding="utf-8"
    )
    return program


@pytest.mark.parametrize("k", [3, 4])
@pytest.mark.parametrize("dimension", [("Division", "division"), ("Geography", "geography")])
def test_the_sponsor_page_hides_every_group_under_the_minimum_size(tmp_path: Path, k: int, dimension) -> None:
    title, field = dimension
    program = _with_min_group_size(tmp_path, k)
    doc = tomllib.loads(program.read_text(encoding="utf-8"))
    pages = _sponsor_pages(program)
    assert sorted(pages) == sorted(c["id"] for c in doc["cohorts"])  # one page per cohort
    shown_any = pooled_any = False
    for cohort_id, page in pages.items():
        mentees, mentors = _cohort_people(doc, cohort_id)
        table = _table(page, title)
        for side, people in ((0, mentees), (1, mentors)):
            counts = Counter(p[field] for p in people)
            shown = {label: cells[side] for label, cells in table.items() if label in counts}
            for label, n in counts.items():
                if n < k:
                    assert shown.get(label, "in other groups") == "in other groups", (cohort_id, label)
            for label, cell in table.items():
                if label not in counts and not label.startswith(("Other", "All")):
                    assert cell[side] == "0"  # a group only the other side has
            for label, cell in shown.items():
                if cell != "in other groups":
                    assert int(cell) == counts[label] >= k  # a group named is its true size, never small
                    shown_any = True
            pool = [cells[side] for label, cells in table.items() if label.startswith(("Other", "All"))]
            if not people:
                assert pool == ["0"], (cohort_id, table)  # a cohort with no pairs yet
            elif len(people) < k:
                assert all(cell.startswith("withheld") for cell in pool), (cohort_id, table)
            elif pool and pool[0] != "0":
                pooled_any = True
                # the pooled groups are themselves at least k people, so no difference reveals one
                hidden = len(people) - sum(int(c) for c in shown.values() if c != "in other groups")
                assert int(pool[0]) == hidden >= k
    assert shown_any and pooled_any  # the example exercises both


def test_no_person_is_named_on_a_sponsor_page(tmp_path: Path) -> None:
    program = _with_min_group_size(tmp_path, 3)
    doc = tomllib.loads(program.read_text(encoding="utf-8"))
    text = "\n".join(_sponsor_pages(program).values())
    assert [p["name"] for p in doc["people"] if p["name"] in text] == []
    assert [p["id"] for p in doc["people"] if re.search(rf"\b{re.escape(p['id'])}\b", text)] == []


def test_a_cohort_smaller_than_the_minimum_shows_no_counts(tmp_path: Path) -> None:
    program = _with_min_group_size(tmp_path, 12)  # more than any cohort of the example has
    doc = tomllib.loads(program.read_text(encoding="utf-8"))
    pages = _sponsor_pages(program)
    checked = 0
    for cohort in doc["cohorts"]:
        if not cohort.get("pairs"):
            continue
        page = pages[cohort["id"]]
        people = page.split("## Who takes part", 1)[1].split("## Mentor time", 1)[0]
        assert "withheld (fewer than 12 people)" in people
        assert not re.search(r"\| \d+ \|", people), people
        assert "Withheld: the cohort has fewer than 12 mentors." in page
        assert "Mentees: withheld (fewer than 12 people)." in page
        checked += 1
    assert checked >= 2


def test_mentor_time_is_measured_against_the_guardrail_budget() -> None:
    doc = tomllib.loads((ROOT / "program.toml").read_text(encoding="utf-8"))
    guard = doc["guardrails"]
    per_pair = open_project(ROOT / "program.toml").program.guardrails.hours_per_pair_per_month
    pages = _sponsor_pages(ROOT / "program.toml")
    checked = 0
    for cohort in doc["cohorts"]:
        _, mentors = _cohort_people(doc, cohort["id"])
        page = pages[cohort["id"]]
        if len(mentors) < 5:
            assert "Withheld: the cohort has fewer than 5 mentors." in page
            continue
        budget = sum(min(guard["max_hours_per_month"], m.get("hours_per_month") or 10**9) for m in mentors)
        cohort_pairs = [p for p in cohort["pairs"] if p.get("state", "active") != "rebalanced"]
        planned = len(cohort_pairs) * per_pair
        assert f"| Guardrail budget of the {len(mentors)} mentors | {budget:g} |" in page
        assert f"at {per_pair:g} hours each | {planned:g} |" in page
        within = "within the budget" if planned <= budget else "over the budget"
        assert f"| {round(100 * planned / budget)}% ({within}) |" in page
        checked += 1
    assert checked >= 2


def test_the_sponsor_page_shows_the_cohorts_progress_and_metric_status() -> None:
    pages = _sponsor_pages(ROOT / "program.toml")
    spring = pages["2026-spring"]
    assert "## Milestones" in spring and "## Outcomes" in spring
    statuses = re.findall(r"\| (met|on track|behind) \|$", spring, flags=re.M)
    assert statuses, "numeric targets are judged on the sponsor page"
    assert "No progress recorded for this cohort yet." in pages["2027-spring"]
