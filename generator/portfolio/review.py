"""Pair outcomes -> comparisons across kinds of pairings, verdicts and matching suggestions.

A verdict is deliberately conservative: below the minimum sample in either group it says the
sample is too small to conclude anything; otherwise it names a winner only when the confidence
interval of the difference excludes zero. A suggestion needs every clear verdict of its
dimension to point the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from generator.portfolio.outcomes import MEASURES, Measure, pair_outcomes
from generator.portfolio.pairings import DIMENSIONS, Context, Dimension
from generator.portfolio.statistics import (
    CONFIDENCE,
    Estimate,
    mean_difference,
    mean_interval,
    rate_difference,
    wilson,
)

if TYPE_CHECKING:
    from generator.project import Project

MIN_SAMPLE = 10
"""Pairs needed in each group before a comparison may conclude anything."""

TOO_SMALL = "too small to conclude"
NO_CLEAR_DIFFERENCE = "no clear difference"


@dataclass(frozen=True)
class Group:
    label: str
    estimate: Estimate | None  # None when no pair of this kind has the measure


@dataclass(frozen=True)
class Comparison:
    dimension: Dimension
    measure: Measure
    groups: tuple[Group, Group]
    difference: Estimate | None  # groups[0] - groups[1]
    verdict: str  # TOO_SMALL, NO_CLEAR_DIFFERENCE, or the label of the group that did better

    @property
    def conclusive(self) -> bool:
        return self.verdict not in (TOO_SMALL, NO_CLEAR_DIFFERENCE)

    @property
    def recorded(self) -> bool:
        """False when no pair of either kind has this measure yet."""
        return any(g.estimate is not None for g in self.groups)


@dataclass(frozen=True)
class Suggestion:
    dimension: Dimension
    text: str
    evidence: tuple[Comparison, ...]


@dataclass
class Review:
    program: str
    pairs: int
    cohorts: int
    min_sample: int
    confidence: float
    comparisons: list[Comparison] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    mixed: list[Dimension] = field(default_factory=list)

    def for_dimension(self, dimension: Dimension) -> list[Comparison]:
        return [c for c in self.comparisons if c.dimension is dimension]


def _estimate(measure: Measure, values: list[float | bool]) -> Estimate | None:
    if not values:
        return None
    if measure.kind == "rate":
        return wilson(sum(1 for v in values if v), len(values))
    return mean_interval([float(v) for v in values])


def compare(
    dimension: Dimension,
    measure: Measure,
    values: dict[str, list[float | bool]],
    min_sample: int = MIN_SAMPLE,
) -> Comparison:
    """Compare one measure between a dimension's two groups."""
    first, second = (values.get(label, []) for label in dimension.groups)
    groups = (
        Group(dimension.groups[0], _estimate(measure, first)),
        Group(dimension.groups[1], _estimate(measure, second)),
    )
    difference = None
    if first and second:
        if measure.kind == "rate":
            assert groups[0].estimate and groups[1].estimate
            difference = rate_difference(groups[0].estimate, groups[1].estimate)
        else:
            difference = mean_difference([float(v) for v in first], [float(v) for v in second])
    if len(first) < min_sample or len(second) < min_sample or difference is None:
        verdict = TOO_SMALL
    elif difference.low <= 0 <= difference.high:
        verdict = NO_CLEAR_DIFFERENCE
    else:
        first_better = (difference.value > 0) == measure.higher_is_better
        verdict = dimension.groups[0] if first_better else dimension.groups[1]
    return Comparison(dimension, measure, groups, difference, verdict)


def review_portfolio(project: Project, min_sample: int = MIN_SAMPLE) -> Review:
    """Compare every measure across every kind of pairing, then suggest what the evidence supports."""
    program = project.program
    outcomes = pair_outcomes(program, project.records)
    context = Context.of(project)
    review = Review(
        program=program.program.name,
        pairs=len(outcomes),
        cohorts=len({o.cohort.id for o in outcomes}),
        min_sample=min_sample,
        confidence=CONFIDENCE,
    )
    for dimension in DIMENSIONS:
        labels = {id(o): dimension.classify(context, o.cohort, o.pair) for o in outcomes}
        for measure in MEASURES:
            values: dict[str, list[float | bool]] = {}
            for outcome in outcomes:
                label, value = labels[id(outcome)], outcome.value(measure)
                if label is not None and value is not None:
                    values.setdefault(label, []).append(value)
            review.comparisons.append(compare(dimension, measure, values, min_sample))
        _suggest(review, dimension)
    return review


def _suggest(review: Review, dimension: Dimension) -> None:
    clear = [c for c in review.for_dimension(dimension) if c.conclusive]
    if not clear:
        return
    winners = {c.verdict for c in clear}
    if len(winners) > 1:
        review.mixed.append(dimension)
        return
    text = dimension.if_first_better if winners == {dimension.groups[0]} else dimension.if_second_better
    review.suggestions.append(Suggestion(dimension, text, tuple(clear)))
