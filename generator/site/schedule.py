"""Concrete session dates for a cohort or pair, from the cadences, the events and the date window.

Sessions fall on working days: a date on a Saturday, a Sunday or one of the program's
`[calendar] closed_dates` moves to the next working day. Each session keeps a stable `key` (the
cadence id and the date it was due before moving, or the event id), which calendars use as the
basis of their UIDs, so adding an event or a closed date never renames another session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from generator.model import MAX_SPAN_DAYS, Cadence, Event

MAX_SESSIONS_PER_CADENCE = MAX_SPAN_DAYS + 1
"""A daily cadence over the longest window validation allows (five years). Validation bounds
windows and intervals, so reaching this means a program skipped validation: the schedule stops
with an error instead of expanding without end."""

ATTENDEE_WORDS = {
    "mentor": "Mentor",
    "mentee": "Mentee",
    "sponsor": "Executive sponsor",
    "program-owner": "Program owners",
    "cohort": "Whole cohort",
}
"""How each kind of attendee reads on a page and in a calendar."""

KIND_WORDS = {
    "alignment-check": "alignment check",
    "mid-course-correction": "mid-course correction",
    "sponsor-review": "sponsor review",
    "end-review": "end review",
    "check-in": "check-in",
    "case-debrief": "case debrief",
}
"""How a kind of session or event reads; kinds not listed read as written ("workshop")."""

PAIR_ATTENDEES = frozenset({"mentor", "mentee", "cohort"})
"""Attendees that make a cadence one the pair itself attends."""


@dataclass(frozen=True)
class Session:
    key: str  # stable: "cadence-id/2026-11-05" (the date it was due) or "event:event-id"
    date: dt.date
    title: str
    kind: str
    minutes: int | None
    checklist: tuple[str, ...] = ()
    attendees: tuple[str, ...] = ()  # as read: "Mentor", "Program owners"
    time: dt.time | None = None
    timezone: str = ""
    description: str = ""
    cadence: str = ""  # the cadence id, "" for an event
    roles: tuple[str, ...] = ("cohort",)  # who attends, as in program.toml: "mentor", "sponsor"

    @property
    def attendance(self) -> str:
        return ", ".join(self.attendees)


def working_day(day: dt.date, closed: frozenset[dt.date]) -> dt.date:
    """`day`, or the first day after it that is neither a weekend nor a closed date.

    Ends: `closed` is bounded by validation (at most 1,000 dates), so at most that many plus
    their weekends are skipped."""
    while day.weekday() >= 5 or day in closed:
        day += dt.timedelta(days=1)
    return day


def attends(cadence: Cadence, roles: frozenset[str]) -> bool:
    """Whether someone in one of `roles` attends: a cadence naming no attendees is for everyone."""
    return not cadence.attendees or bool(
        roles.intersection(cadence.attendees) or "cohort" in cadence.attendees
    )


def _cadence_session(c: Cadence, due: dt.date, closed: frozenset[dt.date], timezone: str) -> Session:
    return Session(
        key=f"{c.id}/{due.isoformat()}",
        date=working_day(due, closed),
        title=c.name,
        kind=c.kind,
        minutes=c.duration_minutes,
        checklist=tuple(c.checklist),
        attendees=tuple(ATTENDEE_WORDS[a] for a in c.attendees) or (ATTENDEE_WORDS["cohort"],),
        time=c.time,
        timezone=timezone if c.time is not None else "",
        cadence=c.id,
        roles=tuple(c.attendees) or ("cohort",),
    )


def cohort_schedule(
    cadences: Iterable[Cadence],
    start: dt.date,
    end: dt.date,
    events: Iterable[Event] = (),
    *,
    closed: frozenset[dt.date] = frozenset(),
    timezone: str = "",
) -> list[Session]:
    """Every dated session between start and end, on working days, in date order."""
    sessions: list[Session] = []
    for c in cadences:
        taken: set[dt.date] = set()  # a daily cadence's Saturday and Sunday both move to Monday: once
        if c.every is not None:
            times = 1
            while (day := c.every.add_to(start, times)) <= end:
                assert times <= MAX_SESSIONS_PER_CADENCE, (
                    f"cadence {c.id!r} from {start} to {end} expands past {MAX_SESSIONS_PER_CADENCE} "
                    "sessions: the program was not validated"
                )
                if (moved := _cadence_session(c, day, closed, timezone)).date not in taken:
                    taken.add(moved.date)
                    sessions.append(moved)
                times += 1
        elif c.at is not None:
            sessions.append(
                _cadence_session(
                    c,
                    {"start": start, "end": end, "midpoint": start + (end - start) / 2}[c.at],
                    closed,
                    timezone,
                )
            )
    for e in events:
        sessions.append(
            Session(
                key=f"event:{e.id}",
                date=e.date,
                title=e.title,
                kind=e.kind,
                minutes=e.duration_minutes,
                attendees=(ATTENDEE_WORDS["cohort"],),
                time=e.time,
                timezone=timezone if e.time is not None else "",
                description=e.description,
            )
        )
    return sorted(sessions, key=lambda s: (s.date, s.time or dt.time(0), s.title))
