"""Reasons in words for a proposed pair, and why a person stayed unmatched.

A reason cites only evidence that really matched: the competencies a mentor is strong in that the
mentee wants to develop, the experiences the mentee has not had, the attributes that differ.
These are for program owners; the public handbook shows its own highlights from public data.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from generator.errors import UsageError
from generator.matching.candidates import BLOCKED_WORDS, Blocked, Candidates
from generator.matching.components import Component
from generator.matching.scoring import Scores, Sides
from generator.model import Person
from generator.policies.pair_quality import attribute_value
from generator.references import did_you_mean

if TYPE_CHECKING:
    from generator.matching.proposal import Proposal

_MAX_REASONS = 3
_COLUMNS = 1024  # mentees whose runner-ups are found together


def _strong_where_wanted(strong: Person, learner: Person, sides: Sides) -> str | None:
    """'A is strong in X, which B wants to develop', for the competencies that really overlap."""
    shared = [s for s in strong.strengths if s in learner.development_goals]
    if not shared:
        return None
    names = ", ".join(sides.name_of(s) for s in shared)
    return f"{strong.name} is strong in {names}, which {learner.name} wants to develop"


def reason(component: Component, sides: Sides, i: int, j: int) -> str | None:
    """The evidence behind one component of one pair, or None when there is none to cite."""
    mentor, mentee, program = sides.mentors[i], sides.mentees[j], sides.program
    match component.id:
        case "skills":
            return _strong_where_wanted(mentor, mentee, sides)
        case "experience":
            new = [sides.name_of(e, "experiences") for e in mentor.experiences if e not in mentee.experiences]
            if new:
                return f"brings experience {mentee.name} has not had: {', '.join(new)}"
        case "perspective":
            differs = [
                f"{attribute.replace('_', ' ')} ({getattr(mentor, attribute)} / {getattr(mentee, attribute)})"
                for attribute in program.matching.perspective
                if getattr(mentor, attribute)
                and getattr(mentee, attribute)
                and str(getattr(mentor, attribute)).casefold() != str(getattr(mentee, attribute)).casefold()
            ]
            if differs:
                return "another perspective: " + ", ".join(differs)
        case "style":
            a, b = mentor.leadership_style, mentee.leadership_style
            if a and b and a != b:
                contrasts = program.matching.style_contrasts
                listed = [a, b] in contrasts or [b, a] in contrasts
                return f"{'contrasting' if listed else 'different'} leadership styles: {a} mentor, {b} mentee"
            r1, r2 = mentor.confidential.risk_tolerance, mentee.confidential.risk_tolerance
            if program.matching.use_confidential_risk and r1 and r2 and r1 != r2:
                return "different appetite for risk (from the confidential intake; not shown)"
        case "reverse":
            text = _strong_where_wanted(mentee, mentor, sides)
            return f"reverse mentoring: {text}" if text else None
        case "availability":
            spare = float(sides.mentor_spare_hours[i])
            need = program.guardrails.hours_per_pair_per_month
            if mentee.hours_per_month:
                return (
                    f"time available: {mentor.name} {spare:g} h, {mentee.name} "
                    f"{mentee.hours_per_month:g} h a month (a pair needs {need:g} h)"
                )
            return f"{mentor.name} has {spare:g} h a month free; {mentee.name}'s hours are not stated"
        case "overlap":
            if sides.shared_hours is not None and not np.isnan(sides.shared_hours[i, j]):
                return f"{float(sides.shared_hours[i, j]):g} working hours a day in common"
        case "preference":
            wanted = mentee.confidential.preferences
            if mentor.id in wanted:
                rank = wanted.index(mentor.id) + 1
                return f"{mentee.name}'s preference {rank} of {len(wanted)} (confidential)"
        case _:
            if component.explain is not None:
                return component.explain(sides, i, j)
            return f"{component.name}"
    return None


def reasons(scores: Scores, sides: Sides, i: int, j: int) -> list[str]:
    """The top reasons, strongest contribution first; only components that added points."""
    contributions = scores.contributions(i, j)
    ranked = sorted(
        (c for c in scores.components if contributions[c.id] > 0.005),
        key=lambda c: -contributions[c.id],
    )
    found = []
    for component in ranked:
        text = reason(component, sides, i, j)
        if text:
            found.append(text)
        if len(found) == _MAX_REASONS:
            break
    return found


def runner_ups(scores: Scores, candidates: Candidates, chosen: list[tuple[int, int]]) -> list[int | None]:
    """For each chosen (mentor, mentee): the best other allowed mentor, whatever their capacity.

    One numpy pass over blocks of the score matrix (slices, not gathered columns) that hold a
    chosen mentee: each mentee's two best allowed mentors, then the best that is not theirs."""
    if not chosen or not candidates.mentors:
        return [None] * len(chosen)
    n = len(candidates.mentees)
    best, second = np.empty(n, np.int64), np.empty(n, np.int64)
    has_best, has_second = np.empty(n, bool), np.empty(n, bool)
    columns = np.arange(min(n, _COLUMNS))
    wanted = np.zeros(n, bool)
    wanted[[j for _, j in chosen]] = True
    for start in range(0, n, _COLUMNS):  # the two best allowed mentors of a block of mentees
        stop = min(n, start + _COLUMNS)
        if not wanted[start:stop].any():
            continue
        at = columns[: stop - start]
        # Mentees x mentors, contiguous: argmax along a row is far faster than down a column.
        block = np.full((stop - start, len(candidates.mentors)), -np.inf)
        np.copyto(block, scores.total[:, start:stop].T, where=candidates.allowed[:, start:stop].T)
        best[start:stop] = block.argmax(axis=1)
        has_best[start:stop] = np.isfinite(block[at, best[start:stop]])
        block[at, best[start:stop]] = -np.inf
        second[start:stop] = block.argmax(axis=1)
        has_second[start:stop] = np.isfinite(block[at, second[start:stop]])
    found: list[int | None] = []
    for i, j in chosen:
        if best[j] != i:
            found.append(int(best[j]) if has_best[j] else None)
        else:
            found.append(int(second[j]) if has_second[j] else None)
    return found


