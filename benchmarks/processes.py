"""Timing whole processes, as a user or CI runs them: start-up, imports, work and exit.

Every benchmark compares against a baseline process measured in the same run, alternating the
two so that a busy machine slows both alike.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PARSE_WITH_TOMLI = "import sys, tomli; tomli.loads(open(sys.argv[1], encoding='utf-8').read())"
"""The plain parse the tool itself uses (tomli), as a whole process."""


def environment() -> dict[str, str]:
    """The environment of an installed tool: Python may cache bytecode (pip compiles it at
    install), so the timed runs do not include compiling the sources on every start."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def handbook(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


class Timing(NamedTuple):
    """Seconds of one command over several runs: wall-clock best and median, and the best CPU
    time (user + system) of the whole process. On an idle machine the best wall time and the CPU
    time agree; when other work shares the machine, wall time includes waiting for a processor
    and CPU time does not, so targets are judged on CPU time and both are printed."""

    best: float
    median: float
    cpu: float


def timed(command: Sequence[str], cwd: Path = ROOT, ok: Sequence[int] = (0, 1)) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, env=environment())
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} exited {proc.returncode}:\n{proc.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu


def alternated(commands: dict[str, Sequence[str]], runs: int, cwd: Path = ROOT) -> dict[str, Timing]:
    """The timing of each command, run in turn `runs` times."""
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():
        timed(command, cwd)  # warm the file cache and the interpreter's bytecode
    for _ in range(runs):
        for name, command in commands.items():
            wall, cpu = timed(command, cwd)
            walls[name].append(wall)
            cpus[name].append(cpu)
    return {
        name: Timing(min(walls[name]), statistics.median(walls[name]), min(cpus[name])) for name in commands
    }
