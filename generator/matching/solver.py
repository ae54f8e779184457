"""The exact assignment: the most mentees matched, then the highest total score.

A min-cost flow (OR-tools' `SimpleMinCostFlow`) over a sparse graph: each mentee's few best
candidates first, then whichever others the duality check says could improve it, until none can
(see `_assign`). Chosen by measurement on the tool's own score matrices (benchmarks/bench_match.py):
at 8,000 mentees x 3,000 mentors it reaches the same optimum as `linear_sum_assignment` on the
capacity-expanded dense matrix in a fraction of its time, without that 600 MB matrix. Every
candidate is worth `BONUS + score`; with BONUS larger than any possible sum of scores, one more
matched mentee always beats any gain in score, so the optimum is lexicographic.

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


_FIRST_CANDIDATES = 16
"""Each mentee's best candidates the first solve starts from; the optimality check adds others."""
_ADDED_PER_MENTEE = 4
"""Each round adds, per mentee, at most this many of the candidates that would improve the flow."""
_CHUNK = 256  # mentees per block when picking first candidates (a block fits in the cache)
_SCAN = 128  # mentees per block when pricing every candidate (a block fits in the cache)


def _assign(total: np.ndarray, allowed: np.ndarray, free: np.ndarray) -> list[tuple[int, int]]:
    """The exact assignment as a min-cost flow, on a sparse graph that grows until it is proven
    optimal for the whole score matrix.

    Flow: source -> each mentee (1) -> an allowed mentor (1, cost -(BONUS + score)) -> sink
    (the mentor's places); a bypass source -> sink leaves mentees unmatched at cost 0. With the
    bonus above any sum of scores, the cheapest flow matches the most mentees, then the best
    total. It is first solved over each mentee's best few mentors. Shortest-path potentials of
    the residual graph then price every allowed candidate left out: if none would lower the cost,
    the potentials prove the flow optimal for all of them (linear-programming duality); otherwise
    those candidates are added and it is solved again.
    """
    m, n = total.shape
    places = np.maximum(np.asarray(free, dtype=np.int64), 0)
    open_rows = places > 0
    if n == 0 or not open_rows.any():
        return []
    network = _Network(m, n, places)
    rows, cols = _best_candidates(total, allowed, open_rows)
    while True:
        used, mentee_potential, mentor_potential = network.solve(total, rows, cols)
        more_rows, more_cols = _improving(
            total, allowed, open_rows, network, mentee_potential, mentor_potential, rows, cols
        )
        if len(more_rows) == 0:
            break
        rows, cols = np.concatenate([rows, more_rows]), np.concatenate([cols, more_cols])
    return sorted(zip(rows[used].tolist(), cols[used].tolist(), strict=True), key=lambda pair: pair[1])


