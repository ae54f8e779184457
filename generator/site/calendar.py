"""The .ics calendars people subscribe to: one per cohort, and one per participant of a cohort
(their own pair sessions, the cohort's events and their milestones' due dates, with reminders).

UIDs come from stable ids, never from positions: a cadence session is `cadence id + the date it
was due` (before a weekend or a closed date moved it), an event is its id, a milestone its id,
each scoped by the pair and cohort slug. Adding an event or a pair therefore renames no other
entry, and a calendar app updates what it already has instead of showing duplicates.

Text values go through icalendar's `vText`, which escapes them per RFC 5545 (backslash, comma,
semicolon, line breaks): an `X-` property such as `X-WR-CALNAME` would otherwise be written raw.
icalendar is imported inside the functions: only a build pays for it, never `handbook check`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.site.public_view import PublicCohort, PublicPair, PublicPerson
from generator.site.schedule import Session

if TYPE_CHECKING:
    from icalendar import Event

DOMAIN = "mentorship-handbook"


@dataclass(frozen=True)
class Entry:
    """One calendar entry: a session, or a milestone's due date (all day, no session)."""

    uid: str
    session: Session
    description: str
    link: str  # a page of the handbook, relative to the site's root


def _uid(*parts: str) -> str:
    return ".".join(p.replace("/", "-").replace(":", "-") for p in parts) + f"@{DOMAIN}"


def _checklist(session: Session) -> list[str]:
    return ["Checklist:", *(f"- {item}" for item in session.checklist)] if session.checklist else []


def cohort_entries(cohort: PublicCohort) -> list[Entry]:
    """The cohort's schedule: its standard cadences and its events."""
    entries = []
    for s in cohort.schedule:
        link = f"cohorts/{cohort.slug}/checklists/" if s.checklist else f"cohorts/{cohort.slug}/schedule/"
        lines = [s.description] if s.description else []
        lines += [f"Who attends: {s.attendance}", *_checklist(s)]
        entries.append(Entry(_uid(s.key, cohort.slug), s, "\n".join(lines), link))
    return entries


def _pair_entries(cohort: PublicCohort, pair: PublicPair, role: str) -> list[Entry]:
    """What `role` ("mentor" or "mentee") of `pair` attends, and the pair's milestones."""
    link = f"cohorts/{cohort.slug}/contracts/{pair.slug}/"
    who = f"{pair.mentor.name} (mentor) and {pair.mentee.name} (mentee)"
    entries = []
    for s in pair.sessions:
        if role in s.roles or "cohort" in s.roles:
            lines = [f"Pair: {who}", f"Who attends: {s.attendance}", *_checklist(s)]
            entries.append(Entry(_uid(s.key, pair.slug, cohort.slug), s, "\n".join(lines), link))
    for m in pair.milestones:
        due = Session(
            key=f"milestone:{m.id}",
            date=m.due,
            title=f"Milestone due: {m.title}",
            kind="milestone",
            minutes=None,
        )
        lines = [f"Pair: {who}", "Success criteria:", *(f"- {c}" for c in m.criteria)]
        entries.append(Entry(_uid(due.key, pair.slug, cohort.slug), due, "\n".join(lines), link))
    return entries


def person_entries(cohort: PublicCohort, person: PublicPerson) -> list[Entry]:
    """A participant's own calendar: their pairs' sessions they attend and milestones, then the
    cohort's events and whole-cohort sessions (a cadence their pair already has is not repeated)."""
    entries = []
    own_cadences: set[str] = set()
    for pair in cohort.pairs:
        for role, member in (("mentor", pair.mentor), ("mentee", pair.mentee)):
            if member.id == person.id:
                found = _pair_entries(cohort, pair, role)
                own_cadences |= {e.session.cadence for e in found if e.session.cadence}
                entries += found
    for entry in cohort_entries(cohort):
        s = entry.session
        if "cohort" in s.roles and s.cadence not in own_cadences:
            entries.append(entry)
    return sorted(entries, key=lambda e: (e.session.date, e.session.time or dt.time(0), e.uid))


def _event(entry: Entry, stamp: dt.datetime, base_url: str) -> Event:
    from zoneinfo import ZoneInfo

    from icalendar import Event, vText

    s = entry.session
    event = Event()
    event.add("uid", vText(entry.uid))
    event.add("dtstamp", stamp)
    event.add("summary", vText(s.title))
    if s.time is None:
        event.add("dtstart", s.date)
        event.add("dtend", s.date + dt.timedelta(days=1))
    else:
        start = dt.datetime.combine(s.date, s.time, tzinfo=ZoneInfo(s.timezone) if s.timezone else None)
        event.add("dtstart", start)
        if s.minutes:
            event.add("dtend", start + dt.timedelta(minutes=s.minutes))
    description = entry.description
    if s.time is None and s.minutes:
        description = f"{description}\nDuration: {s.minutes} minutes".lstrip("\n")
    url = f"{base_url.rstrip('/')}/{entry.link}" if base_url else ""
    where = url or f"the handbook, {entry.link}"
    event.add("description", vText(f"{description}\n\nDetails: {where}".lstrip("\n")))
    if url:
        event.add("url", url)
    return event


