"""`handbook diff` between two 10,000-person programs that differ in 1 % of people, next to the
two plain `handbook check` runs of the same files, whole processes measured in the same run
(target: the diff within 1.5x of the two checks together).

The head changes a public field of every hundredth person, a confidential field of half of
those, and moves one in ten of the changed people to another division, so the diff reads both
files, compares every person and says 100 sentences.

Run: python benchmarks/bench_diff.py [--quick]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import generate_program_text
from benchmarks.processes import alternated, handbook

CLEAN = '\n[checks]\nignore = ["HB3", "intake-complete"]\n'
"""As in bench_load: without the pairing rules the generated program is clean, so `check`
measures loading and the rules, not locating thousands of findings."""

TARGET = 1.5


def changed(text: str, every: int = 100) -> tuple[str, int]:
    """The program with every `every`-th person's title changed (and some private notes and
    divisions): 1 % of people at the default."""
    count = 0

    def edit(match: re.Match[str]) -> str:
        nonlocal count
        i = int(match["i"])
        if i % every:
            return match[0]
        count += 1
        block = match[0].replace(
            f'title = "Vice President {i % 40}"', f'title = "Senior Vice President {i % 40}"'
        )
        if i % (every * 2) == 0:
            block = block.replace(f'notes = "Private note {i}"', f'notes = "Private note {i}, revised"')
        if i % (every * 10) == 0:
            block = re.sub(r'division = "[^"]*"', 'division = "Strategy"', block, count=1)
        return block

    pattern = re.compile(r'\[\[people\]\]\nid = "person-(?P<i>\d+)"\n.*?(?=\n\[\[|\Z)', re.S)
    return pattern.sub(edit, text), count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size, fewer runs")
    args = parser.parse_args()
    runs = 3 if args.quick else 5
    people, pairs = (1_000, 500) if args.quick else (10_000, 5_000)
    old = generate_program_text(people=people, pairs=pairs) + CLEAN
    new, count = changed(old)
    with tempfile.TemporaryDirectory() as tmp:
        before, after = Path(tmp) / "before.toml", Path(tmp) / "after.toml"
        before.write_text(old, encoding="utf-8")
        after.write_text(new, encoding="utf-8")
        times = alternated(
            {
                "check before": handbook("check", str(before)),
                "check after": handbook("check", str(after)),
                "diff": handbook("diff", str(before), str(after), "--program", str(after)),
            },
            runs,
        )
    checks = times["check before"].cpu + times["check after"].cpu
    ratio = times["diff"].cpu / checks
    print(
        f"programs: {people} people, {pairs} pairs, {len(old.encode()) / 1e6:.1f} MB; {count} people changed"
    )
    for name, t in times.items():
        print(f"  handbook {name:<13} CPU {t.cpu:.3f} s; wall best {t.best:.3f} s, median {t.median:.3f} s")
    print(f"  two checks together:   CPU {checks:.3f} s")
    verdict = "OK" if ratio <= TARGET else "OVER TARGET"
    print(f"  ratio diff / two checks (CPU time): {ratio:.2f}x (target: within {TARGET}x) {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
