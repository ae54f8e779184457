"""What changed between two versions of a program, and whom each change reaches.

Tables are matched by what identifies them (a person's id, a cohort's id, a pair's mentor and
mentee, a cadence's id), never by position, so reordering tables or reformatting the file is no
change. People's public fields are compared field by field over the model, so a new field is
covered without a change here; everything under `confidential` is only ever "changed", never
a value. Impacts reuse the owners of each policy: the schedule (`site.schedule`), milestone due
dates (`Milestone.due_date`), mentor workload (`policies.workload`) and learning contracts
(`Program.contract_for`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.model import Cohort, Pair, Person, Program

Values = dict[str, tuple[Any, Any]]
"""A field's key path -> (before, after), as JSON-ready public values."""

PairKey = tuple[str, str, str, int]
"""(cohort id, mentor id, mentee id, occurrence): a pair, wherever it stands in the file."""

SECTIONS = (
    "people",
    "pairs",
    "cohorts",
    "cadences",
    "milestones",
    "guardrails",
    "contract",
    "matching",
    "settings",
)
"""The order a review is read in: who, then when, then the rules of the program."""


@dataclass(frozen=True)
class Change:
    """One change, in data: `words` says it, `formats` renders it. Holds no confidential value."""

    section: str
    kind: str
    subject: str
    """What changed: an id, a pair ('cohort: mentor -> mentee') or a key path."""
    values: Values = field(default_factory=dict)
    people: tuple[str, ...] = ()
    """Ids of the people it reaches."""
    detail: dict[str, Any] = field(default_factory=dict)
    """Kind-specific, JSON-ready: the dates that move, the pairs reached, the loads."""


@dataclass(frozen=True)
class Versions:
    """The two programs a review compares."""

    base: Program
    head: Program

    def name(self, person_id: str) -> str:
        """A person's name, from whichever side still has them."""
        for program in (self.head, self.base):
            try:
                return program.person(person_id).name
            except KeyError:
                continue
        return person_id


def compare(versions: Versions) -> list[Change]:
    """Every change from base to head, in reading order (matching proposals come separately:
    they need the score components, see `proposals`)."""
    base, head = versions.base, versions.head
    changes = list(_people(base, head))
    changes += _pairs(base, head)
    changes += _cohorts(base, head)
    changes += _keyed("cadences", base, head)
    changes += _cadence_dates(base, head, changes)
    changes += _keyed("milestones", base, head)
    changes += _due_dates(base, head, changes)
    changes += _section("guardrails", base, head)
    changes += _workload(base, head)
    changes += _section("contract", base, head)
    changes += _contract_reach(base, head)
    changes += _section("matching", base, head)
    for name in Program.model_fields:
        if name not in _OWN_SECTIONS:
            changes += _settings(name, base, head)
    order = {s: i for i, s in enumerate(SECTIONS)}
    return sorted(changes, key=lambda c: order[c.section])  # stable: keeps file order within


_OWN_SECTIONS = frozenset(
    {"people", "cohorts", "cadences", "milestones", "guardrails", "contract", "matching"}
)


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


def _json(value: Any) -> Any:
    """A field value as JSON-ready data (dates as ISO text, durations as '1 month')."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _field_values(before: BaseModel, after: BaseModel, skip: frozenset[str] = frozenset()) -> Values:
    """The public fields that differ, over the model's fields (new fields are covered)."""
    values: Values = {}
    for name in type(after).model_fields:
        if name in skip:
            continue
        if getattr(before, name) != getattr(after, name):
            # dumped through the model, so a duration reads '1 month' and a date '2027-01-04';
            # a nested table (a pair's contract) is compared key by key
            values.update(
                _walk(
                    before.model_dump(mode="json", include={name}).get(name),
                    after.model_dump(mode="json", include={name}).get(name),
                    name,
                )
            )
    return values


def _walk(before: Any, after: Any, path: str) -> Values:
    """Tables are compared key by key (nested tables too); any other value as a whole."""
    if isinstance(before, dict) and isinstance(after, dict):
        values: Values = {}
        for key in dict.fromkeys([*before, *after]):
            sub = f"{path}.{key}" if path else str(key)
            values.update(_walk(before.get(key), after.get(key), sub))
        return values
    return {} if before == after else {path: (before, after)}


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------


