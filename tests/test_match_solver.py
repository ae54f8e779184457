"""The optimiser is exact: it agrees with brute force on small random instances, with an
independently written integer program on medium ones and with a dense assignment on larger ones
(where the flow must grow past its first candidates), also with people in both roles; and it is
deterministic."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

from generator.matching.solver import assign


def _value(pairs, total) -> tuple[int, float]:
    return len(pairs), round(sum(float(total[i, j]) for i, j in pairs), 9)


def _breaks_both_roles(pairs, free, same) -> bool:
    """Being mentored takes one of a person's places; two people never mentor each other."""
    matched = {j for _, j in pairs}
    for i, j in same:
        if sum(1 for k, _ in pairs if k == i) + (j in matched) > free[i]:
            return True
    for ia, ja in same:
        for ib, jb in same:
            if (ia, jb) in pairs and (ib, ja) in pairs:
                return True
    return False


def _brute_force(total, allowed, free, weakest_first=False, same=()):
    """Every way to give each mentee one allowed mentor or none, within capacity."""
    m, n = total.shape
    best, best_key = [], None
    options = [[None, *[i for i in range(m) if allowed[i, j]]] for j in range(n)]
    for choice in itertools.product(*options):
        pairs = [(i, j) for j, i in enumerate(choice) if i is not None]
        if any(sum(1 for i, _ in pairs if i == k) > free[k] for k in range(m)):
            continue
        if _breaks_both_roles(pairs, free, same):
            continue
        count, score = _value(pairs, total)
        weakest = min((float(total[i, j]) for i, j in pairs), default=0.0)
        key = (count, weakest, score) if weakest_first else (count, score)
        if best_key is None or key > best_key:
            best, best_key = pairs, key
    return best, best_key


def _instance(rng: np.random.Generator, m: int, n: int):
    total = np.round(rng.random((m, n)), 3)
    allowed = rng.random((m, n)) > 0.3
    free = rng.integers(0, 3, size=m)
    return total, allowed, free


@pytest.mark.parametrize("seed", range(40))
def test_matches_brute_force_on_small_random_instances(seed):
    rng = np.random.default_rng(seed)
    total, allowed, free = _instance(rng, int(rng.integers(1, 4)), int(rng.integers(1, 6)))
    pairs = assign(total, allowed, free)
    _, (count, score) = _brute_force(total, allowed, free)
    assert _value(pairs, total) == (count, score)
    assert all(allowed[i, j] for i, j in pairs)
    assert all(sum(1 for i, _ in pairs if i == k) <= free[k] for k in range(len(free)))


@pytest.mark.parametrize("seed", range(60))
def test_weakest_pair_objective_matches_brute_force(seed):
    rng = np.random.default_rng(1000 + seed)
    total, allowed, free = _instance(rng, int(rng.integers(1, 4)), int(rng.integers(1, 6)))
    pairs = assign(total, allowed, free, weakest_first=True)
    _, key = _brute_force(total, allowed, free, weakest_first=True)
    weakest = min((float(total[i, j]) for i, j in pairs), default=0.0)
    assert (len(pairs), weakest) == key[:2]
    assert _value(pairs, total)[1] == pytest.approx(key[2])


def _milp_optimum(total, allowed, free, same=()) -> tuple[int, float]:
    """The same problem as a 0/1 integer program over the allowed candidates (HiGHS); people in
    both roles add one row each (places as mentor plus being mentored) and one per two of them
    (not mentoring each other)."""
    m, n = total.shape
    edges = [(i, j) for i in range(m) for j in range(n) if allowed[i, j]]
    bonus = n + 1.0
    c = -np.array([bonus + total[i, j] for i, j in edges])
    per_mentee = np.zeros((n, len(edges)))
    per_mentor = np.zeros((m, len(edges)))
    for k, (i, j) in enumerate(edges):
        per_mentee[j, k] = 1
        per_mentor[i, k] = 1
    rows, upper = [], []
    for i, j in same:
        rows.append(per_mentor[i] + per_mentee[j])
        upper.append(free[i])
    for a, (ia, ja) in enumerate(same):
        for ib, jb in same[a + 1 :]:
            rows.append(np.array([1.0 if e in ((ia, jb), (ib, ja)) else 0.0 for e in edges]))
            upper.append(1)
    constraints = [LinearConstraint(per_mentee, 0, 1), LinearConstraint(per_mentor, 0, free)]
    if rows:
        constraints.append(LinearConstraint(np.array(rows), 0, np.array(upper)))
    result = milp(c, integrality=np.ones(len(edges)), bounds=Bounds(0, 1), constraints=constraints)
    chosen = [edges[k] for k, x in enumerate(result.x) if x > 0.5]
    return _value(chosen, total)


