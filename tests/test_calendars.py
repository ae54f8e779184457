"""The calendars people subscribe to, read by two independent parsers (icalendar and vobject):
stable UIDs, DTSTAMP, descriptions, times with their zone, per-person feeds and reminders."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from generator.project import open_project
from generator.site.public_view import public_view
from generator.site.schedule import working_day
from tests.conftest import ROOT, copy_example, replace_once, run_handbook

EPOCH = 1795000000  # 2026-11-18T11:06:40Z
ENV = {"SOURCE_DATE_EPOCH": str(EPOCH), "HANDBOOK_TODAY": "2026-11-25"}
AUTUMN = "cohorts/2026-autumn"


def _export(project: Path, out: Path, env: dict[str, str] = ENV) -> dict[str, bytes]:
    result = run_handbook("export", str(out), cwd=project, env=env)
    assert result.code == 0, result.output
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.ics")}


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every calendar the example program publishes, by path."""
    folder = tmp_path_factory.mktemp("example")
    return _export(copy_example(folder / "project", records=False), folder / "out")


def _events(ics: bytes) -> dict[str, tuple[str, object]]:
    """UID -> (summary, start) as icalendar reads them."""
    return {
        str(e["UID"]): (str(e["SUMMARY"]), e.decoded("DTSTART"))
        for e in Calendar.from_ical(ics).walk("VEVENT")
    }


def _vobject_events(ics: bytes) -> dict[str, tuple[str, object]]:
    """The same, read by vobject, which shares no code with icalendar."""
    calendar = vobject.readOne(ics.decode("utf-8"))
    return {e.uid.value: (e.summary.value, e.dtstart.value) for e in calendar.contents.get("vevent", [])}


def _person_feed(feeds: dict[str, bytes], cohort: str, person: str) -> bytes:
    return feeds[f"cohorts/{cohort}/calendars/{person}.ics"]


def test_every_feed_parses_with_two_independent_libraries(feeds: dict[str, bytes]) -> None:
    program = open_project(ROOT / "program.toml").program
    expected = {f"cohorts/{c.id}/{c.id}.ics" for c in program.cohorts}
    expected |= {
        f"cohorts/{c.id}/calendars/{p}.ics"
        for c in program.cohorts
        for p in {*c.members, *(x for pair in c.pairs for x in (pair.mentor, pair.mentee)), c.sponsor}
        if p
    }
    assert set(feeds) == expected
    stamp = dt.datetime.fromtimestamp(EPOCH, dt.UTC)
    for path, ics in feeds.items():
        ours, theirs = _events(ics), _vobject_events(ics)
        assert ours, path
        assert ours.keys() == theirs.keys(), path
        for uid, (summary, start) in ours.items():
            other_summary, other_start = theirs[uid]
            assert summary == other_summary
            if isinstance(start, dt.datetime):
                # The same wall time and instant; vobject reads the zone from the VTIMEZONE we
                # wrote (so it is not the same tzinfo object, and Python's equality of aware
                # datetimes in two zones refuses times near a transition), icalendar from its name.
                assert isinstance(other_start, dt.datetime), (path, uid)
                assert start.replace(tzinfo=None) == other_start.replace(tzinfo=None), (path, uid)
                assert start.utcoffset() == other_start.utcoffset(), (path, uid)
            else:
                assert start == other_start, (path, uid)
        for event in Calendar.from_ical(ics).walk("VEVENT"):
            assert event.decoded("DTSTAMP") == stamp  # SOURCE_DATE_EPOCH, not a fixed date
        # Unique UIDs within a feed: a calendar app would otherwise merge two sessions.
        uids = [str(e["UID"]) for e in Calendar.from_ical(ics).walk("VEVENT")]
        assert len(uids) == len(set(uids)), path


