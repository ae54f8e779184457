"""Each change as a sentence a program owner reads: names, dates and who it reaches.

Values are shown only when they are public and short (a division, a date, a duration, a
weight); long texts say only that they changed. A confidential change is the one sentence
"confidential data changed", whatever changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.review.compare import Change, Versions

SECTION_TITLES = {
    "people": "People",
    "pairs": "Pairs",
    "cohorts": "Cohorts",
    "cadences": "Cadences and sessions",
    "milestones": "Milestones",
    "guardrails": "Guardrails and workload",
    "contract": "Learning contracts",
    "matching": "Matching",
    "settings": "Other program settings",
}

SHOWN = 5
"""How many dates or pairs a sentence lists before 'and N more'."""

LONGEST_VALUE = 60
"""Longer texts are not repeated: the sentence says only that they changed."""


def sentence(change: Change, versions: Versions) -> str:
    """The change in words."""
    return (
        _SAY[(change.section, change.kind)](change, versions)
        if (change.section, change.kind) in _SAY
        else _generic(change, versions)
    )


# --------------------------------------------------------------------------------------------
# Pieces
# --------------------------------------------------------------------------------------------


def _who(versions: Versions, person_id: str | None) -> str:
    if person_id is None:
        return "nobody"
    name = versions.name(person_id)
    return f"{name} ({person_id})" if name != person_id else person_id


def _pair(versions: Versions, mentor: str, mentee: str) -> str:
    return f"{versions.name(mentor)} and {versions.name(mentee)}"


def _subject_pair(versions: Versions, subject: str) -> str:
    """'cohort: mentor -> mentee' as 'Mentor and Mentee (cohort)'."""
    cohort, _, ids = subject.partition(": ")
    mentor, _, mentee = ids.partition(" -> ")
    return f"{_pair(versions, mentor, mentee)} ({cohort})"


def _some(items: list[str], shown: int = SHOWN) -> str:
    if len(items) <= shown:
        return ", ".join(items)
    return f"{', '.join(items[:shown])} and {len(items) - shown} more"


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f'"{value}"' if isinstance(value, str) else str(value)


def value_words(name: str, before: Any, after: Any) -> str:
    """'division from "Sales" to "Risk"', 'strengths: added x; removed y', or 'bio changed'."""
    label = name.replace("_", " ")
    if _scalar(before) and _scalar(after):
        if (
            max(len(str(before or "")), len(str(after or ""))) <= LONGEST_VALUE
            and "\n" not in f"{before}{after}"
        ):
            return f"{label} from {_show(before)} to {_show(after)}"
        return f"{label} changed"
    if isinstance(before, list | type(None)) and isinstance(after, list | type(None)):
        old, new = before or [], after or []
        if all(_scalar(v) and len(str(v)) <= LONGEST_VALUE for v in [*old, *new]):
            added = [_show(v) for v in new if v not in old]
            removed = [_show(v) for v in old if v not in new]
            parts = ([f"added {_some(added)}"] if added else []) + (
                [f"removed {_some(removed)}"] if removed else []
            )
            return f"{label}: {'; '.join(parts)}" if parts else f"{label} reordered"
    return f"{label} changed"


def _values(change: Change) -> str:
    return "; ".join(value_words(name, old, new) for name, (old, new) in change.values.items())


# --------------------------------------------------------------------------------------------
# Sentences, by section and kind
# --------------------------------------------------------------------------------------------


def _person_added(c: Change, v: Versions) -> str:
    d = c.detail
    return f"{_who(v, c.subject)} joins as {d['role']} ({d['division']}, {d['geography']})."


def _person_removed(c: Change, v: Versions) -> str:
    return f"{_who(v, c.subject)} leaves the program (was {c.detail['role']})."


def _person_changed(c: Change, v: Versions) -> str:
    return f"{_who(v, c.subject)}: {_values(c)}."


def _person_confidential(c: Change, v: Versions) -> str:
    return f"{_who(v, c.subject)}: confidential data changed (not shown)."


def _pair_added(c: Change, v: Versions) -> str:
    d = c.detail
    who = f"{_who(v, d['mentor'])} mentors {_who(v, d['mentee'])}"
    return f"New pair in {d['cohort']}: {who}, from {d['start']} to {d['end']}."


def _pair_removed(c: Change, v: Versions) -> str:
    d = c.detail
    return (
        f"Pair removed from {d['cohort']}: {_who(v, d['mentor'])} no longer mentors {_who(v, d['mentee'])}."
    )


def _pair_ended(c: Change, v: Versions) -> str:
    d = c.detail
    how = "completed" if d["state"] == "completed" else "ends early"
    reason = f": {d['reason']}" if d["reason"] else ""
    return f"Pair ended in {d['cohort']}: {_pair(v, d['mentor'], d['mentee'])} {how}, on {d['end']}{reason}."


def _pair_rebalanced(c: Change, v: Versions) -> str:
    d = c.detail
    reason = f": {d['reason']}" if d["reason"] else ""
    return (
        f"Pair rebalanced in {d['cohort']}: {_who(v, d['mentee'])} stops working with "
        f"{_who(v, d['mentor'])} on {d['end']}{reason}."
    )


def _pair_changed(c: Change, v: Versions) -> str:
    return f"{_subject_pair(v, c.subject)}: {_values(c)}."


def _cohort_added(c: Change, v: Versions) -> str:
    d = c.detail
    return (
        f"Cohort {d['name']} ({c.subject}) added: {d['start']} to {d['end']}, "
        f"{d['members']} members, {d['pairs']} pairs."
    )


def _cohort_removed(c: Change, v: Versions) -> str:
    d = c.detail
    return f"Cohort {d['name']} ({c.subject}) removed, with its {d['pairs']} pairs."


def _cohort_moved(c: Change, v: Versions) -> str:
    (s0, s1), (e0, e1) = c.values["start"], c.values["end"]
    n = c.detail["pairs"]
    pairs = (
        f"the sessions and due dates of its {n} pair{'s' if n != 1 else ''} move with it"
        if n
        else "it has no pairs yet"
    )
    return f"Cohort {c.subject} now runs {s1} to {e1} (was {s0} to {e0}): {pairs}."


def _cohort_members(c: Change, v: Versions) -> str:
    parts = []
    for key, verb in (("joined", "join"), ("left", "leave")):
        if people := c.detail[key]:
            parts.append(f"{_some([_who(v, p) for p in people])} {verb}{'s' if len(people) == 1 else ''}")
    return f"Cohort {c.subject}: {'; '.join(parts)}."


def _table_name(c: Change) -> str:
    return {"cadences": "Cadence", "milestones": "Milestone", "metrics": "Metric"}.get(
        c.detail.get("table", ""), f"[[{c.detail.get('table', c.section)}]]"
    )


def _item_added(c: Change, v: Versions) -> str:
    return f"{_table_name(c)} {c.subject} added."


def _item_removed(c: Change, v: Versions) -> str:
    return f"{_table_name(c)} {c.subject} removed."


def _item_changed(c: Change, v: Versions) -> str:
    return f"{_table_name(c)} {c.subject}: {_values(c)}."


def _cadence_dates(c: Change, v: Versions) -> str:
    moves = c.detail["moves"]
    parts = []
    for m in moves[:SHOWN]:
        pairs = _some([_subject_pair(v, p) for p in m["pairs"]], 3)
        what = []
        if m["dropped"]:
            what.append(f"{_some(m['dropped'], 3)} {'are' if len(m['dropped']) > 1 else 'is'} dropped")
        if m["added"]:
            what.append(f"{_some(m['added'], 3)} {'are' if len(m['added']) > 1 else 'is'} added")
        parts.append(f"for {pairs}, {' and '.join(what)}")
    more = f"; and other dates for {len(moves) - SHOWN} more groups of pairs" if len(moves) > SHOWN else ""
    count = _pairs(sum(len(m["pairs"]) for m in moves))
    return f"Sessions of cadence {c.subject} change for {count}: {'; '.join(parts)}{more}."


def _due_dates(c: Change, v: Versions) -> str:
    parts = []
    for m in c.detail["moves"][:SHOWN]:
        pairs = [_subject_pair(v, p) for p in m["pairs"]]
        if m["before"] and m["after"]:
            when = f"from {m['before']} to {m['after']}"
        elif m["after"]:
            when = f"now {m['after']}"
        else:
            when = f"no longer due (was {m['before']})"
        parts.append(f"{when} for {_some(pairs, 3)}")
    more = (
        f"; and other dates for {len(c.detail['moves']) - SHOWN} more groups of pairs"
        if len(c.detail["moves"]) > SHOWN
        else ""
    )
    return f"Milestone {c.subject} due date moves {'; '.join(parts)}{more}."


def _pairs(n: int) -> str:
    return f"{n} pair{'s' if n != 1 else ''}"


def _over(c: Change, v: Versions) -> str:
    d = c.detail
    return (
        f"{_who(v, c.subject)} is now over the workload limit: {_pairs(d['pairs'])} at the same time, "
        f"{d['allowed']} allowed."
    )


def _within(c: Change, v: Versions) -> str:
    d = c.detail
    return (
        f"{_who(v, c.subject)} is back within the workload limit: {_pairs(d['pairs'])} at the same time "
        f"(was {d['was']}), {d['allowed']} allowed."
    )


def _reach(c: Change, v: Versions) -> str:
    pairs = [_subject_pair(v, p) for p in c.detail["pairs"]]
    n = len(pairs)
    what = c.subject.replace("_", " ")
    return f"Learning contracts of {n} pair{'s' if n != 1 else ''} change ({what}): {_some(pairs)}."


def _proposal(c: Change, v: Versions) -> str:
    moves = c.detail["moves"]
    if not c.subject:
        return "No cohort has anyone left to match, so no proposal changes."
    if not moves:
        return f"The proposal for cohort {c.subject} stays the same."
    parts = []
    for m in moves[:SHOWN]:
        mentee = _who(v, m["mentee"])
        if m["before"] and m["after"]:
            parts.append(f"{mentee} with {_who(v, m['after'])} instead of {_who(v, m['before'])}")
        elif m["after"]:
            parts.append(f"{mentee} now matched with {_who(v, m['after'])}")
        else:
            parts.append(f"{mentee} no longer matched (was {_who(v, m['before'])})")
    more = f"; and {len(moves) - SHOWN} more" if len(moves) > SHOWN else ""
    return f"The proposal for cohort {c.subject} would change: {'; '.join(parts)}{more}."


def _section_changed(c: Change, v: Versions) -> str:
    return f"[{c.subject}] {_values(c)}."


def _generic(c: Change, v: Versions) -> str:
    if c.values:
        return f"{c.subject}: {_values(c)}."
    return f"{c.subject} {c.kind}."


_SAY: dict[tuple[str, str], Callable[[Change, Versions], str]] = {
    ("people", "added"): _person_added,
    ("people", "removed"): _person_removed,
    ("people", "changed"): _person_changed,
    ("people", "confidential"): _person_confidential,
    ("pairs", "added"): _pair_added,
    ("pairs", "removed"): _pair_removed,
    ("pairs", "ended"): _pair_ended,
    ("pairs", "rebalanced"): _pair_rebalanced,
    ("pairs", "changed"): _pair_changed,
    ("cohorts", "added"): _cohort_added,
    ("cohorts", "removed"): _cohort_removed,
    ("cohorts", "moved"): _cohort_moved,
    ("cohorts", "members"): _cohort_members,
    ("cohorts", "changed"): lambda c, v: f"Cohort {c.subject}: {_values(c)}.",
    ("cadences", "added"): _item_added,
    ("cadences", "removed"): _item_removed,
    ("cadences", "changed"): _item_changed,
    ("cadences", "dates"): _cadence_dates,
    ("milestones", "added"): _item_added,
    ("milestones", "removed"): _item_removed,
    ("milestones", "changed"): _item_changed,
    ("milestones", "dates"): _due_dates,
    ("guardrails", "changed"): _section_changed,
    ("guardrails", "over"): _over,
    ("guardrails", "within"): _within,
    ("contract", "changed"): _section_changed,
    ("contract", "reach"): _reach,
    ("matching", "changed"): _section_changed,
    ("matching", "proposal"): _proposal,
    ("settings", "added"): _item_added,
    ("settings", "removed"): _item_removed,
    ("settings", "changed"): lambda c, v: (
        _item_changed(c, v)
        if c.detail.get("table") and c.subject != c.detail["table"]
        else _section_changed(c, v)
    ),
}
