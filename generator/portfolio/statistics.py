"""Estimates with honest uncertainty: rates with Wilson intervals, means with t intervals.

The portfolio compares small groups of pairs, so intervals must behave at small n: Wilson's
score interval stays inside 0-100 % and never collapses at 0 or n successes; the difference of
two rates uses Newcombe's method built from the two Wilson intervals; means use Student's t
(Welch's for a difference), which widens properly when only a few pairs are measured.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import fmean, stdev

from scipy import stats

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Estimate:
    """A value with its confidence interval and the number of pairs behind it."""

    value: float
    low: float
    high: float
    n: int
    successes: int | None = None  # for rates: how many of the n


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(1 - (1 - confidence) / 2))


def wilson(successes: int, n: int, confidence: float = CONFIDENCE) -> Estimate:
    """A rate (successes out of n) with Wilson's score interval."""
    if n <= 0:
        raise ValueError("a rate needs at least one observation")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be between 0 and {n}, not {successes}")
    p = successes / n
    z = _z(confidence)
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Estimate(p, low, high, n, successes)


def mean_interval(values: list[float], confidence: float = CONFIDENCE) -> Estimate:
    """A mean with Student's t interval (a single value has an unbounded interval)."""
    n = len(values)
    if n == 0:
        raise ValueError("a mean needs at least one observation")
    mean = fmean(values)
    if n == 1:
        return Estimate(mean, -math.inf, math.inf, 1)
    half = float(stats.t.ppf(1 - (1 - confidence) / 2, n - 1)) * stdev(values) / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n)


def rate_difference(a: Estimate, b: Estimate) -> Estimate:
    """a - b for two Wilson rates, with Newcombe's hybrid score interval."""
    d = a.value - b.value
    low = d - math.sqrt((a.value - a.low) ** 2 + (b.high - b.value) ** 2)
    high = d + math.sqrt((a.high - a.value) ** 2 + (b.value - b.low) ** 2)
    return Estimate(d, low, high, a.n + b.n)


def mean_difference(a: list[float], b: list[float], confidence: float = CONFIDENCE) -> Estimate:
    """mean(a) - mean(b) with Welch's t interval (no equal-variance assumption)."""
    if len(a) < 2 or len(b) < 2:
        d = fmean(a) - fmean(b)
        return Estimate(d, -math.inf, math.inf, len(a) + len(b))
    va, vb = stdev(a) ** 2 / len(a), stdev(b) ** 2 / len(b)
    d = fmean(a) - fmean(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return Estimate(d, d, d, len(a) + len(b))
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(stats.t.ppf(1 - (1 - confidence) / 2, df)) * se
    return Estimate(d, d - half, d + half, len(a) + len(b))
