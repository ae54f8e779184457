"""Progress concerns: stalling pairs, overdue milestones, missing end reviews, feedback drops."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from generator.project import Project, open_project
from generator.records.progress import (
    feedback_drops,
    missing_end_reviews,
    overdue_milestones,
    stalling_pairs,
)
from tests.conftest import FIXTURES, replace_once, run_handbook

SMALL = FIXTURES / "records" / "small"
PILOT_RECORDS = Path("records") / "pilot.toml"


@pytest.fixture
def program_dir(tmp_path: Path) -> Path:
    shutil.copytree(SMALL, tmp_path / "prog")
    return tmp_path / "prog"


def loaded(folder: Path) -> Project:
    return open_project(folder / "program.toml")


def concerns(check, folder: Path, today: str) -> list[tuple[tuple, str]]:  # type: ignore[no-untyped-def]
    lp = loaded(folder)
    return [(c.path, c.message) for c in check(lp.program, lp.records, dt.date.fromisoformat(today))]


def test_a_pair_is_stalling_after_one_and_a_half_alignment_intervals(program_dir: Path) -> None:
    # mentor-c -> mentee-d last met on 2027-02-03; monthly checks: stalling after 45.66 days
    assert concerns(stalling_pairs, program_dir, "2027-03-20") == []
    assert concerns(stalling_pairs, program_dir, "2027-03-21") == [
        (
            ("cohorts", 0, "pairs", 1),
            "pair mentor-c -> mentee-d is stalling: no session since 2027-02-03 (46 days; its alignment "
            "check is every 1 month): talk to the pair and consider rebalancing",
        )
    ]


def test_a_pair_with_no_record_at_all_stalls_from_its_start(program_dir: Path) -> None:
    path = program_dir / PILOT_RECORDS
    text = path.read_text()
    path.write_text(text[: text.index('[[pairs]]\nmentor = "mentor-c"')])
    found = concerns(stalling_pairs, program_dir, "2027-03-20")
    assert found == [
        (
            ("cohorts", 0, "pairs", 1),
            "pair mentor-c -> mentee-d is stalling: no session recorded since it started on 2027-02-01 "
            "(47 days; its alignment check is every 1 month): talk to the pair and consider rebalancing",
        )
    ]


def test_rebalanced_pairs_and_finished_cohorts_do_not_stall(program_dir: Path) -> None:
    program = program_dir / "program.toml"
    text = program.read_text()
    program.write_text(
        replace_once(
            text, "start = 2027-02-01\n", 'start = 2027-02-01\nstate = "rebalanced"\nreason = "Moved"\n'
        )
    )
    assert concerns(stalling_pairs, program_dir, "2027-03-21") == []
    assert concerns(stalling_pairs, program_dir, "2027-06-30") == []


def test_an_overdue_milestone(program_dir: Path) -> None:
    # mentor-c -> mentee-d started 2027-02-01: 'plan' (4 weeks) was due 2027-03-01 and is not reached
    assert concerns(overdue_milestones, program_dir, "2027-03-01") == []
    assert concerns(overdue_milestones, program_dir, "2027-03-03") == [
        (
            ("cohorts", 0, "pairs", 1),
            "milestone 'plan' of pair mentor-c -> mentee-d was due on 2027-03-01 and is not recorded "
            "as reached (2 days overdue)",
        )
    ]


def test_a_finished_cohort_without_end_reviews(program_dir: Path) -> None:
    assert concerns(missing_end_reviews, program_dir, "2027-05-28") == []  # not over yet
    assert concerns(missing_end_reviews, program_dir, "2027-06-01") == [
        (
            ("cohorts", 0, "end"),
            "cohort 'pilot' ended on 2027-05-28 but 2 of 2 pairs have no end review recorded "
            "(a session with kind 'end-review'): hold and record the end reviews",
        )
    ]
    path = program_dir / PILOT_RECORDS
    text = replace_once(
        path.read_text(),
        "{ date = 2027-02-22 },",
        '{ date = 2027-02-22 },\n  { date = 2027-05-27, kind = "end-review" },',
    )
    text = replace_once(
        text, "[{ date = 2027-02-03 }]", '[{ date = 2027-02-03 }, { date = 2027-05-26, kind = "end-review" }]'
    )
    path.write_text(text)
    assert concerns(missing_end_reviews, program_dir, "2027-06-01") == []


def _add_feedback(folder: Path, scores: list[int], side: str = "mentee") -> None:
    path = folder / PILOT_RECORDS
    entries = "".join(
        f'\n[[pairs.feedback]]\ndate = 2027-03-{10 + 7 * n:02d}\nby = "{side}"\n'
        f"clarity = {s}\nconfidence = {s}\ninfluence = {s}\nrelationship = {s}\n"
        for n, s in enumerate(scores)
    )
    path.write_text(path.read_text() + entries)


def test_a_sustained_drop_in_feedback(program_dir: Path) -> None:
    _add_feedback(program_dir, [4, 3, 2])
    assert concerns(feedback_drops, program_dir, "2027-04-01") == [
        (
            ("cohorts", 0, "pairs", 1),
            "feedback from the mentee of pair mentor-c -> mentee-d fell from 4.0 to 2.0 over its last 3 "
            "ratings (2027-03-10 to 2027-03-24): follow up with the pair",
        )
    ]


def test_a_single_dip_or_a_small_drift_is_not_a_drop(program_dir: Path) -> None:
    _add_feedback(program_dir, [4, 2, 3])
    assert concerns(feedback_drops, program_dir, "2027-04-01") == []


def test_a_drift_of_less_than_a_point_is_not_a_drop(tmp_path: Path) -> None:
    shutil.copytree(SMALL, tmp_path / "p")
    path = tmp_path / "p" / PILOT_RECORDS
    path.write_text(
        path.read_text()
        + "".join(
            f'\n[[pairs.feedback]]\ndate = 2027-03-{10 + n:02d}\nby = "mentor"\n'
            f"clarity = 4\nconfidence = 4\ninfluence = {4 - (n > 0)}\nrelationship = {4 - (n > 1)}\n"
            for n in range(3)
        )
    )
    assert concerns(feedback_drops, tmp_path / "p", "2027-04-01") == []


# --- the rules, through `handbook check` -------------------------------------------------------


def check_on(folder: Path, today: str, *args: str) -> list[str]:
    result = run_handbook("check", "program.toml", *args, cwd=folder, env={"HANDBOOK_TODAY": today})
    assert "Traceback" not in result.output
    assert result.code == 0, result.output  # progress findings are warnings
    return [line for line in result.out.splitlines() if re.match(r"program\.toml:\d+:\d+: ", line)]


def test_pair_stalling_rule(program_dir: Path) -> None:
    assert [line for line in check_on(program_dir, "2027-03-20") if "HB501" in line] == []
    assert check_on(program_dir, "2027-03-21") == [
        "program.toml:43:3: HB501 [pair-stalling] pair mentor-c -> mentee-d is stalling: no session since "
        "2027-02-03 (46 days; its alignment check is every 1 month): talk to the pair and consider rebalancing",
        "program.toml:43:3: HB502 [milestone-overdue] milestone 'plan' of pair mentor-c -> mentee-d was due on "
        "2027-03-01 and is not recorded as reached (20 days overdue)",
    ]


def test_pair_stalling_factor_is_an_option(program_dir: Path) -> None:
    program = program_dir / "program.toml"
    program.write_text(program.read_text() + "\n[checks.pair-stalling]\nfactor = 3\n")
    assert [line for line in check_on(program_dir, "2027-03-21") if "HB501" in line] == []


def test_milestone_overdue_rule_stops_when_the_cohort_ends(program_dir: Path) -> None:
    assert [line for line in check_on(program_dir, "2027-03-01") if "HB502" in line] == []
    assert [line for line in check_on(program_dir, "2027-06-10") if "HB502" in line] == []


def test_end_review_missing_rule(program_dir: Path) -> None:
    assert check_on(program_dir, "2027-06-10") == [
        "program.toml:37:7: HB503 [end-review-missing] cohort 'pilot' ended on 2027-05-28 but 2 of 2 pairs "
        "have no end review recorded (a session with kind 'end-review'): hold and record the end reviews",
    ]


def test_feedback_drop_rule(program_dir: Path) -> None:
    _add_feedback(program_dir, [4, 3, 2])
    lines = [line for line in check_on(program_dir, "2027-03-25") if "HB504" in line]
    assert lines == [
        "program.toml:43:3: HB504 [feedback-drop] feedback from the mentee of pair mentor-c -> mentee-d fell "
        "from 4.0 to 2.0 over its last 3 ratings (2027-03-10 to 2027-03-24): follow up with the pair",
    ]


def test_feedback_drop_rule_passes_a_recovering_pair(program_dir: Path) -> None:
    _add_feedback(program_dir, [4, 3, 4])
    assert [line for line in check_on(program_dir, "2027-03-25") if "HB504" in line] == []


def test_progress_rules_are_listed_with_their_documentation() -> None:
    result = run_handbook("rule", "pair-stalling")
    assert result.code == 0, result.output
    assert "HB501" in result.out and "rebalanc" in result.out
    listed = run_handbook("rules").out
    for code, name in (
        ("HB501", "pair-stalling"),
        ("HB502", "milestone-overdue"),
        ("HB503", "end-review-missing"),
        ("HB504", "feedback-drop"),
    ):
        assert f"{code}   {name}" in listed and "plugins.progress" in listed
