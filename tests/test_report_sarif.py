"""SARIF that GitHub code scanning accepts: valid against the official schema with format checks,
files named relative to the repository and percent-encoded, stable fingerprints, working links."""

from __future__ import annotations

import copy
import importlib.metadata
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from markdown.extensions.toc import slugify

from generator import reporting
from generator.project import open_project
from generator.reporting import Report, as_sarif
from generator.rules import Rule
from generator.site.pages import site_pages
from tests.conftest import FIXTURES, ROOT, replace_once, run_handbook
from tests.test_check_formats import FORMAT_CHECKER, SARIF_SCHEMA, two_warnings, validated_sarif

FINGERPRINT = "handbookKeyPath/v1"


def write_program(folder: Path, text: str, name: str = "program.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def sarif_run(program: str, cwd: Path, *args: str) -> dict[str, Any]:
    result = run_handbook("check", program, "--format", "sarif", *args, cwd=cwd)
    assert "Traceback" not in result.output
    assert result.code in (0, 1), result.err
    run: dict[str, Any] = validated_sarif(result.out)["runs"][0]
    return run


def uris(run: dict[str, Any]) -> set[str]:
    return {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}


def test_the_format_checker_really_checks_uris() -> None:
    """Without rfc3986-validator, jsonschema passes every `uri` silently."""
    assert not FORMAT_CHECKER.conforms("my program#1%.toml", "uri")
    assert not FORMAT_CHECKER.conforms("my program#1%.toml", "uri-reference")
    assert FORMAT_CHECKER.conforms("my%20program%231%25.toml", "uri-reference")
    log = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "handbook"}},
                "results": [
                    {
                        "message": {"text": "m"},
                        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.toml"}}}],
                    }
                ],
            }
        ],
    }
    validator = jsonschema.Draft7Validator(SARIF_SCHEMA, format_checker=FORMAT_CHECKER)
    validator.validate(log)
    broken = copy.deepcopy(log)
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = (
        "my program#1%.toml"
    )
    with pytest.raises(jsonschema.ValidationError, match="uri-reference"):
        validator.validate(broken)


@pytest.mark.parametrize("broken", [False, True], ids=["findings", "program-error"])
def test_an_odd_file_name_in_a_folder_with_a_space(tmp_path: Path, minimal_text: str, broken: bool) -> None:
    text = two_warnings(minimal_text)
    if broken:
        text = replace_once(text, 'mentee = "mentee-b"', 'mentee = "nobody"')
    folder = tmp_path / "exec programs"
    write_program(folder, text, "my program#1%.toml")
    run = sarif_run("my program#1%.toml", folder)
    assert uris(run) == {"my%20program%231%25.toml"}
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == folder.as_uri() + "/"
    assert "%20" in run["originalUriBaseIds"]["SRCROOT"]["uri"]


@pytest.mark.parametrize("how", ["relative", "absolute"])
def test_a_program_outside_the_working_folder(tmp_path: Path, minimal_text: str, how: str) -> None:
    program = write_program(tmp_path / "elsewhere", two_warnings(minimal_text))
    (tmp_path / "here").mkdir()
    shown = "../elsewhere/program.toml" if how == "relative" else str(program)
    run = sarif_run(shown, tmp_path / "here")
    assert uris(run) == {"program.toml"}
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == (tmp_path / "elsewhere").as_uri() + "/"


def git_repository(folder: Path) -> Path:
    folder.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(folder)], check=True, capture_output=True)
    return folder


@pytest.mark.parametrize("broken", [False, True], ids=["findings", "program-error"])
def test_a_program_in_a_subfolder_of_a_git_repository(
    tmp_path: Path, minimal_text: str, broken: bool
) -> None:
    repo = git_repository(tmp_path / "handbooks repo")
    text = two_warnings(minimal_text)
    if broken:
        text = replace_once(text, 'mentee = "mentee-b"', 'mentee = "nobody"')
    write_program(repo / "programs" / "exec", text)
    run = sarif_run("exec/program.toml", repo / "programs")
    assert uris(run) == {"programs/exec/program.toml"}
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == repo.as_uri() + "/"
    github = run_handbook("check", "exec/program.toml", "--format", "github", cwd=repo / "programs")
    assert github.out.startswith("::")
    assert all(
        line.startswith(
            ("::warning file=programs/exec/program.toml,", "::error file=programs/exec/program.toml,")
        )
        for line in github.out.splitlines()[:-1]
    )


def test_records_and_program_share_the_repository_root(tmp_path: Path) -> None:
    repo = git_repository(tmp_path / "repo")
    shutil.copytree(FIXTURES / "records" / "small", repo / "pilot")
    records = repo / "pilot" / "records" / "pilot.toml"
    records.write_text(replace_once(records.read_text(encoding="utf-8"), "clarity = 2", 'clarity = "x"'))
    run = sarif_run("pilot/program.toml", repo)
    assert uris(run) == {"pilot/records/pilot.toml"}


