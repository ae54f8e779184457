"""Suppressions (`[[checks.suppress]]`) that have expired or no longer match anything.

Ordinary rules: they can be ignored, selected and given another severity like any other. The
engine applies the suppressions still in force before `unused-suppression` reviews them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from generator.findings import Finding, Violation
from generator.hookspecs import hookimpl
from generator.rules import NoOptions, Rule, suppression_applies

if TYPE_CHECKING:
    from generator.project import Project


def check_expired(project: Project, options: NoOptions) -> Iterator[Violation]:
    for i, suppression in enumerate(project.program.checks.suppress):
        if suppression.expires is not None and suppression.expires < project.today:
            yield Violation(
                ("checks", "suppress", i),
                f"this suppression of {suppression.rule} at {suppression.path} expired on "
                f"{suppression.expires.isoformat()}: fix the finding, or renew the suppression with "
                "a reason",
            )


def review_unused(project: Project, options: NoOptions, findings: Sequence[Finding]) -> Iterator[Violation]:
    for i, suppression in enumerate(project.program.checks.suppress):
        if suppression.expires is not None and suppression.expires < project.today:
            continue  # expired: HB002 reports it
        if not any(suppression_applies(suppression, finding) for finding in findings):
            yield Violation(
                ("checks", "suppress", i),
                f"this suppression of {suppression.rule} at {suppression.path} matches no finding: remove it",
            )


@hookimpl
def handbook_register_rules(register: Callable[[Rule], None]) -> None:
    register(
        Rule(
            code="HB002",
            name="suppression-expired",
            severity="error",
            summary="A suppression is past its expiry date.",
            what="Reports a `[[checks.suppress]]` entry whose `expires` date has passed. The finding it "
            "suppressed is reported again.",
            why="A suppression is a promise to fix something later. An expiry date keeps that promise "
            "visible instead of letting an exception become permanent.",
            example='[[checks.suppress]]\nrule = "mentor-load"\npath = "people[3]"\n'
            'reason = "Covering for a colleague on leave"\nexpires = 2026-01-31',
            fix="Fix the underlying finding and remove the suppression, or renew it with a new date and "
            "a reason.",
            check=check_expired,
        )
    )
    register(
        Rule(
            code="HB003",
            name="unused-suppression",
            severity="warning",
            summary="A suppression matches no finding.",
            what="Reports a `[[checks.suppress]]` entry whose rule and key path match no finding.",
            why="Stale suppressions hide future problems at the same place.",
            example='[[checks.suppress]]\nrule = "complementarity"\npath = "cohorts[0].pairs[9]"\n'
            'reason = "..."  # but that pair no longer exists',
            fix="Remove the suppression.",
            review=review_unused,
        )
    )
