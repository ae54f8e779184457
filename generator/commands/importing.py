"""`handbook import people|records FILE`: bring form answers and survey exports into the program.

A dry run by default: it prints the change as a diff and a summary (added, updated, unchanged,
rejected) and writes nothing. `--write` applies it, atomically, once the whole result validates.
Every problem in the file is reported in one run, located as FILE:ROW:COLUMN (the row and column
a spreadsheet shows), and any problem means nothing is written.

Exit codes: 0 imported (or would be), 1 problems in the file, 2 a usage error (an unreadable or
binary file, an unknown cohort, a program file that cannot be written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli import add_plugins_option, add_program_argument, plugins_wanted


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import people or progress records from a form or survey export (CSV or XLSX)",
        description="Import form answers (people) or session logs and pulse surveys (records).",
    )
    kinds = parser.add_subparsers(
        dest="kind",
        metavar="WHAT",
        help="people (intake answers) or records (progress)",
        parser_class=type(parser),
    )
    kinds.required = True
    people = kinds.add_parser(
        "people",
        help="add and update people from intake-form answers",
        description="Add and update [[people]] in program.toml from intake-form answers.",
    )
    people.add_argument("file", metavar="FILE", help="the form's export: .csv (any delimiter) or .xlsx")
    add_program_argument(people)
    people.add_argument("--write", action="store_true", help="apply the change (default: dry run)")
    add_plugins_option(people)
    people.set_defaults(run=run_people)
    records = kinds.add_parser(
        "records",
        help="add sessions, feedback, milestones and behaviour indicators to a cohort's records",
        description="Add a session log or pulse-survey export to the cohort's records file.",
    )
    records.add_argument("file", metavar="FILE", help="the export: .csv (any delimiter) or .xlsx")
    add_program_argument(records)
    records.add_argument("--cohort", required=True, metavar="ID", help="the cohort the rows belong to")
    records.add_argument("--write", action="store_true", help="apply the change (default: dry run)")
    add_plugins_option(records)
    records.set_defaults(run=run_records)


def run_people(args: argparse.Namespace) -> int:
    from generator.diagnostics import ProgramError, format_problem
    from generator.intake.editing import people_text
    from generator.intake.people import located_in_sheet, plan_people
    from generator.intake.table import ImportProblems, read_sheet, terminal_progress
    from generator.loader import validate_source
    from generator.matching.writing import WriteRefused, check_nothing_lost
    from generator.project import open_project
    from generator.safe_files import check_editable, replace_in_place
    from generator.source import Source

    command = "handbook import people --write"
    project = open_project(Path(args.program), display=args.program, plugins=plugins_wanted(args))
    if args.write:
        check_editable(project.path, args.program, command)
    progress = terminal_progress(args.file)
    sheet = read_sheet(Path(args.file), args.file, progress)
    if progress:
        print(file=sys.stderr)
    raw = project.source.data.get("people")
    plan_input = raw if isinstance(raw, list) else []
    plan = plan_people(project.program, plan_input, sheet)
    if plan.problems:
        raise ImportProblems(plan.problems, args.file, plan.summary())
    edited = people_text(project.source, plan)
    text = edited.text
    try:
        # The data the new text parses to, validated as `check` validates a program read from disk.
        validate_source(Source(project.source.display, text, edited.data))
    except ProgramError as exc:
        located = located_in_sheet(plan, exc.problems, len(plan_input), sheet)
        if located is None:
            details = "\n".join(format_problem(p) for p in exc.problems)
            raise WriteRefused(
                f"the imported program would not be valid, so nothing was written:\n{details}"
            ) from None
        raise ImportProblems(located, args.file, plan.summary()) from None
    if args.write:
        if text != project.source.text:
            check_nothing_lost(project.source.text, text, edited.replaced_lines)
            replace_in_place(project.path, text, args.program, command)
        print(f"{args.file}: {plan.summary()}; wrote {args.program}")
        return 0
    show_diff(project.source.text, text, args.program)
    print(f"{args.file}: {plan.summary()}")
    print("Dry run: nothing was written; run again with --write to apply it.")
    return 0


def run_records(args: argparse.Namespace) -> int:
    from generator.diagnostics import ProgramError, format_problem
    from generator.errors import UsageError
    from generator.intake.editing import records_text
    from generator.intake.records import plan_records
    from generator.intake.table import ImportProblems, read_sheet, terminal_progress
    from generator.matching.writing import WriteRefused, check_nothing_lost
    from generator.project import open_project
    from generator.records import records_folder
    from generator.records.loading import validate_file
    from generator.references import did_you_mean
    from generator.safe_files import check_editable, replace_in_place, write_text_atomically
    from generator.source import parse_source

    command = "handbook import records --write"
    project = open_project(Path(args.program), display=args.program, plugins=plugins_wanted(args))
    program = project.program
    cohort = next((c for c in program.cohorts if c.id == args.cohort), None)
    if cohort is None:
        ids = [c.id for c in program.cohorts]
        raise UsageError(
            f"unknown cohort {args.cohort!r}{did_you_mean(args.cohort, ids)}; cohorts: {', '.join(ids)}"
        )
    records = project.records  # every records file validates before one is edited
    folder, shown = records_folder(program, project.source, project.root)
    existing = records.sources.get(cohort.id)
    name = existing.display.rsplit("/", 1)[-1] if existing else f"{cohort.id}.toml"
    path, display = folder / name, f"{shown}/{name}"
    if existing is None and path.exists():
        raise UsageError(f"{display} exists but holds another cohort's records: move it, then import again")
    if args.write and existing is not None:
        check_editable(path, display, command)
    progress = terminal_progress(args.file)
    sheet = read_sheet(Path(args.file), args.file, progress)
    if progress:
        print(file=sys.stderr)
    plan = plan_records(program, cohort, existing.data if existing else {}, sheet)
    if plan.problems:
        raise ImportProblems(plan.problems, args.file, plan.summary())
    old = existing.text if existing else ""
    new = records_text(old, cohort.id, plan.entries) if plan.entries else old
    if new != old:
        check_nothing_lost(old, new)
        try:
            found = validate_file(parse_source(new.encode("utf-8"), display), program)
        except ProgramError as exc:
            found = exc.problems
        if isinstance(found, list):
            details = "\n".join(format_problem(p) for p in found)
            raise WriteRefused(f"the imported records would not be valid, so nothing was written:\n{details}")
    if not args.write:
        show_diff(old, new, display)
        print(f"{args.file}: {plan.summary()}")
        print("Dry run: nothing was written; run again with --write to apply it.")
        return 0
    if new != old:
        if existing is None:
            write_text_atomically(path, new)
        else:
            replace_in_place(path, new, display, command)
    print(f"{args.file}: {plan.summary()}" + (f"; wrote {display}" if new != old else ""))
    return 0


def show_diff(old: str, new: str, shown: str) -> None:
    """A unified diff, as `git diff` shows one; nothing when the file would not change."""
    import difflib

    sys.stdout.writelines(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            f"a/{shown.lstrip('/')}",
            f"b/{shown.lstrip('/')}",
        )
    )
