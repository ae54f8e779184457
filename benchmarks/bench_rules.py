"""`handbook check` with every rule and thousands of located findings, as a whole process, next
to a whole process that only parses the same file with tomli (the tool's parser), in one run.

The generated 10,000-person program's random pairs give about 3,900 findings, so this measures
the rules and locating their findings (the position index from one tree-sitter parse of the file)
on top of loading. Run: python benchmarks/bench_rules.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import generate_program_text
from benchmarks.processes import PARSE_WITH_TOMLI, ROOT, alternated, handbook, python


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    args = parser.parse_args()
    people, pairs = (1_000, 500) if args.quick else (10_000, 5_000)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "program.toml"
        path.write_text(generate_program_text(people=people, pairs=pairs), encoding="utf-8")
        report = subprocess.run(
            handbook("check", str(path), "--format", "json"), capture_output=True, cwd=ROOT
        )
        data = json.loads(report.stdout)
        times = alternated(
            {
                "parse": python(PARSE_WITH_TOMLI, str(path)),
                "check": handbook("check", str(path), "--format", "json"),
            },
            3,
        )
    counts = Counter(f["code"] for f in data["findings"])
    print(
        f"program: {people} people, {pairs} pairs; {data['summary']['rules_run']} rules, "
        f"{len(data['findings'])} findings ({', '.join(f'{c} {n}' for c, n in sorted(counts.items()))})"
    )
    for label, name in (("tomli parse, whole process:", "parse"), ("handbook check --format json:", "check")):
        t = times[name]
        print(f"{label:<33} CPU {t.cpu:.3f} s; wall best {t.best:.3f} s, median {t.median:.3f} s")
    print(
        f"ratio: {times['check'].cpu / times['parse'].cpu:.2f}x CPU, "
        f"{times['check'].best / times['parse'].best:.2f}x wall"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