@pytest.mark.parametrize("seed", range(6))
def test_agrees_with_an_integer_program_on_medium_instances(seed):
    rng = np.random.default_rng(2000 + seed)
    total, allowed, free = _instance(rng, 15, 40)
    count, score = _value(assign(total, allowed, free), total)
    expected_count, expected_score = _milp_optimum(total, allowed, free)
    assert count == expected_count
    assert score == pytest.approx(expected_score, abs=1e-6)


def test_more_mentees_matched_beats_a_higher_score():
    # One mentor with one place wants mentee 0 (0.9) but mentee 1 has only mentor 0; mentor 1 can
    # take only mentee 0. The best total would leave mentee 1 out; the optimum matches both.
    total = np.array([[0.9, 0.1], [0.2, 0.0]])
    allowed = np.array([[True, True], [True, False]])
    pairs = assign(total, allowed, np.array([1, 1]))
    assert sorted(pairs) == [(0, 1), (1, 0)]


def test_same_input_same_output_even_when_every_score_ties():
    total = np.full((4, 9), 0.5)
    allowed = np.ones((4, 9), dtype=bool)
    free = np.array([2, 2, 2, 2])
    first = assign(total, allowed, free)
    assert len(first) == 8
    assert all(assign(total.copy(), allowed.copy(), free.copy()) == first for _ in range(5))


def test_nothing_to_assign_is_an_empty_answer():
    assert assign(np.zeros((0, 3)), np.zeros((0, 3), dtype=bool), np.zeros(0, dtype=int)) == []
    assert assign(np.zeros((2, 0)), np.zeros((2, 0), dtype=bool), np.array([1, 1])) == []
    assert assign(np.ones((2, 2)), np.ones((2, 2), dtype=bool), np.array([0, 0])) == []
    assert assign(np.ones((2, 2)), np.zeros((2, 2), dtype=bool), np.array([1, 1])) == []


def _both_roles_instance(rng: np.random.Generator, m: int, n: int, both: int):
    """Mentors 0..both-1 are also mentees 0..both-1 (people in both roles)."""
    total, allowed, free = _instance(rng, m, n)
    same = tuple((k, k) for k in range(both))
    for i, j in same:
        allowed[i, j] = False  # nobody mentors themselves (a hard constraint upstream)
    free = np.maximum(free, 1)
    return total, allowed, free, same


@pytest.mark.parametrize("seed", range(60))
def test_both_roles_match_brute_force(seed):
    rng = np.random.default_rng(3000 + seed)
    m = int(rng.integers(2, 4))
    total, allowed, free, same = _both_roles_instance(rng, m, int(rng.integers(m, 6)), m)
    pairs = assign(total, allowed, free, same=same)
    _, (count, score) = _brute_force(total, allowed, free, same=same)
    assert _value(pairs, total) == (count, score)
    assert not _breaks_both_roles(pairs, free, same)


@pytest.mark.parametrize("seed", range(30))
def test_both_roles_weakest_pair_matches_brute_force(seed):
    rng = np.random.default_rng(4000 + seed)
    total, allowed, free, same = _both_roles_instance(rng, 3, int(rng.integers(3, 6)), 3)
    pairs = assign(total, allowed, free, weakest_first=True, same=same)
    _, key = _brute_force(total, allowed, free, weakest_first=True, same=same)
    weakest = min((float(total[i, j]) for i, j in pairs), default=0.0)
    assert (len(pairs), weakest) == key[:2]
    assert _value(pairs, total)[1] == pytest.approx(key[2])
    assert not _breaks_both_roles(pairs, free, same)


