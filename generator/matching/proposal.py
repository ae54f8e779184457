"""Put the steps together: a proposal for a cohort, a rebalance of one mentee, a rotation plan.

Everything here works on a validated program; nothing is written. The same program always gives
the same proposal: people are taken in program order and the solver is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from generator.diagnostics import Problem
from generator.errors import UsageError
from generator.matching import candidates as candidates_module
from generator.matching import explain
from generator.matching.candidates import BLOCKED_WORDS, Blocked, Candidates
from generator.matching.components import Component
from generator.matching.scoring import Scores, Sides, score
from generator.matching.solver import assign
from generator.model import Cohort, MatchWeights, MustPair, Pair, Person, Program
from generator.policies.pair_quality import pair_warnings
from generator.policies.workload import limit_for
from generator.project import Project
from generator.references import did_you_mean


class MatchingError(UsageError):
    """The request cannot be answered (unknown cohort or person, bad [matching] settings).

    Carries located problems where the cause is in program.toml, else a plain message.
    """

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


Status = Literal["proposed", "kept", "required"]


@dataclass
class ProposedPair:
    mentor: Person
    mentee: Person
    status: Status
    score: float | None = None  # 0..100; None for kept pairs of people outside the scoring
    points: dict[str, float] = field(default_factory=dict)  # component id -> points of the score
    reasons: list[str] = field(default_factory=list)
    runner_up: tuple[Person, float] | None = None
    why_not: str | None = None  # why not the runner-up, when they score higher
    warnings: list[str] = field(default_factory=list)  # what `handbook check` will say about it


@dataclass
class Unmatched:
    person: Person
    side: Literal["mentor", "mentee"]
    kind: str  # capacity, constraints, availability, no candidate
    reason: str


@dataclass
class Proposal:
    cohort: Cohort
    cohort_index: int
    objective: str
    components: list[Component]
    pairs: list[ProposedPair]
    unmatched: list[Unmatched]
    notes: list[Problem]
    candidates: Candidates
    scores: Scores
    sides: Sides
    round: int = 1
    replaces: Pair | None = None  # the pair a rebalance ends

    @property
    def proposed(self) -> list[ProposedPair]:
        return [p for p in self.pairs if p.status != "kept"]

    @property
    def mentees_total(self) -> int:
        return len(self.candidates.mentees) + len(self.candidates.kept)

    @property
    def mentees_matched(self) -> int:
        return len(self.pairs)

    @property
    def total_score(self) -> float:
        return sum(p.score or 0.0 for p in self.proposed)

    @property
    def weakest(self) -> float | None:
        scores = [p.score for p in self.proposed if p.score is not None]
        return min(scores) if scores else None


# --------------------------------------------------------------------------------------------
# Components and weights
# --------------------------------------------------------------------------------------------


def weights(project: Project) -> dict[str, float]:
    """Each component's weight: `[matching.weights]` (validated when the program project), else
    the component's default."""
    configured: MatchWeights = project.program.matching.weights
    result = {c.id: c.default_weight for c in project.components}
    result.update({name: getattr(configured, name) for name in MatchWeights.model_fields})
    result.update({key: float(value) for key, value in (configured.model_extra or {}).items()})
    return result


def find_cohort(project: Project, cohort_id: str) -> tuple[int, Cohort]:
    ids = [c.id for c in project.program.cohorts]
    if cohort_id in ids:
        index = ids.index(cohort_id)
        return index, project.program.cohorts[index]
    if not ids:
        raise MatchingError(f"unknown cohort {cohort_id!r}: {project.source.display} has no [[cohorts]] yet")
    hint = did_you_mean(cohort_id, ids)
    raise MatchingError(f"unknown cohort {cohort_id!r}{hint} (cohorts: {', '.join(ids)})")


# --------------------------------------------------------------------------------------------
# Proposals
# --------------------------------------------------------------------------------------------