def _list(people: list[Person], limit: int = 4) -> str:
    names = [p.name for p in people[:limit]]
    more = len(people) - limit
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def _mentor_side_of(candidates: Candidates, j: int) -> int | None:
    """The mentor index of mentee `j` when they are in both roles."""
    return candidates.mentor_side.get(j)


def unmatched_mentee(
    candidates: Candidates, j: int, mentoring: dict[int, int] | None = None
) -> tuple[str, str]:
    """(kind, explanation) for a mentee the assignment left out; `mentoring`: new mentees per
    mentor index in the proposal."""
    mentoring = mentoring or {}
    mentee = candidates.mentees[j]
    if not candidates.mentors:
        return "no candidate", f"cohort {candidates.cohort.id!r} has no mentors: add mentors to its members"
    column = candidates.blocked[:, j]
    if (column == Blocked.MENTEE_AVAILABILITY).all():
        return "availability", (
            f"{mentee.name} states {mentee.hours_per_month:g} hours a month, below the "
            f"[matching] min_hours_per_month of {candidates.program.matching.min_hours_per_month:g}"
        )
    allowed = [i for i in range(len(candidates.mentors)) if column[i] == Blocked.ALLOWED]
    if not allowed:
        counts = Counter(Blocked(int(code)) for code in column)
        why = "; ".join(f"{n} {BLOCKED_WORDS[code]}" for code, n in sorted(counts.items()))
        return "constraints", f"every mentor is ruled out ({why}): relax an exclusion or add a mentor"
    both = _mentor_side_of(candidates, j)
    if both is not None and both in mentoring and candidates.capacity[both].free <= mentoring[both]:
        return "capacity", (
            f"{mentee.name} uses all {candidates.capacity[both].free} of their places as a mentor in this "
            "proposal; being mentored would take one of them"
        )
    zero = [i for i in allowed if candidates.capacity[i].free == 0]
    people = [candidates.mentors[i] for i in allowed]
    if len(zero) == len(allowed):
        return "capacity", (
            f"every allowed mentor ({_list(people)}) is at the workload guardrail: raise "
            "max_mentees_per_mentor or add a mentor"
        )
    return "capacity", (
        f"the allowed mentors ({_list(people)}) are full with better-scoring mentees; more mentees "
        "than places: add a mentor or raise capacity"
    )


def unmatched_mentor(
    candidates: Candidates, i: int, mentored: frozenset[int] = frozenset()
) -> tuple[str, str]:
    """(kind, explanation) for a mentor with no mentee in the proposal; `mentored`: the mentee
    indexes matched in it."""
    mentor = candidates.mentors[i]
    capacity = candidates.capacity[i]
    if capacity.allowed == 0:
        return "capacity", (
            f"{mentor.name} has no capacity under the guardrails ({capacity.hours_limit:g} hours a "
            "month or max_mentees_per_mentor is 0)"
        )
    if capacity.free == 0:
        return "capacity", (
            f"{mentor.name} is already at the guardrail: {capacity.busy} pair(s) at the same time "
            f"during this cohort, of the {capacity.allowed} allowed"
        )
    own = candidates.mentee_side.get(i)
    if own is not None and own in mentored and capacity.free <= 1:
        return "capacity", (
            f"{mentor.name} is mentored in this proposal, which takes their only free place "
            f"({capacity.allowed} allowed, {capacity.busy} already taken)"
        )
    if not candidates.mentees:
        return "no candidate", "every mentee in the cohort already has a mentor"
    if not candidates.allowed[i].any():
        return "constraints", f"every mentee is ruled out for {mentor.name}"
    return "no candidate", "other mentors were a better fit for every mentee"