class CalendarWriter:
    """Writes the calendars of one build. A session is in several calendars (a pair's in the
    mentor's and the mentee's, an event in every member's): each entry and each time zone is
    serialised by icalendar once, and each calendar is those pieces inside its own VCALENDAR.

    A time zone's rules cover `years` (the program's, first to last) in every calendar: apps that
    keep one definition per TZID, whichever calendar brought it (vobject does), then read every
    calendar right.
    """

    def __init__(
        self,
        program_name: str,
        *,
        stamp: dt.datetime,
        base_url: str = "",
        remind_days: int = 0,
        years: tuple[int, int] | None = None,
    ):
        self.program_name = program_name
        self.years = years
        self.stamp = stamp
        self.base_url = base_url
        self.remind_days = remind_days
        self._events: dict[str, bytes] = {}
        self._alarms: dict[tuple[str, int], bytes] = {}
        self._zones: dict[tuple[str, int, int], bytes] = {}

    def _event_bytes(self, entry: Entry, remind_days: int) -> bytes:
        """The entry's VEVENT, with its reminder when `remind_days` is set. The event without
        reminder (as in the cohort's calendar) and each reminder text are serialised once; the
        VALARM goes last inside the VEVENT, where icalendar itself puts subcomponents."""
        event = self._events.get(entry.uid)
        if event is None:
            event = self._events[entry.uid] = _event(entry, self.stamp, self.base_url).to_ical()
        if not remind_days:
            return event
        key = (entry.session.title, remind_days)
        alarm = self._alarms.get(key)
        if alarm is None:
            from icalendar import Alarm, vText

            component = Alarm()
            component.add("action", "DISPLAY")
            component.add("description", vText(f"In {remind_days} days: {entry.session.title}"))
            component.add("trigger", -dt.timedelta(days=remind_days))
            alarm = self._alarms[key] = component.to_ical()
        end = b"END:VEVENT\r\n"
        assert event.endswith(end)
        return event[: -len(end)] + alarm + end

    def _zone_bytes(self, tzid: str, first: int, last: int) -> bytes:
        """Time zone rules for the program's years only, not 1970 to 2038."""
        key = (tzid, first, last)
        cached = self._zones.get(key)
        if cached is None:
            from icalendar import Timezone

            zone = Timezone.from_tzid(
                tzid, first_date=dt.date(first, 1, 1), last_date=dt.date(last + 1, 1, 1)
            )
            cached = self._zones[key] = zone.to_ical()
        return cached

    def _calendar(self, name: str, entries: list[Entry], remind_days: int) -> bytes:
        from icalendar import Calendar, vText

        cal = Calendar()
        cal.add("prodid", "-//mentorship-handbook//EN")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("x-wr-calname", vText(name))
        head, end = cal.to_ical(), b"END:VCALENDAR\r\n"
        assert head.endswith(end)
        zones = sorted({e.session.timezone for e in entries if e.session.time is not None} - {""})
        parts = [head[: -len(end)]]
        if zones:
            dates = [e.session.date for e in entries]
            first, last = self.years or (min(dates).year, max(dates).year)
            parts += [self._zone_bytes(z, first, last) for z in zones]
        parts += [self._event_bytes(e, remind_days) for e in entries]
        return b"".join([*parts, end])

    def cohort(self, cohort: PublicCohort) -> bytes:
        """The cohort's calendar, without reminders: its size is bounded by the schedule's (at
        most `MAX_SESSIONS_PER_CADENCE` per cadence)."""
        return self._calendar(f"{self.program_name}: {cohort.name}", cohort_entries(cohort), 0)

    def person(self, cohort: PublicCohort, person: PublicPerson) -> bytes:
        """A participant's own calendar in one cohort, reminding `remind_days` before each entry."""
        name = f"{self.program_name}: {cohort.name}, {person.name}"
        return self._calendar(name, person_entries(cohort, person), self.remind_days)


def cohort_calendar(
    program_name: str, cohort: PublicCohort, *, stamp: dt.datetime, base_url: str = ""
) -> bytes:
    """One cohort's calendar on its own."""
    return CalendarWriter(program_name, stamp=stamp, base_url=base_url).cohort(cohort)
