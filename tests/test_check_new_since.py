"""`handbook check --new-since BASE`: only the findings a change introduced, matched by rule and
key path (the SARIF fingerprint), never by line; SARIF says which results are new, unchanged or
absent, and passes the official schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import Result, replace_once, run_handbook
from tests.test_check_formats import SHORT_COHORT, WEAK_PAIR, two_warnings, validated_sarif
from tests.test_diff import git, snapshot

OVERLOAD = "[guardrails]\nmax_mentees_per_mentor = 0\n"
"""HB101 mentor-load (an error) at the pilot's pair: a finding the base does not have."""


@pytest.fixture
def repo(tmp_path: Path, minimal_text: str) -> Path:
    """`main` holds a program with two warnings (HB301 at the pair, HB401 at the cohort's end)."""
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    (folder / "program.toml").write_text(two_warnings(minimal_text), encoding="utf-8")
    git(folder, "add", "program.toml")
    git(folder, "commit", "-q", "-m", "Pilot")
    return folder


def edit(repo: Path, old: str, new: str) -> None:
    program = repo / "program.toml"
    program.write_text(replace_once(program.read_text(encoding="utf-8"), old, new), encoding="utf-8")


def moved_lines(repo: Path) -> None:
    """Ten lines above every finding: each finding moves, none changes."""
    edit(repo, '[[people]]\nid = "mentor-a"', "# intake 2027\n" * 10 + '[[people]]\nid = "mentor-a"')


def check(repo: Path, *args: str) -> Result:
    result = run_handbook("check", "program.toml", *args, cwd=repo)
    assert "Traceback" not in result.output
    return result


def test_findings_that_only_moved_are_not_new(repo: Path) -> None:
    moved_lines(repo)
    assert check(repo, "--fail-on", "warning").code == 1
    result = check(repo, "--fail-on", "warning", "--new-since", "main")
    assert result.code == 0, result.output
    assert re.fullmatch(
        r"program.toml: no new findings from \d+ rules \(new since main; 2 unchanged, 0 fixed\)\n", result.out
    )


def test_a_new_finding_is_reported_alone_and_sets_the_exit_code(repo: Path) -> None:
    moved_lines(repo)
    edit(repo, "[guardrails]\n", OVERLOAD)
    result = check(repo, "--new-since", "main")
    assert result.code == 1
    located = [line for line in result.out.splitlines() if ": HB" in line and not line.startswith(" ")]
    assert len(located) == 1 and " HB101 [mentor-load] " in located[0]
    assert located[0].startswith("program.toml:")
    assert re.search(
        r"\nprogram.toml: 1 error, 0 warnings, 0 info from \d+ rules \(new since main; 2 unchanged, 0 fixed\)\n$",
        result.out,
    )
    as_json = json.loads(check(repo, "--new-since", "main", "--format", "json").out)
    assert [f["code"] for f in as_json["findings"]] == ["HB101"]
    assert as_json["summary"]["new_since"] == {"revision": "main", "unchanged": 2, "fixed": 0}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_an_earlier_new_since_report_may_be_replaced(repo: Path, fmt: str) -> None:
    moved_lines(repo)
    for _ in range(2):
        result = check(repo, "--new-since", "main", "--format", fmt, "--output", "report.out")
        assert result.code == 0, result.output
    expected = {
        "text": "(new since main; 2 unchanged, 0 fixed)",
        "github": "(new since main; 2 unchanged, 0 fixed)",
        "json": '"new_since"',
        "sarif": '"baselineState": "unchanged"',
    }[fmt]
    assert expected in (repo / "report.out").read_text(encoding="utf-8")


def test_sarif_marks_new_unchanged_and_absent_results_and_passes_the_schema(repo: Path) -> None:
    moved_lines(repo)
    edit(repo, "[guardrails]\n", OVERLOAD)
    edit(repo, SHORT_COHORT, "end = 2027-05-28")  # HB401 fixed
    result = check(repo, "--new-since", "main", "--format", "sarif")
    assert result.code == 1
    run = validated_sarif(result.out)["runs"][0]
    states = {(r["ruleId"], r["properties"]["path"]): r["baselineState"] for r in run["results"]}
    assert states == {
        ("HB101", "cohorts[0].pairs[0].mentor"): "new",
        ("HB301", "cohorts[0].pairs[0].mentor"): "unchanged",
        ("HB401", "cohorts[0].end"): "absent",
    }
    absent = next(r for r in run["results"] if r["baselineState"] == "absent")
    assert (absent["kind"], absent["level"]) == ("pass", "none")
    plain = validated_sarif(check(repo, "--format", "sarif").out)["runs"][0]["results"]
    fingerprints = {r["ruleId"]: r["partialFingerprints"] for r in plain}
    for r in run["results"]:
        if r["baselineState"] != "absent":
            assert r["partialFingerprints"] == fingerprints[r["ruleId"]]
        assert "baselineState" not in str(plain)


def test_a_program_error_the_base_did_not_have_is_new(repo: Path) -> None:
    edit(repo, WEAK_PAIR, 'stengths = ["stakeholder-diplomacy"]')
    result = check(repo, "--new-since", "main")
    assert result.code == 1
    assert "unknown key 'stengths'" in result.out


def test_a_base_that_does_not_load_makes_every_finding_new(repo: Path) -> None:
    edit(repo, WEAK_PAIR, 'stengths = ["stakeholder-diplomacy"]')
    git(repo, "commit", "-q", "-am", "A typo")
    edit(repo, 'stengths = ["stakeholder-diplomacy"]', WEAK_PAIR)
    result = check(repo, "--new-since", "main", "--format", "sarif")
    assert result.code == 0
    run = validated_sarif(result.out)["runs"][0]
    states = sorted((r["ruleId"], r["baselineState"]) for r in run["results"])
    assert states == [("HB001", "absent"), ("HB301", "new"), ("HB401", "new")]


def test_a_program_added_since_the_base_has_only_new_findings(repo: Path) -> None:
    (repo / "second").mkdir()
    (repo / "second" / "program.toml").write_text((repo / "program.toml").read_text(encoding="utf-8"))
    result = run_handbook(
        "check", "second/program.toml", "--new-since", "main", "--fail-on", "warning", cwd=repo
    )
    assert result.code == 1
    assert re.search(
        r": 0 errors, 2 warnings, 0 info from \d+ rules \(new since main; 0 unchanged, 0 fixed\)\n$",
        result.out,
    )


def test_an_unknown_revision_writes_no_report(repo: Path) -> None:
    before = snapshot(repo)
    result = check(repo, "--new-since", "mian", "--format", "sarif", "--output", "out.sarif")
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("handbook: unknown revision 'mian' in ")
    assert snapshot(repo) == before


def test_outside_a_git_repository_new_since_is_a_usage_error(tmp_path: Path, minimal_text: str) -> None:
    (tmp_path / "program.toml").write_text(minimal_text, encoding="utf-8")
    before = snapshot(tmp_path)
    result = run_handbook(
        "check",
        "program.toml",
        "--new-since",
        "main",
        cwd=tmp_path,
        env={"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)},
    )
    assert "Traceback" not in result.output
    assert result.code == 2
    assert result.err == (
        "handbook: program.toml is not in a git repository: run inside a git checkout (with the base "
        "fetched), or leave out --new-since\n"
    )
    assert snapshot(tmp_path) == before
