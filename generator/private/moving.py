"""Move every `[people.confidential]` table out of program.toml into the private file.

The tables are cut from the program's text with their own lines (comments inside them go with
them; every other line stays) and written under `[people.<id>]` in the private file, which is
written first: if anything fails after that, the sections are in both files, never in neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.matching.writing import WriteRefused, _content_end
from generator.model import Program
from generator.source import Source

HEADER = (
    "#:schema ./private.schema.json\n"
    "# The people's confidential sections, by person id: assessments, 360 summaries and private\n"
    "# notes. Moved out of the program file by `handbook private move`; keep it out of the\n"
    "# repository (or encrypted: [private] recipients).\n"
)


@dataclass
class Move:
    program_text: str
    private_text: str
    moved: list[str]
    removed_lines: int


def _key(person_id: str) -> str:
    return (
        person_id if re.fullmatch(r"[A-Za-z0-9_-]+", person_id) else '"' + person_id.replace('"', '\\"') + '"'
    )


def plan_move(program: Program, source: Source, private_text: str, already: set[str]) -> Move:
    """The program without its confidential tables, and the private text with them added."""
    text = source.text
    cuts: list[tuple[int, int]] = []
    tables: list[str] = []
    moved: list[str] = []
    people = source.data.get("people") or []
    for i, raw in enumerate(people):
        if not isinstance(raw, dict) or not raw.get("confidential"):
            continue
        person = program.people[i]
        region = source.positions.region(("people", i, "confidential"))
        if region is None:
            raise WriteRefused(
                f"{source.display}: the confidential section of {person.id!r} is not written as a "
                "[people.confidential] table, so it cannot be moved safely; make it one, or move it by hand"
            )
        if person.id in already:
            raise WriteRefused(
                f"{person.id!r} already has a section in the private file and another in "
                f"{source.display}: keep one of them, then run the move again"
            )
        start, end = region[0], _content_end(text, *region)
        body = text[start:end].split("\n", 1)[1] if "\n" in text[start:end] else ""
        tables.append(f"\n[people.{_key(person.id)}]\n{body.rstrip()}\n")
        cuts.append((start, end))
        moved.append(person.id)
    new_text = text
    removed = 0
    for start, end in sorted(cuts, reverse=True):
        removed += text.count("\n", start, end)
        if text[:start].endswith("\n\n"):  # the blank line before the table goes with it
            start -= 1
            removed += 1
        new_text = new_text[:start] + new_text[end:]
    private = private_text if private_text else HEADER
    private = private.rstrip("\n") + "\n" + "".join(tables) if tables else private
    return Move(new_text, private, moved, removed)
