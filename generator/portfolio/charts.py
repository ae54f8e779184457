"""Inline SVG charts: each group's estimate as a dot on its confidence interval.

Plain SVG written into the page, so the report opens anywhere, offline, with no script or CDN.
"""

from __future__ import annotations

import math
from html import escape

from generator.portfolio.review import Comparison

WIDTH, LABEL, ROW = 560, 180, 28
COLOURS = ("#00796b", "#6d6d6d")


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


def interval_chart(comparison: Comparison) -> str:
    """A small forest plot of the comparison's two groups on a shared axis."""
    lo, hi = _axis(comparison)
    plot = WIDTH - LABEL - 20
    height = ROW * len(comparison.groups) + 26

    def x(value: float) -> float:
        value = min(max(value, lo), hi)
        return LABEL + (value - lo) / (hi - lo) * plot

    title = f"{comparison.measure.title}: {comparison.dimension.title}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    axis_y = ROW * len(comparison.groups) + 4
    parts.append(f'<line x1="{LABEL}" y1="{axis_y}" x2="{LABEL + plot}" y2="{axis_y}" stroke="#999"/>')
    for value in (lo, (lo + hi) / 2, hi):
        parts.append(
            f'<text x="{x(value):.1f}" y="{axis_y + 16}" font-size="11" text-anchor="middle" '
            f'fill="#555">{escape(_tick(comparison, value))}</text>'
        )
    if comparison.measure.kind == "mean" and lo < 0 < hi:
        parts.append(
            f'<line x1="{x(0):.1f}" y1="0" x2="{x(0):.1f}" y2="{axis_y}" '
            'stroke="#bbb" stroke-dasharray="3,3"/>'
        )
    for i, group in enumerate(comparison.groups):
        y = ROW * i + ROW / 2
        colour = COLOURS[i % len(COLOURS)]
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + 4:.1f}" font-size="12" text-anchor="end">'
            f"{escape(group.label)}</text>"
        )
        e = group.estimate
        if e is None:
            parts.append(f'<text x="{LABEL}" y="{y + 4:.1f}" font-size="11" fill="#777">no pairs</text>')
            continue
        if math.isfinite(e.low) and math.isfinite(e.high):
            parts.append(
                f'<line x1="{x(e.low):.1f}" y1="{y:.1f}" x2="{x(e.high):.1f}" y2="{y:.1f}" '
                f'stroke="{colour}" stroke-width="3"/>'
            )
        parts.append(f'<circle cx="{x(e.value):.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>')
    parts.append("</svg>")
    return "".join(parts)
