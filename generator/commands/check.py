"""`handbook check [PROGRAM]`: load and validate program.toml and report located problems.

Whatever fails — the file cannot be read, the program does not load, a plugin misbehaves, a rule
finds something — is reported in the requested format, to stdout or `--output`, so CI always
gets a report it can parse (its most common input is a program that does not load).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from generator.cli import add_plugins_option, add_program_argument, plugins_wanted
from generator.diagnostics import ProgramError, UnreadableProgram
from generator.reporting import FORMATS, Report, as_step_summary, render, use_colour

if TYPE_CHECKING:
    from generator.findings import Severity
    from generator.project import Project
    from generator.safe_files import Protected

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"
"""Set by GitHub Actions to a file that `--format github` appends a Markdown summary to."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check", help="validate program.toml and run the rules")
    add_program_argument(parser)
    parser.add_argument("--format", choices=FORMATS, default="text", help="default: text")
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="write the report to FILE instead of stdout (- is stdout; only an earlier report is replaced)",
    )
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        default="error",
        help="exit 1 when a finding has this severity or higher (default: error)",
    )
    parser.add_argument(
        "--new-since",
        metavar="BASE",
        help="report only findings the program at git revision BASE did not have (matched by rule and "
        "key path, not line); the exit code counts only those",
    )
    add_plugins_option(parser)
    parser.set_defaults(run=run)


def open_checked(program: str, plugins: bool | None = None) -> Project:
    """The project with its progress records read, so a records error is reported up front."""
    from generator.project import open_project

    project = open_project(Path(program), display=program, plugins=plugins)
    project.records  # noqa: B018 - read and validated now: raises ProgramError with every problem
    return project


def run(args: argparse.Namespace) -> int:
    only_new = _only_new(args) if args.new_since else None
    try:
        project = open_checked(args.program, plugins_wanted(args))
    except ProgramError as error:
        report = Report.of_program_error(error, args.program)
    except UnreadableProgram as error:
        report = Report.of_unreadable(error, args.program)
    else:
        args.kept.append(project)  # left for the process's end to free (see `generator.cli.run`)
        return check_and_report(project, args.program, args.format, args.output, args.fail_on, only_new)
    if only_new is not None:
        report = only_new(report)
    program = Path(args.program)
    return emit(report, args.format, args.output, args.fail_on, protected=lambda: _protected_around(program))


def check_and_report(
    project: Project,
    shown: str,
    fmt: str = "text",
    output: str | None = None,
    fail_on: str = "error",
    only_new: Callable[[Report], Report] | None = None,
) -> int:
    """Run the rules on a project and report the findings; the exit code `check` returns.

    Shared with `handbook build` and `serve`, which publish only what passes this check.
    """
    from generator.rules import run_checks

    result = run_checks(project)
    report = Report.of_result(result, shown, project.program.site.url, label=f"{shown}: ")
    if only_new is not None:
        report = only_new(report)
    return emit(report, fmt, output, fail_on, protected=lambda: _protected_of(project))


def _only_new(args: argparse.Namespace) -> Callable[[Report], Report]:
    """Check the base first, so an unknown revision stops the command before anything is written."""
    from generator.review.baseline import base_report, new_since

    base = base_report(Path(args.program), args.program, args.new_since, plugins_wanted(args))
    return lambda report: new_since(report, base, args.new_since)


def emit(
    report: Report,
    fmt: str,
    output: str | None = None,
    fail_on: str = "error",
    *,
    protected: Callable[[], Protected] | None = None,
) -> int:
    """Write the report where it was asked for, the tool's own failures also one line each on
    stderr (where a person reading the CI log looks), and return the exit code.

    `--output` never replaces the program, its records, a docs page or any file that is not an
    earlier report (`generator.safe_files` decides); `-` is stdout. `protected` is worked out
    only when there is a file to write (it reads mkdocs.yml)."""
    colour = fmt == "text" and output in (None, "-") and use_colour(sys.stdout)
    text = render(report, fmt, colour=colour)
    if output is not None:
        from generator.safe_files import is_check_report, write_output

        paths = protected() if protected is not None else _protected_around(Path("program.toml"))
        write_output(output, text, "--output", "handbook check", is_check_report, paths)
    elif not (fmt == "text" and report.unreadable):
        sys.stdout.write(text)
    if report.unreadable:
        print(f"handbook: {report.unreadable}", file=sys.stderr)
    for problem in report.plugin_problems:
        print(f"handbook: {problem}", file=sys.stderr)
    if fmt == "github" and os.environ.get(STEP_SUMMARY):
        _append_step_summary(Path(os.environ[STEP_SUMMARY]), as_step_summary(report))
    return report.exit_code(cast("Severity", fail_on))


def _protected_around(program: Path) -> Protected:
    """What `--output` must not replace beside a program that did not load (imported only when
    there is a file to write: a check that prints its report does without it)."""
    from generator.safe_files import Protected

    return Protected.around(program)


def _protected_of(project: Project) -> Protected:
    from generator.safe_files import Protected

    return Protected.of(project)


def _append_step_summary(path: Path, markdown: str) -> None:
    """Append, as GitHub expects (other steps write the same file). A summary that cannot be
    written is said on stderr but does not change the check's verdict."""
    try:
        with path.open("a", encoding="utf-8") as summary:
            summary.write(markdown)
    except OSError as exc:
        print(f"handbook: cannot append the step summary to {path}: {exc.strerror or exc}", file=sys.stderr)