def propose(
    project: Project,
    cohort_id: str,
    *,
    kept: list[Pair] | None = None,
    forbidden: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
    only_mentee: str | None = None,
    apply_must_pairs: bool = True,
) -> Proposal:
    """The optimal proposal for the cohort's mentees who have no mentor yet."""
    program = project.program
    index, cohort = find_cohort(project, cohort_id)
    limit = limit_for(program, project.rules.options_of("mentor-load"))
    cands = candidates_module.build(program, cohort, kept=kept, forbidden=forbidden, limit=limit)
    sides = Sides(program, cands.mentors, cands.mentees, cands.spare_hours, cands.overlap)
    scores = score(sides, project.components, weights(project))

    allowed = cands.allowed.copy()
    free = cands.free.copy()
    notes: list[Problem] = []
    forced: list[tuple[int, int]] = []
    if apply_must_pairs:
        forced = _must_pairs(project, cands, allowed, free, notes)
    same = _lock_both_roles(cands, forced, allowed, free)
    if only_mentee is not None:
        keep = np.array([m.id == only_mentee for m in cands.mentees])
        allowed[:, ~keep] = False
    weakest_first = program.matching.objective == "weakest-pair"
    chosen = assign(scores.total, allowed, free, weakest_first=weakest_first, same=same)

    pairs = [_kept(program, pair) for pair in cands.kept]
    assignment = explain.Assignment.of(scores, cands, [*forced, *chosen])
    runners = {
        status: explain.runner_ups(scores, cands, found)
        for status, found in (("required", forced), ("proposed", chosen))
    }
    scores.explain_pairs([*forced, *chosen])
    for status, found in (("required", forced), ("proposed", chosen)):
        for (i, j), runner in zip(found, runners[status], strict=True):
            pairs.append(
                ProposedPair(
                    mentor=cands.mentors[i],
                    mentee=cands.mentees[j],
                    status=status,  # type: ignore[arg-type]
                    score=100.0 * float(scores.total[i, j]),
                    points=scores.contributions(i, j),
                    reasons=explain.reasons(scores, sides, i, j),
                    runner_up=(cands.mentors[runner], 100.0 * float(scores.total[runner, j]))
                    if runner is not None
                    else None,
                    why_not=None
                    if runner is None
                    else explain.why_not(scores, cands, assignment, (i, j), runner),
                    warnings=pair_warnings(project, cands.mentors[i], cands.mentees[j]),
                )
            )

    matched_mentees = {j for _, j in (*forced, *chosen)}
    busy_mentors = {i for i, _ in (*forced, *chosen)} | {
        i for i, m in enumerate(cands.mentors) if any(p.mentor == m.id for p in cands.kept)
    }
    mentoring: dict[int, int] = {}
    for i, _ in (*forced, *chosen):
        mentoring[i] = mentoring.get(i, 0) + 1
    unmatched = []
    for j, mentee in enumerate(cands.mentees):
        if j in matched_mentees or (only_mentee is not None and mentee.id != only_mentee):
            continue
        kind, why = explain.unmatched_mentee(cands, j, mentoring)
        unmatched.append(Unmatched(mentee, "mentee", kind, why))
    if only_mentee is None:
        for i, mentor in enumerate(cands.mentors):
            if i in busy_mentors:
                continue
            kind, why = explain.unmatched_mentor(cands, i, frozenset(matched_mentees))
            unmatched.append(Unmatched(mentor, "mentor", kind, why))
    if not cands.mentors and not cands.mentees:
        notes.append(
            project.source.problem(
                ("cohorts", index, "members"),
                f"cohort {cohort.id!r} has no members to match: add mentors and mentees to its members",
            )
        )
    return Proposal(
        cohort=cohort,
        cohort_index=index,
        objective=program.matching.objective,
        components=scores.components,
        pairs=pairs,
        unmatched=unmatched,
        notes=notes,
        candidates=cands,
        scores=scores,
        sides=sides,
    )


def _lock_both_roles(
    cands: Candidates, forced: list[tuple[int, int]], allowed: np.ndarray, free: np.ndarray
) -> list[tuple[int, int]]:
    """Apply the locked pairs to people in both roles (being mentored takes a place; a locked
    mentor's mentee may not mentor them back); the rest is left to the solver."""
    mentor_of = {j: i for i, j in cands.same}
    mentee_of = {i: j for i, j in cands.same}
    for i, j in forced:
        if j in mentor_of:
            free[mentor_of[j]] -= 1
        if j in mentor_of and i in mentee_of:
            allowed[mentor_of[j], mentee_of[i]] = False
    locked = {j for _, j in forced}
    return [(i, j) for i, j in cands.same if j not in locked]


def _kept(program: Program, pair: Pair) -> ProposedPair:
    return ProposedPair(program.person(pair.mentor), program.person(pair.mentee), "kept")