def _people(base: Program, head: Program) -> Iterator[Change]:
    old = {p.id: p for p in base.people}
    new = {p.id for p in head.people}
    for person in base.people:
        if person.id not in new:
            yield Change("people", "removed", person.id, people=(person.id,), detail=_profile(person))
    for person in head.people:
        was = old.get(person.id)
        if was is None:
            yield Change("people", "added", person.id, people=(person.id,), detail=_profile(person))
        elif was != person:
            values = _field_values(was, person, skip=frozenset({"id", "confidential"}))
            if values:
                yield Change("people", "changed", person.id, values, (person.id,))
            if was.confidential != person.confidential:
                yield Change("people", "confidential", person.id, people=(person.id,))


def _profile(person: Person) -> dict[str, Any]:
    """What a review says about someone who joins or leaves: public, short."""
    return {"role": person.role, "division": person.division, "geography": person.geography}


# --------------------------------------------------------------------------------------------
# Cohorts and pairs
# --------------------------------------------------------------------------------------------


def pairs_by_key(program: Program) -> dict[PairKey, tuple[Cohort, Pair]]:
    keyed: dict[PairKey, tuple[Cohort, Pair]] = {}
    for cohort in program.cohorts:
        seen: dict[tuple[str, str], int] = defaultdict(int)
        for pair in cohort.pairs:
            n = seen[(pair.mentor, pair.mentee)]
            seen[(pair.mentor, pair.mentee)] += 1
            keyed[(cohort.id, pair.mentor, pair.mentee, n)] = (cohort, pair)
    return keyed


def pair_subject(key: PairKey) -> str:
    return f"{key[0]}: {key[1]} -> {key[2]}"


def _pair_detail(key: PairKey, cohort: Cohort, pair: Pair) -> dict[str, Any]:
    start, end = cohort.window(pair)
    return {
        "cohort": key[0],
        "mentor": key[1],
        "mentee": key[2],
        "start": start.isoformat(),
        "end": end.isoformat(),
        "state": pair.state,
        "reason": pair.reason,
    }


def _pairs(base: Program, head: Program) -> Iterator[Change]:
    old, new = pairs_by_key(base), pairs_by_key(head)
    for key, (cohort, pair) in old.items():
        if key not in new:
            yield Change(
                "pairs", "removed", pair_subject(key), people=key[1:3], detail=_pair_detail(key, cohort, pair)
            )
    for key, (cohort, pair) in new.items():
        detail = _pair_detail(key, cohort, pair)
        if key not in old:
            yield Change("pairs", "added", pair_subject(key), people=key[1:3], detail=detail)
            continue
        _, was = old[key]
        if was == pair:
            continue
        values = _field_values(was, pair, skip=frozenset({"mentor", "mentee"}))
        state_changed = was.state != pair.state
        if state_changed and pair.state in ("rebalanced", "completed"):
            kind = "rebalanced" if pair.state == "rebalanced" else "ended"
            yield Change("pairs", kind, pair_subject(key), values, key[1:3], detail)
        elif was.end is None and pair.end is not None and pair.state == "active":
            yield Change("pairs", "ended", pair_subject(key), values, key[1:3], detail)
        else:
            yield Change("pairs", "changed", pair_subject(key), values, key[1:3], detail)


def _cohorts(base: Program, head: Program) -> Iterator[Change]:
    old = {c.id: c for c in base.cohorts}
    new = {c.id: c for c in head.cohorts}
    for cohort in base.cohorts:
        if cohort.id not in new:
            yield Change("cohorts", "removed", cohort.id, detail=_cohort_detail(cohort))
    for cohort in head.cohorts:
        was = old.get(cohort.id)
        if was is None:
            yield Change("cohorts", "added", cohort.id, detail=_cohort_detail(cohort))
            continue
        if (was.start, was.end) != (cohort.start, cohort.end):
            following = [p for p in cohort.pairs if p.start is None or p.end is None]
            yield Change(
                "cohorts",
                "moved",
                cohort.id,
                {
                    "start": (was.start.isoformat(), cohort.start.isoformat()),
                    "end": (was.end.isoformat(), cohort.end.isoformat()),
                },
                tuple(dict.fromkeys(i for p in following for i in (p.mentor, p.mentee))),
                {"pairs": len(following)},
            )
        if was.members != cohort.members:
            joined = [m for m in cohort.members if m not in was.members]
            left = [m for m in was.members if m not in cohort.members]
            if joined or left:
                yield Change(
                    "cohorts",
                    "members",
                    cohort.id,
                    people=(*joined, *left),
                    detail={"joined": joined, "left": left},
                )
        values = _field_values(was, cohort, skip=frozenset({"id", "start", "end", "members", "pairs"}))
        if values:
            yield Change("cohorts", "changed", cohort.id, values)