def test_dtstamp_is_the_build_time_without_source_date_epoch(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project", records=False)
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    feeds = _export(project, tmp_path / "out", env={"HANDBOOK_TODAY": "2026-11-25", "SOURCE_DATE_EPOCH": ""})
    after = dt.datetime.now(dt.UTC)
    event = Calendar.from_ical(feeds[f"{AUTUMN}/2026-autumn.ics"]).walk("VEVENT")[0]
    assert before <= event.decoded("DTSTAMP") <= after


def test_uids_survive_adding_an_event(tmp_path: Path, feeds: dict[str, bytes]) -> None:
    project = copy_example(tmp_path / "project", records=False)
    text = (project / "program.toml").read_text(encoding="utf-8")
    text = replace_once(
        text,
        '[[cohorts.events]]\nid = "autumn-roundtable"',
        '[[cohorts.events]]\nid = "autumn-fireside"\nkind = "roundtable"\ntitle = "Fireside chat"\n'
        'date = 2026-10-21\n\n[[cohorts.events]]\nid = "autumn-roundtable"',
    )
    (project / "program.toml").write_text(text, encoding="utf-8")
    after = _export(project, tmp_path / "out")
    assert after.keys() == feeds.keys()
    autumn = {path for path in feeds if path.startswith(f"{AUTUMN}/")}
    for path in feeds:
        old, new = _events(feeds[path]), _events(after[path])
        added = new.keys() - old.keys()
        assert old.items() <= new.items(), path  # every entry keeps its UID, title and date
        if path in autumn:
            assert [new[uid][0] for uid in added] == ["Fireside chat"], path
        else:
            assert not added, path


def test_control_characters_in_free_text_never_reach_a_feed(tmp_path: Path) -> None:
    """RFC 5545 TEXT allows no control characters: line breaks of every kind become one escaped
    line break, anything else a space, so strict calendar apps still read the feed."""
    project = copy_example(tmp_path / "project", records=False)
    text = replace_once(
        (project / "program.toml").read_text(encoding="utf-8"),
        '[[cohorts.events]]\nid = "autumn-roundtable"',
        '[[cohorts.events]]\nid = "autumn-fireside"\nkind = "roundtable"\ntitle = "Fireside chat"\n'
        'date = 2026-10-21\ndescription = "Bring\\u0007 notes\\r\\nBEGIN:VEVENT\\u2028end\\u0085x\\ry"\n\n'
        '[[cohorts.events]]\nid = "autumn-roundtable"',
    )
    (project / "program.toml").write_text(text, encoding="utf-8")
    feed = _export(project, tmp_path / "out")[f"{AUTUMN}/2026-autumn.ics"]
    assert re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", feed) is None
    assert "\u2028".encode() not in feed and "\u0085".encode() not in feed
    assert b"\r\n" in feed and b"\r" not in feed.replace(b"\r\n", b"")
    (fireside,) = [e for e in Calendar.from_ical(feed).walk("VEVENT") if e["SUMMARY"] == "Fireside chat"]
    assert str(fireside["DESCRIPTION"]).startswith("Bring  notes\nBEGIN:VEVENT\nend\nx\ny\n")
    assert len(vobject.readComponents(feed.decode()).__next__().vevent_list) == len(
        Calendar.from_ical(feed).walk("VEVENT")
    )


def test_each_persons_feed_holds_exactly_their_own_sessions(feeds: dict[str, bytes]) -> None:
    view = public_view(open_project(ROOT / "program.toml").program)
    for cohort in view.cohorts:
        events = {s.key for s in cohort.schedule if not s.cadence}
        for person in cohort.participants:
            feed = _events(_person_feed(feeds, cohort.slug, person.slug))
            pairs = [p for p in cohort.pairs if person.id in (p.mentor.id, p.mentee.id)]
            expected = Counter({s.title: 0 for s in cohort.schedule})
            for pair in pairs:
                expected.update(s.title for s in pair.sessions)
                expected.update(f"Milestone due: {m.title}" for m in pair.milestones)
            expected.update(s.title for s in cohort.schedule if s.key in events)
            if cohort.sponsor is not None and person.id == cohort.sponsor.id:
                expected.update(s.title for s in cohort.schedule if "sponsor" in s.roles)
            assert Counter(summary for summary, _ in feed.values()) == +expected, person.id
            # Pair entries name the pair they belong to: only this person's pairs.
            for uid in feed:
                parts = uid.split("@")[0].split(".")
                if len(parts) == 3:
                    assert parts[1] in {p.slug for p in pairs}, (person.id, uid)


def test_a_pair_only_cadence_is_in_that_pairs_feeds_only(feeds: dict[str, bytes]) -> None:
    def fortnightly(person: str) -> int:
        feed = _events(_person_feed(feeds, "2026-autumn", person))
        return sum(summary == "Fortnightly check-in" for summary, _ in feed.values())

    assert fortnightly("tom-fischer") == fortnightly("noa-ben-david") > 5
    assert fortnightly("samuel-adeyemi") == 0  # Noa's other mentee follows the standard contract
    for path, ics in feeds.items():
        if "tom-fischer" not in path and "noa-ben-david" not in path:
            assert b"SUMMARY:Fortnightly check-in" not in ics, path


def test_a_mentor_of_two_gets_both_pairs_sessions(feeds: dict[str, bytes]) -> None:
    feed = Calendar.from_ical(_person_feed(feeds, "2026-autumn", "james-okafor"))
    checks = [e for e in feed.walk("VEVENT") if str(e["SUMMARY"]) == "Monthly alignment check"]
    by_mentee = Counter("Ingrid" if "Ingrid Solberg" in str(e["DESCRIPTION"]) else "Rebecca" for e in checks)
    assert by_mentee["Ingrid"] == by_mentee["Rebecca"] > 0
    assert len(checks) == 2 * by_mentee["Ingrid"]


def test_the_sponsor_gets_the_reviews_they_attend(feeds: dict[str, bytes]) -> None:
    """A sponsor listed under [program] (not among the people) has a feed of their own: the
    sponsor reviews and whole-cohort events of their cohort, nothing of a pair's own sessions."""
    program = open_project(ROOT / "program.toml").program
    (cohort,) = [c for c in program.cohorts if c.id == "2026-autumn"]
    sponsor = "chief-people-officer"
    assert cohort.sponsor == sponsor and sponsor not in {p.id for p in program.people}
    feed = _events(_person_feed(feeds, "2026-autumn", sponsor))
    assert _vobject_events(_person_feed(feeds, "2026-autumn", sponsor)) == feed
    summaries = Counter(summary for summary, _ in feed.values())
    assert summaries["Executive-sponsor review"] >= 1
    assert summaries["Monthly alignment check"] == summaries["Fortnightly check-in"] == 0
    assert not [s for s in summaries if s.startswith("Milestone due")]
    for event in cohort.events:
        assert summaries[event.title] >= 1, event.title


def test_member_without_a_pair_gets_the_cohorts_events_only(feeds: dict[str, bytes]) -> None:
    program = open_project(ROOT / "program.toml").program
    (cohort,) = [c for c in program.cohorts if c.id == "2027-spring"]
    feed = _events(_person_feed(feeds, "2027-spring", "priya-raman"))
    assert sorted(summary for summary, _ in feed.values()) == sorted(e.title for e in cohort.events)


def test_personal_feeds_remind_the_configured_days_before(tmp_path: Path, feeds: dict[str, bytes]) -> None:
    for path, ics in feeds.items():
        for event in Calendar.from_ical(ics).walk("VEVENT"):
            alarms = event.walk("VALARM")
            if "/calendars/" in path:
                assert [a.decoded("TRIGGER") for a in alarms] == [-dt.timedelta(days=2)], path
                assert alarms[0]["ACTION"] == "DISPLAY"
            else:
                assert alarms == [], path  # a whole cohort's calendar does not ring for everyone
    vobject_alarms = vobject.readOne(_person_feed(feeds, "2026-autumn", "tom-fischer").decode())
    assert all(e.valarm.trigger.value == -dt.timedelta(days=2) for e in vobject_alarms.vevent_list)

    project = copy_example(tmp_path / "project", records=False)
    text = (project / "program.toml").read_text(encoding="utf-8")
    (project / "program.toml").write_text(
        replace_once(text, "reminder_days = 2", "reminder_days = 0"), encoding="utf-8"
    )
    quiet = _export(project, tmp_path / "out")
    assert not any(b"BEGIN:VALARM" in ics for ics in quiet.values())


def test_times_carry_their_time_zone(feeds: dict[str, bytes]) -> None:
    ics = feeds[f"{AUTUMN}/2026-autumn.ics"]
    assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/London" in ics
    kickoff = _vobject_events(ics)["event-autumn-kickoff.2026-autumn@mentorship-handbook"][1]
    assert isinstance(kickoff, dt.datetime)
    assert kickoff == dt.datetime(2026, 10, 7, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    assert kickoff.astimezone(dt.UTC) == dt.datetime(2026, 10, 7, 8, 30, tzinfo=dt.UTC)  # summer time
    event = next(
        e for e in Calendar.from_ical(ics).walk("VEVENT") if str(e["UID"]).startswith("event-autumn-kickoff")
    )
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=240)
    # A cadence with no time is an all-day entry; its length is in the description.
    check = next(
        e for e in Calendar.from_ical(ics).walk("VEVENT") if str(e["SUMMARY"]) == "Monthly alignment check"
    )
    assert type(check.decoded("DTSTART")) is dt.date
    assert "Duration: 60 minutes" in str(check["DESCRIPTION"])


def test_descriptions_hold_the_checklist_and_the_contract_link(
    tmp_path: Path, feeds: dict[str, bytes]
) -> None:
    feed = Calendar.from_ical(_person_feed(feeds, "2026-autumn", "tom-fischer"))
    check = next(e for e in feed.walk("VEVENT") if str(e["SUMMARY"]) == "Monthly alignment check")
    description = str(check["DESCRIPTION"])
    assert "- Is the development goal we agreed still the right one?" in description
    assert "cohorts/2026-autumn/contracts/noa-ben-david-tom-fischer/" in description
    assert "Who attends: Mentor, Mentee" in description

    project = copy_example(tmp_path / "project", records=False)
    text = (project / "program.toml").read_text(encoding="utf-8")
    text = replace_once(
        text, "reminder_days = 2\n", 'reminder_days = 2\n\n[site]\nurl = "https://handbook.example/"\n'
    )
    (project / "program.toml").write_text(text, encoding="utf-8")
    linked = _export(project, tmp_path / "out")
    feed = Calendar.from_ical(_person_feed(linked, "2026-autumn", "tom-fischer"))
    check = next(e for e in feed.walk("VEVENT") if str(e["SUMMARY"]) == "Monthly alignment check")
    url = "https://handbook.example/cohorts/2026-autumn/contracts/noa-ben-david-tom-fischer/"
    assert str(check["URL"]) == url
    assert url in str(check["DESCRIPTION"])


def test_no_cadence_entry_falls_on_a_weekend_or_a_closed_date(feeds: dict[str, bytes]) -> None:
    program = open_project(ROOT / "program.toml").program
    closed = set(program.calendar.closed_dates)
    event_ids = {e.id for c in program.cohorts for e in c.events}
    for path, ics in feeds.items():
        for uid, (summary, start) in _events(ics).items():
            if uid.split(".")[0].removeprefix("event-") in event_ids:
                continue  # events keep the date the program gives them
            day = start.date() if isinstance(start, dt.datetime) else start
            assert isinstance(day, dt.date)
            assert day.weekday() < 5 and day not in closed, (path, summary, day)
    # The autumn mid-course correction was due on 2026-12-30, in the year-end closure.
    autumn = _events(feeds[f"{AUTUMN}/2026-autumn.ics"])
    assert autumn["mid-course-2026-12-30.2026-autumn@mentorship-handbook"] == (
        "Mid-course correction",
        dt.date(2027, 1, 4),
    )
    assert re.search(rb"UID:mid-course-2026-12-30", feeds[f"{AUTUMN}/2026-autumn.ics"])


@given(
    day=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2028, 12, 31)),
    closed=st.frozensets(
        st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2029, 3, 31)), max_size=60
    ),
)
def test_a_session_moves_to_the_first_working_day_on_or_after_its_due_date(
    day: dt.date, closed: frozenset[dt.date]
) -> None:
    moved = working_day(day, closed)
    assert moved >= day and moved.weekday() < 5 and moved not in closed
    skipped = (day + dt.timedelta(days=n) for n in range((moved - day).days))
    assert all(d.weekday() >= 5 or d in closed for d in skipped)