def _must_pairs(
    project: Project, cands: Candidates, allowed: np.ndarray, free: np.ndarray, notes: list[Problem]
) -> list[tuple[int, int]]:
    """Lock the `[[matching.require]]` pairs that the guardrails allow; note the others."""
    forced: list[tuple[int, int]] = []
    for n, must in enumerate(project.program.matching.require):
        outcome = _must_pair(must, cands, free, forced)
        if isinstance(outcome, str):
            notes.append(
                project.source.problem(
                    ("matching", "require", n), f"must-pair {must.mentor} -> {must.mentee} {outcome}"
                )
            )
        elif outcome is not None:
            i, j = outcome
            free[i] -= 1
            allowed[:, j] = False
            forced.append(outcome)
    return forced


def _must_pair(
    must: MustPair, cands: Candidates, free: np.ndarray, forced: list[tuple[int, int]]
) -> tuple[int, int] | str | None:
    """(mentor, mentee) indexes to lock, why the must-pair cannot be, or None when it does not
    concern this cohort's unmatched mentees."""
    cohort = cands.cohort
    kept = {p.mentee: p.mentor for p in cands.kept}
    mentors = [p.id for p in cands.mentors]
    mentees = [p.id for p in cands.mentees]
    if must.cohort not in (None, cohort.id) or kept.get(must.mentee) == must.mentor:
        return None
    if must.mentee in kept:
        return f"is not applied: {must.mentee} already has mentor {kept[must.mentee]} in cohort {cohort.id!r}"
    if must.mentor not in mentors or must.mentee not in mentees:
        if must.cohort != cohort.id:
            return None  # a must-pair for any cohort concerns only the cohorts both are in
        missing, side = (must.mentor, "mentor") if must.mentor not in mentors else (must.mentee, "mentee")
        return f"is not applied: {missing} is not a {side} in cohort {cohort.id!r}; add them to its members"
    i, j = mentors.index(must.mentor), mentees.index(must.mentee)
    why = Blocked(int(cands.blocked[i, j]))
    if why != Blocked.ALLOWED:
        return (
            f"breaks a guardrail ({BLOCKED_WORDS[why]}) and is left out of the proposal: remove it or "
            "the conflicting setting"
        )
    if free[i] <= 0:
        return (
            f"would exceed {must.mentor}'s workload guardrail ({cands.capacity[i].allowed} mentee(s) at "
            "a time) and is left out of the proposal: free a place or raise max_mentees_per_mentor"
        )
    if any(jj == j for _, jj in forced):
        return f"is not applied: {must.mentee} already has a required mentor"
    return i, j


def rebalance(project: Project, cohort_id: str, person_id: str) -> Proposal:
    """A new mentor for one mentee whose pair is not progressing; every other pair is locked."""
    program = project.program
    _, cohort = find_cohort(project, cohort_id)
    ids = [p.id for p in program.people]
    if person_id not in ids:
        raise MatchingError(f"unknown person {person_id!r}{did_you_mean(person_id, ids)}")
    current = [p for p in cohort.pairs if p.mentee == person_id and p.state == "active"]
    if not current:
        raise MatchingError(
            f"{person_id} has no active pair as mentee in cohort {cohort.id!r}: --rebalance rematches "
            "a mentee whose current pair is not progressing; use `handbook match --cohort "
            f"{cohort.id}` for mentees without a mentor"
        )
    old = current[0]
    on = project.today
    start, _ = cohort.window(old)
    if not start < on < cohort.end:
        raise MatchingError(
            f"the pair {old.mentor} -> {person_id} runs from {start} to {cohort.end}; a rebalance "
            f"on {on} must fall inside it (set HANDBOOK_TODAY to choose the date)"
        )
    kept = [p for p in cohort.pairs if p is not old and p.state != "rebalanced"]
    proposal = propose(
        project,
        cohort_id,
        kept=kept,
        forbidden={(old.mentor, old.mentee)},
        only_mentee=person_id,
        apply_must_pairs=False,
    )
    proposal.replaces = old
    return proposal


def rounds(project: Project, cohort_id: str, count: int) -> list[Proposal]:
    """A rotation: `count` successive rounds, each optimal given the ones before, in which no
    mentee meets the same mentor twice. Round 1 keeps the cohort's pairs; later rounds rematch
    everyone."""
    plan: list[Proposal] = []
    met: set[tuple[str, str]] = set()
    for n in range(1, count + 1):
        proposal = propose(
            project, cohort_id, kept=None if n == 1 else [], forbidden=met, apply_must_pairs=n == 1
        )
        proposal.round = n
        met.update((p.mentor.id, p.mentee.id) for p in proposal.pairs)
        plan.append(proposal)
    return plan
