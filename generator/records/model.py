"""The validated shape of a progress-records file (`records/<cohort>.toml`).

One file per cohort keeps a cohort's history in one reviewable place, beside program.toml. Every
value here is private to program owners: the handbook only ever shows aggregates computed from
it (see `generator.site.dashboards`), and `handbook portfolio` writes an owner-only report.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from generator.model import Section, Text

Scale = Annotated[int, Field(ge=1, le=5)]
"""A rating on the fixed 1-5 scale: 1 = not at all, 3 = sometimes, 5 = consistently."""

FEEDBACK_SCALES: tuple[str, ...] = ("clarity", "confidence", "influence", "relationship")
"""The fixed feedback scales, in the order reports show them."""

SESSION = "session"
"""The kind of an ordinary session; any other kind names a cadence id from program.toml."""


class Session(Section):
    """A conversation the pair held."""

    date: dt.date
    kind: str = Field(SESSION, description="'session', or the id of the cadence it fulfilled.")
    minutes: int | None = Field(None, gt=0, le=24 * 60)


class MilestoneReached(Section):
    """A milestone from the pair's contract, reached on a date, with the evidence for it."""

    milestone: str
    date: dt.date
    evidence: Text


class Feedback(Section):
    """One side's view of the mentee's growth and of the relationship, on the fixed scales."""

    date: dt.date
    by: Literal["mentor", "mentee"]
    clarity: Scale
    confidence: Scale
    influence: Scale
    relationship: Scale
    comment: str = ""

    def score(self, scale: str) -> int:
        return int(getattr(self, scale))


class Behaviour(Section):
    """An observed behaviour indicator: a `category = "behaviour"` metric, rated on the scale."""

    date: dt.date
    indicator: str
    level: Scale
    note: str = ""


class Outcome(Section):
    """Outcome measures taken on a date; later entries supersede earlier ones."""

    date: dt.date
    promoted: bool | None = None
    project: Literal["achieved", "partial", "missed"] | None = None
    collaboration: float | None = Field(
        None, ge=0, description="New cross-team collaborations the mentee leads or joined."
    )
    note: str = ""


class PairRecord(Section):
    """Everything recorded for one pair, named by its mentor and mentee ids."""

    mentor: str
    mentee: str
    sessions: list[Session] = Field(default_factory=list)
    milestones: list[MilestoneReached] = Field(default_factory=list)
    feedback: list[Feedback] = Field(default_factory=list)
    behaviours: list[Behaviour] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)

    def last_session(self) -> dt.date | None:
        return max((s.date for s in self.sessions), default=None)

    def latest_outcome(self, measure: str) -> object | None:
        """The most recent non-empty value of an outcome measure (e.g. 'promoted')."""
        for outcome in sorted(self.outcomes, key=lambda o: o.date, reverse=True):
            value = getattr(outcome, measure)
            if value is not None:
                return value
        return None


class RecordFile(Section):
    """The root of a records file."""

    cohort: str
    pairs: list[PairRecord] = Field(default_factory=list)
