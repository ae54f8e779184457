"""Cross-references in program.toml: every id is unique and every reference resolves.

This works on the raw TOML data rather than the validated model, so a dangling reference is
reported in the same run as a wrong type elsewhere in the file. Values of the wrong shape are
skipped here: validation reports them.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator
from typing import Any

from generator.diagnostics import Problem
from generator.model import MAX_SPAN_DAYS
from generator.source import KeyPath, Source

_DECLARED_IN = {
    "person": "[[people]]",
    "competency": "[[vocabulary.competencies]]",
    "experience": "[[vocabulary.experiences]]",
    "sponsor": "[[program.sponsors]]",
    "cadence": "[[cadences]]",
    "milestone": "[[milestones]]",
    "metric": "[[metrics]]",
    "cohort": "[[cohorts]]",
}


def did_you_mean(value: str, candidates: list[str] | set[str]) -> str:
    """'; did you mean 'x'?' when a close candidate exists, else ''."""
    close = difflib.get_close_matches(value, sorted(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _items(data: Any, *keys: str) -> Iterator[tuple[int, dict[str, Any]]]:
    node = data
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, dict):
                yield i, item


def _strings(value: Any) -> Iterator[tuple[int | None, str]]:
    if isinstance(value, str):
        yield None, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield i, item


def _all_known(known: set[str], value: Any) -> bool:
    """Whether `value` is a list of strings that are all in `known`."""
    if not isinstance(value, list):
        return value is None
    try:
        return known.issuperset(value)
    except TypeError:  # a table in the list: not hashable, reported by validation
        return False


class _Checker:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.data = source.data
        self.problems: list[Problem] = []
        self.ids: dict[str, set[str]] = {}

    def error(self, path: KeyPath, message: str, related: tuple[tuple[KeyPath, str], ...] = ()) -> None:
        self.problems.append(self.source.problem(path, message, related=related))

    def declare(self, kind: str, path: tuple[str, ...], scope: KeyPath = ()) -> set[str]:
        """Collect the ids of one array of tables, reporting duplicates at the second one."""
        seen: dict[str, int] = {}
        parent: Any = self.data
        for part in scope:
            parent = parent[part]
        for i, item in _items(parent, *path):
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            if ident in seen:
                first = (*scope, *path, seen[ident], "id")
                line = self.source.positions.locate(first).line
                self.error(
                    (*scope, *path, i, "id"),
                    f"duplicate {kind} id {ident!r}: ids must be unique (first used on line {line})",
                    ((first, f"{kind} id {ident!r} first used here"),),
                )
            else:
                seen[ident] = i
        return set(seen)

    def resolve(self, kind: str, known: set[str], path: KeyPath, value: Any) -> None:
        if value in known if isinstance(value, str) else _all_known(known, value):
            return  # the common case, decided without walking the list in Python
        for index, ref in _strings(value):
            if ref in known:
                continue
            where = path if index is None else (*path, index)
            hint = did_you_mean(ref, known)
            self.error(
                where,
                f"unknown {kind} {ref!r}{hint} ({kind} ids are declared in {_DECLARED_IN[kind]})",
            )


def check_references(source: Source) -> list[Problem]:
    """Every duplicate id and dangling reference in the program, located."""
    c = _Checker(source)
    data = c.data
    people = c.declare("person", ("people",))
    competencies = c.declare("competency", ("vocabulary", "competencies"))
    experiences = c.declare("experience", ("vocabulary", "experiences"))
    sponsors = c.declare("sponsor", ("program", "sponsors"))
    c.declare("objective", ("program", "objectives"))
    cadences = c.declare("cadence", ("cadences",))
    milestones = c.declare("milestone", ("milestones",))
    metrics = c.declare("metric", ("metrics",))
    cohorts = c.declare("cohort", ("cohorts",))

    roles: dict[str, str] = {
        person["id"]: person["role"]
        for _, person in _items(data, "people")
        if isinstance(person.get("id"), str) and isinstance(person.get("role"), str)
    }
    # Each test below is first made inline, without building a key path: a large program has
    # 10,000 people and 5,000 pairs, nearly all of them right.
    for i, person in _items(data, "people"):
        private = person.get("confidential")
        if isinstance(private, dict) and not private.keys().isdisjoint(_CHOICES):
            _check_choices(c, ("people", i, "confidential"), person.get("id"), private, people, roles)
        for field, kind, known in (
            ("strengths", "competency", competencies),
            ("development_goals", "competency", competencies),
            ("experiences", "experience", experiences),
        ):
            value = person.get(field)
            if not _all_known(known, value):
                c.resolve(kind, known, ("people", i, field), value)
        manager = person.get("manager")
        if isinstance(manager, str) and manager not in people:
            c.resolve("person", people, ("people", i, "manager"), manager)

    for i, objective in _items(data, "program", "objectives"):
        c.resolve("metric", metrics, ("program", "objectives", i, "metrics"), objective.get("metrics"))

    _check_contract(c, ("contract",), data.get("contract"), cadences, milestones)

    for i, cohort in _items(data, "cohorts"):
        here: tuple[str | int, ...] = ("cohorts", i)
        c.declare("event", ("events",), scope=here)
        if isinstance(cohort.get("sponsor"), str):
            c.resolve("sponsor", sponsors, (*here, "sponsor"), cohort["sponsor"])
        members = cohort.get("members")
        c.resolve("person", people, (*here, "members"), members)
        member_set = {m for _, m in _strings(members)} if isinstance(members, list) else set()
        for j, activity in _items(cohort, "activities"):
            c.resolve(
                "person",
                people,
                (*here, "activities", j, "participants"),
                activity.get("participants"),
            )
        for j, pair in _items(cohort, "pairs"):
            at = (*here, "pairs", j)
            mentor, mentee = pair.get("mentor"), pair.get("mentee")
            if not (
                isinstance(mentor, str)
                and isinstance(mentee, str)
                and roles.get(mentor) in ("mentor", "both")
                and roles.get(mentee) in ("mentee", "both")
                and (not member_set or (mentor in member_set and mentee in member_set))
                and mentor != mentee
            ):
                _check_sides(c, at, pair, people, member_set, roles)
            if "contract" in pair:
                _check_contract(c, (*at, "contract"), pair["contract"], cadences, milestones)
            if "start" in pair or "end" in pair:  # else the cohort's own window: validation bounds it
                _check_window(c, at, cohort, pair)
            for k, activity in _items(pair, "activities") if "activities" in pair else ():
                c.resolve(
                    "person",
                    people,
                    (*at, "activities", k, "participants"),
                    activity.get("participants"),
                )
    matching = data.get("matching")
    if isinstance(matching, dict):
        for table in ("exclude", "require"):
            for j, entry in _items(matching, table):
                at = ("matching", table, j)
                for side in ("mentor", "mentee"):
                    if isinstance(entry.get(side), str):
                        c.resolve("person", people, (*at, side), entry[side])
                if isinstance(entry.get("cohort"), str):
                    c.resolve("cohort", cohorts, (*at, "cohort"), entry["cohort"])
    return c.problems


def _check_sides(
    c: _Checker, at: KeyPath, pair: dict[str, Any], people: set[str], members: set[str], roles: dict[str, str]
) -> None:
    """A pair's mentor and mentee are known people, in the cohort's members when it lists them,
    and have a role that lets them take their side."""
    for side in ("mentor", "mentee"):
        ref = pair.get(side)
        if not isinstance(ref, str) or pair.get("mentor") == pair.get("mentee"):
            continue  # a self-pair is reported by validation
        if ref not in people:
            c.resolve("person", people, (*at, side), ref)
            continue
        if members and ref not in members:
            c.error(
                (*at, side),
                f"{ref!r} is paired here but is not in this cohort's members: add {ref!r} to members",
            )
        role = roles.get(ref)
        if role is not None and role not in (side, "both"):
            c.error(
                (*at, side),
                f"{ref!r} is paired as {side} but their role is {role!r}: "
                f"set their role to {side!r} or 'both', or swap the pair",
            )


_CHOICES = {
    # field: (the side the named people must be able to take, what naming oneself would mean)
    "preferences": ("mentor", "prefer themselves as a mentor"),
    "declines": ("mentee", "decline themselves as a mentee"),
}


def _check_choices(
    c: _Checker, where: KeyPath, person_id: Any, private: Any, people: set[str], roles: dict[str, str]
) -> None:
    """A mentee's preferred mentors and a mentor's declined mentees (in the confidential table at
    `where`) name people who can take that side, and never the person themselves."""
    if not isinstance(private, dict):
        return
    for name, (side, verb) in _CHOICES.items():
        values = private.get(name)
        if not isinstance(values, list):
            continue  # the wrong shape is reported by validation
        for k, ref in _strings(values):
            at: KeyPath = (*where, name, k or 0)
            if ref not in people:
                c.resolve("person", people, at, ref)
            elif ref == person_id:
                c.error(at, f"a person cannot {verb}: remove {ref!r} from {name}")
            elif roles.get(ref) not in (side, "both"):
                c.error(
                    at,
                    f"{ref!r} has role {roles.get(ref)!r}, so they cannot be a {side}: name a person "
                    f"with role {side!r} or 'both' in {name}",
                )


def check_private_choices(private: Source, roles: dict[str, str]) -> list[Problem]:
    """The same checks of preferences and declines for the sections of a private file, which
    are keyed by person id (`[people.ID]`) and located in that file."""
    c = _Checker(private)
    people = set(roles)
    sections = private.data.get("people")
    if isinstance(sections, dict):
        for person_id, section in sections.items():
            _check_choices(c, ("people", person_id), person_id, section, people, roles)
    return c.problems


def _check_contract(
    c: _Checker, path: KeyPath, contract: Any, cadences: set[str], milestones: set[str]
) -> None:
    if not isinstance(contract, dict):
        return
    c.resolve("cadence", cadences, (*path, "cadences"), contract.get("cadences"))
    c.resolve("milestone", milestones, (*path, "milestones"), contract.get("milestones"))


def _check_window(c: _Checker, at: KeyPath, cohort: dict[str, Any], pair: dict[str, Any]) -> None:
    """A pair's window (its dates, else the cohort's) is shorter than five years, like a
    cohort's: its schedule and milestones are computed over it."""
    if "start" not in pair and "end" not in pair:
        return  # the cohort's own window: validation bounds it
    start: Any = pair.get("start", cohort.get("start"))
    end: Any = pair.get("end", cohort.get("end"))
    if not (_is_date(start) and _is_date(end)):
        return  # wrong types are reported by validation
    if (end - start).days > MAX_SPAN_DAYS:
        where = "start" if "start" in pair else "end"
        c.error(
            (*at, where),
            f"the pair meets from {start.isoformat()} to {end.isoformat()}, more than 5 years "
            f"({MAX_SPAN_DAYS} days): give it dates within its cohort",
        )


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
