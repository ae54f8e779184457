"""All built-in rules on a 10,000-person, 5,000-pair program, next to load + validate.

Targets: the rules (including locating their findings) within 1 s, and within the time of
load + validate of the same program. Run:
    python benchmarks/bench_rules.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import generate_program_text
from generator.project import open_project
from generator.rules import run_checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    args = parser.parse_args()
    people, pairs = (1_000, 500) if args.quick else (10_000, 5_000)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "program.toml"
        path.write_text(generate_program_text(people=people, pairs=pairs), encoding="utf-8")
        load_times, rule_times = [], []
        for _ in range(3):
            start = time.perf_counter()
            loaded = open_project(path)
            load_times.append(time.perf_counter() - start)
            start = time.perf_counter()  # a fresh load each round: the position map is built here
            result = run_checks(loaded)
            rule_times.append(time.perf_counter() - start)
    load, rules = min(load_times), min(rule_times)
    counts = Counter(f.code for f in result.findings)
    print(
        f"program: {people} people, {pairs} pairs; {result.rules_run} rules, "
        f"{len(result.findings)} findings ({', '.join(f'{c} {n}' for c, n in sorted(counts.items()))})"
    )
    print(f"load + validate:                     best {load:.3f} s")
    print(f"all rules, findings located:         best {rules:.3f} s")
    ok = rules <= 1.0 and rules <= load
    print(
        f"rules / load+validate: {rules / load:.2f}x; targets: rules <= 1 s and <= load+validate: "
        f"{'OK' if ok else 'OVER TARGET'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
