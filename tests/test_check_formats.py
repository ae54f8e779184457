"""`[checks]` configuration and the CI-facing output formats of `handbook check`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from tests.conftest import FIXTURES, Result, replace_once, run_handbook

SARIF_SCHEMA = json.loads((FIXTURES / "rules" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
FORMAT_CHECKER = jsonschema.Draft7Validator.FORMAT_CHECKER
"""Checks `uri` and `uri-reference` for real only with rfc3986-validator installed (test extra);
`test_the_format_checker_really_checks_uris` proves it does."""


def artifact_locations(value: Any) -> list[dict[str, Any]]:
    """Every artifactLocation anywhere in a SARIF log."""
    if isinstance(value, list):
        return [found for item in value for found in artifact_locations(item)]
    if not isinstance(value, dict):
        return []
    own = [value["artifactLocation"]] if "artifactLocation" in value else []
    return own + [found for item in value.values() for found in artifact_locations(item)]


def validated_sarif(text: str) -> dict[str, Any]:
    """A SARIF log that passes the official 2.1.0 schema with format checks, and GitHub's upload
    rules: repository-relative, percent-encoded uris against SRCROOT, an absolute `file:` root."""
    log: dict[str, Any] = json.loads(text)
    jsonschema.Draft7Validator(SARIF_SCHEMA, format_checker=FORMAT_CHECKER).validate(log)
    for run in log["runs"]:
        root = run["originalUriBaseIds"]["SRCROOT"]["uri"]
        assert root.startswith("file:///") and root.endswith("/"), root
        for result in run["results"]:
            for location in result["locations"]:
                artifact = location["physicalLocation"]["artifactLocation"]
                assert artifact["uriBaseId"] == "SRCROOT", artifact
                assert not artifact["uri"].startswith(("/", "../", "file:")), artifact
        for artifact in artifact_locations(run):
            assert ".." not in artifact["uri"].split("/"), artifact
    return log


WEAK_PAIR = 'strengths = ["stakeholder-diplomacy"]'  # HB301 complementarity (a warning)
SHORT_COHORT = "end = 2027-02-26"  # HB401 pilot-window (a warning)


def check(tmp_path: Path, text: str, *args: str, env: dict[str, str] | None = None) -> Result:
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")
    result = run_handbook("check", "program.toml", *args, cwd=tmp_path, env=env)
    assert "Traceback" not in result.output
    return result


def two_warnings(minimal_text: str) -> str:
    text = replace_once(minimal_text, 'strengths = ["strategic-foresight"]', WEAK_PAIR)
    return replace_once(text, "end = 2027-05-28", SHORT_COHORT)


def codes(result: Result) -> list[str]:
    return [
        line.split(": ")[1].split()[0]
        for line in result.out.splitlines()
        if ": HB" in line and not line.startswith(" ")
    ]


def with_checks(text: str, lines: str) -> str:
    return replace_once(text, '[checks]\nignore = ["intake-complete"]\n', f"[checks]\n{lines}\n")


def test_select_and_ignore_by_code_name_and_prefix(tmp_path: Path, minimal_text: str) -> None:
    text = two_warnings(minimal_text)
    assert codes(check(tmp_path, text)) == ["HB401", "HB301"]
    assert codes(check(tmp_path, with_checks(text, 'select = ["HB3"]'))) == ["HB301"]
    assert codes(check(tmp_path, with_checks(text, 'select = ["pilot-window"]'))) == ["HB401"]
    assert codes(check(tmp_path, with_checks(text, 'ignore = ["HB301", "intake-complete"]'))) == ["HB401"]


def test_severity_override_changes_the_exit_code(tmp_path: Path, minimal_text: str) -> None:
    text = with_checks(
        two_warnings(minimal_text),
        'ignore = ["intake-complete"]\n[checks.severity]\ncomplementarity = "error"',
    )
    result = check(tmp_path, text)
    assert result.code == 1
    assert result.out.rstrip().endswith("program.toml: 1 error, 1 warning, 0 info from 19 rules")


def test_fail_on_warning(tmp_path: Path, minimal_text: str) -> None:
    assert check(tmp_path, two_warnings(minimal_text)).code == 0
    assert check(tmp_path, two_warnings(minimal_text), "--fail-on", "warning").code == 1


def test_rule_options(tmp_path: Path, minimal_text: str) -> None:
    text = two_warnings(minimal_text) + "\n[checks.pilot-window]\nmin_months = 1\n"
    assert codes(check(tmp_path, text)) == ["HB301"]


def test_unknown_rule_in_select_is_a_located_configuration_error(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, with_checks(minimal_text, 'select = ["mentor-lod"]'))
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "program.toml:121:11: no rule is called 'mentor-lod'; did you mean 'mentor-load'? "
        "(`handbook rules` lists them)"
    )


def test_unknown_rule_option_is_a_located_configuration_error(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, minimal_text + "\n[checks.pilot-window]\nmax_month = 7\n")
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "program.toml:124:1: unknown key 'max_month' in checks.pilot-window; did you mean 'max_months'?"
    )
    assert "Traceback" not in result.output


SUPPRESS = """
[[checks.suppress]]
rule = "complementarity"
path = "cohorts[0].pairs[0]"
reason = "Agreed with the sponsor: Mentor A brings crisis experience instead"
"""


def test_suppression_with_a_reason(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'strengths = ["strategic-foresight"]', WEAK_PAIR) + SUPPRESS
    result = check(tmp_path, text, "--fail-on", "warning")
    assert result.code == 0
    assert codes(result) == []
    assert result.out.strip() == "program.toml: no findings (1 suppressed) from 19 rules"


def test_expired_suppression_is_a_finding(tmp_path: Path, minimal_text: str) -> None:
    text = (
        replace_once(minimal_text, 'strengths = ["strategic-foresight"]', WEAK_PAIR)
        + SUPPRESS
        + ("expires = 2027-03-31\n")
    )
    result = check(tmp_path, text, env={"HANDBOOK_TODAY": "2027-06-01"})
    assert result.code == 1
    assert [line for line in result.out.splitlines() if ": HB" in line and not line.startswith(" ")] == [
        "program.toml:53:10: HB301 [complementarity] Mentor A's strengths cover none of Mentee B's "
        "development goals (Strategic foresight): choose a mentor who is strong in one of them",
        "program.toml:123:3: HB002 [suppression-expired] this suppression of complementarity at "
        "cohorts[0].pairs[0] expired on 2027-03-31: fix the finding, or renew the suppression with a reason",
    ]


def test_unused_suppression_is_reported(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, minimal_text + SUPPRESS)
    assert codes(result) == ["HB003"]
    assert (
        "program.toml:123:3: HB003 [unused-suppression] this suppression of complementarity at "
        "cohorts[0].pairs[0] matches no finding: remove it" in result.out
    )


def test_json_output(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, two_warnings(minimal_text), "--format", "json")
    data = json.loads(result.out)
    assert data["summary"] == {"error": 0, "warning": 2, "info": 0, "suppressed": 0, "rules_run": 19}
    first = data["findings"][0]
    assert (first["code"], first["name"], first["file"], first["line"], first["column"], first["path"]) == (
        "HB401",
        "pilot-window",
        "program.toml",
        48,
        7,
        "cohorts[0].end",
    )


def test_sarif_validates_against_the_schema(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'strengths = ["strategic-foresight"]', WEAK_PAIR)
    text = replace_once(text, "end = 2027-05-28", SHORT_COHORT) + SUPPRESS
    result = check(tmp_path, text, "--format", "sarif")
    log = validated_sarif(result.out)
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["HB101"]["name"] == "mentor-load"
    assert "helpUri" not in rules["HB101"]  # no [site] url: the rules page has no address
    assert rules["HB101"]["help"]["text"].startswith("Counts each mentor's pairs")
    assert "\n\nWhy: " in rules["HB101"]["help"]["text"]
    assert "\n\nHow to fix: " in rules["HB101"]["help"]["text"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    pilot = by_rule["HB401"]
    assert pilot["level"] == "warning"
    location = pilot["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "program.toml"
    assert location["region"]["startLine"] == 48 and location["region"]["startColumn"] == 7
    assert by_rule["HB301"]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "Agreed with the sponsor: Mentor A brings crisis experience instead",
        }
    ]


def test_github_annotations(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, two_warnings(minimal_text), "--format", "github")
    assert result.out.splitlines()[0] == (
        "::warning file=program.toml,line=48,col=7,endLine=48,endColumn=17,title=HB401 [pilot-window]"
        "::cohort 'pilot' lasts 1.7 months; a pilot runs 3 to 6 months so that it ends before attention "
        "fades but after habits form"
    )


def test_output_file_is_written_whole(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, two_warnings(minimal_text), "--format", "sarif", "--output", "out/report.sarif")
    assert result.out == ""
    assert json.loads((tmp_path / "out" / "report.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["report.sarif"]


def test_text_output_has_no_colour_codes_when_not_a_terminal(tmp_path: Path, minimal_text: str) -> None:
    assert "\033[" not in check(tmp_path, two_warnings(minimal_text)).out
