"""Add proposed pairs to program.toml without disturbing anything else in the file.

The edit is made on the text, at positions found by the source map: new `[[cohorts.pairs]]`
tables go right after the cohort's last line of content (before any comment that introduces the
next section), and a rebalanced pair gets its `state`, `end` and `reason` set in place. Values are
rendered by tomlkit, so quoting and escaping follow TOML exactly. Before anything is written the
new text is validated as a whole program and compared line by line with the old one: every
original line must still be there, in order, apart from the values deliberately changed.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import ProgramError, format_problem
from generator.errors import UsageError
from generator.loader import load_program_text
from generator.model import Program
from generator.safe_files import replace_in_place
from generator.source import Source

if TYPE_CHECKING:
    from generator.matching.proposal import Proposal
    from generator.project import Project


class WriteRefused(UsageError):
    """The file cannot be edited safely; nothing was written. The message says what to do."""


def _value(value: object) -> str:
    import tomlkit  # only edits that render a value other than text pay for importing it

    return tomlkit.item(value).as_string()


def _content_end(text: str, start: int, end: int) -> int:
    """Offset just after the last line in [start, end) that is neither blank nor a comment."""
    lines = text[start:end].splitlines(keepends=True)
    offset = start
    last = start
    for line in lines:
        offset += len(line)
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            last = offset
    return last  # may end without a newline on the file's last line; the caller adds one


def _pair_table(
    mentor: str, mentee: str, start: dt.date | None, note: str, milestones: list[str] | None
) -> str:
    lines = [
        "",
        f"# {note}" if note else None,
        "[[cohorts.pairs]]",
        f"mentor = {_value(mentor)}",
        f"mentee = {_value(mentee)}",
    ]
    if start is not None:
        lines.append(f"start = {_value(start)}")
    if milestones is not None:
        lines += ["", "[cohorts.pairs.contract]", f"milestones = {_value(milestones)}"]
    return "\n".join(line for line in lines if line is not None) + "\n"


def add_pairs(
    source: Source,
    cohort_index: int,
    pairs: Iterable[tuple[str, str]],
    *,
    start: dt.date | None = None,
    note: str = "",
    milestones: list[str] | None = None,
) -> str:
    """The program text with the pairs appended to the cohort's tables.

    `milestones` overrides the pairs' contract milestones (a pair that starts late keeps only
    those that fall due before the cohort ends)."""
    text = source.text
    region = source.positions.region(("cohorts", cohort_index))
    if region is None:
        raise WriteRefused(
            f"{source.display}: cohort #{cohort_index + 1} is not written as a [[cohorts]] table, so "
            "pairs cannot be added to it safely; add them by hand"
        )
    at = _content_end(text, *region)
    prefix = "" if text[:at].endswith("\n") else "\n"
    block = "".join(
        _pair_table(mentor, mentee, start, note if n == 0 else "", milestones)
        for n, (mentor, mentee) in enumerate(pairs)
    )
    return text[:at] + _newlines(text, prefix + block) + text[at:]


def end_pair(source: Source, text: str, cohort_index: int, pair_index: int, on: dt.date, reason: str) -> str:
    """Mark a pair as rebalanced on `on`: `state`, `end` and `reason` are set in its own table.

    Works on `text` as produced from `source.text` by `add_pairs`, which only inserts after the
    cohort's content, so the pair's offsets are unchanged.
    """
    path = ("cohorts", cohort_index, "pairs", pair_index)
    body = source.positions.body(path)
    if body is None:
        raise WriteRefused(
            f"{source.display}: the pair is not written as a [[cohorts.pairs]] table, so it cannot be "
            "marked as rebalanced safely; set state, end and reason by hand"
        )
    values = {"state": "rebalanced", "end": on, "reason": reason}
    pair = source.data["cohorts"][cohort_index]["pairs"][pair_index]
    replacements: list[tuple[int, int, str]] = []
    missing = []
    for key, value in values.items():
        if key in pair:
            location = source.positions.locate((*path, key))
            start = _offset(source, location.line, location.column)
            stop = _offset(source, location.end_line or location.line, location.end_column)
            replacements.append((start, stop, _value(value)))
        else:
            missing.append(f"{key} = {_value(value)}\n")
    insert_at = _content_end(text, *body)
    if missing:
        lead = "" if text[:insert_at].endswith("\n") else "\n"
        replacements.append((insert_at, insert_at, _newlines(text, lead + "".join(missing))))
    for start, stop, new in sorted(replacements, reverse=True):
        text = text[:start] + new + text[stop:]
    return text


def _newlines(text: str, block: str) -> str:
    """The block with the file's own line endings (a Windows-edited file keeps CRLF)."""
    return block.replace("\n", "\r\n") if "\r\n" in text else block


