"""A misbehaving plugin is reported by name and file (exit 2); the other rules still run and
report, and the requested output format stays valid whatever the plugin does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import replace_once, run_handbook

HEADER = """
from generator.findings import Violation
from generator.hookspecs import hookimpl
from generator.rules import Rule
"""

REGISTER = """

@hookimpl
def handbook_register_rules(register):
    register(Rule(
        code="ACME900", name="acme-check", severity="error", summary="s", what="w", why="y",
        example="e", fix="f", check=check,
    ))
"""

MISBEHAVIOURS = {
    "raises": (
        "def check(project, options):\n    raise KeyError('budget')\n",
        "KeyError: 'budget' (at acme.py:6)",
    ),
    "exits": ("import sys\n\ndef check(project, options):\n    sys.exit(3)\n", "called sys.exit(3)"),
    "interrupts": (
        "def check(project, options):\n    raise KeyboardInterrupt\n",
        "KeyboardInterrupt (at acme.py:6)",
    ),
    "yields-text": (
        "def check(project, options):\n    yield 'cohorts are bad'\n",
        "TypeError: yielded str, not a generator.findings.Violation (at rules.py:",
    ),
    "bad-path": (
        "def check(project, options):\n    yield Violation(('cohorts', 7, 'end'), 'no such cohort')\n",
        "reported key path 'cohorts[7].end', which program.toml does not have",
    ),
    "prints": (
        "def check(project, options):\n    print('debugging: checking cohorts')\n    return []\n",
        "printed to standard output ('debugging: checking cohorts'); a plugin reports through what "
        "it returns, never by printing",
    ),
}


def project_with_plugin(tmp_path: Path, minimal_text: str, plugin_text: str) -> None:
    (tmp_path / "acme.py").write_text(plugin_text, encoding="utf-8")
    text = replace_once(minimal_text, "end = 2027-05-28", "end = 2027-02-26")  # HB401 still reports
    text = replace_once(text, "[checks]\n", '[checks]\nplugins = ["acme.py"]\n')
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("kind", sorted(MISBEHAVIOURS))
def test_a_misbehaving_plugin_is_named_and_the_other_rules_still_report(
    tmp_path: Path, minimal_text: str, kind: str
) -> None:
    check, error = MISBEHAVIOURS[kind]
    project_with_plugin(tmp_path, minimal_text, HEADER + check + REGISTER)
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 2
    assert result.err.startswith(
        f"handbook: acme.py: plugin acme failed in rule ACME900 [acme-check]: {error}"
    )
    assert "program.toml:48:7: HB401 [pilot-window]" in result.out
    assert "Traceback" not in result.output


@pytest.mark.parametrize("kind", ["prints", "raises"])
def test_json_and_sarif_stay_valid_whatever_a_plugin_does(
    tmp_path: Path, minimal_text: str, kind: str
) -> None:
    project_with_plugin(tmp_path, minimal_text, HEADER + MISBEHAVIOURS[kind][0] + REGISTER)
    data = json.loads(run_handbook("check", "program.toml", "--format", "json", cwd=tmp_path).out)
    assert [f["code"] for f in data["findings"]] == ["HB401"]
    assert data["plugin_errors"][0]["plugin"] == "acme"
    sarif = json.loads(run_handbook("check", "program.toml", "--format", "sarif", cwd=tmp_path).out)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "plugin acme failed" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_a_plugin_that_fails_to_import_is_named_and_the_built_in_rules_still_run(
    tmp_path: Path, minimal_text: str
) -> None:
    project_with_plugin(tmp_path, minimal_text, "import acme_budget_service\n")
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 2
    assert result.err.strip() == (
        "handbook: acme.py: plugin acme failed to load: ModuleNotFoundError: No module named "
        "'acme_budget_service' (at acme.py:1)"
    )
    assert "HB401 [pilot-window]" in result.out


def test_a_syntax_error_in_a_local_plugin_is_located_in_that_file(tmp_path: Path, minimal_text: str) -> None:
    project_with_plugin(tmp_path, minimal_text, HEADER + "\ndef check(project, options)\n    return []\n")
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 2
    assert result.err.strip() == (
        "handbook: acme.py:6:28: plugin acme failed to load: SyntaxError: expected ':': fix the plugin file"
    )
    assert "bug in the handbook tool" not in result.output
    assert "HB401 [pilot-window]" in result.out


def test_a_plugin_that_registers_something_else_is_named(tmp_path: Path, minimal_text: str) -> None:
    plugin = HEADER + "\n@hookimpl\ndef handbook_register_rules(register):\n    register('ACME900')\n"
    project_with_plugin(tmp_path, minimal_text, plugin)
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 2
    assert result.err.strip() == (
        "handbook: acme.py: plugin acme failed to register its rules: registered str, not a "
        "generator.rules.Rule"
    )


def test_a_plugin_rule_with_a_taken_code_is_named(tmp_path: Path, minimal_text: str) -> None:
    plugin = (
        HEADER + "def check(project, options):\n    return []\n" + replace_once(REGISTER, "ACME900", "HB101")
    )
    project_with_plugin(tmp_path, minimal_text, plugin)
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 2
    assert result.err.strip() == (
        "handbook: acme.py: plugin acme failed to register its rules: rule 'HB101' is already "
        "registered by plugin plugins.workload"
    )


def test_a_plugin_rule_reads_the_records_the_date_and_the_root_from_the_project(
    tmp_path: Path, minimal_text: str
) -> None:
    check = (
        "def check(project, options):\n"
        "    folder = project.root / project.program.records.folder\n"
        "    yield Violation(('program', 'name'), f'{project.today} {folder.name} '\n"
        "                    f'{project.records.pair_count()} recorded pairs')\n"
    )
    project_with_plugin(tmp_path, minimal_text, HEADER + check + REGISTER)
    result = run_handbook("check", "program.toml", cwd=tmp_path, env={"HANDBOOK_TODAY": "2027-02-01"})
    assert "program.toml:2:8: ACME900 [acme-check] 2027-02-01 records 0 recorded pairs" in result.out


def test_no_plugins_runs_no_plugin_code(tmp_path: Path, minimal_text: str) -> None:
    marker = tmp_path / "plugin-ran"
    plugin = (
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n"
        + HEADER
        + MISBEHAVIOURS["raises"][0]
        + REGISTER
    )
    project_with_plugin(tmp_path, minimal_text, plugin)
    result = run_handbook("check", "program.toml", "--no-plugins", cwd=tmp_path)
    assert not marker.exists()
    assert result.code == 0  # HB401 (a warning) still reports; the plugin's rule never ran
    assert "ACME900" not in result.output
    assert "HB401 [pilot-window]" in result.out


@pytest.mark.parametrize(
    "command", [["rules"], ["rule", "HB101"], ["match", "--cohort", "pilot"], ["portfolio"]]
)
def test_commands_that_report_no_findings_stop_on_a_broken_plugin(
    tmp_path: Path, minimal_text: str, command: list[str]
) -> None:
    project_with_plugin(tmp_path, minimal_text, "import acme_budget_service\n")
    result = run_handbook(*command, "program.toml", cwd=tmp_path)
    assert result.code == 2
    assert result.err.strip() == (
        "handbook: acme.py: plugin acme failed to load: ModuleNotFoundError: No module named "
        "'acme_budget_service' (at acme.py:1)"
    )
    with_flag = run_handbook(*command, "program.toml", "--no-plugins", cwd=tmp_path)
    assert "acme" not in with_flag.err
