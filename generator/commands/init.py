"""`handbook init DIR`: scaffold a new program repository that passes `handbook check`."""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

from generator.cli import EXIT_OK, EXIT_USAGE

# Starter files shipped in `generator/starter/`, written to the same relative paths.
STARTER_FILES = ("program.toml", "mkdocs.yml", "handbook/about.md")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("init", help="scaffold a new program repository in DIR")
    parser.add_argument("directory", metavar="DIR")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    target = Path(args.directory)
    if target.exists() and not target.is_dir():
        print(f"handbook: {target} exists and is not a directory", file=sys.stderr)
        return EXIT_USAGE
    existing = [name for name in STARTER_FILES if (target / name).exists()]
    if existing:
        for name in existing:
            print(f"handbook: {target / name} already exists", file=sys.stderr)
        print("handbook: nothing was written; init never overwrites files", file=sys.stderr)
        return EXIT_USAGE
    starter = resources.files("generator") / "starter"
    for name in STARTER_FILES:
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        with dest.open("x", encoding="utf-8") as out:  # "x": fail rather than overwrite
            out.write((starter / name).read_text(encoding="utf-8"))
        print(f"created {dest}")
    print(f"\nNext: edit {target / 'program.toml'}, then run `handbook check {target / 'program.toml'}`")
    return EXIT_OK
