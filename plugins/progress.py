"""Progress (P25, P28): pairs that stall, milestones that slip, reviews that never happened.

These rules read the progress records beside program.toml (`records/`) and point at the pair
or cohort in program.toml, where the owner acts. Programs without records get no findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from pydantic import Field

from generator.findings import Violation
from generator.hookspecs import hookimpl
from generator.records.progress import (
    DROP_ENTRIES,
    DROP_POINTS,
    STALL_FACTOR,
    feedback_drops,
    missing_end_reviews,
    overdue_milestones,
    stalling_pairs,
)
from generator.rules import NoOptions, Rule, RuleOptions

if TYPE_CHECKING:
    from generator.project import Project


class StallingOptions(RuleOptions):
    factor: float = Field(
        STALL_FACTOR, gt=0, le=100, description="Times the alignment-check interval without a session."
    )


class FeedbackDropOptions(RuleOptions):
    ratings: int = Field(DROP_ENTRIES, ge=2, le=100, description="Ratings in a row that fall.")
    points: float = Field(DROP_POINTS, gt=0, le=4, description="By at least this much each time.")


def check_stalling(project: Project, options: StallingOptions) -> Iterator[Violation]:
    for concern in stalling_pairs(project.program, project.records, project.today, options.factor):
        yield Violation(concern.path, concern.message)


def check_overdue(project: Project, options: NoOptions) -> Iterator[Violation]:
    for concern in overdue_milestones(project.program, project.records, project.today):
        yield Violation(concern.path, concern.message)


def check_end_review(project: Project, options: NoOptions) -> Iterator[Violation]:
    for concern in missing_end_reviews(project.program, project.records, project.today):
        yield Violation(concern.path, concern.message)


def check_feedback_drop(project: Project, options: FeedbackDropOptions) -> Iterator[Violation]:
    found = feedback_drops(project.program, project.records, project.today, options.ratings, options.points)
    for concern in found:
        yield Violation(concern.path, concern.message)


_SESSIONS = 'sessions = [{ date = 2026-10-06, kind = "alignment-check" }]'


@hookimpl
def handbook_register_rules(register: Callable[[Rule], None]) -> None:
    register(
        Rule(
            code="HB501",
            name="pair-stalling",
            severity="warning",
            summary="An active pair has not met for longer than 1.5 times its alignment-check interval.",
            what="For each active pair of a running cohort that keeps records, finds the last recorded "
            "session (or the pair's start if none) and reports the pair when more days have passed than "
            "`factor` times its most frequent alignment-check cadence.",
            why="A pair that stops meeting rarely recovers alone. Spotting it early lets the owner talk "
            "to both and, if needed, rebalance the mentee to another mentor (P25).",
            example=f'# records/2026-autumn.toml, checked on 2026-11-24\n[[pairs]]\nmentor = "wang-fang"\n'
            f'mentee = "mei-lin-chua"\n{_SESSIONS}\n# 49 days without a session, monthly checks -> HB501',
            fix="Record the sessions that took place. If the pair has stalled, talk to both; to reassign "
            'the mentee, mark the pair `state = "rebalanced"` with a `reason` and an `end` date.',
            check=check_stalling,
            options=StallingOptions,
        )
    )
    register(
        Rule(
            code="HB502",
            name="milestone-overdue",
            severity="warning",
            summary="A milestone in an active pair's contract is past its due date and not reached.",
            what="For each active pair of a cohort that keeps records, reports every milestone of the "
            "pair's contract whose due date (from the pair's start) has passed without a matching entry "
            "in the pair's `milestones` record.",
            why="Milestones are the small wins that keep a pair moving (P19); one that slips quietly is "
            "often the first sign that the objectives need a mid-course correction.",
            example='[[milestones]]\nid = "first-experiment"\ndue = "6 weeks"\n\n# six weeks after '
            'the pair\'s start, no { milestone = "first-experiment", ... } in its record -> HB502',
            fix="Record the milestone if it was reached (with its date and evidence); otherwise agree a "
            "new plan at the next alignment check, or change the pair's contract milestones.",
            check=check_overdue,
        )
    )
    register(
        Rule(
            code="HB503",
            name="end-review-missing",
            severity="warning",
            summary="A cohort past its end has pairs without a recorded end review.",
            what="For each cohort that keeps records and whose end date has passed, counts the pairs "
            "(except rebalanced ones) with no session of an `end-review` cadence kind.",
            why="The end review turns a cohort's experience into evidence: what changed, what to keep, "
            "and what the next cohort and the matching should do differently (P28, P29).",
            example='# cohort ended 2026-08-28; a pair\'s sessions have no kind = "end-review" -> HB503',
            fix="Hold the missing end reviews and record them as sessions with the end-review cadence's "
            "id as their kind.",
            check=check_end_review,
        )
    )
    register(
        Rule(
            code="HB504",
            name="feedback-drop",
            severity="warning",
            summary="One side's feedback fell at each of its last ratings, by a point or more.",
            what="For each active pair, averages each feedback entry over the four scales, per side. "
            "Reports a side whose last `ratings` entries each fell below the one before, by `points` or "
            "more from first to last.",
            why="A sustained fall in clarity, confidence, influence or relationship quality is an early "
            "warning that the pair is not working, long before the end review would show it.",
            example="feedback from the mentee: 4.0, then 3.2, then 2.8 -> HB504",
            fix="Talk to the pair (separately first). Adjust the contract at a mid-course correction, "
            "or rebalance the mentee.",
            check=check_feedback_drop,
            options=FeedbackDropOptions,
        )
    )
