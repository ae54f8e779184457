"""`handbook check [PROGRAM]`: load and validate program.toml and report located problems."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from generator.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from generator.diagnostics import ProgramError, UnreadableProgram, format_problem
from generator.loader import LoadedProgram, load_program
from generator.records import load_records
from generator.records.as_of import BadDate
from generator.reporting import FORMATS, render, use_colour
from generator.rules import ConfigurationError, run_checks


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check", help="validate program.toml and run the rules")
    parser.add_argument("program", nargs="?", default="program.toml", help="default: ./program.toml")
    parser.add_argument("--format", choices=FORMATS, default="text", help="default: text")
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        default="error",
        help="exit 1 when a finding has this severity or higher (default: error)",
    )
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
        only_program = all(p.location.file == program for p in exc.problems)
        where = program if only_program else f"{program} and its records"
        print(f"\n{count} error{'s' if count != 1 else ''} in {where}")
        return EXIT_PROBLEMS


def run(args: argparse.Namespace) -> int:
    loaded = load_or_report(args.program)
    if isinstance(loaded, int):
        return loaded
    return check_and_report(loaded, args.program, args.format, args.output, args.fail_on)


def check_and_report(
    loaded: LoadedProgram,
    shown: str,
    fmt: str = "text",
    output: str | None = None,
    fail_on: str = "error",
) -> int:
    """Run the rules on a loaded program and report the findings; the exit code `check` returns.

    Shared with `handbook build` and `serve`, which publish only what passes this check.
    """
    try:
        result = run_checks(loaded)
    except BadDate as exc:
        print(f"handbook: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigurationError as exc:
        for problem in exc.problems:
            print(format_problem(problem), file=sys.stderr)
        print("\nhandbook: the [checks] configuration has errors; no rules ran", file=sys.stderr)
        return EXIT_USAGE
    stream = sys.stdout if output is None else None
    report = render(
        result,
        fmt,
        result.rules,
        loaded.program.site.url,
        colour=fmt == "text" and stream is not None and use_colour(stream),
        label=f"{shown}: ",
    )
    if output is None:
        sys.stdout.write(report)
    else:
        write_atomically(Path(output), report)
    for error in result.internal_errors:
        print(
            f"handbook: internal error in plugin {error.plugin}, rule {error.rule}: {error.error}",
            file=sys.stderr,
        )
    if result.internal_errors:
        return EXIT_USAGE
    return EXIT_PROBLEMS if result.failing(fail_on) else EXIT_OK


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, so a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, delete=False, prefix=f".{path.name}.", suffix=".tmp"
    ) as tmp:
        tmp.write(text)
    os.replace(tmp.name, path)