class _Network:
    """The flow network of one assignment: node 0 the source, 1..n the mentees, n+1..n+m the
    mentors, n+m+1 the sink."""

    def __init__(self, m: int, n: int, places: np.ndarray) -> None:
        self.m, self.n, self.places = m, n, places
        self.nodes = n + m + 2
        self.scale, self.bonus = _integer_costs(int(min(n, places.sum())), self.nodes)

    def cost(self, total: np.ndarray) -> np.ndarray:
        """Integer arc costs of candidates (scores are rounded to 9 decimals, so this is exact)."""
        return -(self.bonus + np.rint(total * self.scale).astype(np.int64))

    def solve(
        self, total: np.ndarray, rows: np.ndarray, cols: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which candidate arcs carry flow, and the mentees' and mentors' potentials."""
        from ortools.graph.python import min_cost_flow  # only `handbook match` loads OR-tools

        m, n, nodes = self.m, self.n, self.nodes
        source, sink = 0, nodes - 1
        mentee_nodes = 1 + np.arange(n, dtype=np.int64)
        mentor_nodes = 1 + n + np.arange(m, dtype=np.int64)
        tails = np.concatenate([np.zeros(n, np.int64), 1 + cols, mentor_nodes, [source]])
        heads = np.concatenate([mentee_nodes, 1 + n + rows, np.full(m, sink), [sink]])
        caps = np.concatenate([np.ones(n + len(rows), np.int64), self.places, [n]])
        costs = np.concatenate(
            [np.zeros(n, np.int64), self.cost(total[rows, cols]), np.zeros(m + 1, np.int64)]
        )
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        supplies = np.zeros(nodes, np.int64)
        supplies[source], supplies[sink] = n, -n
        flow.set_nodes_supplies(np.arange(nodes), supplies)
        status = flow.solve()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"the min-cost-flow solver stopped with status {status}")
        flows = flow.flows(np.arange(len(tails)))
        forward, backward = flows < caps, flows > 0
        distance = _potentials(
            nodes,
            np.concatenate([tails[forward], heads[backward]]),
            np.concatenate([heads[forward], tails[backward]]),
            np.concatenate([costs[forward], -costs[backward]]),
        )
        used = flows[n : n + len(rows)] > 0
        return used, distance[mentee_nodes], distance[mentor_nodes]


def _potentials(nodes: int, tails: np.ndarray, heads: np.ndarray, costs: np.ndarray) -> np.ndarray:
    """Shortest distances over the residual arcs from a virtual node joined to every node at
    cost 0 (Bellman-Ford that relaxes only the arcs leaving nodes whose distance just fell,
    all of them at once with numpy). At an optimal flow there is no negative cycle, so it ends."""
    order = np.argsort(tails, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    starts = np.searchsorted(tails, np.arange(nodes + 1))
    distance = np.zeros(nodes, dtype=np.int64)
    frontier = np.arange(nodes)
    for _ in range(nodes + 1):
        first, count = starts[frontier], starts[frontier + 1] - starts[frontier]
        arcs = np.repeat(first - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
        if len(arcs) == 0:
            return distance
        lower = distance.copy()
        np.minimum.at(lower, heads[arcs], distance[tails[arcs]] + costs[arcs])
        frontier = np.flatnonzero(lower < distance)
        distance = lower
        if len(frontier) == 0:
            return distance
    raise RuntimeError("the residual graph has a negative cycle: the flow was not optimal")


def _integer_costs(most_pairs: int, nodes: int) -> tuple[int, int]:
    """(score scale, bonus per matched mentee): the finest scale whose sums the solver can hold."""
    for scale in (10**9, 10**7, 10**5):
        bonus = scale * (most_pairs + 1)
        if (bonus + scale) * (nodes + 1) < 2**62:
            return scale, bonus
    raise ValueError(f"{most_pairs} pairs are more than one cohort can be matched in")


def _best_candidates(
    total: np.ndarray, allowed: np.ndarray, open_rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(mentor, mentee) of each mentee's few best allowed mentors with places."""
    m, n = total.shape
    k = min(_FIRST_CANDIDATES, m)
    found_rows, found_cols = [], []
    for start in range(0, n, _CHUNK):
        stop = min(n, start + _CHUNK)
        # Mentees x mentors, contiguous: partitioning along a contiguous axis is several times
        # faster than down the columns of the mentors x mentees matrix.
        block = np.ascontiguousarray(total[:, start:stop].T)
        np.putmask(block, ~(allowed[:, start:stop].T & open_rows[None, :]), -1.0)
        top = np.argpartition(block, m - k, axis=1)[:, m - k :] if k < m else np.indices(block.shape)[1]
        keep = np.take_along_axis(block, top, axis=1) >= 0
        found_rows.append(top[keep])
        found_cols.append(np.broadcast_to(np.arange(start, stop)[:, None], top.shape)[keep])
    return np.concatenate(found_rows).astype(np.int64), np.concatenate(found_cols).astype(np.int64)


def _improving(
    total: np.ndarray,
    allowed: np.ndarray,
    open_rows: np.ndarray,
    network: _Network,
    mentee_potential: np.ndarray,
    mentor_potential: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Allowed candidates outside the graph with a negative reduced cost (they would improve it)."""
    m, n = total.shape
    k = min(_ADDED_PER_MENTEE, m)
    closed = ~(allowed & open_rows[:, None])
    scale = float(network.scale)
    # Costs and potentials are whole numbers, so a candidate improves the flow exactly when its
    # reduced cost -(bonus + scale * score) + mentee potential - mentor potential is below -0.5,
    # that is when its gain, scale * score + mentor potential, exceeds the mentee's threshold.
    threshold = mentee_potential - float(network.bonus) + 0.5
    gain = np.empty((m, min(n, _SCAN)))  # reused: a block of a few columns stays in the cache
    found_rows, found_cols = [], []
    for start in range(0, n, _SCAN):
        stop = min(n, start + _SCAN)
        block = gain[:, : stop - start]
        np.multiply(total[:, start:stop], scale, out=block)
        block += mentor_potential[:, None]
        np.putmask(block, closed[:, start:stop], -np.inf)
        columns = np.flatnonzero(block.max(axis=0) > threshold[start:stop])
        if len(columns) == 0:
            continue
        best = np.ascontiguousarray(block[:, columns].T)  # mentees x mentors: see _best_candidates
        # The few most improving candidates of each such mentee (column generation).
        top = np.argpartition(best, m - k, axis=1)[:, m - k :] if k < m else np.indices(best.shape)[1]
        keep = np.take_along_axis(best, top, axis=1) > threshold[start + columns][:, None]
        found_rows.append(top[keep])
        found_cols.append(np.broadcast_to((start + columns)[:, None], top.shape)[keep])
    if not found_rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    r, c = np.concatenate(found_rows).astype(np.int64), np.concatenate(found_cols).astype(np.int64)
    new = ~np.isin(r * n + c, rows * n + cols)
    return r[new], c[new]


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
