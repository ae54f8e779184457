"""The built-in score components of `handbook match`, registered like any plugin's.

Their weights default to the values declared once, in `generator.model.MatchWeights`. The score
functions live in `generator.matching.scoring` and load numpy only when a match is scored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from generator.hookspecs import hookimpl
from generator.matching.components import Component
from generator.model import MatchWeights

if TYPE_CHECKING:
    from generator.matching.scoring import Sides

BUILT_IN: tuple[tuple[str, str], ...] = (
    ("skills", "skill complementarity"),
    ("experience", "experience breadth"),
    ("perspective", "perspective diversity"),
    ("style", "leadership-style contrast"),
    ("reverse", "reverse-mentoring value"),
    ("availability", "availability fit"),
    ("overlap", "working-hours overlap"),
    ("preference", "mentee preference"),
)


def _scored_by(function: str) -> Callable[[Sides], Any]:
    def score(sides: Sides) -> Any:
        from generator.matching import scoring

        return getattr(scoring, function)(sides)

    score.__name__ = function
    return score


@hookimpl
def handbook_match_components(register: Callable[[Component], None]) -> None:
    for component_id, name in BUILT_IN:
        default = MatchWeights.model_fields[component_id].default
        register(
            Component(component_id, name, _scored_by(component_id), default_weight=default, bounded=True)
        )
