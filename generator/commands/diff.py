"""`handbook diff [BASE] [HEAD]`: what a change to the program means, in words.

BASE and HEAD are git revisions or files; by default the base is where the current branch left
the default branch and the head is the working tree's program, as a pull request's reviewer
sees it. Prints text, Markdown (for a pull-request comment or `$GITHUB_STEP_SUMMARY`) or JSON on
standard output and writes nothing. Exit codes: 0 once the review is printed, 1 when either
version does not load (its located errors are printed), 2 for a usage error (an unknown
revision, not a git repository, an unreadable file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cli import add_plugins_option, plugins_wanted
from generator.diagnostics import ProgramError, format_problem
from generator.errors import EXIT_OK, EXIT_PROBLEMS
from generator.review.formats import FORMATS

if TYPE_CHECKING:
    from generator.source import Source


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="say what a change to program.toml means: people, pairs, dates, limits, contracts, matching",
        description="Compare two versions of the program and say what changed for whom. BASE and HEAD "
        "are git revisions (main, HEAD~1, a1b2c3d, REV:path) or files.",
    )
    parser.add_argument(
        "base", nargs="?", help="default: where this branch left the default branch (git merge-base)"
    )
    parser.add_argument("head", nargs="?", help="default: the program in the working tree")
    parser.add_argument(
        "--program", default="program.toml", help="the program file (default: ./program.toml)"
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="default: text")
    add_plugins_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from generator.loader import validate_source
    from generator.review.compare import Versions, compare
    from generator.review.formats import Review, render
    from generator.review.sides import sides
    from generator.review.words import sentence

    program = Path(args.program)
    base_side, head_side = sides(program, args.base, args.head)
    loaded = []
    for side in (base_side, head_side):
        try:
            loaded.append(validate_source(_source(side.display, side.raw)))
        except ProgramError as error:
            return _not_loaded(error, side.display, ": this version does not load, so it cannot be compared")
    base, head = loaded
    versions = Versions(base, head)
    changes = compare(versions)
    if any(c.section == "matching" for c in changes):
        from generator.project import project_from_source
        from generator.review.proposals import proposal_changes

        try:
            project = project_from_source(
                _source(head_side.display, head_side.raw), program, plugins=plugins_wanted(args)
            )
        except ProgramError as error:
            return _not_loaded(error, head_side.display)
        changes += proposal_changes(project, versions.base.matching)
    review = Review(
        program=args.head if args.head and Path(args.head).is_file() else args.program,
        base=base_side.label,
        head=head_side.label,
        changes=tuple((c, sentence(c, versions)) for c in changes),
    )
    sys.stdout.write(render(review, args.format))
    return EXIT_OK


def _not_loaded(error: ProgramError, display: str, why: str = "") -> int:
    """A version with program errors: each located, as `check` prints them, then the count."""
    for problem in error.problems:
        print(format_problem(problem))
    print(f"\n{error.summary(display)}{why}")
    return EXIT_PROBLEMS


def _source(display: str, raw: bytes) -> Source:
    from generator.source import parse_source

    return parse_source(raw, display)
