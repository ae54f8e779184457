"""Concrete session dates for a cohort or pair, from the cadences and the date window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from generator.model import MAX_SPAN_DAYS, Cadence, Event

MAX_SESSIONS_PER_CADENCE = MAX_SPAN_DAYS + 1
"""A daily cadence over the longest window validation allows (five years). Validation bounds
windows and intervals, so reaching this means a program skipped validation: the schedule stops
with an error instead of expanding without end."""


@dataclass(frozen=True)
class Session:
    date: dt.date
    title: str
    kind: str
    minutes: int
    checklist: tuple[str, ...] = ()


def cohort_schedule(
    cadences: Iterable[Cadence], start: dt.date, end: dt.date, events: Iterable[Event] = ()
) -> list[Session]:
    """Every dated session between start and end, in date order."""
    sessions: list[Session] = []
    for c in cadences:
        checklist = tuple(c.checklist)
        if c.every is not None:
            times = 1
            while (day := c.every.add_to(start, times)) <= end:
                assert times <= MAX_SESSIONS_PER_CADENCE, (
                    f"cadence {c.id!r} from {start} to {end} expands past {MAX_SESSIONS_PER_CADENCE} "
                    "sessions: the program was not validated"
                )
                sessions.append(Session(day, c.name, c.kind, c.duration_minutes, checklist))
                times += 1
        elif c.at is not None:
            day = {"start": start, "end": end, "midpoint": start + (end - start) / 2}[c.at]
            sessions.append(Session(day, c.name, c.kind, c.duration_minutes, checklist))
    for e in events:
        sessions.append(Session(e.date, e.title, e.kind, 120))
    return sorted(sessions, key=lambda s: (s.date, s.title))
