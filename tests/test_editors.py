"""Editors really accept the schemas: the taplo CLI (the engine of Even Better TOML) checks files.

taplo is installed by `.ci/run` into .ci/node/ (npm package @taplo/cli, version pinned there).
Without it these tests skip locally, with the reason, and fail under CI, where a silent skip
would hide that editors reject the schema (as they once did, over a relative `$id`).
Everything is offline: the `#:schema` lines name files, and taplo's online catalogs stay off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import NoReturn

import pytest

from tests.conftest import ROOT, replace_once, run_handbook

NODE_BIN = ROOT / ".ci" / "node" / "node_modules" / ".bin"


def missing_tool(name: str, why: str) -> NoReturn:
    """Skip locally, with the reason; fail under CI, which installs the tool (.ci/run)."""
    message = f"{name} is not installed ({why}): run the npm install step of .ci/run"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def find_tool(name: str, why: str) -> str:
    """A command-line tool from .ci/node or PATH."""
    local = NODE_BIN / name
    found = str(local) if local.is_file() else shutil.which(name)
    return found or missing_tool(name, why)


def taplo_check(cwd: Path, *files: str) -> subprocess.CompletedProcess[str]:
    taplo = find_tool("taplo", "npm package @taplo/cli")
    return subprocess.run(
        [taplo, "check", "--no-auto-config", "--colors", "never", *files],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "RUST_LOG": "warn"},
        timeout=300,
    )


def test_taplo_accepts_the_example_program() -> None:
    first_line = (ROOT / "program.toml").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "#:schema ./program.schema.json"
    result = taplo_check(ROOT, "program.toml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_taplo_flags_a_typo_in_a_person(tmp_path: Path) -> None:
    shutil.copy(ROOT / "program.schema.json", tmp_path)
    text = (ROOT / "program.toml").read_text(encoding="utf-8")
    text = replace_once(
        text,
        'strengths = ["operational-discipline", "delegation", "talent-building"]',
        'stengths = ["operational-discipline", "delegation", "talent-building"]',
    )
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")
    result = taplo_check(tmp_path, "program.toml")
    assert result.returncode != 0
    assert "'stengths' was unexpected" in result.stdout + result.stderr


def test_taplo_accepts_the_records_files() -> None:
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "records").glob("*.toml"))
    assert files
    for name in files:
        first_line = (ROOT / name).read_text(encoding="utf-8").splitlines()[0]
        assert first_line == "#:schema ../records.schema.json", name
    result = taplo_check(ROOT, *files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_taplo_flags_a_rating_outside_the_scale(tmp_path: Path) -> None:
    assert run_handbook("init", "mentoring", cwd=tmp_path).code == 0
    records = tmp_path / "mentoring" / "records" / "pilot.toml"
    text = replace_once(records.read_text(encoding="utf-8"), "clarity = 4\n", "clarity = 7\n")
    records.write_text(text, encoding="utf-8")
    result = taplo_check(tmp_path / "mentoring", "records/pilot.toml")
    assert result.returncode != 0
    assert "7 is greater than the maximum of 5" in result.stdout + result.stderr


def test_taplo_accepts_a_folder_made_by_init(tmp_path: Path) -> None:
    assert run_handbook("init", "mentoring", cwd=tmp_path).code == 0
    folder = tmp_path / "mentoring"
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.toml"))
    assert files == ["program.toml", "records/pilot.toml"]
    result = taplo_check(folder, *files)
    assert result.returncode == 0, result.stdout + result.stderr
