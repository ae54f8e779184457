"""Score every mentor-mentee candidate at once: one mentors x mentees array per component.

Each component is a value in [0, 1]; the total is their weighted mean, so a total of 1 means the
pair is as complementary as the program's weights can express. Everything is computed with
numpy on incidence matrices (who has which competency or experience), never pair by pair, so a
cohort of thousands scores in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from generator.matching.components import Component
from generator.model import Person, Program

_VOCABULARY = {"strengths": "competencies", "development_goals": "competencies", "experiences": "experiences"}
"""The vocabulary each list attribute of a person draws its tags from."""


@dataclass
class Sides:
    """The people being matched, and what the components need to know about them."""

    program: Program
    mentors: Sequence[Person]
    mentees: Sequence[Person]
    mentor_spare_hours: np.ndarray  # hours a month each mentor has left for new pairs
    shared_hours: np.ndarray | None = None  # mentors x mentees working hours a day; NaN: unknown
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def subset(self, rows: np.ndarray, cols: np.ndarray) -> Sides:
        """The same program with only these mentors and mentees (for explaining a few pairs)."""
        return Sides(
            self.program,
            [self.mentors[i] for i in rows],
            [self.mentees[j] for j in cols],
            self.mentor_spare_hours[rows],
            None if self.shared_hours is None else self.shared_hours[np.ix_(rows, cols)],
        )

    def incidence(self, side: str, attribute: str) -> tuple[np.ndarray, list[str]]:
        """(people x tags) 0/1 matrix for a list attribute such as `strengths`, and the tags.

        Strengths and development goals share the competencies' tag order, so
        `strengths @ goals.T` counts the competencies in common.
        """
        key = f"{side}:{attribute}"
        tags = self._tags(_VOCABULARY[attribute])
        if key not in self._cache:
            people = self.mentors if side == "mentor" else self.mentees
            index = {tag: i for i, tag in enumerate(tags)}
            matrix = np.zeros((len(people), len(tags)), dtype=np.float32)
            rows = [r for r, p in enumerate(people) for _ in getattr(p, attribute)]
            cols = [index[t] for p in people for t in getattr(p, attribute)]
            matrix[rows, cols] = 1.0
            self._cache[key] = matrix
        return self._cache[key], tags

    @cached_property
    def _tag_orders(self) -> dict[str, list[str]]:
        """Per vocabulary: its declared ids, then any other tag people use, in first-seen order."""
        orders = {}
        for vocabulary in ("competencies", "experiences"):
            seen = dict.fromkeys(item.id for item in getattr(self.program.vocabulary, vocabulary))
            for attribute in (a for a, v in _VOCABULARY.items() if v == vocabulary):
                for person in (*self.mentors, *self.mentees):
                    seen.update(dict.fromkeys(getattr(person, attribute)))
            orders[vocabulary] = list(seen)
        return orders

    def _tags(self, vocabulary: str) -> list[str]:
        return self._tag_orders[vocabulary]

    @cached_property
    def _names(self) -> dict[str, dict[str, str]]:
        vocabulary = self.program.vocabulary
        return {
            kind: {item.id: item.name for item in getattr(vocabulary, kind)}
            for kind in ("competencies", "experiences")
        }

    def name_of(self, tag: str, vocabulary: str = "competencies") -> str:
        """A competency's (or experience's) name, for reasons in words; its id if undeclared."""
        return self._names[vocabulary].get(tag, tag)

    def codes(self, attribute: str) -> tuple[np.ndarray, np.ndarray]:
        """Integer codes for a single-valued attribute on both sides; -1 where it is not stated."""
        values: dict[str, int] = {}

        def encode(people: Sequence[Person]) -> np.ndarray:
            out = np.empty(len(people), dtype=np.int32)
            for i, person in enumerate(people):
                value = _attribute(person, attribute)
                out[i] = -1 if value in ("", None) else values.setdefault(str(value).casefold(), len(values))
            return out

        return encode(self.mentors), encode(self.mentees)


def _attribute(person: Person, attribute: str) -> object:
    if attribute == "risk_tolerance":
        return person.confidential.risk_tolerance
    return getattr(person, attribute)


# --------------------------------------------------------------------------------------------
# Built-in components
# --------------------------------------------------------------------------------------------


def _overlap_share(have: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Share of each column person's wants that each row person has: rows x columns."""
    wanted = want.sum(axis=1)
    shared = have @ want.T  # 0/1 matrices: whole counts, exact in float32
    shared /= np.maximum(wanted, 1.0)[None, :]  # in place: one matrix, not two
    return shared


def skills(sides: Sides) -> np.ndarray:
    strengths, _ = sides.incidence("mentor", "strengths")
    goals, _ = sides.incidence("mentee", "development_goals")
    return _overlap_share(strengths, goals)


def experience(sides: Sides) -> np.ndarray:
    mentor_has, _ = sides.incidence("mentor", "experiences")
    mentee_has, _ = sides.incidence("mentee", "experiences")
    new = mentor_has @ (1.0 - mentee_has).T
    new /= np.float32(sides.program.matching.experience_target)  # in place, as before in float32
    return np.minimum(new, np.float32(1.0), out=new)


