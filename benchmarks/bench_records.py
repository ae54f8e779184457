"""Progress records at scale: 5,000 pairs with 12 months of sessions each.

Prints, in one run, `handbook check` and `handbook build` on the same program with and without
its records, so the figure is the cost the records add (the build adds the progress pages). Run:
    python benchmarks/bench_records.py [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import generate_program_text
from generator.cli import COMMANDS

MONTHS = 12

BEHAVIOUR_METRIC = """
[[metrics]]
id = "delegation"
name = "Delegation"
kind = "qualitative"
category = "behaviour"
definition = "Decisions handed to the team"
target = "Level 4 by the end"
source = "Mentor observation"
"""


def program_with_year_long_cohorts(people: int, pairs: int, cohorts: int) -> str:
    """The generated program, with each cohort lasting 12 months so a year of sessions fits."""
    text = generate_program_text(people=people, pairs=pairs, cohorts=cohorts)

    def stretch(match: re.Match[str]) -> str:
        start = dt.date.fromisoformat(match.group(1))
        return f"start = {start.isoformat()}\nend = {(start + dt.timedelta(days=365)).isoformat()}"

    text = re.sub(r"start = (\d{4}-\d\d-\d\d)\nend = \d{4}-\d\d-\d\d", stretch, text)
    # Random pairs in year-long, overlapping cohorts overload some mentors and cross a reporting
    # line or two; those errors would stop `handbook build`, and this benchmark measures records.
    return text + BEHAVIOUR_METRIC + '\n[checks]\nignore = ["HB101", "HB303"]\n'


def records_text(cohort_id: str, start: dt.date, pairs: list[tuple[str, str]], rnd: random.Random) -> str:
    """One cohort's records: monthly sessions, feedback from both sides each quarter, outcomes."""
    out = [f'cohort = "{cohort_id}"']
    for mentor, mentee in pairs:
        sessions = ", ".join(
            f'{{ date = {start + dt.timedelta(days=30 * m + rnd.randrange(5))}, kind = "alignment" }}'
            for m in range(MONTHS)
        )
        out += [
            "",
            "[[pairs]]",
            f'mentor = "{mentor}"',
            f'mentee = "{mentee}"',
            f"sessions = [{sessions}]",
            f'milestones = [{{ milestone = "plan", date = {start + dt.timedelta(days=25)}, '
            'evidence = "Plan agreed and signed" }]',
        ]
        for quarter in range(4):
            day = start + dt.timedelta(days=90 * quarter + 80)
            for side in ("mentor", "mentee"):
                scores = [min(5, 2 + quarter // 2 + rnd.randrange(2)) for _ in range(4)]
                out += [
                    "",
                    "[[pairs.feedback]]",
                    f"date = {day}",
                    f'by = "{side}"',
                    f"clarity = {scores[0]}",
                    f"confidence = {scores[1]}",
                    f"influence = {scores[2]}",
                    f"relationship = {scores[3]}",
                ]
        out += [
            "",
            "[[pairs.behaviours]]",
            f"date = {start + dt.timedelta(days=180)}",
            'indicator = "delegation"',
            f"level = {1 + rnd.randrange(5)}",
            "",
            "[[pairs.outcomes]]",
            f"date = {start + dt.timedelta(days=360)}",
            f"promoted = {str(rnd.random() < 0.3).lower()}",
            f'project = "{rnd.choice(["achieved", "partial", "missed"])}"',
            f"collaboration = {rnd.randrange(6)}",
        ]
    return "\n".join(out) + "\n"


def write_records(program_text: str, folder: Path) -> tuple[int, int]:
    """Records for every pair of the program; returns (files, bytes)."""
    import tomllib

    data = tomllib.loads(program_text)
    rnd = random.Random(11)
    folder.mkdir()
    size = 0
    for cohort in data["cohorts"]:
        pairs = [(p["mentor"], p["mentee"]) for p in cohort.get("pairs", [])]
        text = records_text(cohort["id"], cohort["start"], pairs, rnd)
        (folder / f"{cohort['id']}.toml").write_text(text, encoding="utf-8")
        size += len(text.encode())
    return len(data["cohorts"]), size


def timed(args: list[str], cwd: Path, runs: int) -> tuple[float, float, int]:
    times, code = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        code = proc.returncode
        if code not in (0, 1):
            print(proc.stdout[-2000:], proc.stderr[-2000:], sep="\n", file=sys.stderr)
            raise SystemExit(f"{' '.join(args[2:])} failed with exit code {code}")
    return min(times), statistics.median(times), code


def breakdown(program: Path) -> None:
    """Where the added time goes, measured in-process: reading the records, then the progress rules."""
    from generator.project import open_project
    from generator.records.progress import (
        feedback_drops,
        missing_end_reviews,
        overdue_milestones,
        stalling_pairs,
    )

    loaded = open_project(program)
    start = time.perf_counter()
    records = loaded.records
    read = time.perf_counter() - start
    on = max(c.start for c in loaded.program.cohorts) + dt.timedelta(days=200)
    start = time.perf_counter()
    found = sum(
        1
        for concerns in (stalling_pairs, overdue_milestones, missing_end_reviews, feedback_drops)
        for _ in concerns(loaded.program, records, on)
    )
    rules = time.perf_counter() - start
    print(
        f"in-process: read + validate records {read:.2f} s; four progress rules {rules:.2f} s "
        f"({found} findings on {on})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    args = parser.parse_args()
    people, pairs, cohorts = (1_000, 500, 10) if args.quick else (10_000, 5_000, 10)
    text = program_with_year_long_cohorts(people, pairs, cohorts)
    handbook = [sys.executable, "-m", "generator"]
    with tempfile.TemporaryDirectory() as tmp:
        bare, full = Path(tmp) / "without", Path(tmp) / "with"
        root = Path(__file__).resolve().parent.parent
        for folder in (bare, full):
            folder.mkdir()
            (folder / "program.toml").write_text(text, encoding="utf-8")
            shutil.copy(root / "mkdocs.yml", folder / "mkdocs.yml")  # so `handbook build` builds
            shutil.copytree(root / "handbook", folder / "handbook")
        files, size = write_records(text, full / "records")
        sessions = pairs * MONTHS
        print(f"program: {people} people, {pairs} pairs in {cohorts} cohorts")
        print(
            f"records: {files} files, {size / 1e6:.1f} MB, {sessions} sessions, "
            f"{pairs * 8} feedback entries, {pairs} outcomes"
        )
        runs = 3
        rows = [("check", [*handbook, "check", "program.toml"], runs)]
        if "generator.commands.build" in COMMANDS:
            rows.append(("build", [*handbook, "build", "program.toml"], 1))
        for name, command, n in rows:
            base_best, base_median, base_code = timed(command, bare, n)
            with_best, with_median, with_code = timed(command, full, n)
            added = with_best - base_best
            print(
                f"handbook {name} without records: best {base_best:.2f} s, median {base_median:.2f} s "
                f"(exit {base_code})"
            )
            print(
                f"handbook {name} with records:    best {with_best:.2f} s, median {with_median:.2f} s "
                f"(exit {with_code})"
            )
            print(f"added by records: {added:+.2f} s ({with_best / base_best:.2f}x)")
        if "generator.commands.build" not in COMMANDS:
            print("handbook build: not measured (the site command is not available in this tree)")
        breakdown(full / "program.toml")
        shutil.rmtree(full / "records")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
