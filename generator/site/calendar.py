"""An .ics calendar of a cohort's sessions, so participants can add them to their own calendars.

Text values go through icalendar's `vText`, which escapes them per RFC 5545 (backslash, comma,
semicolon, line breaks): an `X-` property such as `X-WR-CALNAME` would otherwise be written raw.
Validation already keeps line breaks out of names and titles; escaping here keeps the calendar
well-formed whatever text reaches it.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event, vText

from generator.site.public_view import PublicCohort


def cohort_calendar(program_name: str, cohort: PublicCohort) -> bytes:
    """All-day events, one per session; UIDs are stable so re-imports update rather than duplicate.

    Its size is bounded by the schedule's (at most `MAX_SESSIONS_PER_CADENCE` per cadence).
    """
    cal = Calendar()
    cal.add("prodid", "-//mentorship-handbook//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", vText(f"{program_name}: {cohort.name}"))
    for n, session in enumerate(cohort.schedule):
        event = Event()
        event.add("uid", vText(f"{cohort.slug}-{session.date.isoformat()}-{n}@mentorship-handbook"))
        event.add("summary", vText(session.title))
        event.add("dtstart", session.date)
        event.add("dtend", session.date + dt.timedelta(days=1))
        event.add("dtstamp", dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        cal.add_component(event)
    return cal.to_ical()
