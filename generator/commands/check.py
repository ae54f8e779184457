"""`handbook check [PROGRAM]`: load and validate program.toml and report located problems."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.errors import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from generator.project import Project, open_project
from generator.reporting import FORMATS, render, use_colour
from generator.rules import run_checks
from generator.safe_files import write_text_atomically


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


def open_checked(program: str) -> Project:
    """The project with its progress records read, so a records error is reported up front."""
    project = open_project(Path(program), display=program)
    project.records  # noqa: B018 - read and validated now: raises ProgramError with every problem
    return project


def run(args: argparse.Namespace) -> int:
    project = open_checked(args.program)
    return check_and_report(project, args.program, args.format, args.output, args.fail_on)


def check_and_report(
    project: Project,
    shown: str,
    fmt: str = "text",
    output: str | None = None,
    fail_on: str = "error",
) -> int:
    """Run the rules on a project and report the findings; the exit code `check` returns.

    Shared with `handbook build` and `serve`, which publish only what passes this check.
    """
    result = run_checks(project)
    stream = sys.stdout if output is None else None
    report = render(
        result,
        fmt,
        result.rules,
        project.program.site.url,
        colour=fmt == "text" and stream is not None and use_colour(stream),
        label=f"{shown}: ",
    )
    if output is None:
        sys.stdout.write(report)
    else:
        write_text_atomically(Path(output), report)
    for problem in result.plugin_problems:
        print(f"handbook: {problem}", file=sys.stderr)
    if result.plugin_problems:
        return EXIT_USAGE
    return EXIT_PROBLEMS if result.failing(fail_on) else EXIT_OK  # type: ignore[arg-type]
