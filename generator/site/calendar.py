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
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.site.public_view import PublicCohort, PublicPair, PublicPerson
from generator.site.schedule import Session

if TYPE_CHECKING:
    from icalendar import Component, Event
    from icalendar.parser import Contentline

DOMAIN = "mentorship-handbook"


@dataclass(frozen=True)
class Entry:
    """One calendar entry: a session, or a milestone's due date (all day, no session)."""

    uid: str
    session: Session
    description: str
    link: str  # a page of the handbook, relative to the site's root


def _uid(*parts: str) -> str:
    return ".".join(parts).replace("/", "-").replace(":", "-") + f"@{DOMAIN}"


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


def person_entries(
    cohort: PublicCohort, person: PublicPerson, of_cohort: list[Entry] | None = None
) -> list[Entry]:
    """A participant's own calendar: their pairs' sessions they attend and milestones, then the
    cohort's events and whole-cohort sessions, and for the cohort's sponsor the sessions a sponsor
    attends (a cadence their pair already has is not repeated). `of_cohort`: the cohort's
    entries, when the caller has them already."""
    entries = []
    own_cadences: set[str] = set()
    for pair in cohort.pairs:
        for role, member in (("mentor", pair.mentor), ("mentee", pair.mentee)):
            if member.id == person.id:
                found = _pair_entries(cohort, pair, role)
                own_cadences |= {e.session.cadence for e in found if e.session.cadence}
                entries += found
    sponsor = cohort.sponsor is not None and cohort.sponsor.id == person.id
    for entry in cohort_entries(cohort) if of_cohort is None else of_cohort:
        s = entry.session
        if s.cadence not in own_cadences and ("cohort" in s.roles or (sponsor and "sponsor" in s.roles)):
            entries.append(entry)
    return sorted(entries, key=lambda e: (e.session.date, e.session.time or dt.time(0), e.uid))


Value = str | dt.date | dt.timedelta
"""A property's value as the calendar code gives it to icalendar (a datetime is a date)."""

_TEXT = frozenset({"uid", "summary", "description", "x-wr-calname"})
"""Properties written through icalendar's `vText`, which escapes them (RFC 5545 TEXT)."""

