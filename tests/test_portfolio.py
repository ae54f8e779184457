"""`handbook portfolio`: the statistics behind it and a review of a fixture with a known answer."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from scipy import stats

from generator.portfolio.statistics import mean_difference, mean_interval, rate_difference, wilson
from tests.conftest import FIXTURES, replace_once, run_handbook

PORTFOLIO = FIXTURES / "records" / "portfolio" / "program.toml"


# --- statistics against published or independently computed values -------------------------


def test_wilson_interval_matches_the_published_value() -> None:
    # 8 of 10: the textbook Wilson score interval is 0.4902 to 0.9433
    e = wilson(8, 10)
    assert (round(e.low, 4), round(e.high, 4)) == (0.4902, 0.9433)
    assert e.value == 0.8 and e.n == 10 and e.successes == 8


def test_wilson_interval_stays_inside_zero_and_one_at_the_extremes() -> None:
    none, every = wilson(0, 10), wilson(10, 10)
    assert none.low == 0 and 0.25 < none.high < 0.32
    assert every.high == 1 and 0.68 < every.low < 0.75


def test_newcombe_difference_matches_newcombes_worked_example() -> None:
    # Newcombe (1998), method 10: 56/70 - 48/80 = 0.2000, 95% CI 0.0524 to 0.3339
    d = rate_difference(wilson(56, 70), wilson(48, 80))
    assert (round(d.value, 4), round(d.low, 4), round(d.high, 4)) == (0.2, 0.0524, 0.3339)


def test_t_interval_of_a_mean() -> None:
    # mean 3, sd 1.5811, se 0.7071, t(0.975, 4) = 2.7764
    e = mean_interval([1, 2, 3, 4, 5])
    assert (round(e.low, 4), round(e.high, 4)) == (1.0368, 4.9632)


def test_a_single_value_has_no_interval() -> None:
    e = mean_interval([4.0])
    assert e.value == 4.0 and math.isinf(e.low) and math.isinf(e.high)


def test_welch_difference_agrees_with_scipys_welch_test() -> None:
    a, b = [1.0, 1, 2, 1, 0, 1, 2, 1, 1, 0], [0.0, 0, 1, 0, 0, 0, 1, 0, 0, 2]
    d = mean_difference(a, b)
    expected = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert d.low == pytest.approx(expected.low) and d.high == pytest.approx(expected.high)


# --- the report on a fixture with a known answer ---------------------------------------------


def test_portfolio_names_the_clear_difference_with_its_intervals() -> None:
    result = run_handbook("portfolio", str(PORTFOLIO.relative_to(FIXTURES.parent.parent)))
    assert result.code == 0, result.output
    assert "Traceback" not in result.output
    out = result.out
    assert "20 pairs with records in 1 cohort. Owner-only: do not publish." in out
    division = out[out.index("Cross-division vs same division") : out.index("Cross-geography")]
    assert division.splitlines()[1:6] == [
        "  promotion rate",
        "    cross-division  80% (8/10), 95% CI 49%-94%",
        "    same division   20% (2/10), 95% CI 6%-51%",
        "    difference: +60 points (95% CI +16 to +80)",
        "    -> cross-division did better",
    ]
    assert "    cross-division  1.00 (n=10), 95% CI 0.52 to 1.48" in division
    assert "    -> no clear difference: the interval includes zero" in division  # projects: 5/10 each
    assert out.count("Evidence supports a change") == 1
    assert (
        "  - Evidence supports a change: raise the matching weight on perspective diversity across "
        "divisions (clear on promotion rate, growth in feedback)."
    ) in out


def test_portfolio_compares_pairs_by_their_match_score() -> None:
    """Pairs split at the median `handbook match` score: 10 and 10 in the fixture, and promotion
    is 5 of 10 in each half, so no weight change is suggested from this dimension."""
    result = run_handbook("portfolio", str(PORTFOLIO))
    section = result.out[result.out.index("Match score bands") : result.out.index("Mentor load")]
    assert section.splitlines()[1:6] == [
        "  promotion rate",
        "    higher match score  50% (5/10), 95% CI 24%-76%",
        "    lower match score   50% (5/10), 95% CI 24%-76%",
        "    difference: +0 points (95% CI -37 to +37)",
        "    -> no clear difference: the interval includes zero",
    ]
    assert "[matching] weights" not in result.out.split("\nMatching\n")[1]


def test_portfolio_says_plainly_when_a_sample_is_too_small() -> None:
    result = run_handbook("portfolio", str(PORTFOLIO.relative_to(FIXTURES.parent.parent)))
    geography = result.out[result.out.index("Cross-geography") : result.out.index("Leadership-style")]
    # every pair shares a geography: nothing can be concluded, and nothing is suggested
    assert (
        "    -> too small to conclude anything: 0 and 20 pairs measured, at least 10 needed in each group"
    ) in geography
    assert "did better" not in geography
    assert "geographies" not in result.out.split("Matching")[1]


def test_a_higher_minimum_sample_withdraws_the_suggestion() -> None:
    result = run_handbook("portfolio", str(PORTFOLIO), "--min-sample", "11")
    assert result.code == 0
    assert "Evidence supports a change" not in result.out
    assert "  No change suggested: no comparison is clear enough to act on." in result.out


def test_html_report_is_self_contained_with_inline_charts(tmp_path: Path) -> None:
    target = tmp_path / "portfolio.html"
    result = run_handbook("portfolio", str(PORTFOLIO), "--html", str(target))
    assert result.code == 0, result.output
    html = target.read_text(encoding="utf-8")
    assert html.count("<svg") == 15  # one chart per comparison that has data
    assert "80% (8/10), 95% CI 49%-94%" in html
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    assert not list(tmp_path.glob(".*.tmp"))  # no half-written file left behind


def test_html_report_never_overwrites_a_hand_written_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.html"
    target.write_text("<p>my notes</p>", encoding="utf-8")
    result = run_handbook("portfolio", str(PORTFOLIO), "--html", str(target))
    assert result.code == 2
    assert result.err.strip() == (
        f"handbook: {target} exists and was not written by `handbook portfolio`: choose another path"
    )
    assert target.read_text(encoding="utf-8") == "<p>my notes</p>"
    # its own earlier report is replaced
    ours = tmp_path / "review.html"
    assert run_handbook("portfolio", str(PORTFOLIO), "--html", str(ours)).code == 0
    assert run_handbook("portfolio", str(PORTFOLIO), "--html", str(ours)).code == 0


def test_invalid_records_stop_the_portfolio_with_located_errors(tmp_path: Path) -> None:
    shutil.copytree(PORTFOLIO.parent, tmp_path / "p")
    records = tmp_path / "p" / "records" / "spring.toml"
    records.write_text(replace_once(records.read_text(), 'mentee = "mentee-03"', 'mentee = "mentee-33"'))
    result = run_handbook("portfolio", "program.toml", cwd=tmp_path / "p")
    assert result.code == 1
    assert "Traceback" not in result.output
    assert result.out.splitlines()[0] == (
        "records/spring.toml:33:10: unknown pair mentor-03 -> mentee-33: cohort 'spring' has no such pair; "
        "'mentor-03' mentors 'mentee-03'"
    )


def test_min_sample_must_be_a_number_of_at_least_two() -> None:
    result = run_handbook("portfolio", str(PORTFOLIO), "--min-sample", "1")
    assert result.code == 2
    assert "argument --min-sample: a comparison needs at least 2 pairs in each group" in result.err
