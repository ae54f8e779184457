"""Timing whole processes, as a user or CI runs them: start-up, imports, work and exit.

Every benchmark compares against a baseline process measured in the same run, alternating the
two so that a busy machine slows both alike.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARSE_WITH_TOMLI = "import sys, tomli; tomli.loads(open(sys.argv[1], encoding='utf-8').read())"
"""The plain parse the tool itself uses (tomli), as a whole process."""


def handbook(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


def timed(command: Sequence[str], cwd: Path = ROOT, ok: Sequence[int] = (0, 1)) -> float:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, capture_output=True)
    took = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} exited {proc.returncode}:\n{proc.stderr.decode()[-2000:]}")
    return took


def alternated(
    commands: dict[str, Sequence[str]], runs: int, cwd: Path = ROOT
) -> dict[str, tuple[float, float]]:
    """(best, median) seconds of each command, run in turn `runs` times."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for name, command in commands.items():
        timed(command, cwd)  # warm the file cache and the interpreter's bytecode
        del name
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(timed(command, cwd))
    return {name: (min(t), statistics.median(t)) for name, t in times.items()}
