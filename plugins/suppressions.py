"""Documentation for the findings the engine itself reports about `[[checks.suppress]]`."""

from __future__ import annotations

from collections.abc import Callable

from generator.hookspecs import hookimpl
from generator.rules import Rule


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
            check=None,
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
            check=None,
        )
    )
