"""The command line reads as one tool: every command and option documented, the program the
first positional argument, messages in the words of the README."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import build_parser
from tests.conftest import ROOT, replace_once, run_handbook


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (subparsers,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(subparsers.choices)


COMMANDS = _commands()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_of_every_command_has_help(name: str) -> None:
    undocumented = [
        action.dest
        for action in COMMANDS[name]._actions
        if not isinstance(action, argparse._HelpAction) and not action.help
    ]
    assert undocumented == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_in_the_readme_command_table(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Commands") : readme.index("## Rules")]
    assert f"| `handbook {name}" in table


@pytest.mark.parametrize("name", ["check", "build", "serve", "export", "match", "portfolio", "rules"])
def test_the_program_is_the_first_positional_argument(name: str) -> None:
    positional = [a.dest for a in COMMANDS[name]._actions if not a.option_strings]
    assert positional[0] == "program"


def test_check_and_rules_count_the_same_rules() -> None:
    listed = run_handbook("rules").out.splitlines()[1:]
    checked = run_handbook("check", "program.toml", env={"HANDBOOK_TODAY": "2026-11-24"})
    assert checked.out.strip().endswith(f"no findings from {len(listed)} rules")


DATE_MISTAKES = [
    (
        "start = 01/04/2027",
        "program.toml:47:10: TOML syntax error: expected newline or end of document after a statement; "
        "write dates as year-month-day without quotes, e.g. 2027-09-01",
    ),
    (
        'start = "2027-01-04"',
        "program.toml:47:9: start must be a date such as 2027-01-15, not '2027-01-04': write dates as "
        "year-month-day without quotes, e.g. 2027-09-01",
    ),
]


@pytest.mark.parametrize(("written", "message"), DATE_MISTAKES, ids=["american", "quoted"])
def test_a_common_date_mistake_gets_a_hint(
    tmp_path: Path, minimal_text: str, written: str, message: str
) -> None:
    text = replace_once(minimal_text, "start = 2027-01-04", written)
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 1
    assert result.out.splitlines()[0] == message


def test_the_id_rule_in_messages_is_the_readmes(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'id = "pilot"', 'id = "pilot 2027"')
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert "use letters, digits, '-', '_' and '.' only" in result.out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "letters, digits,\n`-`, `_` and `.` only" in readme


def test_a_duplicate_person_points_at_the_first_use(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'id = "mentor-c"', 'id = "mentor-a"')
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    lines = result.out.splitlines()
    duplicate = (
        "program.toml:38:6: duplicate person id 'mentor-a': ids must be unique (first used on line 20)"
    )
    assert duplicate in lines
    assert "    related: program.toml:20:6: person id 'mentor-a' first used here" in lines


def test_match_write_with_nothing_to_write_is_not_an_error(tmp_path: Path) -> None:
    from tests.test_match import MENTEES, MENTORS, cohort, write

    path = write(
        tmp_path,
        MENTORS
        + MENTEES
        + cohort("c1", ["ada", "ben", "cleo", "dan"], pairs=(("ada", "cleo"), ("ben", "dan"))),
    )
    before = path.read_bytes()
    result = run_handbook("match", "program.toml", "--cohort", "c1", "--write", cwd=tmp_path)
    assert result.code == 0
    assert result.err.strip() == "Nothing to write: the proposal adds no pairs; program.toml is unchanged"
    assert path.read_bytes() == before


def test_help_lists_the_commands_without_loading_the_program_model() -> None:
    """`handbook --help` answers at once: the model (and pydantic) load only for a command that
    reads a program; the choices it lists, such as the site engines, come from light modules."""
    code = (
        "import sys; from generator.cli import main\n"
        "try:\n    main(['build', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic' or m == 'generator.model'))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "--engine {mkdocs,zensical}" in proc.stdout
    assert proc.stdout.splitlines()[-1] == "[]", proc.stdout + proc.stderr
