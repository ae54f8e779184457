"""How estimates and verdicts read, shared by the terminal and the HTML report."""

from __future__ import annotations

import math

from generator.portfolio.outcomes import Measure
from generator.portfolio.review import NO_CLEAR_DIFFERENCE, TOO_SMALL, Comparison, Group, Review


def _pct(x: float) -> str:
    return f"{round(x * 100):d}%"


def _signed(x: float, digits: int = 1) -> str:
    return f"{x:+.{digits}f}"


def estimate_text(measure: Measure, group: Group, confidence: float) -> str:
    e = group.estimate
    if e is None:
        return "no pairs measured"
    level = f"{round(confidence * 100)}% CI"
    if measure.kind == "rate":
        return f"{_pct(e.value)} ({e.successes}/{e.n}), {level} {_pct(e.low)}-{_pct(e.high)}"
    if not math.isfinite(e.low):
        return f"{e.value:.2f} (n={e.n}), no interval from a single pair"
    return f"{e.value:.2f} (n={e.n}), {level} {e.low:.2f} to {e.high:.2f}"


def difference_text(comparison: Comparison, confidence: float) -> str:
    d = comparison.difference
    if d is None:
        return "no difference to compute: one group has no pairs"
    level = f"{round(confidence * 100)}% CI"
    if comparison.measure.kind == "rate":
        return (
            f"{_signed(d.value * 100, 0)} points ({level} {_signed(d.low * 100, 0)} "
            f"to {_signed(d.high * 100, 0)})"
        )
    if not math.isfinite(d.low):
        return f"{_signed(d.value, 2)} (no interval: a group has a single pair)"
    return f"{_signed(d.value, 2)} ({level} {_signed(d.low, 2)} to {_signed(d.high, 2)})"


def verdict_text(comparison: Comparison, min_sample: int) -> str:
    if comparison.verdict == TOO_SMALL:
        sizes = " and ".join(str(g.estimate.n if g.estimate else 0) for g in comparison.groups)
        return (
            f"too small to conclude anything: {sizes} pairs measured, "
            f"at least {min_sample} needed in each group"
        )
    if comparison.verdict == NO_CLEAR_DIFFERENCE:
        return "no clear difference: the interval includes zero"
    return f"{comparison.verdict} did better"


def caveat(review: Review) -> str:
    n = sum(1 for c in review.comparisons if c.verdict != TOO_SMALL)
    level = round(review.confidence * 100)
    return (
        f"{n} comparison{'' if n == 1 else 's'} large enough to test, at {level}% confidence: "
        "about one in twenty clear differences can arise by chance, so treat a single clear result "
        "as a lead to follow, not proof. Outcomes describe pairs as they were matched, not what "
        "caused them."
    )
