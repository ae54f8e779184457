#!/usr/bin/env python3
"""Set up the project's own environment and run one task in it.

    python3 tasks.py build [--serve]   build the handbook of ./program.toml into site/
    python3 tasks.py test  [PYTEST ARGS]  run the whole test suite
    python3 tasks.py lint              ruff check, ruff format --check and mypy (the CI gates)
    python3 tasks.py bench             run every benchmark and print its figures

Needs only Python 3.11+. The environment lives in .venv/ and is installed from the pinned
versions in constraints.txt, so every machine builds with the same libraries.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def _ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be started by an older Python
        sys.exit(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]})")
    wanted = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + (ROOT / "constraints.txt").read_bytes()
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("Creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    print("Installing pinned dependencies into .venv ...", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "-c", str(ROOT / "constraints.txt"), "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(wanted)


def _run(*command: str) -> int:
    return subprocess.call([str(BIN / command[0]), *command[1:]], cwd=ROOT)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("build", "test", "lint", "bench"):
        print(__doc__)
        return 2
    _ensure_environment()
    task, rest = argv[0], argv[1:]
    if task == "build":
        if "--serve" in rest:
            return _run("handbook", "serve", "program.toml")
        return _run("handbook", "build", "program.toml")
    if task == "test":
        return _run("python", "-m", "pytest", *rest)
    if task == "lint":
        code = _run("ruff", "check", ".")
        code = _run("ruff", "format", "--check", ".") or code
        return _run("mypy") or code
    return _run("python", "benchmarks/run_all.py", *rest)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
