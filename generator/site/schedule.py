"""Concrete session dates for a cohort or pair, from the cadences and the date window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from generator.model import Cadence, Event


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
                sessions.append(Session(day, c.name, c.kind, c.duration_minutes, checklist))
                times += 1
        elif c.at is not None:
            day = {"start": start, "end": end, "midpoint": start + (end - start) / 2}[c.at]
            sessions.append(Session(day, c.name, c.kind, c.duration_minutes, checklist))
    for e in events:
        sessions.append(Session(e.date, e.title, e.kind, 120))
    return sorted(sessions, key=lambda s: (s.date, s.title))
