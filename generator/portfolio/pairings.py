"""Kinds of pairings: each dimension splits the pairs into two groups the portfolio compares.

A dimension names the `[matching]` lever it informs, so a clear difference between its groups
can become a suggestion to change that lever (see `review.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.model import Cohort, Pair, Program
from generator.policies.workload import busiest, mentor_windows

if TYPE_CHECKING:
    from generator.project import Project


@dataclass
class Context:
    """What classifying a pair needs beyond the pair itself, computed once per review."""

    program: Program
    loads: dict[tuple[str, str, str], int]
    scores: dict[tuple[str, str, str], float]
    median_score: float

    @classmethod
    def of(cls, project: Project) -> Context:
        scores = match_scores(project)
        values = sorted(scores.values())
        median = values[len(values) // 2] if values else 0.0
        return cls(project.program, mentor_loads(project.program), scores, median)


Classifier = Callable[[Context, Cohort, Pair], str | None]


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str
    groups: tuple[str, str]  # (the kind the lever favours, the other kind)
    classify: Classifier
    if_first_better: str  # the change to suggest when the evidence favours groups[0]
    if_second_better: str


def _differs(attribute: str, groups: tuple[str, str]) -> Classifier:
    def classify(ctx: Context, cohort: Cohort, pair: Pair) -> str | None:
        mentor, mentee = ctx.program.person(pair.mentor), ctx.program.person(pair.mentee)
        return groups[0] if getattr(mentor, attribute) != getattr(mentee, attribute) else groups[1]

    return classify


def _style_contrast(ctx: Context, cohort: Cohort, pair: Pair) -> str | None:
    mentor, mentee = ctx.program.person(pair.mentor), ctx.program.person(pair.mentee)
    if mentor.leadership_style is None or mentee.leadership_style is None:
        return None
    return "contrasting styles" if mentor.leadership_style != mentee.leadership_style else "similar styles"


def mentor_loads(program: Program) -> dict[tuple[str, str, str], int]:
    """For each (cohort, mentor, mentee): the most pairs the mentor ran at once during this pair,
    counted by the workload policy HB101 checks."""
    windows = mentor_windows(program, both_sides=False)
    loads: dict[tuple[str, str, str], int] = {}
    for cohort in program.cohorts:
        for pair in cohort.pairs:
            during = busiest(windows[pair.mentor], within=cohort.window(pair))
            loads[(cohort.id, pair.mentor, pair.mentee)] = len(during)
    return loads


def match_scores(project: Project) -> dict[tuple[str, str, str], float]:
    """For each (cohort, mentor, mentee): the pair's `handbook match` score out of 100, from the
    project's components and weights (as if the cohort were matched afresh)."""
    import numpy as np

    from generator.matching.candidates import capacities
    from generator.matching.proposal import weights
    from generator.matching.scoring import Sides, score

    program = project.program
    found: dict[tuple[str, str, str], float] = {}
    for cohort in program.cohorts:
        if not cohort.pairs:
            continue
        mentors = list(dict.fromkeys(p.mentor for p in cohort.pairs))
        mentees = list(dict.fromkeys(p.mentee for p in cohort.pairs))
        people = [program.person(m) for m in mentors]
        spare = np.array([c.hours_limit for c in capacities(program, cohort, people, kept=[])])
        sides = Sides(program, people, [program.person(m) for m in mentees], spare)
        total = score(sides, project.components, weights(project)).total
        row = {m: i for i, m in enumerate(mentors)}
        column = {m: j for j, m in enumerate(mentees)}
        for pair in cohort.pairs:
            i, j = row[pair.mentor], column[pair.mentee]
            found[(cohort.id, pair.mentor, pair.mentee)] = 100.0 * float(total[i, j])
    return found


def _score_band(ctx: Context, cohort: Cohort, pair: Pair) -> str | None:
    value = ctx.scores.get((cohort.id, pair.mentor, pair.mentee))
    if value is None:
        return None
    return "higher match score" if value >= ctx.median_score else "lower match score"


def _mentor_load(ctx: Context, cohort: Cohort, pair: Pair) -> str | None:
    load = ctx.loads[(cohort.id, pair.mentor, pair.mentee)]
    return "one mentee at a time" if load <= 1 else "two or more at a time"


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "division",
        "Cross-division vs same division",
        ("cross-division", "same division"),
        _differs("division", ("cross-division", "same division")),
        "raise the matching weight on perspective diversity across divisions",
        "lower the matching weight on perspective diversity across divisions",
    ),
    Dimension(
        "geography",
        "Cross-geography vs same geography",
        ("cross-geography", "same geography"),
        _differs("geography", ("cross-geography", "same geography")),
        "raise the matching weight on perspective diversity across geographies",
        "lower the matching weight on perspective diversity across geographies",
    ),
    Dimension(
        "style",
        "Leadership-style contrast",
        ("contrasting styles", "similar styles"),
        _style_contrast,
        "raise the matching weight on leadership-style contrast",
        "lower the matching weight on leadership-style contrast",
    ),
    Dimension(
        "score",
        "Match score bands (split at the median score)",
        ("higher match score", "lower match score"),
        _score_band,
        "keep the [matching] weights: pairs the matcher scores higher did better",
        "review the [matching] weights: pairs the matcher scores lower did better",
    ),
    Dimension(
        "mentor-load",
        "Mentor load",
        ("one mentee at a time", "two or more at a time"),
        _mentor_load,
        "give each mentor one mentee at a time ([guardrails] max_mentees_per_mentor = 1)",
        "mentors with two or more mentees did better: the workload cap is not holding pairs back",
    ),
)
