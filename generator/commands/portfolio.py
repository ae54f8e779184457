"""`handbook portfolio [PROGRAM] [--html FILE]`: the owner-only review of which pairings work."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli import add_plugins_option, add_program_argument, plugins_wanted
from generator.errors import EXIT_OK


def _min_sample(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 2:
        raise argparse.ArgumentTypeError("a comparison needs at least 2 pairs in each group")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "portfolio",
        help="owner-only review of outcomes across kinds of pairings (reads private records)",
    )
    add_program_argument(parser)
    parser.add_argument(
        "--html",
        metavar="FILE",
        help="also write a self-contained HTML report with charts (only an earlier one is replaced)",
    )
    parser.add_argument(
        "--min-sample",
        type=_min_sample,
        default=None,
        metavar="N",
        help="pairs needed in each group before a comparison concludes anything (default 10)",
    )
    add_plugins_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the statistics need scipy.stats, which every other command can do without.
    from generator.portfolio import MIN_SAMPLE, render_text, review_portfolio, write_html
    from generator.portfolio.html_report import COMMAND
    from generator.project import open_project, require_working_plugins
    from generator.safe_files import Protected, check_output_target, html_report_of

    project = require_working_plugins(
        open_project(Path(args.program), display=args.program, plugins=plugins_wanted(args))
    )
    protected = Protected.of(project)
    if args.html:  # checked before the review is printed: a refused path changes nothing
        check_output_target(args.html, "--html", COMMAND, html_report_of(COMMAND), protected)
    review = review_portfolio(project, min_sample=MIN_SAMPLE if args.min_sample is None else args.min_sample)
    sys.stdout.write(render_text(review))
    if args.html:
        write_html(review, args.html, protected)
        print(f"\nWrote {args.html} (owner-only: keep it out of the published site)")
    return EXIT_OK
