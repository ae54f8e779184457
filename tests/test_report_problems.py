"""Every kind of problem is reported in every format, to stdout or `--output`, at its place.

CI's most common input is a program that does not load: a TOML syntax error, an unknown key, a
dangling reference or a bad records file must come out as parseable JSON, valid SARIF and GitHub
annotations just like a rule's finding, with exit code 1; a plugin that raises, with exit 2.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, Result, edit_once, run_handbook, snapshot
from tests.test_check_formats import validated_sarif

ACME = """
from generator.hookspecs import hookimpl
from generator.rules import Rule


def check(project, options):
    raise KeyError('budget')


@hookimpl
def handbook_register_rules(register):
    register(Rule(
        code="ACME900", name="acme-check", severity="error", summary="s", what="w", why="y",
        example="e", fix="f", check=check,
    ))
"""
PLUGIN_ERROR = "KeyError: 'budget' (at acme.py:7)"
PLUGIN_LINE = f"acme.py: plugin acme failed in rule ACME900 [acme-check]: {PLUGIN_ERROR}"


def minimal(tmp_path: Path) -> Path:
    folder = tmp_path / "prog"
    folder.mkdir()
    shutil.copy(FIXTURES / "program" / "minimal.toml", folder / "program.toml")
    return folder


def syntax_error(tmp_path: Path) -> Path:
    folder = minimal(tmp_path)
    edit_once(folder / "program.toml", "hours_per_month = 4", "hours_per_month = = 4")
    return folder


def unknown_key(tmp_path: Path) -> Path:
    folder = minimal(tmp_path)
    edit_once(folder / "program.toml", 'geography = "Europe"', 'geography = "Europe"\nregion = "EMEA"')
    return folder


def unknown_person(tmp_path: Path) -> Path:
    folder = minimal(tmp_path)
    edit_once(folder / "program.toml", 'mentee = "mentee-b"', 'mentee = "nobody"')
    return folder


def records_error(tmp_path: Path) -> Path:
    folder = tmp_path / "prog"
    shutil.copytree(FIXTURES / "records" / "small", folder)
    edit_once(folder / "records" / "pilot.toml", "clarity = 2", 'clarity = "high"')
    return folder


def plugin_raises(tmp_path: Path) -> Path:
    folder = minimal(tmp_path)
    (folder / "acme.py").write_text(ACME, encoding="utf-8")
    edit_once(folder / "program.toml", "[checks]\n", '[checks]\nplugins = ["acme.py"]\n')
    return folder


@dataclass(frozen=True)
class Kind:
    """A way a program goes wrong, and where and how it is reported (`message` may be the start
    of a message that goes on to list what is allowed)."""

    setup: Callable[[Path], Path]
    file: str
    line: int
    column: int
    path: str
    message: str
    summary: str
    exit_code: int = 1


KINDS = {
    "toml-syntax": Kind(
        syntax_error,
        "program.toml",
        26,
        19,
        "",
        'TOML syntax error: this value is not valid TOML: quote text ("..."), or write a number, '
        "date (2027-01-15), boolean (true/false), list ([...]) or table ({...})",
        "1 error in program.toml",
    ),
    "unknown-key": Kind(
        unknown_key,
        "program.toml",
        24,
        1,
        "people[0].region",
        "unknown key 'region' in person 'mentor-a'; expected one of: ",
        "1 error in program.toml",
    ),
    "unknown-person": Kind(
        unknown_person,
        "program.toml",
        54,
        10,
        "cohorts[0].pairs[0].mentee",
        "unknown person 'nobody' (person ids are declared in [[people]])",
        "1 error in program.toml",
    ),
    "records": Kind(
        records_error,
        "records/pilot.toml",
        19,
        11,
        "pairs[0].feedback[0].clarity",
        "clarity must be a whole number, not 'high'",
        "1 error in program.toml and its records",
    ),
}


def report(folder: Path, fmt: str, output: bool) -> tuple[Result, str]:
    """Run the check; the report (stdout, or the --output file) and the result."""
    before = snapshot(folder)
    args = ["check", "program.toml", "--format", fmt]
    if output:
        args += ["--output", "reports/check.out"]
    result = run_handbook(*args, cwd=folder)
    assert "Traceback" not in result.output
    after = snapshot(folder)
    if not output:
        assert after == before
        return result, result.out
    assert result.out == ""
    assert after.pop("reports/check.out") is not None
    assert after == before
    return result, (folder / "reports" / "check.out").read_text(encoding="utf-8")


@pytest.mark.parametrize("output", [False, True], ids=["stdout", "output-file"])
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_program_error_is_located_in_every_format(
    tmp_path: Path, name: str, fmt: str, output: bool
) -> None:
    kind = KINDS[name]
    result, text = report(kind.setup(tmp_path), fmt, output)
    assert result.code == kind.exit_code
    assert result.err == ""
    if fmt == "text":
        first, _excerpt, caret = text.splitlines()[:3]
        assert first.startswith(f"{kind.file}:{kind.line}:{kind.column}: {kind.message}")
        assert caret.strip().startswith("^")
        assert text.endswith(f"\n\n{kind.summary}\n")
    elif fmt == "json":
        data = json.loads(text)
        [finding] = data["findings"]
        assert finding["message"].startswith(kind.message)
        assert {k: finding[k] for k in ("code", "name", "severity", "file", "line", "column", "path")} == {
            "code": "HB001",
            "name": "invalid-program",
            "severity": "error",
            "file": kind.file,
            "line": kind.line,
            "column": kind.column,
            "path": kind.path,
        }
        assert data["summary"]["error"] == 1
        assert data["plugin_errors"] == data["errors"] == []
    elif fmt == "sarif":
        run = validated_sarif(text)["runs"][0]
        [result_] = run["results"]
        assert (result_["ruleId"], result_["level"], result_["properties"]["path"]) == (
            "HB001",
            "error",
            kind.path,
        )
        assert run["tool"]["driver"]["rules"][result_["ruleIndex"]]["name"] == "invalid-program"
        assert result_["message"]["text"].startswith(kind.message)
        location = result_["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": kind.file, "uriBaseId": "SRCROOT"}
        region = location["region"]
        assert (region["startLine"], region["startColumn"]) == (kind.line, kind.column)
        assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == (tmp_path / "prog").as_uri() + "/"
        assert len(result_["partialFingerprints"]["handbookKeyPath/v1"]) == 32
        assert run["invocations"][0]["executionSuccessful"] is True
    else:
        first, summary = text.splitlines()
        assert first.startswith(f"::error file={kind.file},line={kind.line},col={kind.column},")
        assert ",title=HB001 [invalid-program]::" in first
        assert first.split("::", 2)[2].startswith(kind.message)
        assert summary == kind.summary


def plugin_report_holds(fmt: str, text: str) -> None:
    """What each format says about a plugin that raised; the built-in rules still ran."""
    if fmt == "text":
        assert text.endswith("program.toml: no findings from 20 rules\n")
    elif fmt == "json":
        data = json.loads(text)
        assert data["plugin_errors"] == [
            {
                "plugin": "acme",
                "file": "acme.py",
                "line": None,
                "column": None,
                "doing": "in rule ACME900 [acme-check]",
                "error": PLUGIN_ERROR,
            }
        ]
        assert data["findings"] == []
    elif fmt == "sarif":
        run = validated_sarif(text)["runs"][0]
        invocation: dict[str, Any] = run["invocations"][0]
        assert invocation["executionSuccessful"] is False
        [notification] = invocation["toolExecutionNotifications"]
        assert notification["level"] == "error"
        assert notification["message"]["text"] == PLUGIN_LINE
        assert "locations" not in notification  # a raise has no place in the program file
    else:
        assert text.splitlines() == [
            "::error file=acme.py,title=plugin acme::plugin acme failed in rule ACME900 [acme-check]: "
            f"{PLUGIN_ERROR}",
            "no findings from 20 rules",
        ]


@pytest.mark.parametrize("output", [False, True], ids=["stdout", "output-file"])
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_a_plugin_that_raises_is_reported_in_every_format(tmp_path: Path, fmt: str, output: bool) -> None:
    result, text = report(plugin_raises(tmp_path), fmt, output)
    assert result.code == 2
    assert result.err == f"handbook: {PLUGIN_LINE}\n"
    plugin_report_holds(fmt, text)


def test_a_syntax_error_in_a_plugin_is_located_in_sarif_and_github(tmp_path: Path) -> None:
    folder = plugin_raises(tmp_path)
    (folder / "acme.py").write_text("\n\ndef check(project, options)\n    return []\n", encoding="utf-8")
    message = "plugin acme failed to load: SyntaxError: expected ':': fix the plugin file"
    sarif = run_handbook("check", "program.toml", "--format", "sarif", cwd=folder)
    assert sarif.code == 2
    [notification] = validated_sarif(sarif.out)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notification["message"]["text"] == f"acme.py:3:28: {message}"
    location = notification["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "acme.py", "uriBaseId": "SRCROOT"}
    assert (location["region"]["startLine"], location["region"]["startColumn"]) == (3, 28)
    github = run_handbook("check", "program.toml", "--format", "github", cwd=folder)
    assert github.out.splitlines()[0] == f"::error file=acme.py,line=3,col=28,title=plugin acme::{message}"
    assert github.err == f"handbook: acme.py:3:28: {message}\n"


@pytest.mark.parametrize("output", [False, True], ids=["stdout", "output-file"])
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_an_unreadable_program_is_reported_in_every_format(tmp_path: Path, fmt: str, output: bool) -> None:
    message = (
        "nowhere.toml: no such file: pass the path to your program.toml (or run `handbook init` to start one)"
    )
    args = ["check", "nowhere.toml", "--format", fmt] + (["--output", "out.txt"] if output else [])
    result = run_handbook(*args, cwd=tmp_path)
    assert result.code == 2
    assert result.err == f"handbook: {message}\n"
    assert "Traceback" not in result.output
    text = (tmp_path / "out.txt").read_text(encoding="utf-8") if output else result.out
    if output:
        assert result.out == ""
    assert [p.name for p in tmp_path.iterdir()] == (["out.txt"] if output else [])
    if fmt == "text":
        assert text == ("" if not output else f"handbook: {message}\n")
    elif fmt == "json":
        data = json.loads(text)
        assert data["errors"] == [{"file": "nowhere.toml", "message": message}]
        assert data["findings"] == []
    elif fmt == "sarif":
        run = validated_sarif(text)["runs"][0]
        assert run["invocations"] == [
            {
                "executionSuccessful": False,
                "toolExecutionNotifications": [{"level": "error", "message": {"text": message}}],
            }
        ]
        assert run["results"] == []
    else:
        assert text == f"::error::{message}\n"