@dataclass
class Assignment:
    """A proposal's (mentor, mentee) index pairs, indexed once for every "why not" question."""

    pairs: list[tuple[int, int]]
    places: np.ndarray  # each mentor's places in the proposal
    by_mentor: dict[int, list[int]]
    matched: set[int]
    chosen: set[tuple[int, int]]
    points: float  # the cohort total of the pairs, in points

    @classmethod
    def of(cls, scores: Scores, candidates: Candidates, pairs: list[tuple[int, int]]) -> Assignment:
        by_mentor: dict[int, list[int]] = {}
        for i, j in pairs:
            by_mentor.setdefault(i, []).append(j)
        points = 100.0 * math.fsum(float(scores.total[i, j]) for i, j in pairs)
        return cls(pairs, candidates.free, by_mentor, {j for _, j in pairs}, set(pairs), points)


def why_not(
    scores: Scores, candidates: Candidates, assignment: Assignment, chosen: tuple[int, int], runner: int
) -> str | None:
    """Why mentee j did not get their higher-scoring runner-up: who took the runner-up's places
    and the cohort total with the best direct swap, or the condition that kept them apart.

    None when the runner-up does not score higher."""
    total = scores.total
    i, j = chosen
    if total[runner, j] <= total[i, j]:
        return None
    mentee, other = candidates.mentees[j], candidates.mentors[runner]
    taken = assignment.by_mentor.get(runner, [])
    places = int(assignment.places[runner])
    own = candidates.mentee_side.get(runner)
    if own is not None and own in assignment.matched and len(taken) + 1 >= places:
        return f"{other.name} is mentored in this proposal, which takes one of their {places} place(s)"
    mentee_mentor = candidates.mentor_side.get(j)
    if mentee_mentor is not None and own is not None and (mentee_mentor, own) in assignment.chosen:
        return f"{mentee.name} mentors {other.name} in this proposal, and two people never mentor each other"
    if len(taken) < places:
        return (
            f"{other.name} has a free place; the weakest-pair objective keeps the weakest pair as high "
            "as it can be"
        )
    if not taken:
        capacity = candidates.capacity[runner]
        return (
            f"{other.name} has no free place: {capacity.busy} pair(s) already running during this "
            f"cohort, of the {capacity.allowed} the guardrails allow"
        )
    now = assignment.points
    count_now = len(assignment.pairs)
    best: tuple[int, float, int] | None = None  # (mentees matched, total, the runner-up's mentee moved)
    for k in taken:
        moved = candidates.allowed[i, k]
        swapped = now + 100.0 * float(
            total[runner, j] - total[i, j] - total[runner, k] + (total[i, k] if moved else 0.0)
        )
        option = (count_now - (0 if moved else 1), swapped, k)
        if best is None or option[:2] > best[:2]:
            best = option
    assert best is not None
    count, swapped, k = best
    names = _list([candidates.mentees[t] for t in taken])
    moved_mentee = candidates.mentees[k]
    mentor = candidates.mentors[i]
    if count < count_now:
        outcome = (
            f"{moved_mentee.name} could not move to {mentor.name} ({_blocked_words(candidates, i, k)}) "
            f"and would be left without a mentor"
        )
    else:
        outcome = f"cohort total {swapped:.1f} with the swap against {now:.1f} without"
    return (
        f"{other.name} ({100.0 * float(total[runner, j]):.1f}) is full with {names}; the best swap "
        f"({mentee.name} to {other.name}, {moved_mentee.name} to {mentor.name}): {outcome}"
    )


def _blocked_words(candidates: Candidates, i: int, j: int) -> str:
    return BLOCKED_WORDS.get(Blocked(int(candidates.blocked[i, j])), "no place")


@dataclass
class Candidate:
    """One row of `handbook match --explain`: a candidate partner for `person` on `side`."""

    person: Person
    side: str  # the side `person` takes: "mentee" (rows are mentors) or "mentor"
    other: Person
    status: str  # proposed, required, kept, allowed, ruled out
    score: float | None = None
    points: dict[str, float] = field(default_factory=dict)
    note: str = ""


