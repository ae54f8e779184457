"""`handbook check [PROGRAM]`: load and validate program.toml and report located problems."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from generator.diagnostics import ProgramError, UnreadableProgram, format_problem
from generator.loader import LoadedProgram, load_program
from generator.records import load_records


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check", help="validate program.toml and run the rules")
    parser.add_argument("program", nargs="?", default="program.toml", help="default: ./program.toml")
    parser.set_defaults(run=run)


def load_or_report(program: str) -> LoadedProgram | int:
    """The loaded program, or the exit code after printing why it could not be loaded."""
    try:
        loaded = load_program(Path(program), display=program)
        loaded.records = load_records(loaded)  # progress records beside program.toml, if any
        return loaded
    except UnreadableProgram as exc:
        print(f"handbook: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ProgramError as exc:
        for problem in exc.problems:
            print(format_problem(problem))
        count = len(exc.problems)
        print(f"\n{count} error{'s' if count != 1 else ''} in {program}")
        return EXIT_PROBLEMS


def run(args: argparse.Namespace) -> int:
    loaded = load_or_report(args.program)
    if isinstance(loaded, int):
        return loaded
    p = loaded.program
    pairs = sum(len(c.pairs) for c in p.cohorts)
    print(
        f"{args.program}: no problems found "
        f"({len(p.people)} people, {len(p.cohorts)} cohorts, {pairs} pairs)"
    )
    return EXIT_OK