def _cohort_detail(cohort: Cohort) -> dict[str, Any]:
    return {
        "name": cohort.name,
        "start": cohort.start.isoformat(),
        "end": cohort.end.isoformat(),
        "members": len(cohort.members),
        "pairs": len(cohort.pairs),
    }


# --------------------------------------------------------------------------------------------
# Tables with ids (cadences, milestones, metrics, ...) and plain sections
# --------------------------------------------------------------------------------------------


def _keyed(section: str, base: Program, head: Program, label: str | None = None) -> Iterator[Change]:
    """A list of tables with ids: added, removed, or changed field by field."""
    label = label or section
    old = {item.id: item for item in getattr(base, section)}
    new = {item.id: item for item in getattr(head, section)}
    for key in old:
        if key not in new:
            yield Change(label, "removed", key, detail={"table": section})
    for key, item in new.items():
        if key not in old:
            yield Change(label, "added", key, detail={"table": section})
        elif old[key] != item:
            values = _field_values(old[key], item, skip=frozenset({"id"}))
            yield Change(label, "changed", key, values, detail={"table": section})


def _section(section: str, base: Program, head: Program, label: str | None = None) -> Iterator[Change]:
    """A table of settings: each key (and nested key) that differs."""
    before, after = getattr(base, section), getattr(head, section)
    if before == after:
        return
    values = _walk(before.model_dump(mode="json"), after.model_dump(mode="json"), "")
    if values:
        yield Change(label or section, "changed", section, values, detail={"table": section})


def _settings(section: str, base: Program, head: Program) -> Iterator[Change]:
    """Any other part of the program: tables with ids by id, the rest key by key."""
    value = getattr(head, section)
    if isinstance(value, list):
        if all(hasattr(item, "id") for item in [*getattr(base, section), *value]):
            yield from _keyed(section, base, head, "settings")
        elif getattr(base, section) != value:
            yield Change(
                "settings", "changed", section, {section: (_json(getattr(base, section)), _json(value))}
            )
    else:
        yield from _section(section, base, head, "settings")


# --------------------------------------------------------------------------------------------
# Impacts: dates that move, workloads, contracts
# --------------------------------------------------------------------------------------------


def _changed_ids(changes: list[Change], section: str) -> set[str]:
    return {c.subject for c in changes if c.section == section}


def _following(program: Program, what: str, item_id: str) -> dict[PairKey, tuple[Cohort, Pair]]:
    """The pairs whose learning contract lists a cadence or milestone."""
    return {
        key: (cohort, pair)
        for key, (cohort, pair) in pairs_by_key(program).items()
        if item_id in (getattr(program.contract_for(pair), what) or ())
    }


def _in_both(
    base: Program,
    head: Program,
    old: dict[PairKey, tuple[Cohort, Pair]],
    new: dict[PairKey, tuple[Cohort, Pair]],
) -> list[PairKey]:
    """Pairs that follow the item on either side and exist, with the same window, on both: a pair
    added, removed or moved is a change of its own, said once where it happened."""
    before, after = pairs_by_key(base), pairs_by_key(head)
    return [
        key
        for key in dict.fromkeys([*old, *new])
        if key in before
        and key in after
        and before[key][0].window(before[key][1]) == after[key][0].window(after[key][1])
    ]


def _cadence_dates(base: Program, head: Program, changes: list[Change]) -> Iterator[Change]:
    """For each changed cadence: the sessions each pair loses and gains."""
    from generator.site.schedule import cohort_schedule

    def dates(program: Program, cadence_id: str, cohort: Cohort, pair: Pair) -> list[str]:
        cadence = next((c for c in program.cadences if c.id == cadence_id), None)
        if cadence is None:
            return []
        start, end = cohort.window(pair)
        closed = frozenset(program.calendar.closed_dates)
        return [s.date.isoformat() for s in cohort_schedule([cadence], start, end, closed=closed)]

    for cadence_id in sorted(_changed_ids(changes, "cadences")):
        old, new = _following(base, "cadences", cadence_id), _following(head, "cadences", cadence_id)
        groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[PairKey]] = defaultdict(list)
        for key in _in_both(base, head, old, new):
            before = dates(base, cadence_id, *old[key]) if key in old else []
            after = dates(head, cadence_id, *new[key]) if key in new else []
            if before != after:
                dropped = tuple(d for d in before if d not in after)
                added = tuple(d for d in after if d not in before)
                groups[(dropped, added)].append(key)
        if groups:
            moves = [
                {"dropped": list(dropped), "added": list(added), "pairs": [pair_subject(k) for k in keys]}
                for (dropped, added), keys in groups.items()
            ]
            people = tuple(dict.fromkeys(p for keys in groups.values() for k in keys for p in k[1:3]))
            yield Change("cadences", "dates", cadence_id, people=people, detail={"moves": moves})