def blocked_reason(candidates: Candidates, i: int, j: int) -> str:
    """Why mentor i and mentee j may not be paired, with the evidence where there is some."""
    why = Blocked(int(candidates.blocked[i, j]))
    mentor, mentee = candidates.mentors[i], candidates.mentees[j]
    matching = candidates.program.matching
    match why:
        case Blocked.NO_SHARED_LANGUAGE:
            return (
                f"no shared language ({mentor.name}: {', '.join(mentor.languages)}; "
                f"{mentee.name}: {', '.join(mentee.languages)})"
            )
        case Blocked.TOO_LITTLE_OVERLAP if candidates.overlap is not None:
            return (
                f"{float(candidates.overlap[i, j]):g} working hours a day in common, below [matching] "
                f"min_overlap_hours = {matching.min_overlap_hours:g}"
            )
        case Blocked.SAME_FIELD:
            shared = [
                f"{a.replace('_', ' ')} {getattr(mentor, a)}"
                for a in matching.avoid_same
                if attribute_value(mentor, a) and attribute_value(mentor, a) == attribute_value(mentee, a)
            ]
            return f"same {', '.join(shared)} ([matching] avoid_same)"
    return BLOCKED_WORDS.get(why, "ruled out")


def candidates_of(proposal: Proposal, person_id: str) -> list[Candidate]:
    """Every candidate partner of one person in a proposal, best first, then those ruled out."""
    cands = proposal.candidates
    program = cands.program
    ids = [p.id for p in program.people]
    if person_id not in ids:
        raise UsageError(f"unknown person {person_id!r}{did_you_mean(person_id, ids)}")
    person = program.person(person_id)
    members = {p.id for p in (*cands.mentors, *cands.mentees)} | {p.mentee for p in cands.kept}
    if person_id not in members:
        raise UsageError(
            f"{person_id} is not a member of cohort {cands.cohort.id!r}: add them to its members, or "
            "explain them in their own cohort"
        )
    chosen = {(p.mentor.id, p.mentee.id): p.status for p in proposal.pairs}
    index = {(p.mentor.id, p.mentee.id) for p in proposal.pairs if p.status != "kept"}
    mentor_ix = {p.id: i for i, p in enumerate(cands.mentors)}
    mentee_ix = {p.id: j for j, p in enumerate(cands.mentees)}
    pairs = sorted((mentor_ix[m], mentee_ix[e]) for m, e in index if m in mentor_ix and e in mentee_ix)
    assignment = Assignment.of(proposal.scores, cands, pairs)
    found: list[Candidate] = []
    for kept in cands.kept:
        if kept.mentee == person_id:
            found.append(
                Candidate(
                    person,
                    "mentee",
                    program.person(kept.mentor),
                    "kept",
                    note="already paired in program.toml (kept); --rebalance rematches",
                )
            )
    if person_id in mentee_ix:
        j = mentee_ix[person_id]
        mine = next((i for i, jj in pairs if jj == j), None)
        found += _rows(
            proposal, person, "mentee", [(i, j) for i in range(len(cands.mentors))], chosen, assignment, mine
        )
    if person_id in mentor_ix:
        i = mentor_ix[person_id]
        found += _rows(
            proposal, person, "mentor", [(i, j) for j in range(len(cands.mentees))], chosen, assignment, None
        )
    return found


def _rows(
    proposal: Proposal,
    person: Person,
    side: str,
    cells: list[tuple[int, int]],
    chosen: Mapping[tuple[str, str], str],
    assignment: Assignment,
    mine: int | None,
) -> list[Candidate]:
    cands, scores = proposal.candidates, proposal.scores
    scores.explain_pairs([(i, j) for i, j in cells if cands.allowed[i, j]])
    allowed_rows, ruled_out = [], []
    for i, j in cells:
        mentor, mentee = cands.mentors[i], cands.mentees[j]
        other = mentor if side == "mentee" else mentee
        if other.id == person.id:
            continue
        if not cands.allowed[i, j]:
            ruled_out.append(Candidate(person, side, other, "ruled out", note=blocked_reason(cands, i, j)))
            continue
        status = chosen.get((mentor.id, mentee.id), "allowed")
        note = status if status != "allowed" else ""
        if status == "allowed" and side == "mentee" and mine is not None:
            note = why_not(scores, cands, assignment, (mine, j), i) or ""
        elif status == "allowed" and side == "mentee" and mine is None:
            note = f"{mentee.name} is unmatched: see Unmatched"
        elif status == "allowed":
            taken = [cands.mentors[ii].name for ii, jj in assignment.pairs if jj == j]
            note = f"matched with {taken[0]}" if taken else ""
        allowed_rows.append(
            Candidate(
                person,
                side,
                other,
                status,
                100.0 * float(scores.total[i, j]),
                scores.contributions(i, j),
                note,
            )
        )
    allowed_rows.sort(key=lambda c: (c.status == "allowed", -(c.score or 0.0)))
    return allowed_rows + ruled_out