def test_a_pairs_timed_sessions_are_in_the_mentees_time_zone(tmp_path: Path, minimal_text: str) -> None:
    """The cohort's zone is the default; a mentee's own zone overrides it for the pair."""
    text = replace_once(minimal_text, 'every = "1 month"\n', 'every = "1 month"\ntime = "08:00"\n')
    text = replace_once(text, "end = 2027-05-28\n", 'end = 2027-05-28\ntimezone = "Europe/Berlin"\n')
    text = replace_once(text, 'manager = "mentor-c"\n', 'manager = "mentor-c"\ntimezone = "Asia/Singapore"\n')
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")
    feeds = _export(tmp_path, tmp_path / "out")

    def alignment_starts(path: str) -> list[dt.datetime]:
        events = Calendar.from_ical(feeds[path]).walk("VEVENT")
        return [e.decoded("DTSTART") for e in events if str(e["SUMMARY"]) == "Monthly alignment check"]

    cohort = alignment_starts("cohorts/pilot/pilot.ics")
    assert cohort and all(s.tzinfo == ZoneInfo("Europe/Berlin") and s.hour == 8 for s in cohort)
    for person in ("mentor-a", "mentee-b"):
        pair = alignment_starts(f"cohorts/pilot/calendars/{person}.ics")
        assert pair and all(s.tzinfo == ZoneInfo("Asia/Singapore") and s.hour == 8 for s in pair)
        assert b"TZID:Asia/Singapore" in feeds[f"cohorts/pilot/calendars/{person}.ics"]
        theirs = [
            v for summary, v in _vobject_events(feeds[f"cohorts/pilot/calendars/{person}.ics"]).values()
        ]
        assert {v.utcoffset() for v in theirs if isinstance(v, dt.datetime)} == {dt.timedelta(hours=8)}


