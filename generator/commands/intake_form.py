"""`handbook intake-form [PROGRAM]`: the intake questionnaire, to build a form or a spreadsheet from.

The questions come from the model and the program's vocabulary, so the form asks exactly what
`handbook import people` reads back. Markdown, HTML and CSV go to standard output; XLSX needs
`--output FILE.xlsx`, a new file (an existing one is never replaced).

Exit codes: 0 written, 1 the program has errors, 2 a usage error (no --output for xlsx, a file
that exists).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli import add_plugins_option, add_program_argument, plugins_wanted
from generator.errors import UsageError

COMMAND = "handbook intake-form"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "intake-form",
        help="print the intake questionnaire (Markdown, HTML, CSV headers, XLSX with drop-downs)",
        description="The intake questions, choices and help text, derived from program.toml.",
    )
    add_program_argument(parser)
    parser.add_argument(
        "--format",
        choices=("markdown", "html", "csv", "xlsx"),
        default="markdown",
        help="markdown or html to build a form from, csv for an empty sheet with the headers, xlsx for "
        "a template with drop-down lists (default: markdown)",
    )
    parser.add_argument(
        "--output", metavar="FILE", help="write here instead of standard output (xlsx: required)"
    )
    add_plugins_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from generator.intake import form
    from generator.intake.questions import questions
    from generator.project import open_project
    from generator.safe_files import Protected, check_output_target, write_bytes_atomically

    if args.format == "xlsx" and not args.output:
        raise UsageError("--format xlsx writes a workbook: name it with --output FILE.xlsx")
    project = open_project(Path(args.program), display=args.program, plugins=plugins_wanted(args))
    asked = questions(project.program)
    if args.format == "xlsx":
        data = form.xlsx(asked)
    elif args.format == "csv":
        data = form.csv_header(asked).encode("utf-8")
    elif args.format == "html":
        data = form.html(project.program, asked).encode("utf-8")
    else:
        data = form.markdown(project.program, asked).encode("utf-8")
    if not args.output or args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    # Never replaces a file: a form template is filled in by hand once it is written.
    check_output_target(args.output, "--output", COMMAND, lambda _: False, Protected.of(project))
    write_bytes_atomically(Path(args.output), data)
    print(f"Wrote the intake form to {args.output}", file=sys.stderr)
    return 0
