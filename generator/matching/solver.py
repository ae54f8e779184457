"""The exact assignment: the most mentees matched, then the highest total score.

Each mentor is repeated once per free place (capacity expansion), which turns the problem into a
rectangular assignment that `scipy.optimize.linear_sum_assignment` solves exactly. Allowed
candidates are worth `BONUS + score` (a cost of minus that), ruled-out ones 0; with BONUS larger
than any possible sum of scores, one more matched mentee always beats any gain in score, so the
optimum is lexicographic. A ruled-out candidate in the solution means "unmatched".

The weakest-pair objective first finds the highest score threshold that still matches as many
mentees (binary search over the candidate scores, Hopcroft-Karp for each test), then solves the
assignment above that threshold.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching


def _slots(free: np.ndarray) -> np.ndarray:
    """The mentor index of each free place."""
    return np.repeat(np.arange(len(free)), np.maximum(free, 0))


def assign(
    total: np.ndarray, allowed: np.ndarray, free: np.ndarray, weakest_first: bool = False
) -> list[tuple[int, int]]:
    """(mentor, mentee) index pairs of an optimal assignment, sorted by mentee.

    `total` and `allowed` are mentors x mentees; `free` is each mentor's number of places.
    """
    slots = _slots(free)
    n_mentees = total.shape[1]
    if len(slots) == 0 or n_mentees == 0:
        return []
    if weakest_first:
        threshold = weakest_pair_threshold(total, allowed, slots)
        allowed = allowed & (total >= threshold)
    # Costs (negated values) built in place: `maximize=True` would copy the whole matrix again.
    cost = total.T[:, slots]  # mentees x places
    cost += n_mentees + 1.0
    np.negative(cost, out=cost)
    cost[~allowed.T[:, slots]] = 0.0
    rows, cols = linear_sum_assignment(cost)
    chosen = cost[rows, cols] < 0
    pairs = [(int(slots[c]), int(r)) for r, c in zip(rows[chosen], cols[chosen], strict=True)]
    return sorted(pairs, key=lambda pair: pair[1])


def _matched_count(allowed_places: np.ndarray) -> int:
    """Maximum number of mentees that can be matched (Hopcroft-Karp on the allowed graph)."""
    graph = csr_matrix(allowed_places.astype(np.int8))
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())


def weakest_pair_threshold(total: np.ndarray, allowed: np.ndarray, slots: np.ndarray) -> float:
    """The highest score t such that candidates scoring at least t still match the most mentees."""
    places_allowed = allowed.T[:, slots]
    places_total = total.T[:, slots]
    best = _matched_count(places_allowed)
    if best == 0:
        return -np.inf
    levels = np.unique(total[allowed])
    low, high = 0, len(levels) - 1  # levels[low] always works; find the largest that does
    while low < high:
        mid = (low + high + 1) // 2
        if _matched_count(places_allowed & (places_total >= levels[mid])) == best:
            low = mid
        else:
            high = mid - 1
    return float(levels[low])
