"""An .ics calendar of a cohort's sessions, so participants can add them to their own calendars."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from generator.site.public_view import PublicCohort


def cohort_calendar(program_name: str, cohort: PublicCohort) -> bytes:
    """All-day events, one per session; UIDs are stable so re-imports update rather than duplicate."""
    cal = Calendar()
    cal.add("prodid", "-//mentorship-handbook//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{program_name}: {cohort.name}")
    for n, session in enumerate(cohort.schedule):
        event = Event()
        event.add("uid", f"{cohort.slug}-{session.date.isoformat()}-{n}@mentorship-handbook")
        event.add("summary", session.title)
        event.add("dtstart", session.date)
        event.add("dtend", session.date + dt.timedelta(days=1))
        event.add("dtstamp", dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        cal.add_component(event)
    return cal.to_ical()