_LINE_BREAK = re.compile("\r\n|[\r\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _calendar_text(value: str) -> str:
    """Free text as RFC 5545 TEXT allows it: every kind of line break one `\\n` (which vText
    escapes), any other control character a space. A calendar with a raw control character in
    it is malformed, and strict calendar apps drop the whole feed."""
    return _CONTROL.sub(" ", _LINE_BREAK.sub("\n", value))


def _event_properties(entry: Entry, stamp: dt.datetime, base_url: str) -> list[tuple[str, Value]]:
    """The entry's VEVENT properties, each (name, value) as icalendar's `add` takes it."""
    from zoneinfo import ZoneInfo

    s = entry.session
    properties: list[tuple[str, Value]] = [("uid", entry.uid), ("dtstamp", stamp), ("summary", s.title)]
    if s.time is None:
        properties += [("dtstart", s.date), ("dtend", s.date + dt.timedelta(days=1))]
    else:
        start = dt.datetime.combine(s.date, s.time, tzinfo=ZoneInfo(s.timezone) if s.timezone else None)
        properties.append(("dtstart", start))
        if s.minutes:
            properties.append(("dtend", start + dt.timedelta(minutes=s.minutes)))
    description = entry.description
    if s.time is None and s.minutes:
        description = f"{description}\nDuration: {s.minutes} minutes".lstrip("\n")
    url = f"{base_url.rstrip('/')}/{entry.link}" if base_url else ""
    where = url or f"the handbook, {entry.link}"
    properties.append(("description", f"{description}\n\nDetails: {where}".lstrip("\n")))
    if url:
        properties.append(("url", url))
    return properties


def _component(kind: type[Component], properties: list[tuple[str, Value]]) -> Component:
    """The icalendar component of these properties: what each calendar piece is serialised from."""
    from icalendar import vText

    component = kind()
    for name, value in properties:
        component.add(
            name, vText(_calendar_text(value)) if name in _TEXT and isinstance(value, str) else value
        )
    return component


def _event(entry: Entry, stamp: dt.datetime, base_url: str) -> Event:
    """The entry as one icalendar event, built whole."""
    from icalendar import Event

    event = _component(Event, _event_properties(entry, stamp, base_url))
    assert isinstance(event, Event)
    return event


FOLD_AT = 74
"""icalendar folds a line into pieces of at most 74 octets; each continuation starts with a space."""


def folded(line: Contentline) -> bytes:
    """The line as icalendar's `Contentline.to_ical` folds it, with its line break.

    icalendar walks the line character by character: never splitting a multi-byte character,
    and moving a `\\` or `^` that would end a piece to the next one (so an escape such as `\\,`
    stays whole). An ASCII line (ids, dates, most text) is cut by the same rule a piece at a
    time, by slicing; any other line goes through icalendar. A test holds the two equal."""
    if not line.isascii():
        return bytes(line.to_ical()) + b"\r\n"
    pieces = []
    start = 0
    while len(line) - start > FOLD_AT:
        cut = start + FOLD_AT - (line[start + FOLD_AT - 1] in "\\^")
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return "\r\n ".join(pieces).encode("ascii") + b"\r\n"


class CalendarWriter:
    """Writes the calendars of one build. A session is in several calendars (a pair's in the
    mentor's and the mentee's, an event in every member's), and most of an entry's lines are in
    many entries (a cadence's title and times in every pair's, a pair's description in each of
    its sessions): icalendar serialises, escapes and folds each distinct line, entry and time
    zone once, and each calendar is those pieces inside its own VCALENDAR, in the order icalendar
    gives a component's properties. The bytes are the same as icalendar's `to_ical` of the whole
    component (a test compares them).

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
        self._lines: dict[tuple[str, str, type, str], bytes] = {}
        self._orders: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        self._cohort_entries: dict[str, list[Entry]] = {}

    def _line(self, kind: type[Component], name: str, value: Value) -> bytes:
        """One property's content line, folded, as icalendar writes it inside `kind`. A datetime
        is told apart by its representation, which names its zone (equal instants in two zones
        are different lines)."""
        key = (kind.__name__, name, type(value), value if isinstance(value, str) else repr(value))
        line = self._lines.get(key)
        if line is None:
            if name in _TEXT and isinstance(value, str):
                # Text has no parameters: its line is the name and the escaped text, as
                # icalendar's `content_line` writes it, without building a component for it.
                from icalendar import vText
                from icalendar.parser import Contentline

                text = vText(_calendar_text(value)).to_ical().decode("utf-8")
                line = self._lines[key] = folded(Contentline(f"{name.upper()}:{text}"))
                return line
            component = _component(kind, [(name, value)])
            ((stored_name, stored),) = component.items()
            line = self._lines[key] = folded(component.content_line(stored_name, stored))
        return line

    def _serialised(self, kind: type[Component], properties: list[tuple[str, Value]]) -> bytes:
        """`_component(kind, properties).to_ical()`, from lines serialised once each."""
        names = tuple(name.upper() for name, _ in properties)
        order = self._orders.get((kind.__name__, names))
        if order is None:
            from icalendar.caselessdict import canonsort_keys

            position = {name: i for i, name in enumerate(names)}
            sorted_names = canonsort_keys(names, kind.canonical_order)
            order = self._orders[(kind.__name__, names)] = [position[name] for name in sorted_names]
        lines = [self._line(kind, *properties[i]) for i in order]
        return b"".join([f"BEGIN:{kind.name}\r\n".encode(), *lines, f"END:{kind.name}\r\n".encode()])

    def _event_bytes(self, entry: Entry, remind_days: int) -> bytes:
        """The entry's VEVENT, with its reminder when `remind_days` is set. The event without
        reminder (as in the cohort's calendar) and each reminder text are serialised once; the
        VALARM goes last inside the VEVENT, where icalendar itself puts subcomponents."""
        event = self._events.get(entry.uid)
        if event is None:
            from icalendar import Event

            properties = _event_properties(entry, self.stamp, self.base_url)
            event = self._events[entry.uid] = self._serialised(Event, properties)
        if not remind_days:
            return event
        key = (entry.session.title, remind_days)
        alarm = self._alarms.get(key)
        if alarm is None:
            from icalendar import Alarm

            alarm = self._alarms[key] = _component(
                Alarm,
                [
                    ("action", "DISPLAY"),
                    ("description", f"In {remind_days} days: {entry.session.title}"),
                    ("trigger", -dt.timedelta(days=remind_days)),
                ],
            ).to_ical()
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
        from icalendar import Calendar

        head = self._serialised(
            Calendar,
            [
                ("prodid", "-//mentorship-handbook//EN"),
                ("version", "2.0"),
                ("calscale", "GREGORIAN"),
                ("x-wr-calname", name),
            ],
        )
        end = b"END:VCALENDAR\r\n"
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
        return self._calendar(f"{self.program_name}: {cohort.name}", self._entries_of(cohort), 0)

    def _entries_of(self, cohort: PublicCohort) -> list[Entry]:
        """The cohort's entries, made once for its calendar and every member's."""
        if cohort.slug not in self._cohort_entries:
            self._cohort_entries[cohort.slug] = cohort_entries(cohort)
        return self._cohort_entries[cohort.slug]

    def person(self, cohort: PublicCohort, person: PublicPerson) -> bytes:
        """A participant's own calendar in one cohort, reminding `remind_days` before each entry."""
        name = f"{self.program_name}: {cohort.name}, {person.name}"
        return self._calendar(
            name, person_entries(cohort, person, self._entries_of(cohort)), self.remind_days
        )


def cohort_calendar(
    program_name: str, cohort: PublicCohort, *, stamp: dt.datetime, base_url: str = ""
) -> bytes:
    """One cohort's calendar on its own."""
    return CalendarWriter(program_name, stamp=stamp, base_url=base_url).cohort(cohort)
