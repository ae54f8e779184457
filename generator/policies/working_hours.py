"""Working hours across time zones: how many working hours a day two people share.

A person's zone is their own `timezone`, else their cohort's; their hours are `working_hours`
(local), else 09:00-17:00. Hours are placed on the UTC clock at noon of the cohort's first day,
so daylight saving time is taken as it stands when the pairs start. Someone with no zone at all
has unknown hours: no minimum applies to them and the overlap score is neutral.

`handbook match` rules out pairs below `[matching] min_overlap_hours` and scores the rest with
the same numbers, so the constraint and the score cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from generator.model import Person, working_minutes

DEFAULT_HOURS = "09:00-17:00"
_DAY = 1440


@lru_cache(maxsize=512)
def _offset_minutes(zone: str, on: dt.date) -> int:
    from zoneinfo import ZoneInfo

    moment = dt.datetime.combine(on, dt.time(12), tzinfo=ZoneInfo(zone))
    offset = moment.utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def zone_of(person: Person, default_zone: str) -> str:
    return person.timezone or default_zone


def utc_windows(people: Sequence[Person], default_zone: str, on: dt.date) -> np.ndarray:
    """people x 2 minutes [start, end) on the UTC clock (start in 0..1439); NaN where unknown."""
    out = np.full((len(people), 2), np.nan, dtype=np.float64)
    for k, person in enumerate(people):
        zone = zone_of(person, default_zone)
        if not zone:
            continue
        start, end = working_minutes(person.working_hours or DEFAULT_HOURS)
        shift = _offset_minutes(zone, on)
        utc_start = (start - shift) % _DAY
        out[k] = (utc_start, utc_start + (end - start))
    return out


def _shared(mentors: np.ndarray, mentees: np.ndarray) -> np.ndarray:
    """Shared hours of every span in `mentors` with every span in `mentees` (few distinct ones).

    Both spans sit on a 24-hour circle, so the mentee's span is also compared a day earlier and
    a day later."""
    a1, a2 = mentors[:, 0:1], mentors[:, 1:2]
    b1, b2 = mentees[None, :, 0], mentees[None, :, 1]
    shared = np.zeros((len(mentors), len(mentees)), dtype=np.float64)
    for shift in (-_DAY, 0, _DAY):
        shared += np.clip(np.minimum(a2, b2 + shift) - np.maximum(a1, b1 + shift), 0, None)
    cap = np.minimum(a2 - a1, b2 - b1)
    return np.minimum(shared, cap) / 60.0


def shared_hours(mentors: np.ndarray, mentees: np.ndarray) -> np.ndarray:
    """mentors x mentees shared working hours a day (0-24), float32; NaN where either is unknown.

    People share a handful of zones and working hours, so the hours are worked out once per
    distinct pair of spans and looked up for everyone (thousands of people cost no more)."""
    mentor_spans, mentor_code = np.unique(mentors, axis=0, return_inverse=True)
    mentee_spans, mentee_code = np.unique(mentees, axis=0, return_inverse=True)
    table = _shared(mentor_spans, mentee_spans).astype(np.float32)
    # Columns first (a small table), then whole rows copied: far faster than gathering columns.
    return table[:, mentee_code.reshape(-1)][mentor_code.reshape(-1)]
