"""`handbook init [DIR]` scaffolds a program repository that checks clean and never overwrites."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from generator.commands.schema import schema_text
from tests.conftest import run_handbook

WRITTEN = (
    "program.toml",
    "program.schema.json",
    "records.schema.json",
    "records/pilot.toml",
    "mkdocs.yml",
    "handbook/about.md",
    ".gitignore",
    ".github/workflows/handbook.yml",
)


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    result = run_handbook("init", "mentoring", cwd=tmp_path)
    assert result.code == 0, result.output
    return tmp_path / "mentoring"


def files_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_init_writes_the_whole_repository(starter: Path) -> None:
    assert files_in(starter) == sorted(WRITTEN)
    program = (starter / "program.toml").read_text(encoding="utf-8")
    assert program.startswith("#:schema ./program.schema.json\n")


def test_init_output_passes_check_with_no_findings(starter: Path) -> None:
    rules = run_handbook("rules", cwd=starter)
    assert rules.code == 0, rules.output
    rule_count = len(rules.out.splitlines()) - 1  # below the header row
    check = run_handbook("check", cwd=starter)
    assert check.code == 0, check.output
    assert check.out == f"program.toml: no findings from {rule_count} rules\n"
    assert check.err == ""


@pytest.mark.parametrize("today", ["2027-03-20", "2027-05-30", "2028-01-01"])
def test_init_output_stays_clean_as_the_pilot_runs(starter: Path, today: str) -> None:
    """The example records cover the whole pilot, so no progress rule fires at a later date."""
    check = run_handbook("check", cwd=starter, env={"HANDBOOK_TODAY": today})
    assert check.code == 0, check.output
    assert ": no findings from " in check.out


def test_init_writes_the_schemas_that_schema_prints(starter: Path) -> None:
    assert (starter / "program.schema.json").read_text(encoding="utf-8") == schema_text()
    assert (starter / "records.schema.json").read_text(encoding="utf-8") == schema_text(records=True)


def test_init_records_example_is_named_after_the_starter_cohort(starter: Path) -> None:
    program = tomllib.loads((starter / "program.toml").read_text(encoding="utf-8"))
    cohort = program["cohorts"][0]["id"]
    records_text = (starter / "records" / f"{cohort}.toml").read_text(encoding="utf-8")
    assert records_text.startswith("#:schema ../records.schema.json\n")
    assert tomllib.loads(records_text)["cohort"] == cohort


def test_init_gitignore_keeps_builds_and_private_files_out(starter: Path) -> None:
    ignored = (starter / ".gitignore").read_text(encoding="utf-8").splitlines()
    for pattern in ("site/", ".venv/", "*.private.toml"):
        assert pattern in ignored


def test_init_output_builds_the_handbook(starter: Path) -> None:
    build = run_handbook("build", cwd=starter)
    assert build.code == 0, build.output
    assert (starter / "site" / "index.html").is_file()
    # no page of the starter site asks a third party for fonts (or anything else) on load
    for page in (starter / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, page


def test_init_defaults_to_the_current_folder(tmp_path: Path) -> None:
    result = run_handbook("init", cwd=tmp_path)
    assert result.code == 0, result.output
    assert files_in(tmp_path) == sorted(WRITTEN)
    assert "created program.toml" in result.out
    assert "then run `handbook check program.toml`" in result.out


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "mentoring"
    target.mkdir()
    (target / "program.toml").write_text("# my own notes\n", encoding="utf-8")
    result = run_handbook("init", "mentoring", cwd=tmp_path)
    assert result.code == 2
    assert "handbook: mentoring/program.toml already exists" in result.err
    assert "nothing was written" in result.err
    assert (target / "program.toml").read_text(encoding="utf-8") == "# my own notes\n"
    assert not (target / "mkdocs.yml").exists()
    assert "Traceback" not in result.output


@pytest.mark.parametrize("existing", [".gitignore", "records/pilot.toml", ".github/workflows/handbook.yml"])
def test_init_writes_nothing_when_any_target_exists(tmp_path: Path, existing: str) -> None:
    (tmp_path / existing).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / existing).write_text("mine\n", encoding="utf-8")
    result = run_handbook("init", cwd=tmp_path)
    assert result.code == 2
    assert f"handbook: {existing} already exists" in result.err
    assert files_in(tmp_path) == [existing]
    assert (tmp_path / existing).read_text(encoding="utf-8") == "mine\n"