@pytest.mark.parametrize("seed", range(6))
def test_both_roles_agree_with_an_integer_program(seed):
    rng = np.random.default_rng(5000 + seed)
    total, allowed, free, same = _both_roles_instance(rng, 12, 30, 6)
    pairs = assign(total, allowed, free, same=same)
    assert not _breaks_both_roles(pairs, free, same)
    count, score = _value(pairs, total)
    expected_count, expected_score = _milp_optimum(total, allowed, free, same)
    assert count == expected_count
    assert score == pytest.approx(expected_score, abs=1e-6)


def test_two_people_in_both_roles_never_mentor_each_other():
    # Each is the other's best mentor and has room: the optimum still picks one direction.
    total = np.array([[0.0, 0.9], [0.9, 0.0]])
    allowed = np.array([[False, True], [True, False]])
    pairs = assign(total, allowed, np.array([2, 2]), same=((0, 0), (1, 1)))
    assert len(pairs) == 1


def test_being_mentored_takes_one_of_a_persons_places():
    # Person 0 (both roles, one place) can mentor mentee 1 or be mentored by mentor 1, not both.
    total = np.array([[0.0, 0.8], [0.5, 0.0]])
    allowed = np.array([[False, True], [True, False]])
    pairs = assign(total, allowed, np.array([1, 1]), same=((0, 0),))
    assert pairs == [(0, 1)]


def _expanded_assignment_optimum(total, allowed, free) -> tuple[int, float]:
    """The same problem solved another way: scipy's dense assignment on the capacity-expanded
    matrix (each mentor once per place), as the matcher did before it used a flow."""
    slots = np.repeat(np.arange(len(free)), free)
    n = total.shape[1]
    value = np.where(allowed.T[:, slots], total.T[:, slots] + n + 1.0, 0.0)
    rows, cols = linear_sum_assignment(value, maximize=True)
    chosen = [(int(slots[c]), int(r)) for r, c in zip(rows, cols, strict=True) if value[r, c] > 0]
    return _value(chosen, total)


@pytest.mark.parametrize("seed", range(4))
def test_agrees_with_a_dense_assignment_when_everyone_wants_the_same_mentors(seed):
    # Scores share one ranking of the mentors (plus noise), so each mentee's first few candidates
    # are everyone's: the flow must grow past its starting candidates to stay exact.
    rng = np.random.default_rng(6000 + seed)
    m, n = 120, 300
    popularity = np.sort(rng.random(m))[::-1]
    total = np.round(0.7 * popularity[:, None] + 0.3 * rng.random((m, n)), 6)
    allowed = rng.random((m, n)) > 0.2
    free = rng.integers(0, 4, size=m)
    pairs = assign(total, allowed, free)
    assert all(allowed[i, j] for i, j in pairs)
    assert all(sum(1 for i, _ in pairs if i == k) <= free[k] for k in range(m))
    count, score = _value(pairs, total)
    expected_count, expected_score = _expanded_assignment_optimum(total, allowed, free)
    assert count == expected_count
    assert score == pytest.approx(expected_score, abs=1e-6)


@pytest.mark.parametrize("seed", range(30))
def test_runner_up_is_the_best_other_allowed_mentor_pair_by_pair(seed):
    """The runner-ups, found a block of the score matrix at a time, are what a pair-by-pair look
    gives: the best allowed mentor other than the chosen one (the first on ties), or none."""
    from types import SimpleNamespace

    from generator.matching import explain

    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(1, 6)), int(rng.integers(1, 9))
    total = np.round(rng.integers(0, 4, size=(m, n)) / 4.0, 9)  # few values: many ties
    allowed = rng.random((m, n)) < 0.6
    chosen = [(int(rng.integers(m)), j) for j in range(n) if rng.random() < 0.7]
    candidates = SimpleNamespace(mentors=list(range(m)), mentees=list(range(n)), allowed=allowed)
    found = explain.runner_ups(SimpleNamespace(total=total), candidates, chosen)  # type: ignore[arg-type]
    expected = []
    for i, j in chosen:
        others = [r for r in range(m) if r != i and allowed[r, j]]
        expected.append(max(others, key=lambda r: (total[r, j], -r)) if others else None)
    assert found == expected
