"""`handbook init [DIR]`: scaffold a program repository that passes `handbook check` cleanly.

Everything a new program needs on day one is written together: the program, its records, the
schemas editors validate them with, the handbook site's configuration and a CI workflow, so a
new repository is checked in the editor and on every pull request from its first commit.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from generator.cli import EXIT_OK, EXIT_USAGE
from generator.commands.schema import schema_text


def _shipped(name: str) -> Callable[[], str]:
    """A file shipped in `generator/starter/` (packaged as data, see pyproject.toml)."""
    return lambda: (resources.files("generator") / "starter" / name).read_text(encoding="utf-8")


# Written path -> its content. Dotfiles ship under plain names: a `.gitignore` inside the
# package would apply to this repository, and setuptools' package-data globs skip dotfiles.
# The schemas are generated, so they are always those `handbook schema` prints.
STARTER_FILES: dict[str, Callable[[], str]] = {
    "program.toml": _shipped("program.toml"),
    "program.schema.json": schema_text,
    "records.schema.json": lambda: schema_text(records=True),
    "records/pilot.toml": _shipped("records/pilot.toml"),
    "mkdocs.yml": _shipped("mkdocs.yml"),
    "handbook/about.md": _shipped("handbook/about.md"),
    ".gitignore": _shipped("gitignore"),
    ".github/workflows/handbook.yml": _shipped("github/workflows/handbook.yml"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("init", help="scaffold a program repository in DIR (default: here)")
    parser.add_argument(
        "directory",
        metavar="DIR",
        nargs="?",
        default=".",
        help="where to write it (default: the current folder)",
    )
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
    contents = {name: content() for name, content in STARTER_FILES.items()}  # read all, then write
    for name, text in contents.items():
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        with dest.open("x", encoding="utf-8", newline="\n") as out:  # "x": fail rather than overwrite
            out.write(text)
        print(f"created {dest}")
    program = target / "program.toml"
    print(
        f"\nNext: edit {program}, replace the example in {target / 'records'}, "
        f"then run `handbook check {program}`"
    )
    return EXIT_OK
