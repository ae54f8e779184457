"""The codebase stays ruff-clean, so every engineer reads one style."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import ROOT


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff") or str(ROOT / ".venv" / "bin" / "ruff")
    if not shutil.which("ruff") and not (ROOT / ".venv" / "bin" / "ruff").exists():
        pytest.skip("ruff is not installed (it is in the test extra)")
    paths = [p for p in ("generator", "plugins", "tests", "benchmarks", "tasks.py") if (ROOT / p).exists()]
    proc = subprocess.run(
        [ruff, "check", *paths],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