def perspective(sides: Sides) -> np.ndarray:
    attributes = sides.program.matching.perspective
    total = np.zeros((len(sides.mentors), len(sides.mentees)), dtype=np.float32)
    different = np.empty(total.shape, dtype=bool)
    for attribute in attributes:
        mentor, mentee = sides.codes(attribute)
        # Different values where both are stated: compared in one reused mask, then unstated
        # rows and columns cleared (cheaper than building and combining three masks).
        np.not_equal(mentor[:, None], mentee[None, :], out=different)
        different[mentor < 0, :] = False
        different[:, mentee < 0] = False
        np.add(total, different, out=total)
    total /= np.float32(max(len(attributes), 1))
    return total


_STYLES = ("risk-aware", "methodical", "improvisational", "big-picture", "balanced")
_RISK = {"low": 0, "moderate": 1, "high": 2}


def _style_table(program: Program) -> np.ndarray:
    """Style x style values: 1 for a listed contrast, 0.5 for other different styles, 0 if equal.

    The last row and column stand for a style that is not stated (0).
    """
    n = len(_STYLES)
    table = np.full((n + 1, n + 1), 0.5, dtype=np.float32)
    np.fill_diagonal(table, 0.0)
    table[n, :] = table[:, n] = 0.0
    for a, b in program.matching.style_contrasts:
        i, j = _STYLES.index(a), _STYLES.index(b)
        table[i, j] = table[j, i] = 1.0
    return table


def _style_codes(people: Sequence[Person]) -> np.ndarray:
    n = len(_STYLES)
    return np.array(
        [_STYLES.index(p.leadership_style) if p.leadership_style else n for p in people], dtype=np.int32
    )


def _risk_levels(people: Sequence[Person]) -> np.ndarray:
    """0..2 for low..high confidential risk tolerance; 3 where it is not recorded."""
    return np.array([_RISK.get(p.confidential.risk_tolerance or "", 3) for p in people], dtype=np.int32)


def _risk_table() -> np.ndarray:
    """|difference| of risk tolerance, 0..1, as a 4 x 4 table (the last row and column: not
    recorded, 0)."""
    table = np.zeros((4, 4), dtype=np.float32)
    for a in range(3):
        for b in range(3):
            table[a, b] = abs(a - b) / 2.0
    return table


def style(sides: Sides) -> np.ndarray:
    """Leadership-style contrast; with `use_confidential_risk`, the larger of it and the risk
    contrast. Both are looked up in one table over (style, risk) combinations, so every pair
    costs one lookup."""
    table = _style_table(sides.program)
    mentor_codes, mentee_codes = _style_codes(sides.mentors), _style_codes(sides.mentees)
    if sides.program.matching.use_confidential_risk:
        risk = _risk_table()
        table = np.maximum(table[:, None, :, None], risk[None, :, None, :]).reshape(
            table.shape[0] * 4, table.shape[1] * 4
        )
        mentor_codes = mentor_codes * 4 + _risk_levels(sides.mentors)
        mentee_codes = mentee_codes * 4 + _risk_levels(sides.mentees)
    # Columns first (a small table), then whole rows copied: far faster than gathering columns.
    return table[:, mentee_codes][mentor_codes]


def reverse(sides: Sides) -> np.ndarray:
    mentee_strengths, _ = sides.incidence("mentee", "strengths")
    mentor_goals, _ = sides.incidence("mentor", "development_goals")
    # Share of each mentor's goals the mentee has, computed mentors x mentees directly (a
    # transposed result would be copied into row order by the scoring).
    shared = mentor_goals @ mentee_strengths.T
    shared /= np.maximum(mentor_goals.sum(axis=1), 1.0)[:, None]
    return shared


_UNSTATED_FIT = 0.5  # hours not stated: neither rewarded nor ruled out (intake-complete asks for them)


def availability(sides: Sides) -> np.ndarray:
    need = sides.program.guardrails.hours_per_pair_per_month
    mentee_hours = np.array([p.hours_per_month for p in sides.mentees], dtype=np.float32)
    spare = sides.mentor_spare_hours.astype(np.float32)
    fit = np.minimum(spare[:, None], mentee_hours[None, :])
    fit /= need  # in place: one matrix for the whole component
    np.minimum(fit, 1.0, out=fit)
    unstated = mentee_hours <= 0
    if unstated.any():
        fit[:, unstated] = (np.minimum(spare / need, 1.0) * _UNSTATED_FIT)[:, None]
    return fit


def overlap(sides: Sides) -> np.ndarray:
    """Shared working hours a day against `[matching] overlap_target_hours`; unknown: neutral."""
    shape = (len(sides.mentors), len(sides.mentees))
    if sides.shared_hours is None:
        return np.full(shape, _UNSTATED_FIT, dtype=np.float32)
    target = sides.program.matching.overlap_target_hours
    value = np.minimum(sides.shared_hours / np.float32(target), np.float32(1.0))
    value[np.isnan(value)] = _UNSTATED_FIT
    return value