@given(
    st.text(alphabet=st.sampled_from('ab ,;:\\^"'), min_size=60, max_size=400)
    | st.text(alphabet=st.sampled_from("ab ,\\^é€😀"), min_size=1, max_size=200)
)
def test_lines_fold_exactly_as_icalendar_folds_them(text: str) -> None:
    """The calendars fold ASCII lines by slicing: the bytes must be icalendar's own."""
    from icalendar.parser import Contentline

    from generator.site.calendar import folded

    line = Contentline(text)
    assert folded(line) == line.to_ical() + b"\r\n"


def test_each_entry_is_icalendars_serialisation_of_the_whole_event() -> None:
    """Entries are assembled from lines serialised once each; every one must be byte for byte
    what icalendar writes for the whole event (times in zones, all-day dates, escaped text)."""
    from generator.site.calendar import CalendarWriter, _event, cohort_entries, person_entries

    view = public_view(open_project(ROOT / "program.toml").program)
    stamp = dt.datetime(2026, 11, 18, 11, 6, 40, tzinfo=dt.UTC)
    writer = CalendarWriter(view.name, stamp=stamp, base_url="https://example.org/handbook/")
    entries = {}
    for cohort in view.cohorts:
        for entry in cohort_entries(cohort):
            entries[entry.uid] = entry
        for person in cohort.participants:
            entries.update((e.uid, e) for e in person_entries(cohort, person))
    kinds = {(e.session.time is None, bool(e.session.timezone)) for e in entries.values()}
    assert {(True, False), (False, True)} <= kinds  # all-day entries and times in a zone
    for entry in entries.values():
        assert writer._event_bytes(entry, 0) == _event(entry, stamp, writer.base_url).to_ical()


