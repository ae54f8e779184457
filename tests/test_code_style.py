"""The codebase stays ruff-clean, so every engineer reads one style."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff") or str(ROOT / ".venv" / "bin" / "ruff")
    if not shutil.which("ruff") and not (ROOT / ".venv" / "bin" / "ruff").exists():
        pytest.skip("ruff is not installed (it is in the test extra)")
    proc = subprocess.run(
        [ruff, "check", "generator", "plugins", "tests", "benchmarks", "tasks.py"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sys.version_info >= (3, 11)
