"""Records -> one row of outcome measures per pair, the unit the portfolio compares.

Each measure is None when a pair's records do not say (no outcome recorded yet, a single round
of feedback), so a pair counts only towards the measures it has evidence for.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

from generator.model import Cohort, Pair, Program
from generator.records import PairRecord, ProgressRecords

GROWTH_SCALES = ("clarity", "confidence", "influence")
"""The feedback scales that describe the mentee's growth (relationship quality is separate)."""


@dataclass(frozen=True)
class Measure:
    """An outcome the portfolio compares: a rate (yes/no per pair) or a mean (a number per pair)."""

    key: str
    title: str
    kind: str  # "rate" or "mean"
    unit: str = ""
    higher_is_better: bool = True


MEASURES: tuple[Measure, ...] = (
    Measure("promoted", "promotion rate", "rate"),
    Measure("project_achieved", "projects achieved", "rate"),
    Measure("growth", "growth in feedback", "mean", "points on the 1-5 scales"),
    Measure("collaboration", "new collaborations", "mean", "per mentee"),
    Measure("kept", "pairs kept together (not rebalanced)", "rate"),
)


@dataclass(frozen=True)
class PairOutcome:
    cohort: Cohort
    pair: Pair
    promoted: bool | None
    project_achieved: bool | None
    growth: float | None
    collaboration: float | None
    kept: bool | None  # None while the pair is still active

    def value(self, measure: Measure) -> float | bool | None:
        return getattr(self, measure.key)


def feedback_growth(record: PairRecord) -> float | None:
    """Average change from each side's first to last feedback on the growth scales.

    Each side is compared with itself (a mentor may rate more strictly than a mentee), and the
    pair's growth is the mean over the sides that gave feedback at least twice.
    """
    changes = []
    for side in ("mentee", "mentor"):
        entries = sorted((f for f in record.feedback if f.by == side), key=lambda f: f.date)
        if len(entries) >= 2:
            first = fmean(entries[0].score(s) for s in GROWTH_SCALES)
            last = fmean(entries[-1].score(s) for s in GROWTH_SCALES)
            changes.append(last - first)
    return fmean(changes) if changes else None


def pair_outcomes(program: Program, records: ProgressRecords) -> list[PairOutcome]:
    """Outcome measures for every pair that has a record."""
    rows = []
    for cohort in program.cohorts:
        for pair in cohort.pairs:
            record = records.for_pair(cohort, pair)
            if record is None:
                continue
            promoted = record.latest_outcome("promoted")
            project = record.latest_outcome("project")
            collaboration = record.latest_outcome("collaboration")
            rows.append(
                PairOutcome(
                    cohort=cohort,
                    pair=pair,
                    promoted=bool(promoted) if promoted is not None else None,
                    project_achieved=(project == "achieved") if project is not None else None,
                    growth=feedback_growth(record),
                    collaboration=float(collaboration) if collaboration is not None else None,  # type: ignore[arg-type]
                    kept=None if pair.state == "active" else pair.state != "rebalanced",
                )
            )
    return rows