@given(
    name=st.sampled_from(["summary", "description", "uid", "x-wr-calname"]),
    text=st.text(alphabet=st.sampled_from('ab ,;:\\^"\n\r\t\x00\x85\u2028é€😀N'), max_size=200)
    | st.text(max_size=120),
)
def test_a_text_line_is_icalendars_own(name: str, text: str) -> None:
    """Text lines are written without building a component for each: the bytes must be the ones
    icalendar writes for the property inside a component (escapes, line breaks, folding)."""
    from icalendar import Calendar, Event

    from generator.site.calendar import CalendarWriter, _component, folded

    writer = CalendarWriter("Program", stamp=dt.datetime(2026, 11, 18, tzinfo=dt.UTC))
    kind = Calendar if name == "x-wr-calname" else Event
    component = _component(kind, [(name, text)])
    ((stored_name, stored),) = component.items()
    assert writer._line(kind, name, text) == folded(component.content_line(stored_name, stored))


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_each_engine_publishes_exactly_the_feeds_checked_here(
    tmp_path: Path, feeds: dict[str, bytes], engine: str
) -> None:
    """Calendars are generated once, for both engines: every feed a built site holds is, byte for
    byte, one the tests above read, and none is missing, so those tests hold for both outputs."""
    project = copy_example(tmp_path / "project", records=False)
    result = run_handbook("build", "program.toml", "--engine", engine, cwd=project, env=ENV)
    assert result.code == 0, result.output
    site = project / "site"
    built = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.ics")}
    assert built.keys() == feeds.keys()
    assert all(built[path] == feeds[path] for path in feeds)
    assert all(_events(ics) == _vobject_events(ics) for ics in built.values())
