"""What a score component is: one part of a candidate pair's score, registered by a plugin.

Kept apart from `scoring` (which needs numpy) so that registering components, and validating
`[matching.weights]` against them when a program loads, costs no numpy import.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.matching.scoring import Sides

ScoreFunction = Callable[["Sides"], Any]
"""Takes the `Sides` being matched; returns a mentors x mentees numpy array of values in [0, 1]."""
ExplainFunction = Callable[["Sides", int, int], "str | None"]


@dataclass(frozen=True)
class Component:
    """One part of the score. `id` is its key in `[matching.weights]`."""

    id: str
    name: str
    score: ScoreFunction
    explain: ExplainFunction | None = None
    default_weight: float = 0.0
    """Used when `[matching.weights]` does not name the component: 0 unless the plugin says, so a
    program opts in."""
    plugin: str = ""
    bounded: bool = False
    """Declared by the built-in components, whose values are finite and in [0, 1] by
    construction: they skip the clean-up pass (NaN to 0, clipping) other components get."""

    def labelled(self, plugin: str) -> Component:
        return dataclasses.replace(self, plugin=plugin)