def fingerprints(run: dict[str, Any]) -> dict[tuple[str, str], tuple[str, int]]:
    return {
        (r["ruleId"], r["properties"]["path"]): (
            r["partialFingerprints"][FINGERPRINT],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in run["results"]
    }


def test_fingerprints_survive_a_line_inserted_above(tmp_path: Path, minimal_text: str) -> None:
    text = two_warnings(minimal_text)
    write_program(tmp_path, text)
    before = fingerprints(sarif_run("program.toml", tmp_path))
    write_program(
        tmp_path,
        replace_once(text, '[[people]]\nid = "mentor-a"', '# a new comment\n[[people]]\nid = "mentor-a"'),
    )
    after = fingerprints(sarif_run("program.toml", tmp_path))
    assert set(before) == set(after) == {("HB401", "cohorts[0].end"), ("HB301", "cohorts[0].pairs[0].mentor")}
    for key, (fingerprint, line) in before.items():
        assert after[key] == (fingerprint, line + 1)
    assert len({f for f, _ in before.values()}) == len(before)


def test_program_error_fingerprints_survive_a_line_inserted_above(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'mentee = "mentee-b"', 'mentee = "nobody"')
    write_program(tmp_path, text)
    before = fingerprints(sarif_run("program.toml", tmp_path))
    write_program(tmp_path, "# a new first line\n" + text)
    after = fingerprints(sarif_run("program.toml", tmp_path))
    key = ("HB001", "cohorts[0].pairs[0].mentee")
    assert before[key][1] == 54 and after[key] == (before[key][0], 55)


def rules_page_anchors(program: Path) -> set[str]:
    """The ids MkDocs gives the headings of the generated rules page (the same slugify)."""
    [page] = [p for p in site_pages(open_project(program)) if p.path == "program/rules.md"]
    assert isinstance(page.content, str)
    return {slugify(heading, "-") for heading in re.findall(r"^## (.+)$", page.content, flags=re.MULTILINE)}


def test_help_uri_points_at_the_rule_on_the_rules_page(tmp_path: Path, minimal_text: str) -> None:
    text = minimal_text + '\n[site]\nurl = "https://handbook.example.org/exec"\n'
    program = write_program(tmp_path, text)
    run = sarif_run("program.toml", tmp_path)
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["HB101"]["helpUri"] == "https://handbook.example.org/exec/program/rules/#hb101-mentor-load"
    assert "helpUri" not in rules["HB001"]  # reporting's own descriptor has no section on the page
    anchors = rules_page_anchors(program)
    linked = {r["helpUri"].split("#")[1] for r in rules.values() if "helpUri" in r}
    assert len(linked) == len(rules) - 1
    assert linked <= anchors
    assert run["tool"]["driver"]["informationUri"] == "https://handbook.example.org/exec/"


def test_rule_anchor_is_the_mkdocs_slug_of_its_heading() -> None:
    template = (ROOT / "generator" / "templates" / "site" / "rules.md.j2").read_text(encoding="utf-8")
    assert "## {{ r.code }} {{ r.name }}\n" in template
    rule = Rule("HB101", "mentor-load", "error", "s", "w", "y", "e", "f")
    assert rule.anchor == slugify("HB101 mentor-load", "-") == "hb101-mentor-load"


@pytest.mark.parametrize("url", ["", "handbook.example.org", "https://x.org/a b", "https://x.org/?page=1"])
def test_no_help_uri_without_an_absolute_site_url(url: str) -> None:
    rule = Rule("HB101", "mentor-load", "error", "Summary.", "What.", "Why.", "e", "Fix.")
    run = validated_sarif(as_sarif(Report("program.toml", rules=(rule,), docs_url=url)))["runs"][0]
    descriptor = run["tool"]["driver"]["rules"][1]
    assert "helpUri" not in descriptor
    assert descriptor["help"]["text"] == "What.\n\nWhy: Why.\n\nHow to fix: Fix."
    assert run["tool"]["driver"]["informationUri"] == "https://pypi.org/project/mentorship-handbook/"


def test_the_driver_version_is_the_installed_package_version(tmp_path: Path, minimal_text: str) -> None:
    write_program(tmp_path, minimal_text)
    driver = sarif_run("program.toml", tmp_path)["tool"]["driver"]
    assert driver["version"] == importlib.metadata.version("mentorship-handbook")


def test_the_driver_version_falls_back_to_pyproject(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert reporting.tool_version() == pyproject["project"]["version"]
