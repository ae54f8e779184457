"""`handbook private move [PROGRAM]`: move the people's confidential sections into the private file.

The private file is the one `[private] file` names (git-ignored by `handbook init`, or encrypted
to `[private] recipients` when its name ends in `.age`). The private file is written first, then
program.toml, each atomically, and only once the program without the sections validates.

Exit codes: 0 moved (or nothing to move), 1 the program has errors, 2 a usage error (no
`[private] file`, a private file that does not decrypt, a read-only program).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli import add_plugins_option, add_program_argument, plugins_wanted
from generator.errors import UsageError

COMMAND = "handbook private move"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "private",
        help="keep the people's confidential sections in a private file",
        description="Manage the private file that holds the people's confidential sections.",
    )
    actions = parser.add_subparsers(
        dest="action",
        metavar="ACTION",
        help="move: move confidential sections out",
        parser_class=type(parser),
    )
    actions.required = True
    move = actions.add_parser(
        "move",
        help="move every [people.confidential] table from program.toml into the private file",
        description="Move every [people.confidential] table into the file [private] file names.",
    )
    add_program_argument(move)
    add_plugins_option(move)
    move.set_defaults(run=run_move)


def run_move(args: argparse.Namespace) -> int:
    from generator.diagnostics import ProgramError, format_problem
    from generator.loader import load_program_text
    from generator.matching.writing import WriteRefused, check_nothing_lost
    from generator.private.loading import encrypt, encrypted, private_place, read_private
    from generator.private.moving import plan_move
    from generator.project import open_project
    from generator.safe_files import check_editable, replace_in_place, write_bytes_atomically

    project = open_project(Path(args.program), display=args.program, plugins=plugins_wanted(args))
    program, source = project.program, project.source
    if not program.private.file:
        raise UsageError(
            f'{args.program} names no private file: add [private] file = "private.toml" (and git-ignore '
            "it), then run the move again"
        )
    path, shown = private_place(program, source, project.root)
    check_editable(project.path, args.program, COMMAND)
    existing = ""
    already: set[str] = set()
    if path.exists():
        data, missing = read_private(program, source, project.root)
        if data is None:
            raise UsageError(f"{missing}: the sections cannot be added to it")
        existing, already = data.source.text, set(data.people)
    move = plan_move(program, source, existing, already)
    if not move.moved:
        print(f"Nothing to move: {args.program} holds no confidential section")
        return 0
    check_nothing_lost(source.text, move.program_text, move.removed_lines)
    try:
        load_program_text(move.program_text, display=source.display)
    except ProgramError as exc:
        details = "\n".join(format_problem(p) for p in exc.problems)
        raise WriteRefused(
            f"the program without its confidential sections would not be valid:\n{details}"
        ) from None
    data_bytes = (
        encrypt(move.private_text, program) if encrypted(program) else move.private_text.encode("utf-8")
    )
    write_bytes_atomically(path, data_bytes)
    replace_in_place(project.path, move.program_text, args.program, COMMAND)
    print(f"Moved the confidential sections of {len(move.moved)} people from {args.program} to {shown}")
    if not encrypted(program):
        print(f"Keep {shown} out of the repository: list it in .gitignore", file=sys.stderr)
    return 0