def _due_dates(base: Program, head: Program, changes: list[Change]) -> Iterator[Change]:
    """For each changed milestone: the due date that moves, and for which pairs."""
    for milestone_id in sorted(_changed_ids(changes, "milestones")):
        old_ms = next((m for m in base.milestones if m.id == milestone_id), None)
        new_ms = next((m for m in head.milestones if m.id == milestone_id), None)
        old, new = _following(base, "milestones", milestone_id), _following(head, "milestones", milestone_id)
        groups: dict[tuple[str | None, str | None], list[PairKey]] = defaultdict(list)
        for key in _in_both(base, head, old, new):
            before = (
                old_ms.due_date(old[key][0].window(old[key][1])[0]).isoformat()
                if old_ms and key in old
                else None
            )
            after = (
                new_ms.due_date(new[key][0].window(new[key][1])[0]).isoformat()
                if new_ms and key in new
                else None
            )
            if before != after:
                groups[(before, after)].append(key)
        if groups:
            moves = [
                {"before": b, "after": a, "pairs": [pair_subject(k) for k in keys]}
                for (b, a), keys in groups.items()
            ]
            people = tuple(dict.fromkeys(p for keys in groups.values() for k in keys for p in k[1:3]))
            yield Change("milestones", "dates", milestone_id, people=people, detail={"moves": moves})


def _load_options(program: Program) -> Any:
    """`[checks.mentor-load]` as the workload policy reads it (validated when the program loads)."""
    from generator.policies.workload import MentorLoadOptions

    try:
        return MentorLoadOptions.model_validate((program.checks.model_extra or {}).get("mentor-load", {}))
    except ValidationError:
        return None


def _workload(base: Program, head: Program) -> Iterator[Change]:
    """Mentors who go over, or come back within, the workload guardrail."""
    from generator.policies.workload import limit_for, over_limit

    before = over_limit(base, limit_for(base, _load_options(base)))
    after = over_limit(head, limit_for(head, _load_options(head)))
    for mentor, (pairs, allowed) in after.items():
        if mentor not in before:
            yield Change(
                "guardrails", "over", mentor, people=(mentor,), detail={"pairs": pairs, "allowed": allowed}
            )
    for mentor, (pairs, _) in before.items():
        if mentor not in after:
            now = _load(head, mentor)
            yield Change(
                "guardrails",
                "within",
                mentor,
                people=(mentor,),
                detail={"pairs": now[0], "allowed": now[1], "was": pairs},
            )


def _load(program: Program, mentor: str) -> tuple[int, int]:
    from generator.policies.workload import busiest, limit_for, mentor_windows

    try:
        person = program.person(mentor)
    except KeyError:
        return 0, 0
    limit = limit_for(program, _load_options(program))
    return len(busiest(mentor_windows(program).get(mentor, []))), limit.pairs_allowed(person)


_REFERENCES = frozenset({"cadences", "milestones"})
"""Contract terms that list ids: without overrides they follow the order of the tables, which
is no change."""


def _contract_reach(base: Program, head: Program) -> Iterator[Change]:
    """The pairs whose learning contract changes through [contract], [guardrails] or the
    cadences and milestones every pair follows (a pair's own override is its own change)."""
    old = pairs_by_key(base)
    reached: dict[str, list[PairKey]] = defaultdict(list)
    for key, (_, pair) in pairs_by_key(head).items():
        if key not in old or old[key][1].contract != pair.contract:
            continue
        before, after = base.contract_for(old[key][1]), head.contract_for(pair)
        if before == after:
            continue
        for name in type(after).model_fields:
            was, now = getattr(before, name), getattr(after, name)
            if name in _REFERENCES and was is not None and now is not None:
                was, now = sorted(was), sorted(now)
            if was != now:
                reached[name].append(key)
    for name, keys in reached.items():
        people = tuple(dict.fromkeys(p for k in keys for p in k[1:3]))
        yield Change(
            "contract", "reach", name, people=people, detail={"pairs": [pair_subject(k) for k in keys]}
        )
