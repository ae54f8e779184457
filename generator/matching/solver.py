"""The exact assignment: the most mentees matched, then the highest total score.

Each mentor is repeated once per free place (capacity expansion), which turns the problem into a
rectangular assignment that `scipy.optimize.linear_sum_assignment` solves exactly. Allowed
candidates are worth `BONUS + score` (a cost of minus that), ruled-out ones 0; with BONUS larger
than any possible sum of scores, one more matched mentee always beats any gain in score, so the
optimum is lexicographic. A ruled-out candidate in the solution means "unmatched".

The weakest-pair objective first finds the highest score threshold that still matches as many
mentees (binary search over the candidate scores, Hopcroft-Karp for each test), then solves the
assignment above that threshold.

People with role 'both' sit on both sides (`same`: their mentor and mentee index). Two
conditions then fall outside an assignment: being mentored takes one of their places, and two
of them may not mentor each other. The solver stays exact by branch and bound: it solves the
assignment without those conditions (an upper bound), and where the answer breaks one it
solves the two cases that cover every allowed answer (the person is not mentored / has one
place fewer; one or the other of the two pairs is left out), keeping the best. Cohorts without
such people never branch.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching


def _slots(free: np.ndarray) -> np.ndarray:
    """The mentor index of each free place."""
    return np.repeat(np.arange(len(free)), np.maximum(free, 0))


Same = tuple[tuple[int, int], ...]


def assign(
    total: np.ndarray,
    allowed: np.ndarray,
    free: np.ndarray,
    weakest_first: bool = False,
    same: Same | list[tuple[int, int]] = (),
) -> list[tuple[int, int]]:
    """(mentor, mentee) index pairs of an optimal assignment, sorted by mentee.

    `total` and `allowed` are mentors x mentees; `free` is each mentor's number of places;
    `same` lists (mentor index, mentee index) of each person on both sides.
    """
    same = tuple(same)
    if total.shape[1] == 0 or int(np.maximum(free, 0).sum()) == 0:
        return []
    if weakest_first:
        if same:
            threshold = _weakest_threshold_both(total, allowed, free, same)
        else:
            threshold = weakest_pair_threshold(total, allowed, _slots(free))
        allowed = allowed & (total >= threshold)
    if not same:
        return _assign(total, allowed, free)
    return _branch_and_bound(total, allowed, free, same)


def _assign(total: np.ndarray, allowed: np.ndarray, free: np.ndarray) -> list[tuple[int, int]]:
    slots = _slots(free)
    n_mentees = total.shape[1]
    if len(slots) == 0 or n_mentees == 0:
        return []
    # Costs (negated values) built in place: `maximize=True` would copy the whole matrix again.
    cost = total.T[:, slots]  # mentees x places
    cost += n_mentees + 1.0
    np.negative(cost, out=cost)
    cost[~allowed.T[:, slots]] = 0.0
    rows, cols = linear_sum_assignment(cost)
    chosen = cost[rows, cols] < 0
    pairs = [(int(slots[c]), int(r)) for r, c in zip(rows[chosen], cols[chosen], strict=True)]
    return sorted(pairs, key=lambda pair: pair[1])


def _value(total: np.ndarray, pairs: list[tuple[int, int]]) -> tuple[int, float]:
    """Most mentees first, then the total score (rounded so that equal sums compare equal)."""
    return len(pairs), round(math.fsum(float(total[i, j]) for i, j in pairs), 9)


def _broken(pairs: list[tuple[int, int]], free: np.ndarray, same: Same) -> tuple[str, int, int] | None:
    """The first condition on people in both roles that `pairs` breaks, if any."""
    load = np.bincount([i for i, _ in pairs], minlength=len(free)) if pairs else np.zeros(len(free), int)
    matched = {j for _, j in pairs}
    chosen = set(pairs)
    for i, j in same:
        if j in matched and load[i] + 1 > free[i]:
            return "places", i, j
    for a, (ia, ja) in enumerate(same):
        for ib, jb in same[a + 1 :]:
            if (ia, jb) in chosen and (ib, ja) in chosen:
                return "mutual", a, same.index((ib, jb))
    return None


def _branch_and_bound(
    total: np.ndarray, allowed: np.ndarray, free: np.ndarray, same: Same
) -> list[tuple[int, int]]:
    best: list[tuple[int, int]] | None = None
    best_value = (-1, -math.inf)
    stack = [(allowed, np.asarray(free).copy())]
    while stack:
        mask, places = stack.pop()
        pairs = _assign(total, mask, places)
        value = _value(total, pairs)
        if value <= best_value:
            continue  # this relaxation cannot beat the best answer found
        broken = _broken(pairs, free, same)  # against the places people really have
        if broken is None:
            best, best_value = pairs, value
            continue
        kind, a, b = broken
        first, second = (mask.copy(), places.copy()), (mask.copy(), places.copy())
        if kind == "places":  # a = mentor index, b = mentee index of the same person
            first[0][:, b] = False  # not mentored
            second[1][a] -= 1  # mentored: one place fewer
        else:  # a, b index `same`: a mentors b, or b mentors a, not both
            (ia, ja), (ib, jb) = same[a], same[b]
            first[0][ia, jb] = False
            second[0][ib, ja] = False
        stack += [second, first]
    return best or []


def _weakest_threshold_both(total: np.ndarray, allowed: np.ndarray, free: np.ndarray, same: Same) -> float:
    """`weakest_pair_threshold` for cohorts with people in both roles: each test counts the most
    mentees matched under the same conditions, exactly."""
    count = len(_branch_and_bound(np.zeros_like(total), allowed, free, same))
    if count == 0:
        return -np.inf
    levels = np.unique(total[allowed])
    low, high = 0, len(levels) - 1
    while low < high:
        mid = (low + high + 1) // 2
        found = _branch_and_bound(np.zeros_like(total), allowed & (total >= levels[mid]), free, same)
        if len(found) == count:
            low = mid
        else:
            high = mid - 1
    return float(levels[low])


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
