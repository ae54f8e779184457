"""`handbook init DIR` scaffolds a program repository and never overwrites a file."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_handbook


def test_init_creates_a_program_that_passes_check(tmp_path: Path) -> None:
    result = run_handbook("init", "mentoring", cwd=tmp_path)
    assert result.code == 0, result.output
    for name in ("program.toml", "mkdocs.yml", "handbook/about.md"):
        assert (tmp_path / "mentoring" / name).is_file()
    starter = (tmp_path / "mentoring" / "program.toml").read_text(encoding="utf-8")
    assert starter.startswith("#:schema ")
    check = run_handbook("check", "mentoring/program.toml", cwd=tmp_path)
    assert check.code == 0, check.output


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
