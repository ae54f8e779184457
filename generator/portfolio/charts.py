"""Inline SVG charts: each group's estimate as a dot on its confidence interval.

Plain SVG written into the page, so the report opens anywhere, offline, with no script or CDN.
The geometry is worked out here, in SVG user units formatted for printing; the `interval_chart`
macro of `templates/reports/charts.html.j2` lays it out and escapes the labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from generator.portfolio.review import Comparison

WIDTH, LABEL, ROW = 560, 180, 28
COLOURS = ("#00796b", "#6d6d6d")


@dataclass(frozen=True)
class Tick:
    x: str
    label: str


@dataclass(frozen=True)
class ChartRow:
    """One group: its label, and its estimate's dot and interval unless no pair has the measure."""

    label: str
    y: str
    text_y: str
    colour: str
    measured: bool
    value_x: str = ""
    low_x: str = ""  # low_x and high_x are "" when the estimate has no finite interval
    high_x: str = ""


@dataclass(frozen=True)
class IntervalChart:
    """A small forest plot of a comparison's groups on a shared axis."""

    title: str
    width: int
    height: int
    label_x: int
    axis_x1: int
    axis_x2: int
    axis_y: int
    tick_y: int
    ticks: list[Tick]
    zero_x: str  # the dashed line at zero of a difference in means; "" when not drawn
    rows: list[ChartRow]


def _axis(comparison: Comparison) -> tuple[float, float]:
    if comparison.measure.kind == "rate":
        return 0.0, 1.0
    points = [
        x
        for g in comparison.groups
        if g.estimate
        for x in (g.estimate.low, g.estimate.value, g.estimate.high)
        if math.isfinite(x)
    ]
    low, high = min(points, default=0.0), max(points, default=1.0)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.05
    return low - pad, high + pad


def _tick(comparison: Comparison, x: float) -> str:
    return f"{round(x * 100)}%" if comparison.measure.kind == "rate" else f"{x:.1f}"


def interval_chart(comparison: Comparison) -> IntervalChart:
    """The chart of the comparison's two groups: where each dot, line and label goes."""
    lo, hi = _axis(comparison)
    plot = WIDTH - LABEL - 20

    def x(value: float) -> str:
        value = min(max(value, lo), hi)
        return f"{LABEL + (value - lo) / (hi - lo) * plot:.1f}"

    axis_y = ROW * len(comparison.groups) + 4
    rows = []
    for i, group in enumerate(comparison.groups):
        y = ROW * i + ROW / 2
        row = ChartRow(group.label, f"{y:.1f}", f"{y + 4:.1f}", COLOURS[i % len(COLOURS)], measured=False)
        e = group.estimate
        if e is not None:
            interval = math.isfinite(e.low) and math.isfinite(e.high)
            row = replace(
                row,
                measured=True,
                value_x=x(e.value),
                low_x=x(e.low) if interval else "",
                high_x=x(e.high) if interval else "",
            )
        rows.append(row)
    return IntervalChart(
        title=f"{comparison.measure.title}: {comparison.dimension.title}",
        width=WIDTH,
        height=ROW * len(comparison.groups) + 26,
        label_x=LABEL - 8,
        axis_x1=LABEL,
        axis_x2=LABEL + plot,
        axis_y=axis_y,
        tick_y=axis_y + 16,
        ticks=[Tick(x(value), _tick(comparison, value)) for value in (lo, (lo + hi) / 2, hi)],
        zero_x=x(0) if comparison.measure.kind == "mean" and lo < 0 < hi else "",
        rows=rows,
    )
