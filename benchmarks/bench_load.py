"""Whole `handbook` processes against a whole-process baseline, measured in the same run.

1. Latency on the example program: `handbook --help` and `handbook check program.toml` next to
   `python -c pass` (targets: within 0.1 s and 0.2 s).
2. Scale: `handbook check` of a 10,000-person, 5,000-pair program that has no findings, next to a
   whole process that only parses the same file with tomli, the parser the tool uses (target:
   within 2x).

Targets are judged on CPU time (user + system) of each whole process, which on an idle machine
is its wall time; both are printed (see `processes.Timing`).

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
    base = latency["python -c pass"]
    print(f"latency on the example program (best of {runs}, whole processes; CPU = user + system):")
    for name, t in latency.items():
        print(
            f"  {name:<30} CPU {t.cpu:.3f} s ({t.cpu - base.cpu:+.3f} s over python); "
            f"wall best {t.best:.3f} s, median {t.median:.3f} s"
        )
    for name, target in (("handbook --help", 0.1), ("handbook check program.toml", 0.2)):
        cpu = latency[name].cpu
        print(f"  {name}: {cpu:.3f} s (target within {target} s) {'OK' if cpu <= target else 'OVER TARGET'}")

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
    ratio = scale["check"].cpu / scale["parse"].cpu
    print(f"\nprogram: {people} people, {pairs} pairs, {len(text.encode()) / 1e6:.1f} MB, no findings")
    for label, name in (("tomli parse, whole process:", "parse"), ("handbook check:", "check")):
        t = scale[name]
        print(f"  {label:<28} CPU {t.cpu:.3f} s; wall best {t.best:.3f} s, median {t.median:.3f} s")
    wall = scale["check"].best / scale["parse"].best
    print(
        f"  ratio: {ratio:.2f}x CPU, {wall:.2f}x best wall (target: within 2x) "
        f"{'OK' if ratio <= 2 else 'OVER TARGET'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
