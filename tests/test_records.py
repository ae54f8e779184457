"""Progress records: `handbook check` validates them with located messages, like program.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.project import open_project
from tests.conftest import FIXTURES, ROOT, Result, edit_once, replace_once, run_handbook

SMALL = FIXTURES / "records" / "small"
FIRST_PERSON = '[[people]]\nid = "mentor-a"\n'


@pytest.fixture
def program_dir(tmp_path: Path) -> Path:
    """A copy of the small records fixture that a test may edit."""
    target = tmp_path / "prog"
    shutil.copytree(SMALL, target)
    return target


def add_records_table(program_dir: Path, settings: str) -> None:
    """Add a `[records]` table to program.toml, just before its first person."""
    edit_once(program_dir / "program.toml", FIRST_PERSON, f"[records]\n{settings}\n\n{FIRST_PERSON}")


def check(program_dir: Path) -> Result:
    result = run_handbook("check", "program.toml", cwd=program_dir)
    assert "Traceback" not in result.output
    return result


def records_file(program_dir: Path) -> Path:
    return program_dir / "records" / "pilot.toml"


def test_valid_records_load_and_check_is_clean(program_dir: Path) -> None:
    result = check(program_dir)
    assert result.code == 0, result.output
    records = open_project(program_dir / "program.toml").records
    pair = records.files["pilot"].pairs[0]
    assert [s.date.isoformat() for s in pair.sessions] == ["2027-01-11", "2027-02-08", "2027-02-22"]
    assert pair.latest_outcome("promoted") is True
    assert records.pair_count() == 2


def test_program_without_records_folder_is_fine(program_dir: Path) -> None:
    shutil.rmtree(program_dir / "records")
    assert check(program_dir).code == 0


def test_unknown_pair_is_an_error_at_the_record(program_dir: Path) -> None:
    edit_once(records_file(program_dir), 'mentee = "mentee-b"', 'mentee = "mentee-x"')
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[:3] == [
        "records/pilot.toml:6:10: unknown pair mentor-a -> mentee-x: cohort 'pilot' has no such pair; "
        "'mentor-a' mentors 'mentee-b'",
        '    mentee = "mentee-x"',
        "             ^^^^^^^^^^",
    ]


def test_unknown_milestone_is_an_error_at_its_location(program_dir: Path) -> None:
    edit_once(records_file(program_dir), 'milestone = "plan"', 'milestone = "plans"')
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "records/pilot.toml:13:17: unknown milestone 'plans'; did you mean 'plan'? "
        "(milestone ids are declared in [[milestones]])"
    )


def test_wrong_type_on_a_feedback_scale(program_dir: Path) -> None:
    edit_once(records_file(program_dir), "clarity = 2", 'clarity = "high"')
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "records/pilot.toml:19:11: clarity must be a whole number, not 'high'"
    )


def test_scale_outside_one_to_five(program_dir: Path) -> None:
    edit_once(records_file(program_dir), "influence = 3", "influence = 7")
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[0] == "records/pilot.toml:29:13: influence must be at most 5, not 7"


def test_session_before_the_pair_started(program_dir: Path) -> None:
    # the second pair starts on 2027-02-01, after its cohort
    edit_once(records_file(program_dir), "{ date = 2027-02-03 }", "{ date = 2027-01-20 }")
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "records/pilot.toml:46:22: a session dated 2027-01-20 is before the pair started: "
        "the pair's window is 2027-02-01 to 2027-05-28"
    )


def test_feedback_after_the_cohort_ended(program_dir: Path) -> None:
    edit_once(records_file(program_dir), "date = 2027-01-31", "date = 2027-06-30")
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "records/pilot.toml:17:8: feedback dated 2027-06-30 is after cohort 'pilot' ended: "
        "the pair's window is 2027-01-04 to 2027-05-28"
    )


def test_outcomes_may_be_measured_after_the_cohort(program_dir: Path) -> None:
    # the fixture's outcome is dated 2027-06-30, a month after the cohort: a promotion comes later
    assert check(program_dir).code == 0


def test_unknown_key_has_a_did_you_mean(program_dir: Path) -> None:
    edit_once(records_file(program_dir), "[[pairs.behaviours]]", "[[pairs.behaviors]]")
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "records/pilot.toml:32:3: unknown key 'behaviors' in pair mentor-a -> mentee-b; did you mean 'behaviours'?"
    )


def test_unknown_session_kind(program_dir: Path) -> None:
    edit_once(records_file(program_dir), 'kind = "alignment" }', 'kind = "alignmnet" }')
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "records/pilot.toml:9:31: unknown session kind 'alignmnet'; did you mean 'alignment'?: "
        "use 'session' or a cadence id declared in [[cadences]]"
    )


def test_indicator_must_be_a_behaviour_metric(program_dir: Path) -> None:
    edit_once(records_file(program_dir), 'indicator = "storytelling"', 'indicator = "promotion-rate"')
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "records/pilot.toml:34:13: metric 'promotion-rate' has category 'outcome', not 'behaviour': "
        'record it as an outcome, or set its category to "behaviour"'
    )


def test_unknown_cohort(program_dir: Path) -> None:
    edit_once(records_file(program_dir), 'cohort = "pilot"', 'cohort = "pilots"')
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "records/pilot.toml:2:10: unknown cohort 'pilots'; did you mean 'pilot'? "
        "(cohort ids are declared in [[cohorts]] of program.toml)"
    )


def test_a_cohort_is_kept_in_one_file(program_dir: Path) -> None:
    (program_dir / "records" / "pilot-more.toml").write_text('cohort = "pilot"\n', encoding="utf-8")
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "records/pilot.toml:2:10: cohort 'pilot' already has a records file (records/pilot-more.toml): "
        "keep one file per cohort"
    )


def test_milestone_recorded_twice(program_dir: Path) -> None:
    edit_once(
        records_file(program_dir),
        '{ milestone = "plan", date = 2027-01-29, evidence = "Plan signed by both" },',
        '{ milestone = "plan", date = 2027-01-29, evidence = "Plan signed by both" },\n'
        '  { milestone = "plan", date = 2027-02-05, evidence = "Signed again" },',
    )
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "records/pilot.toml:14:17: milestone 'plan' is already recorded as reached on 2027-01-29: keep one entry"
    )


def test_syntax_error_in_a_records_file(program_dir: Path) -> None:
    edit_once(records_file(program_dir), "clarity = 2", "clarity = ")
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[0].startswith("records/pilot.toml:19:11: TOML syntax error:")


def test_every_problem_in_every_file_is_reported(program_dir: Path) -> None:
    edit_once(records_file(program_dir), "clarity = 2", 'clarity = "high"')
    edit_once(records_file(program_dir), 'mentee = "mentee-b"', 'mentee = "mentee-x"')
    result = check(program_dir)
    assert result.code == 1
    located = [line.split(": ")[0] for line in result.out.splitlines() if line.startswith("records/")]
    assert located == ["records/pilot.toml:6:10", "records/pilot.toml:19:11"]
    assert "2 errors in program.toml and its records" in result.out


def test_records_folder_and_group_size_are_configurable(program_dir: Path) -> None:
    (program_dir / "records").rename(program_dir / "progress")
    add_records_table(program_dir, 'folder = "progress"')
    edit_once(program_dir / "progress" / "pilot.toml", 'mentee = "mentee-b"', 'mentee = "mentee-x"')
    result = check(program_dir)
    assert result.code == 1
    assert result.out.startswith("progress/pilot.toml:6:10: unknown pair")


def test_group_size_is_never_below_three(program_dir: Path) -> None:
    add_records_table(program_dir, "min_group_size = 2")
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[0] == "program.toml:6:18: min_group_size must be at least 3, not 2"


def test_unknown_array_of_tables_points_at_its_header(tmp_path: Path, minimal_text: str) -> None:
    (tmp_path / "program.toml").write_text(
        replace_once(minimal_text, "[[cohorts.pairs]]", "[[cohorts.pairz]]")
    )
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 1
    assert result.out.splitlines()[:3] == [
        "program.toml:52:3: unknown key 'pairz' in cohort 'pilot'; did you mean 'pairs'?",
        "    [[cohorts.pairz]]",
        "      ^^^^^^^^^^^^^",
    ]


def test_the_example_program_ships_records_for_every_pair_of_its_running_and_finished_cohorts() -> None:
    loaded = open_project(ROOT / "program.toml")
    records = loaded.records
    for cohort in loaded.program.cohorts:
        if cohort.id in ("2026-spring", "2026-autumn"):
            assert all(records.for_pair(cohort, pair) for pair in cohort.pairs), cohort.id
    assert set(records.files) == {"2026-spring", "2026-autumn"}


def test_a_record_after_the_pair_ended_early(program_dir: Path) -> None:
    edit_once(program_dir / "program.toml", "start = 2027-02-01\n", "start = 2027-02-01\nend = 2027-03-31\n")
    edit_once(
        records_file(program_dir), "[{ date = 2027-02-03 }]", "[{ date = 2027-02-03 }, { date = 2027-04-05 }]"
    )
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "records/pilot.toml:46:45: a session dated 2027-04-05 is after the pair ended: "
        "the pair's window is 2027-02-01 to 2027-03-31"
    )


def test_a_named_records_folder_must_exist(program_dir: Path) -> None:
    add_records_table(program_dir, 'folder = "progres"')
    result = check(program_dir)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "program.toml:6:10: records folder 'progres' not found next to the program file: "
        "create it, or remove `folder` to use the default 'records'"
    )
    assert "1 error in program.toml\n" in result.out + "\n"
