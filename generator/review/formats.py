"""A review in the format asked for: text for a terminal, Markdown for a pull-request comment or
`$GITHUB_STEP_SUMMARY`, JSON for scripts. All three come from the same sentences."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator.review.words import SECTION_TITLES

if TYPE_CHECKING:
    from generator.review.compare import Change

FORMATS = ("text", "markdown", "json")


@dataclass(frozen=True)
class Review:
    """What `handbook diff` says: the program, the two sides and each change in words."""

    program: str
    base: str
    head: str
    changes: tuple[tuple[Change, str], ...]
    """Each change with its sentence, in reading order."""

    def by_section(self) -> dict[str, list[str]]:
        sections: dict[str, list[str]] = {}
        for change, said in self.changes:
            sections.setdefault(change.section, []).append(said)
        return sections

    @property
    def title(self) -> str:
        return f"{self.program}: changes from {self.base} to {self.head}"

    @property
    def no_change(self) -> str:
        return f"{self.program}: no change from {self.base} to {self.head}"


def as_text(review: Review) -> str:
    if not review.changes:
        return review.no_change + "\n"
    lines = [review.title]
    for section, sentences in review.by_section().items():
        lines += ["", SECTION_TITLES[section]]
        lines += [f"  - {s}" for s in sentences]
    return "\n".join(lines) + "\n"


def as_markdown(review: Review) -> str:
    """A heading, then one list per section; every sentence escaped (names and values are the
    program's text, which must not become links, HTML or table breaks)."""
    from generator.templating import escape_markdown  # Jinja: only when Markdown is asked for

    title = f"### Program changes: {escape_markdown(review.program)}"
    sides = f"From {escape_markdown(review.base)} to {escape_markdown(review.head)}."
    if not review.changes:
        return f"{title}\n\n{sides} **No change** to the program.\n\n"
    lines = [title, "", sides]
    for section, sentences in review.by_section().items():
        lines += ["", f"**{SECTION_TITLES[section]}**", ""]
        lines += [f"- {escape_markdown(s)}" for s in sentences]
    return "\n".join(lines) + "\n\n"


def _change_json(change: Change, said: str) -> dict[str, Any]:
    return {
        "section": change.section,
        "kind": change.kind,
        "subject": change.subject,
        "sentence": said,
        "values": {name: {"before": old, "after": new} for name, (old, new) in change.values.items()},
        "people": list(change.people),
        "detail": change.detail,
    }


def as_json(review: Review) -> str:
    data = {
        "program": review.program,
        "base": review.base,
        "head": review.head,
        "changed": bool(review.changes),
        "changes": [_change_json(c, s) for c, s in review.changes],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(review: Review, fmt: str) -> str:
    if fmt == "json":
        return as_json(review)
    if fmt == "markdown":
        return as_markdown(review)
    return as_text(review)