def preference(sides: Sides) -> np.ndarray:
    """A mentee's ranked preferences: the first of k preferred mentors scores 1, the last 1/k,
    anyone else 0 (the list is confidential; only the score uses it)."""
    value = np.zeros((len(sides.mentors), len(sides.mentees)), dtype=np.float32)
    index = {person.id: i for i, person in enumerate(sides.mentors)}
    for j, mentee in enumerate(sides.mentees):
        wanted = mentee.confidential.preferences
        for rank, mentor_id in enumerate(wanted):
            i = index.get(mentor_id)
            if i is not None:
                value[i, j] = (len(wanted) - rank) / len(wanted)
    return value


# --------------------------------------------------------------------------------------------
# Totals
# --------------------------------------------------------------------------------------------


_ROWS = 32  # mentors per block when finishing the totals (a block stays in the processor's cache)
_BATCH = 64  # pairs whose component values are recomputed together (work grows with its square)


@dataclass
class Scores:
    """The weighted total of every candidate (mentors x mentees); each component's values are
    kept only for the pairs explained (`explain_pairs`), so a large cohort holds one matrix, not
    one per component."""

    components: list[Component]
    weights: np.ndarray  # one per component
    total: np.ndarray  # mentors x mentees, float64 in [0, 1]
    sides: Sides
    _values: dict[tuple[int, int], np.ndarray] = field(default_factory=dict, repr=False)

    def explain_pairs(self, pairs: Sequence[tuple[int, int]]) -> None:
        """Compute the component values of these (mentor, mentee) pairs, a batch at a time:
        each batch scores its mentors against its mentees and keeps the diagonal."""
        wanted = list(dict.fromkeys(p for p in pairs if p not in self._values))
        for start in range(0, len(wanted), _BATCH):
            batch = wanted[start : start + _BATCH]
            rows = np.array([i for i, _ in batch])
            cols = np.array([j for _, j in batch])
            part = self.sides.subset(rows, cols)
            diagonal = np.arange(len(batch))
            columns = [_clean(c, part)[diagonal, diagonal] for c in self.components]
            stacked = np.array(columns, dtype=np.float64).reshape(len(self.components), len(batch))
            for k, pair in enumerate(batch):
                self._values[pair] = stacked[:, k]

    def contributions(self, mentor: int, mentee: int) -> dict[str, float]:
        """Each component's share of the pair's total, in points out of 100."""
        if (mentor, mentee) not in self._values:
            self.explain_pairs([(mentor, mentee)])
        values = self._values[(mentor, mentee)]
        weight_sum = float(self.weights.sum()) or 1.0
        return {
            c.id: 100.0 * float(w) * float(v) / weight_sum
            for c, w, v in zip(self.components, self.weights, values, strict=True)
        }


def _clean(component: Component, sides: Sides) -> np.ndarray:
    """A component's values as float32 in [0, 1], NaN as 0, checked for shape."""
    shape = (len(sides.mentors), len(sides.mentees))
    value = np.asarray(component.score(sides), dtype=np.float32)
    if value.shape != shape:
        raise ValueError(
            f"score component {component.id!r} returned an array of shape {value.shape}, "
            f"expected {shape} (mentors x mentees)"
        )
    if not (value.flags.owndata and value.flags.writeable):
        value = value.copy()  # a view or a plugin's own array is not changed in place
    if not component.bounded:
        # NaN becomes 0 and values are clipped to [0, 1], in place (fmax drops NaN).
        np.fmin(np.fmax(value, 0.0, out=value), 1.0, out=value)
    return value


def score(sides: Sides, components: Sequence[Component], weights: dict[str, float]) -> Scores:
    """Evaluate every component with a non-zero weight and combine them."""
    shape = (len(sides.mentors), len(sides.mentees))
    used = [c for c in components if weights.get(c.id, 0.0) > 0]
    w = np.array([weights[c.id] for c in used], dtype=np.float64)
    total = np.empty(shape, dtype=np.float64)
    for n, (component, weight) in enumerate(zip(used, w, strict=True)):
        value = _clean(component, sides)
        np.multiply(value, np.float32(weight), out=value)  # in place: no second matrix
        if n == 0:
            np.copyto(total, value)  # the same as adding to zeros, one pass fewer
        else:
            np.add(total, value, out=total)
        del value  # one component's values at a time
    if not used:
        total.fill(0.0)
    weight_sum = float(w.sum()) if used else 0.0
    # Rounded so that ties in the data are ties in the score, whatever the summation order.
    # A block of rows at a time, so that dividing and rounding pass over memory once.
    for start in range(0, shape[0], _ROWS):
        block = total[start : start + _ROWS]
        if weight_sum > 0:
            block /= weight_sum
        np.round(block, 9, out=block)
    return Scores(used, w, total, sides)