def _offset(source: Source, line: int, column: int) -> int:
    """Character offset of a 1-based line and column (lines end at "\n", as the source map counts)."""
    start = 0
    for _ in range(line - 1):
        start = source.text.index("\n", start) + 1
    return start + column - 1


def check_nothing_lost(old: str, new: str, changed_values: int = 0) -> None:
    """Every line of the old text is still in the new one, in order, except `changed_values`
    lines whose value was set on purpose. Raises WriteRefused otherwise (a safety net)."""
    import difflib

    before, after = old.splitlines(), new.splitlines()
    if len(before) - _kept_in_order(before, after) <= changed_values:
        return
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    lost = 0
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            lost += i2 - i1
    if lost > changed_values:
        raise WriteRefused("the edit would change lines it should not touch; nothing was written")


def _kept_in_order(old: list[str], new: list[str]) -> int:
    """How many old lines are found in the new ones, in order, matching each to the next equal
    new line. That is a common subsequence, so when it keeps enough lines nothing else was lost;
    it takes one pass over the new lines where a diff of a large file takes seconds."""
    kept = at = 0
    where: dict[str, list[int]] | None = None
    for line in old:
        if where is None:
            try:
                at = new.index(line, at) + 1
                kept += 1
                continue
            except ValueError:  # a line replaced or lost: from here on, look lines up by value
                where = {}
                for number, text in enumerate(new):
                    where.setdefault(text, []).append(number)
        found = where.get(line, [])
        k = bisect_left(found, at)
        if k < len(found):
            at = found[k] + 1
            kept += 1
    return kept


def write_program(project: Project, new_text: str, changed_values: int = 0) -> Path:
    """Validate the new program text, check no line is lost, then replace the file atomically,
    keeping its mode and owner."""
    check_nothing_lost(project.source.text, new_text, changed_values)
    try:
        load_program_text(new_text, display=project.source.display)
    except ProgramError as exc:
        details = "\n".join(format_problem(p) for p in exc.problems)
        raise WriteRefused(
            f"the edited program would not be valid, so nothing was written:\n{details}"
        ) from None
    # a read-only file is refused; the mode and owner are kept (generator.safe_files)
    replace_in_place(project.path, new_text, project.source.display, "handbook match --write")
    return project.path


def write_proposal(project: Project, proposal: Proposal, reason: str) -> int:
    """Add a proposal's new pairs to program.toml; a rebalance also ends the pair it replaces,
    on the project's date, with `reason`. Returns how many pairs were added: 0 leaves the file
    as it is."""
    new = [(p.mentor.id, p.mentee.id) for p in proposal.proposed]
    if not new:
        return 0
    old = proposal.replaces
    if old is None:
        text = add_pairs(
            project.source,
            proposal.cohort_index,
            new,
            note="Proposed by `handbook match`; review with the sponsor",
        )
        write_program(project, text)
        return len(new)
    on = project.today
    text = add_pairs(
        project.source,
        proposal.cohort_index,
        new,
        start=on,
        note=f"Rebalanced on {on.isoformat()}: replaces {old.mentor} as mentor",
        milestones=milestones_that_fit(project.program, proposal, on),
    )
    index = next(k for k, p in enumerate(proposal.cohort.pairs) if p is old)
    table = project.source.data["cohorts"][proposal.cohort_index]["pairs"][index]
    existing = sum(key in table for key in ("state", "end", "reason"))
    text = end_pair(project.source, text, proposal.cohort_index, index, on, reason)
    write_program(project, text, changed_values=existing)
    return len(new)


def milestones_that_fit(program: Program, proposal: Proposal, start: dt.date) -> list[str] | None:
    """The new pair starts its learning contract on the rebalance date; milestones that would
    then fall due after the cohort ends are left out (None: every milestone fits)."""
    assert proposal.replaces is not None
    wanted = program.contract_for(proposal.replaces).milestones or []
    fits = [m for m in wanted if program.milestone(m).due_date(start) <= proposal.cohort.end]
    return None if fits == wanted else fits
