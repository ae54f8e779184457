"""Progress that adds up: sessions against the sessions planned (never over 100 %), metric actuals
in their target's unit with met / on track / behind, feedback trends aligned by cohort month,
withheld figures that say so, and dashboard text without stray escapes or markup."""

from __future__ import annotations

import datetime as dt
import html
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.model import MetricTarget
from generator.project import open_project
from generator.records.aggregates import _held_against_plan, pooled_groups
from generator.site.dashboards import MILESTONES_PAGE, PROGRAM_PAGE, Actual, judge, progress_pages
from tests.conftest import ROOT, copy_example, replace_once, run_handbook
from tests.test_records_aggregates import write_program

AS_OF = dt.date(2026, 11, 24)
SHARE = re.compile(r"(\d+) of (\d+) planned alignment checks and check-ins held \((\d+)%\)")


def _pages(program: Path, as_of: dt.date = AS_OF) -> dict[str, str]:
    loaded = open_project(program)
    return progress_pages(loaded.program, loaded.records, as_of)


def test_extra_and_unplanned_sessions_never_lift_sessions_held_over_100_percent(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    before = {path: SHARE.search(text) for path, text in _pages(project / "program.toml").items()}
    # every alignment check recorded three times, every unplanned session twice: counted as
    # sessions, they would put every pair far over its plan
    for record in (project / "records").glob("*.toml"):
        lines = []
        for line in record.read_text(encoding="utf-8").splitlines(keepends=True):
            copies = 3 if 'kind = "alignment-check"' in line else 2 if 'kind = "session"' in line else 1
            lines += [line] * copies
        record.write_text("".join(lines), encoding="utf-8")
    pages = _pages(project / "program.toml")
    shown = 0
    for path, text in pages.items():
        for held, planned, share in SHARE.findall(text):
            shown += 1
            assert int(held) <= int(planned) and int(share) <= 100, (path, held, planned)
    assert shown >= 3  # the program and both cohorts with records
    # a planned date is held once, however many sessions fall on it: the figures do not move
    for path, match in before.items():
        if match:
            assert SHARE.search(pages[path]).group(0) == match.group(0)  # type: ignore[union-attr]


def _metric_rows(page: str) -> dict[str, list[str]]:
    table = page.split("## Metric targets and actuals", 1)[1].split("\n\n", 2)[1]
    rows = [line.strip("|").split(" | ") for line in table.splitlines()[2:]]
    return {row[0].strip(): [cell.strip() for cell in row[1:]] for row in rows}


def test_numeric_metric_targets_show_the_actual_in_their_unit_and_whether_met() -> None:
    program = ROOT / "program.toml"
    metrics = {m["name"]: m for m in tomllib.loads(program.read_text(encoding="utf-8"))["metrics"]}
    numeric = {name: m["target"] for name, m in metrics.items() if isinstance(m.get("target"), dict)}
    assert len(numeric) >= 3  # the example keeps structured targets in use
    pages = _pages(program)
    judged = 0
    for page in (pages[PROGRAM_PAGE], pages["cohorts/2026-spring/progress.md"]):
        rows = _metric_rows(page)
        for name, target in numeric.items():
            _, actual, status = rows[name]
            unit = "%" if target["unit"] == "%" else f" {target['unit']}"
            number = re.match(rf"(\d+(?:\.\d+)?){re.escape(unit)}", actual)
            assert number, f"{name}: actual {actual!r} is not in the target's unit {unit!r}"
            if float(number.group(1)) >= target["at_least"]:
                assert status == "met", (name, actual, status)
            else:
                assert status in ("on track", "behind"), (name, actual, status)
            judged += 1
        for name, (_target, _, status) in rows.items():
            if name not in numeric:
                assert status == "not judged: target in words"
    assert judged == 2 * len(numeric)


@pytest.mark.parametrize(
    ("target", "actual", "running", "elapsed", "status"),
    [
        (MetricTarget(at_least=85, unit="%"), Actual("90%", 90, "%"), True, 0.5, "met"),
        (MetricTarget(at_least=85, unit="%"), Actual("80%", 80, "%"), True, 0.5, "on track"),
        (MetricTarget(at_least=85, unit="%"), Actual("80%", 80, "%"), False, 1.0, "behind"),
        (MetricTarget(at_least=85, unit="%"), Actual("60%", 60, "%"), True, 0.5, "behind"),
        (
            MetricTarget(at_least=2, unit="per mentee"),
            Actual("1.1", 1.1, "per mentee"),
            True,
            0.5,
            "on track",
        ),
        (MetricTarget(at_least=2, unit="per mentee"), Actual("0.9", 0.9, "per mentee"), True, 0.5, "behind"),
        (MetricTarget(at_most=10, unit="%"), Actual("10.5%", 10.5, "%"), True, 0.2, "on track"),
        (MetricTarget(at_most=10, unit="%"), Actual("12%", 12, "%"), True, 0.2, "behind"),
        (
            MetricTarget(at_least=3, unit="of 5"),
            Actual("40%", 40, "%"),
            True,
            0.2,
            "not judged: the target is in 'of 5'",
        ),
    ],
)
def test_met_on_track_and_behind(target, actual, running, elapsed, status) -> None:
    assert judge(target, actual, running, elapsed) == status


def test_a_numeric_target_needs_one_bound_located(tmp_path: Path) -> None:
    project = copy_example(tmp_path, records=False)
    program = project / "program.toml"
    text = replace_once(
        program.read_text(encoding="utf-8"),
        'target = { at_least = 70, unit = "%" }',
        'target = { unit = "%" }',
    )
    program.write_text(text, encoding="utf-8")
    line = text[: text.index('target = { unit = "%" }')].count("\n") + 1
    files = sorted(p.relative_to(project) for p in project.rglob("*"))
    result = run_handbook("check", "program.toml", cwd=project)
    assert result.code == 1, result.output
    assert f"program.toml:{line}:" in result.output
    assert "a numeric target needs exactly one of at_least or at_most" in result.output
    assert "Traceback" not in result.output
    assert program.read_text(encoding="utf-8") == text
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == files


def test_a_withheld_figure_says_withheld_never_zero(tmp_path: Path) -> None:
    pages = _pages(write_program(tmp_path, {"small": 2, "other": 2}), dt.date(2027, 12, 31))
    milestones = pages[MILESTONES_PAGE]
    assert "withheld (fewer than 5 mentees)" in milestones
    assert not re.search(r"\b0 milestones reached", milestones)


def test_a_withheld_metric_says_so(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    program = project / "program.toml"
    program.write_text(
        program.read_text(encoding="utf-8")
        + '\n[[metrics]]\nid = "rare-habit"\nname = "Rare habit"\nkind = "qualitative"\ncategory = "behaviour"\n'
        'target = { at_least = 3, unit = "of 5" }\n',
        encoding="utf-8",
    )
    # two mentees of one cohort are observed on it: too few to publish, anywhere
    records = project / "records" / "2026-spring.toml"
    text = records.read_text(encoding="utf-8")
    observed = '  { date = 2026-05-30, indicator = "rare-habit", level = 4 },\n'
    records.write_text(text.replace("behaviours = [\n", "behaviours = [\n" + observed, 2), encoding="utf-8")
    pages = _pages(program)
    for page in (pages[PROGRAM_PAGE], pages["cohorts/2026-spring/progress.md"]):
        target, actual, status = _metric_rows(page)["Rare habit"]
        assert (target, actual, status) == ("at least 3 of 5", "withheld (fewer than 5 mentees)", "")


def test_feedback_trends_are_aligned_by_cohort_month() -> None:
    loaded = open_project(ROOT / "program.toml")
    from generator.records.aggregates import PROGRAM, aggregate

    figures = aggregate(loaded.program, loaded.records, AS_OF)
    cohorts = figures.scopes_with_records
    assert len(cohorts) >= 2
    compared = 0
    for key in figures.keys(PROGRAM, "feedback"):
        whole = figures.get(PROGRAM, *key)
        parts = [f.value for c in cohorts if (f := figures.get(c, *key))]
        if whole and parts:
            # the program's month N pools the cohorts' own month N: it lies between them, so a
            # cohort starting later cannot pull the program's line down
            assert min(parts) - 1e-9 <= whole.value <= max(parts) + 1e-9, key
            compared += 1
    assert compared >= 8
    chart = _pages(ROOT / "program.toml")[PROGRAM_PAGE]
    assert "month of the cohort" in chart and "cohort month 1:" in chart
    assert not re.search(r">20\d\d-\d\d<", chart)  # no calendar months on the axis


def test_dashboards_show_program_text_without_stray_escapes_or_markup(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    program = project / "program.toml"
    program.write_text(
        replace_once(
            program.read_text(encoding="utf-8"),
            'target = "At least 10 percentage points above the comparison group"',
            'target = "~10 points <above> the comparison group"',
        ),
        encoding="utf-8",
    )
    result = run_handbook("build", "program.toml", cwd=project)
    assert result.code == 0, result.output
    page = (project / "site" / "progress" / "index.html").read_text(encoding="utf-8")
    assert "<td>~10 points <above> the comparison group</td>" in html.unescape(page)
    for built in (project / "site").rglob("*.html"):
        text = built.read_text(encoding="utf-8")
        assert 'markdown="' not in text, built
        assert not re.search(r"\\[<~]|\\&lt;", text), built


@given(
    sizes=st.dictionaries(st.text("abcdef", min_size=1, max_size=3), st.integers(1, 12), max_size=8),
    k=st.integers(3, 8),
)
def test_pooling_never_shows_a_small_group_nor_lets_a_difference_reveal_one(
    sizes: dict[str, int], k: int
) -> None:
    groups = {name: {f"{name}-{i}" for i in range(n)} for name, n in sizes.items()}
    pooled, whole_hidden = pooled_groups(groups, k)
    shown = {name for name in groups if name not in pooled}
    assert all(len(groups[name]) >= k for name in shown)  # every group named is at least k
    assert {name for name in groups if len(groups[name]) < k} <= pooled
    if pooled and not whole_hidden:
        # total minus the shown groups is the pool: it holds at least k people
        assert sum(len(groups[name]) for name in pooled) >= k
    if whole_hidden:
        assert sum(len(people) for people in groups.values()) < k or not shown


@given(
    every=st.integers(7, 40),
    occurrences=st.integers(1, 12),
    sessions=st.lists(st.integers(0, 400), max_size=60),
)
def test_sessions_held_never_exceed_the_sessions_planned(
    every: int, occurrences: int, sessions: list[int]
) -> None:
    start = dt.date(2027, 1, 4)
    planned = {"check": [start + dt.timedelta(days=every * n) for n in range(occurrences)]}
    held = {"check": [start + dt.timedelta(days=d) for d in sessions], "other": [start]}
    count = _held_against_plan(planned, held)
    assert 0 <= count <= occurrences
    # one session on each planned date holds them all; more on the same dates add nothing
    assert _held_against_plan(planned, {"check": planned["check"] * 3}) == occurrences
