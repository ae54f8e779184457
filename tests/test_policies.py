"""One owner per policy: `handbook check` and `handbook match` give the same answer to the same
question, and anything a command would reject later, `check` rejects first, at its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import replace_once, run_handbook
from tests.test_match import MENTEES, MENTORS, cohort, match, person, proposal, write


def test_check_and_match_agree_a_mentor_with_sequential_pairs_elsewhere_has_room(tmp_path: Path) -> None:
    # Ada mentors Eve in winter and Finn in summer: two pairs in cohorts that overlap c1, but never
    # at the same time, so at most one pair runs on any day of c1. With a cap of 2 she has room.
    body = (
        MENTORS
        + MENTEES
        + person("eve", "mentee", development_goals=["foresight"])
        + person("finn", "mentee", development_goals=["foresight"])
        + cohort("winter", ["ada", "eve"], start="2027-01-04", end="2027-05-31", pairs=(("ada", "eve"),))
        + cohort("summer", ["ada", "finn"], start="2027-06-01", end="2027-10-29", pairs=(("ada", "finn"),))
        + cohort("c1", ["ada", "cleo"])
    )
    path = write(tmp_path, body, cap=2)
    data = proposal(path, "--cohort", "c1")
    assert ("ada", "cleo") in [(p["mentor"]["id"], p["mentee"]["id"]) for p in data["pairs"]]
    assert match(path, "--cohort", "c1", "--write").code == 0
    checked = run_handbook("check", "program.toml", cwd=tmp_path, env={"HANDBOOK_TODAY": "2027-05-10"})
    assert "HB101" not in checked.out


def test_check_and_match_agree_a_mentor_at_the_guardrail_has_no_room(tmp_path: Path) -> None:
    people = MENTORS + MENTEES + person("eve", "mentee", development_goals=["foresight"])
    winter = cohort("winter", ["ada", "eve"], start="2027-01-04", end="2027-06-30", pairs=(("ada", "eve"),))
    by_hand = cohort("c1", ["ada", "cleo"], pairs=(("ada", "cleo"),))
    write(tmp_path, people + winter + by_hand, cap=1)
    checked = run_handbook("check", "program.toml", cwd=tmp_path)
    assert "HB101 [mentor-load] Ada mentors 2 mentees at the same time, more than the 1" in checked.out
    data = proposal(write(tmp_path, people + winter + cohort("c1", ["ada", "cleo"]), cap=1), "--cohort", "c1")
    (ada,) = [u for u in data["unmatched"] if u["id"] == "ada"]
    assert ada["reason"] == (
        "Ada is already at the guardrail: 1 pair(s) at the same time during this cohort, of the 1 allowed"
    )


def test_match_uses_the_mentor_load_options_that_check_uses(tmp_path: Path) -> None:
    body = MENTORS + MENTEES + person("eve", "mentee") + cohort("c1", ["ada", "ben", "cleo", "dan", "eve"])
    path = write(tmp_path, body + "\n[checks.mentor-load]\nmax_mentees = 1\n", cap=3)
    data = proposal(path, "--cohort", "c1")
    mentors = [p["mentor"]["id"] for p in data["pairs"]]
    assert sorted(mentors) == ["ada", "ben"]  # one mentee each, as HB101 would demand


SAME_PLACE = (
    person("ada", "mentor", strengths=["foresight"], division="Markets")
    + person("cleo", "mentee", development_goals=["foresight"], division="Markets")
    + cohort("c1", ["ada", "cleo"])
)


def warnings_of(path: Path) -> list[str]:
    (pair,) = proposal(path, "--cohort", "c1")["pairs"]
    return pair["warnings"]


def test_match_warns_about_what_check_would_report(tmp_path: Path) -> None:
    assert warnings_of(write(tmp_path, SAME_PLACE)) == ["HB302: same division and geography"]


def test_match_does_not_warn_about_a_rule_the_program_ignores(tmp_path: Path) -> None:
    path = write(tmp_path, SAME_PLACE + '\n[checks]\nignore = ["perspective-diversity"]\n')
    assert warnings_of(path) == []


def test_match_warns_with_the_rule_options_the_program_sets(tmp_path: Path) -> None:
    # Differing in generation is enough when the program says so; and the check agrees.
    text = replace_once(SAME_PLACE, 'role = "mentor"\n', 'role = "mentor"\ngeneration = "X"\n')
    options = '\n[checks.perspective-diversity]\nattributes = ["division", "generation"]\n'
    path = write(tmp_path, text + options)
    assert warnings_of(path) == []
    stricter = options + "min_different = 2\n"
    path = write(tmp_path, text + stricter)
    assert warnings_of(path) == ["HB302: differ in fewer than 2 of division and generation"]


BAD_VALUES = [
    (
        '[checks.pilot-window]\nmax_months = "three"\n',
        'max_months = "three"',
        "max_months must be a number, not 'three'",
    ),
    (
        "[checks.pilot-window]\nmax_months = true\n",
        "max_months = true",
        "max_months must be a number, not true",
    ),
    (
        "[checks.rotation]\nmin_mentors_per_mentee = 2.5\n",
        "min_mentors_per_mentee = 2.5",
        "min_mentors_per_mentee must be a whole number, not 2.5",
    ),
    (
        '[checks.perspective-diversity]\nattributes = ["divison"]\n',
        'attributes = ["divison"]',
        "'divison' is not a valid item of attributes; did you mean 'division'? (expected one of: 'division', "
        "'geography', 'generation', 'career_stage', 'industry', 'function')",
    ),
    (
        "[matching.weights]\nskils = 2\n",
        "skils = 2",
        "unknown score component 'skils'; did you mean 'skills'?",
    ),
    (
        "[matching.weights]\nskills = true\n",
        "skills = true",
        "skills must be a number, not true",
    ),
]


@pytest.mark.parametrize(("table", "line_text", "message"), BAD_VALUES, ids=[b[1] for b in BAD_VALUES])
def test_check_rejects_what_a_later_command_would_reject_at_its_line(
    tmp_path: Path, table: str, line_text: str, message: str
) -> None:
    path = write(tmp_path, MENTORS + MENTEES + cohort("c1", ["ada", "cleo"]) + "\n" + table)
    line = path.read_text(encoding="utf-8").splitlines().index(line_text) + 1
    before = path.read_bytes()
    for command in (["check"], ["match", "--cohort", "c1"]):
        result = run_handbook(*command, "program.toml", cwd=tmp_path)
        assert result.code == 1, result.output
        assert result.out.splitlines()[0].startswith(f"program.toml:{line}:"), result.out
        assert result.out.splitlines()[0].endswith(f": {message}"), result.out
        assert "Traceback" not in result.output
    assert path.read_bytes() == before


def test_a_count_given_as_true_is_an_error_not_one(tmp_path: Path) -> None:
    path = write(tmp_path, MENTORS + MENTEES + cohort("c1", ["ada", "cleo"]))
    text = replace_once(
        path.read_text(encoding="utf-8"), "max_mentees_per_mentor = 2", "max_mentees_per_mentor = true"
    )
    path.write_text(text, encoding="utf-8")
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 1
    line = text.splitlines().index("max_mentees_per_mentor = true") + 1
    assert result.out.splitlines()[0] == (
        f"program.toml:{line}:26: max_mentees_per_mentor must be a whole number, not true"
    )


SUPPRESS_NOTHING = """
[[checks.suppress]]
rule = "complementarity"
path = "cohorts[0].pairs[0]"
reason = "The pair was removed"
"""


def test_unused_suppression_is_an_ordinary_rule_that_can_be_ignored(tmp_path: Path) -> None:
    body = MENTORS + MENTEES + cohort("c1", ["ada", "cleo"], pairs=(("ada", "cleo"),)) + "\n[checks]\n"
    path = write(tmp_path, body + SUPPRESS_NOTHING)
    reported = run_handbook("check", "program.toml", "--format", "json", cwd=tmp_path)
    assert "HB003" in [f["code"] for f in json.loads(reported.out)["findings"]]
    path.write_text(
        replace_once(
            path.read_text(encoding="utf-8"), "[checks]\n", '[checks]\nignore = ["unused-suppression"]\n'
        ),
        encoding="utf-8",
    )
    ignored = run_handbook("check", "program.toml", "--format", "json", cwd=tmp_path)
    assert "HB003" not in [f["code"] for f in json.loads(ignored.out)["findings"]]


def test_expired_suppression_severity_can_be_overridden(tmp_path: Path) -> None:
    body = MENTORS + MENTEES + cohort("c1", ["ada", "cleo"], pairs=(("ada", "cleo"),))
    expired = SUPPRESS_NOTHING + "expires = 2027-01-01\n"
    write(tmp_path, body + '\n[checks.severity]\nsuppression-expired = "info"\n' + expired)
    result = run_handbook(
        "check", "program.toml", "--format", "json", cwd=tmp_path, env={"HANDBOOK_TODAY": "2027-05-10"}
    )
    data = json.loads(result.out)
    assert [(f["code"], f["severity"]) for f in data["findings"] if f["code"].startswith("HB00")] == [
        ("HB002", "info")
    ]
