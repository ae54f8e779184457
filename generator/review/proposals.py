"""How `handbook match`'s current proposal changes when `[matching]` changes.

The head program is matched twice, once with the base's `[matching]` settings and once with
its own, by the matcher itself (`generator.matching.proposal.propose`), so the review shows what
the new weights would do to today's people, not a second scoring of its own. Imported only
when `[matching]` changed: it loads numpy and scipy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from generator.matching.proposal import MatchingError, propose
from generator.model import Matching
from generator.project import Project
from generator.review.compare import Change


def _proposed(project: Project, cohort_id: str) -> dict[str, str]:
    """mentee id -> mentor id, for the pairs the matcher would add to a cohort."""
    try:
        proposal = propose(project, cohort_id)
    except MatchingError:
        return {}
    return {p.mentee.id: p.mentor.id for p in proposal.proposed}


def proposal_changes(head: Project, base_matching: Matching) -> Iterator[Change]:
    """Per cohort, the mentees whose proposed mentor changes under the new settings."""
    program = head.program.model_copy(update={"matching": base_matching})
    before_project = dataclasses.replace(head, program=program)
    any_cohort = False
    for cohort in head.program.cohorts:
        before, after = _proposed(before_project, cohort.id), _proposed(head, cohort.id)
        if not before and not after:
            continue
        any_cohort = True
        moves = [
            {"mentee": mentee, "before": before.get(mentee), "after": after.get(mentee)}
            for mentee in dict.fromkeys([*before, *after])
            if before.get(mentee) != after.get(mentee)
        ]
        people = tuple(
            dict.fromkeys(p for m in moves for p in (m["mentee"], m["before"], m["after"]) if p is not None)
        )
        yield Change("matching", "proposal", cohort.id, people=people, detail={"moves": moves})
    if not any_cohort:
        yield Change("matching", "proposal", "", detail={"moves": []})
