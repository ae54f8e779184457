"""Organisations add rules without forking: entry-point plugins, local plugin files, and a
broken plugin that cannot hide the other rules' findings."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Result, replace_once, run_handbook

PLUGIN = """
from generator.findings import Violation
from generator.hookspecs import hookimpl
from generator.rules import Rule


def check(project, options):
    for c, cohort in enumerate(project.program.cohorts):
        if cohort.sponsor is None:
            yield Violation(("cohorts", c, "id"), f"cohort {cohort.id!r} has no sponsor: name one")


@hookimpl
def handbook_register_rules(register):
    register(Rule(
        code="ACME001", name="sponsor-named", severity="error",
        summary="Every cohort names its executive sponsor.",
        what="Reports a cohort without a sponsor.", why="Sponsors keep cohorts funded.",
        example='sponsor = "coo"', fix="Name the sponsor.", check=check,
    ))
"""

BROKEN = """
from generator.hookspecs import hookimpl
from generator.rules import Rule


def check(project, options):
    raise KeyError("budget")


@hookimpl
def handbook_register_rules(register):
    register(Rule(
        code="ACME900", name="budget-check", severity="error", summary="s", what="w", why="y",
        example="e", fix="f", check=check,
    ))
"""


def install_acme(site: Path) -> dict[str, str]:
    """An installed distribution `acme-rules` that declares a `handbook` entry point."""
    site.mkdir()
    (site / "acme_rules.py").write_text(PLUGIN, encoding="utf-8")
    meta = site / "acme_rules-1.0.dist-info"
    meta.mkdir()
    (meta / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-rules\nVersion: 1.0\n")
    (meta / "entry_points.txt").write_text("[handbook]\nacme = acme_rules\n")
    return {"PYTHONPATH": str(site)}


def without_sponsor(minimal_text: str) -> str:
    return replace_once(minimal_text, 'sponsor = "coo"\n', "")


def test_entry_point_plugin_adds_a_rule(tmp_path: Path, minimal_text: str) -> None:
    env = install_acme(tmp_path / "site-packages")
    listing = run_handbook("rules", cwd=tmp_path, env=env)
    assert "ACME001 sponsor-named" in " ".join(listing.out.split())
    assert listing.out.splitlines()[1].split() == ["ACME001", "sponsor-named", "error", "acme"]
    (tmp_path / "program.toml").write_text(without_sponsor(minimal_text), encoding="utf-8")
    result = run_handbook("check", "program.toml", cwd=tmp_path, env=env)
    assert result.code == 1
    assert "program.toml:45:6: ACME001 [sponsor-named] cohort 'pilot' has no sponsor: name one" in result.out


def test_autoload_can_be_turned_off(tmp_path: Path, minimal_text: str) -> None:
    env = install_acme(tmp_path / "site-packages") | {"HANDBOOK_DISABLE_PLUGIN_AUTOLOAD": "1"}
    assert "ACME001" not in run_handbook("rules", cwd=tmp_path, env=env).out
    (tmp_path / "program.toml").write_text(without_sponsor(minimal_text), encoding="utf-8")
    assert run_handbook("check", "program.toml", cwd=tmp_path, env=env).code == 0


def write_program(tmp_path: Path, text: str) -> None:
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")


def test_local_plugin_named_in_program_toml(tmp_path: Path, minimal_text: str) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "our_rules.py").write_text(PLUGIN, encoding="utf-8")
    write_program(
        tmp_path,
        replace_once(
            without_sponsor(minimal_text), "[checks]\n", '[checks]\nplugins = ["./rules/our_rules.py"]\n'
        ),
    )
    listing = run_handbook("rules", "program.toml", cwd=tmp_path)
    assert ["ACME001", "sponsor-named", "error", "our_rules"] in [
        line.split() for line in listing.out.splitlines()
    ]
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 1
    assert "program.toml:45:6: ACME001 [sponsor-named] cohort 'pilot' has no sponsor: name one" in result.out


def test_missing_local_plugin_is_a_located_program_error(tmp_path: Path, minimal_text: str) -> None:
    write_program(
        tmp_path, replace_once(minimal_text, "[checks]\n", '[checks]\nplugins = ["./rules/nope.py"]\n')
    )
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 1
    assert result.out.startswith(
        "program.toml:121:12: plugin file './rules/nope.py' not found (paths are relative to the program file)"
    )
    assert "Traceback" not in result.output


def test_a_plugin_that_raises_is_reported_by_name_and_other_rules_still_run(
    tmp_path: Path, minimal_text: str
) -> None:
    (tmp_path / "broken.py").write_text(BROKEN, encoding="utf-8")
    text = replace_once(minimal_text, "end = 2027-05-28", "end = 2027-02-26")
    text = replace_once(text, "[checks]\n", '[checks]\nplugins = ["broken.py"]\n')
    write_program(tmp_path, text)
    result: Result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 2
    assert result.err.strip() == (
        "handbook: broken.py: plugin broken failed in rule ACME900 [budget-check]: KeyError: 'budget' "
        "(at broken.py:7)"
    )
    assert "program.toml:48:7: HB401 [pilot-window]" in result.out
    assert "Traceback" not in result.output


def test_a_plugin_can_be_disabled_by_name(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'strengths = ["strategic-foresight"]', "strengths = []")
    text = replace_once(text, "[checks]\n", '[checks]\ndisable_plugins = ["plugins.pairing"]\n')
    write_program(tmp_path, text)
    listing = run_handbook("rules", "program.toml", cwd=tmp_path).out
    assert "HB301" not in listing and "HB101" in listing
    assert "HB301" not in run_handbook("check", "program.toml", cwd=tmp_path).out
