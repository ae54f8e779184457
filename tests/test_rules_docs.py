"""Every rule and every hook is documented, and the documentation reaches users."""

from __future__ import annotations

import inspect
import re
import shutil

import pytest

from generator import hookspecs
from generator.plugin_host import load_plugins
from generator.rules import registered_rules
from tests.conftest import ROOT, run_handbook

RULES = registered_rules(load_plugins(autoload=False))


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_has_documentation_in_one_shape(rule) -> None:  # type: ignore[no-untyped-def]
    assert re.fullmatch(r"[A-Z]+[0-9]{3}", rule.code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    for part in ("summary", "what", "why", "example", "fix"):
        assert getattr(rule, part).strip(), f"{rule.code} has no {part}"


def test_codes_and_names_are_unique() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


def test_every_hook_is_documented_here_and_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    hooks = [
        name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("handbook_")
    ]
    assert hooks
    for name in hooks:
        assert inspect.getdoc(getattr(hookspecs, name)), f"{name} has no docstring"
        assert name in readme, f"{name} is not documented in README.md"


def test_rule_command_prints_the_documentation() -> None:
    result = run_handbook("rule", "HB101")
    assert result.code == 0
    assert result.out.startswith("# HB101 mentor-load\n")
    for heading in ("**What it checks.**", "**Why it matters.**", "**Example.**", "**How to fix.**"):
        assert heading in result.out


def test_rule_command_suggests_a_name() -> None:
    result = run_handbook("rule", "mentor-lod")
    assert result.code == 2
    assert result.err.strip() == (
        "handbook: no rule is called 'mentor-lod'; did you mean 'mentor-load'? (`handbook rules` lists them)"
    )


def test_the_readme_plugin_example_reads_the_records_and_the_date_from_the_project(tmp_path) -> None:  # type: ignore[no-untyped-def]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    guide = readme[readme.index("### Writing a rule plugin") :]
    code = guide[
        guide.index("```python\n") + len("```python\n") : guide.index("```\n", guide.index("```python"))
    ]
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "acme.py").write_text(code, encoding="utf-8")
    shutil.copytree(ROOT / "records", tmp_path / "records")
    program = (ROOT / "program.toml").read_text(encoding="utf-8")
    assert "\n[checks]" not in program
    checks = '\n[checks]\nplugins = ["rules/acme.py"]\n\n[checks.quiet-pair]\ndays = 30\n'
    (tmp_path / "program.toml").write_text(program + checks, encoding="utf-8")
    result = run_handbook("check", "program.toml", cwd=tmp_path, env={"HANDBOOK_TODAY": "2027-02-15"})
    quiet = [line for line in result.out.splitlines() if "ACME001 [quiet-pair]" in line]
    assert quiet, result.output
    assert all(line.endswith("have not met for 30 days: ask how it is going") for line in quiet)
    assert "plugin" not in result.err
    later = run_handbook("check", "program.toml", cwd=tmp_path, env={"HANDBOOK_TODAY": "2026-11-20"})
    assert "ACME001" not in later.out  # everyone met within 30 days of that date
