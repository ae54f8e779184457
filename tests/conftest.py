"""Shared test fixtures: run the real `handbook` command and write small program files."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def output(self) -> str:
        return self.out + self.err


def run_handbook(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
    """Run `python -m generator ARGS` as a user would, capturing both streams."""
    proc = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd or ROOT,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        timeout=600,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def handbook():
    return run_handbook


@pytest.fixture
def minimal_text() -> str:
    """A small valid program (tests/fixtures/program/minimal.toml) to edit into bad input."""
    return (FIXTURES / "program" / "minimal.toml").read_text(encoding="utf-8")


def replace_once(text: str, old: str, new: str) -> str:
    """Edit a fixture's text, failing loudly if the text to replace is not there exactly once."""
    count = text.count(old)
    assert count == 1, f"expected {old!r} once in the fixture, found it {count} times"
    return text.replace(old, new)


def edit_once(path: Path, old: str, new: str) -> None:
    """Edit a file of a copied fixture in place, failing loudly unless `old` is there exactly once."""
    path.write_text(replace_once(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative name, with its bytes: to show nothing changed."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def use_theme_overrides(project: Path, folder: str, main_html: str) -> Path:
    """Point the project's mkdocs.yml at a theme override folder (`custom_dir`) holding
    `main.html`; returns that file."""
    edit_once(project / "mkdocs.yml", "  name: material\n", f"  name: material\n  custom_dir: {folder}\n")
    (project / folder).mkdir(exist_ok=True)
    (project / folder / "main.html").write_text(main_html, encoding="utf-8")
    return project / folder / "main.html"


def copy_example(folder: Path, *, records: bool = True) -> Path:
    """A copy of the example repository in `folder` (created if need be): program.toml,
    mkdocs.yml, the hand-written pages and, unless told otherwise, the progress records."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("program.toml", "mkdocs.yml"):
        shutil.copy(ROOT / name, folder / name)
    for name in ("handbook", "records") if records else ("handbook",):
        shutil.copytree(ROOT / name, folder / name)
    return folder
