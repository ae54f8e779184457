"""`handbook portfolio [PROGRAM] [--html FILE]`: the owner-only review of which pairings work."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli import EXIT_OK, EXIT_USAGE
from generator.commands.check import load_or_report
from generator.records import ProgressRecords


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
    parser.add_argument("program", nargs="?", default="program.toml", help="default: ./program.toml")
    parser.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report with charts")
    parser.add_argument(
        "--min-sample",
        type=_min_sample,
        default=None,
        metavar="N",
        help="pairs needed in each group before a comparison concludes anything (default 10)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the statistics need scipy.stats, which every other command can do without.
    from generator.portfolio import MIN_SAMPLE, NotOurs, render_text, review_portfolio, write_html

    loaded = load_or_report(args.program)
    if isinstance(loaded, int):
        return loaded
    records = loaded.records or ProgressRecords()
    review = review_portfolio(
        loaded.program, records, min_sample=MIN_SAMPLE if args.min_sample is None else args.min_sample
    )
    sys.stdout.write(render_text(review))
    if args.html:
        try:
            write_html(review, Path(args.html))
        except NotOurs as exc:
            print(f"handbook: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except OSError as exc:
            print(f"handbook: {args.html}: cannot write the report: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
        print(f"\nWrote {args.html} (owner-only: keep it out of the published site)")
    return EXIT_OK
