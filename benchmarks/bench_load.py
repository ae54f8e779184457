"""Whole `handbook` processes against a whole-process baseline, measured in the same run.

1. Latency on the example program: `handbook --help` and `handbook check program.toml` next to
   `python -c pass` (targets: within 0.1 s and 0.2 s).
2. Scale: `handbook check` of a 10,000-person, 5,000-pair program that has no findings, next to a
   whole process that only parses the same file with tomli, the parser the tool uses (target:
   within 2x).

Run: python benchmarks/bench_load.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import generate_program_text
from benchmarks.processes import PARSE_WITH_TOMLI, ROOT, alternated, handbook, python

CLEAN = '\n[checks]\nignore = ["HB3", "intake-complete"]\n'
"""The generated program's pairs are random, so the pairing rules report thousands of them;
without those rules it is clean, and this benchmark measures loading, not locating findings."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size, fewer runs")
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    latency = alternated(
        {
            "python -c pass": python("pass"),
            "handbook --help": handbook("--help"),
            "handbook check program.toml": handbook("check", "program.toml"),
        },
        runs,
    )
    base = latency["python -c pass"][0]
    print(f"latency on the example program (best of {runs}, whole processes):")
    for name, (best, median) in latency.items():
        print(f"  {name:<30} best {best:.3f} s, median {median:.3f} s, {best - base:+.3f} s over python")
    for name, target in (("handbook --help", 0.1), ("handbook check program.toml", 0.2)):
        best = latency[name][0]
        print(
            f"  {name}: {best:.3f} s (target within {target} s) {'OK' if best <= target else 'OVER TARGET'}"
        )

    people, pairs = (1_000, 500) if args.quick else (10_000, 5_000)
    text = generate_program_text(people=people, pairs=pairs) + CLEAN
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "program.toml"
        path.write_text(text, encoding="utf-8")
        scale = alternated(
            {"parse": python(PARSE_WITH_TOMLI, str(path)), "check": handbook("check", str(path))},
            max(3, runs // 2),
            cwd=ROOT,
        )
    ratio = scale["check"][0] / scale["parse"][0]
    print(f"\nprogram: {people} people, {pairs} pairs, {len(text.encode()) / 1e6:.1f} MB, no findings")
    print(f"  tomli parse, whole process: best {scale['parse'][0]:.3f} s, median {scale['parse'][1]:.3f} s")
    print(f"  handbook check:             best {scale['check'][0]:.3f} s, median {scale['check'][1]:.3f} s")
    print(f"  ratio: {ratio:.2f}x (target: within 2x) {'OK' if ratio <= 2 else 'OVER TARGET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
