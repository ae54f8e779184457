"""`--format github` in GitHub Actions: annotations on stdout, and a Markdown summary appended to
the file `GITHUB_STEP_SUMMARY` names, whatever failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Result, replace_once, run_handbook
from tests.test_check_formats import two_warnings

EARLIER = "# Output of an earlier step\n"
TABLE = "| Level | Where | Code | Message |\n| --- | --- | --- | --- |\n"


def check_in_actions(
    tmp_path: Path, text: str, *args: str, program: str = "program.toml"
) -> tuple[Result, str]:
    """Run the check with a step summary file that an earlier step already wrote to."""
    (tmp_path / "prog").mkdir()
    (tmp_path / "prog" / "program.toml").write_text(text, encoding="utf-8")
    summary = tmp_path / "step-summary.md"
    summary.write_text(EARLIER, encoding="utf-8")
    result = run_handbook(
        "check", program, *args, cwd=tmp_path / "prog", env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert "Traceback" not in result.output
    written = summary.read_text(encoding="utf-8")
    assert written.startswith(EARLIER)  # appended, never overwritten
    return result, written.removeprefix(EARLIER)


def test_step_summary_of_findings(tmp_path: Path, minimal_text: str) -> None:
    result, summary = check_in_actions(tmp_path, two_warnings(minimal_text), "--format", "github")
    assert result.code == 0
    assert summary == (
        "### handbook check: program.toml\n\n"
        "**0 errors, 2 warnings, 0 info from 19 rules**\n\n"
        + TABLE
        + "| warning | program.toml:48 | HB401 pilot-window | cohort 'pilot' lasts 1.7 months; a pilot runs 3 "
        "to 6 months so that it ends before attention fades but after habits form |\n"
        "| warning | program.toml:53 | HB301 complementarity | Mentor A's strengths cover none of Mentee "
        "B's development goals (Strategic foresight): choose a mentor who is strong in one of them |\n\n"
    )


def test_step_summary_of_a_program_error(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'mentee = "mentee-b"', 'mentee = "nobody|<b>"')
    result, summary = check_in_actions(tmp_path, text, "--format", "github", "--output", "annotations.txt")
    assert result.code == 1
    assert result.out == ""
    assert summary == (
        "### handbook check: program.toml\n\n"
        "**1 error in program.toml**\n\n"
        + TABLE
        + "| error | program.toml:54 | HB001 invalid-program | unknown person 'nobody\\|&lt;b&gt;' (person ids "
        "are declared in [[people]]) |\n\n"
    )
    assert (
        (tmp_path / "prog" / "annotations.txt")
        .read_text(encoding="utf-8")
        .startswith("::error file=program.toml,line=54,col=10,")
    )


def test_step_summary_of_an_unreadable_program(tmp_path: Path, minimal_text: str) -> None:
    result, summary = check_in_actions(tmp_path, minimal_text, "--format", "github", program="nowhere.toml")
    assert result.code == 2
    assert summary == (
        "### handbook check: nowhere.toml\n\n"
        "**could not be read: nowhere.toml: no such file: pass the path to your program.toml (or run "
        "`handbook init` to start one)**\n\n"
    )


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_other_formats_write_no_step_summary(tmp_path: Path, minimal_text: str, fmt: str) -> None:
    _, summary = check_in_actions(tmp_path, two_warnings(minimal_text), "--format", fmt)
    assert summary == ""


def test_an_unwritable_step_summary_does_not_change_the_verdict(tmp_path: Path, minimal_text: str) -> None:
    (tmp_path / "program.toml").write_text(two_warnings(minimal_text), encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(tmp_path / "no-such-folder" / "summary.md")}
    result = run_handbook("check", "program.toml", "--format", "github", cwd=tmp_path, env=env)
    assert result.code == 0
    assert result.out.startswith("::warning file=program.toml,line=48,col=7,")
    assert result.err.startswith("handbook: cannot append the step summary to ")
