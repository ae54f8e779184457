"""Load + validate a 10,000-person, 5,000-pair program against plain TOML parsing of it.

Target: load + validate within 3x of the raw parse. Run:
    python benchmarks/bench_load.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import generate_program_text
from generator.project import open_project


def _best_of(runs: int, work: Callable[[], object]) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    args = parser.parse_args()
    people, pairs = (1_000, 500) if args.quick else (10_000, 5_000)
    text = generate_program_text(people=people, pairs=pairs)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "program.toml"
        path.write_text(text, encoding="utf-8")
        runs = 3
        raw_best, raw_median = _best_of(runs, lambda: tomllib.loads(path.read_text("utf-8")))
        load_best, load_median = _best_of(runs, lambda: open_project(path))
        loaded = open_project(path)
        map_best, _ = _best_of(1, lambda: loaded.source.positions)
    size_mb = len(text.encode()) / 1e6
    ratio = load_best / raw_best
    print(f"program: {people} people, {pairs} pairs, {size_mb:.1f} MB")
    print(f"plain TOML parse (tomllib): best {raw_best:.3f} s, median {raw_median:.3f} s")
    print(f"load + validate:            best {load_best:.3f} s, median {load_median:.3f} s")
    print(f"position map (built only when a message needs a location): {map_best:.3f} s")
    print(
        f"ratio load+validate / parse: {ratio:.2f}x (target: within 3x) "
        f"{'OK' if ratio <= 3 else 'OVER TARGET'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
