"""The `handbook` command: one subcommand per module in `generator.commands`.

Commands parse their arguments, call the library and return an exit code; whatever goes wrong
is a `generator.errors.HandbookError`, printed and mapped to its exit code here, in one place.
Exit codes are stable for CI (see `generator.errors`). No command prints a Python traceback;
set HANDBOOK_DEBUG=1 to see one for an internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from generator.diagnostics import ProgramError, format_problem
from generator.errors import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, HandbookError

__all__ = ["EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "main"]

# Each module has `register(subparsers)`, which adds its parser and sets `run(args) -> int`.
COMMANDS: tuple[str, ...] = (
    "generator.commands.check",
    "generator.commands.schema",
    "generator.commands.init",
    "generator.commands.portfolio",
    "generator.commands.rules",
    "generator.commands.build",
    "generator.commands.match",
    "generator.commands.diff",
    "generator.commands.intake_form",
    "generator.commands.importing",
    "generator.commands.private",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command; given the `command` asked for, only the modules up to the one
    that registers it are imported (`check`, the first, then starts quicker). An unknown command
    gets them all, so the error lists every choice."""
    parser = _Parser(
        prog="handbook",
        description="Validate a mentorship program.toml, publish its handbook, propose pairings.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for module_name in COMMANDS:
        importlib.import_module(module_name).register(subparsers)
        if command in subparsers.choices:
            break
    return parser


def add_program_argument(parser: argparse.ArgumentParser) -> None:
    """The program file a command reads, `./program.toml` unless given."""
    parser.add_argument("program", nargs="?", default="program.toml", help="default: ./program.toml")


def add_plugins_option(parser: argparse.ArgumentParser) -> None:
    """`--no-plugins`, for commands that open a program: pass `plugins_wanted(args)` on."""
    parser.add_argument(
        "--no-plugins",
        action="store_true",
        help="run only the built-in rules: load no installed or local plugins, whose code runs with "
        "your rights (also HANDBOOK_NO_PLUGINS=1; use it on untrusted pull requests)",
    )


def plugins_wanted(args: argparse.Namespace) -> bool | None:
    """False when `--no-plugins` was given; None (the environment decides) otherwise."""
    return False if getattr(args, "no_plugins", False) else None


def report_error(error: HandbookError, program: str = "") -> int:
    """Print an error the way every command does; return its exit code."""
    if isinstance(error, ProgramError):
        for problem in error.problems:
            print(format_problem(problem))
        print(f"\n{error.summary(program)}")
        return error.exit_code
    for problem in getattr(error, "problems", None) or ():
        print(format_problem(problem), file=sys.stderr)
    print(f"handbook: {error}", file=sys.stderr)
    return error.exit_code


def main(argv: Sequence[str] | None = None, *, kept: list[object] | None = None) -> int:
    """Run one command; `kept` receives what the command built (its project) so that the caller
    decides when it is freed (`run` never frees it: the process ends first)."""
    # A command runs for seconds and builds a large, acyclic tree of validated objects: the cyclic
    # garbage collector would only re-scan it over and over (a quarter of the time on a large
    # program). Long-running commands (`serve`) switch it back on.
    gc.disable()
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words[0] if words and not words[0].startswith("-") else None)
    args = parser.parse_args(words)
    args.kept = [] if kept is None else kept
    try:
        return int(args.run(args))
    except HandbookError as exc:
        return report_error(exc, str(getattr(args, "program", "") or ""))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the last line of defence: never a traceback for users
        if os.environ.get("HANDBOOK_DEBUG"):
            traceback.print_exc()
        print(
            f"handbook: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in the handbook tool; set HANDBOOK_DEBUG=1 to see details.",
            file=sys.stderr,
        )
        return EXIT_USAGE


def run() -> NoReturn:
    """The `handbook` command: `main`, then leave without tearing down the interpreter.

    Every file a command writes is closed by then, so nothing is lost; freeing a large program's
    objects one by one on the way out would only add a tenth of a second to each run, so what
    the command built is kept here until the process ends."""
    kept: list[object] = []
    code = main(kept=kept)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, ValueError):  # a reader gone, a stream closed
            stream.flush()
    os._exit(code)
