"""What participants read on the built example handbook: each pair's own contract, display
names instead of vocabulary ids, schedules that match the program (attendees, pair-only
cadences, working days, past and next, times), pair states and the vocabulary page."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from generator.project import open_project
from generator.site.pages import site_pages
from generator.site.public_view import public_view
from tests.conftest import ROOT, copy_example, replace_once, run_handbook

ENV = {"HANDBOOK_TODAY": "2026-11-25", "SOURCE_DATE_EPOCH": "1795000000"}
AUTUMN = "cohorts/2026-autumn"
TOM = f"{AUTUMN}/contracts/noa-ben-david-tom-fischer/index.html"


def _text(page: str) -> str:
    """A page's main content as a reader sees it: tags dropped, entities decoded, spaces folded."""
    main = page.split('<article class="md-content__inner md-typeset">', 1)[-1].split("</article>", 1)[0]
    inline = re.sub(r"</?(?:strong|em|a|span|code)\b[^>]*>", "", main)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", inline)))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every built page of the example program, by path, as HTML."""
    project = copy_example(tmp_path_factory.mktemp("example"), records=False)
    result = run_handbook("build", "program.toml", cwd=project, env=ENV)
    assert result.code == 0, result.output
    return {
        p.relative_to(project / "site").as_posix(): p.read_text(encoding="utf-8")
        for p in (project / "site").rglob("*.html")
    }


def _participant_pages(site: dict[str, str]) -> dict[str, str]:
    return {
        path: _text(page)
        for path, page in site.items()
        if path.startswith("cohorts/") or path == "index.html"
    }


def _contracts(site: dict[str, str]) -> dict[str, str]:
    return {path: _text(page) for path, page in site.items() if "/contracts/" in path}


def test_a_pair_overrides_appear_on_that_pairs_contract_only(site: dict[str, str]) -> None:
    pages = {path: _text(page) for path, page in site.items()}
    for sentence in (
        "A sparring partner for decisions made under time pressure",  # mentor_role
        "Which decision on the deal this fortnight did you keep",  # session_prompts
    ):
        assert [path for path, text in pages.items() if sentence in text] == [TOM]
    rahul_amara = "cohorts/2026-spring/contracts/rahul-mehta-amara-nwosu/index.html"
    sentence = "What did you learn from the first ten weeks that you want to keep?"  # mentee_objectives
    assert [path for path, text in pages.items() if sentence in text] == [rahul_amara]
    # The default prompts are on every contract without its own.
    default = "What did we avoid talking about today?"
    contracts = _contracts(site)
    assert [path for path, text in contracts.items() if default not in text] == [TOM]


def test_pair_only_cadences_are_listed_only_for_their_pairs(site: dict[str, str]) -> None:
    pages = _participant_pages(site)
    with_check_in = sorted(path for path, text in pages.items() if "Fortnightly check-in" in text)
    assert with_check_in == [TOM]  # not on any schedule, checklist page or other contract
    assert "Fortnightly check-in" in _text(site["program/cadences/index.html"])  # the program lists it


def test_a_cadence_the_pair_does_not_attend_is_absent_from_pair_contracts(site: dict[str, str]) -> None:
    for path, text in _contracts(site).items():
        assert "Executive-sponsor review" not in text, path
        assert "End-of-pilot review" in text, path  # mentor and mentee attend this one
    # The cohort's schedule keeps it, with the people who do attend.
    rows = _rows(site[f"{AUTUMN}/schedule/index.html"])
    reviews = [r for r in rows if r[2] == "Executive-sponsor review"]
    assert reviews and all(r[3] == "Executive sponsor, Program owners" for r in reviews)


def test_the_contract_holds_goals_strengths_objectives_milestones_and_activities(
    site: dict[str, str],
) -> None:
    program = open_project(ROOT / "program.toml").program
    names = {c.id: c.name for c in program.vocabulary.competencies}
    tom = _text(site[TOM])
    goals = ", ".join(names[g] for g in program.person("tom-fischer").development_goals)
    assert f"Mentee's development goals: {goals}" in tom
    met = [
        names[s]
        for s in program.person("noa-ben-david").strengths
        if s in program.person("tom-fischer").development_goals
    ]
    assert (
        met
        and f"Mentor's strengths that meet them: {', '.join(sorted(met, key=lambda n: goals.index(n)))}"
        in tom
    )
    assert "Deck cut to five slides" in tom  # a milestone's incremental win
    assert "Both people have signed the contract" in tom  # its success criteria
    assert "Which one or two competencies from the list will you work on" in tom
    assert "Why this pair" in tom and "Across divisions" in tom
    # The competency list the objectives ask the mentee to choose from is linked and published.
    assert 'href="../../../../program/vocabulary/#competencies"' in site[TOM]
    vocabulary = _text(site["program/vocabulary/index.html"])
    for c in program.vocabulary.competencies:
        assert c.name in vocabulary and c.description in vocabulary
    for e in program.vocabulary.experiences:
        assert e.name in vocabulary
    # A pair's own activity with its dates, and the cohort's activities.
    zoe = _text(site["cohorts/2026-spring/contracts/zoe-muller-jose-alvarez/index.html"])
    assert "Two days in the Frankfurt retail operations centre" in zoe
    assert "Shadowing, 2026-04-27 to 2026-04-28" in zoe
    assert "Next-generation client proposition" in zoe and "2026-04-06 to 2026-07-15" in zoe
    other = _text(site["cohorts/2026-spring/contracts/zoe-muller-omar-siddiqui/index.html"])
    assert "Frankfurt retail operations centre" not in other


def test_no_raw_vocabulary_id_on_participant_pages(site: dict[str, str]) -> None:
    program = open_project(ROOT / "program.toml").program
    ids = [c.id for c in program.vocabulary.competencies] + [e.id for e in program.vocabulary.experiences]
    # Ids of several words ("us-regional") never occur in prose; one-word ids ("consulting") do.
    ids = [i for i in ids if "-" in i]
    assert len(ids) > 10
    pages = _participant_pages(site)
    pages["program/vocabulary/index.html"] = _text(site["program/vocabulary/index.html"])
    for path, text in pages.items():
        found = [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
        assert not found, (path, found)
    overview = pages[f"{AUTUMN}/index.html"]
    assert "US regional banking" in overview and "Stakeholder diplomacy" in overview


def test_objectives_are_labelled_and_durations_in_words(site: dict[str, str]) -> None:
    home = _text(site["index.html"])
    assert "within Within" not in home and "; measured by" not in home
    assert "Timeframe: Within one six-month cohort" in home
    assert "Measured by: Initiative brief signed off by the cohort sponsor" in home
    cadences = _text(site["program/cadences/index.html"])
    assert "monthly" in cadences and "every 2 weeks" in cadences and "every 2 months" in cadences
    assert not re.search(r"(?<!every )\b\d+ (?:month|week|day)s?\b", cadences)
    guardrails = _text(site["program/guardrails/index.html"])
    assert "Monthly pulse survey (monthly)" in guardrails and "every 1 month" not in guardrails


def test_pairs_pages_show_each_pairs_state_and_explain_an_empty_cohort(site: dict[str, str]) -> None:
    spring = _text(site["cohorts/2026-spring/pairs/index.html"])
    assert "State: Rebalanced. Hong Kong and Toronto hours left no reliable session slot" in spring
    assert spring.count("State: Completed") == 7
    autumn = _text(site[f"{AUTUMN}/pairs/index.html"])
    assert autumn.count("State: Active") == 11
    assert "Mentor strengths that meet the mentee's goals: Delegation" in autumn
    empty = _text(site["cohorts/2027-spring/pairs/index.html"])
    assert "No pairs are set for this cohort yet" in empty


def _rows(page: str) -> list[list[str]]:
    """The body rows of a page's first table, cell texts."""
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", c))).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def test_schedules_show_attendees_times_durations_and_the_next_session(site: dict[str, str]) -> None:
    rows = _rows(site[f"{AUTUMN}/schedule/index.html"])
    today = dt.date.fromisoformat(ENV["HANDBOOK_TODAY"])
    statuses = [(dt.date.fromisoformat(r[0]), r[-1]) for r in rows]
    assert [s for _, s in statuses].count("Next") == 1
    next_day = next(d for d, s in statuses if s == "Next")
    assert all((s == "Past") == (d < today) for d, s in statuses)
    assert next_day == min(d for d, _ in statuses if d >= today)
    kickoff = next(r for r in rows if r[2].startswith("Cohort launch"))
    assert kickoff[1] == "09:30" and kickoff[3] == "Whole cohort" and kickoff[4] == "240 minutes"
    assert "hear from the spring cohort about what worked" in kickoff[2]  # the event's description
    review = next(r for r in rows if r[2] == "Executive-sponsor review")
    assert review[1] == "16:00" and review[3] == "Executive sponsor, Program owners"
    assert "Times are in Europe/London" in _text(site[f"{AUTUMN}/schedule/index.html"])
    simulation = next(
        r for r in _rows(site["cohorts/2026-spring/schedule/index.html"]) if "Liquidity" in r[2]
    )
    assert simulation[4] == "240 minutes"  # its own length, not a default


def test_no_session_on_a_weekend_or_closed_date(site: dict[str, str]) -> None:
    program = open_project(ROOT / "program.toml").program
    closed = set(program.calendar.closed_dates)
    event_dates = {e.date for c in program.cohorts for e in c.events}
    view = public_view(program)
    for cohort in view.cohorts:
        for session in [*cohort.schedule, *(s for p in cohort.pairs for s in p.sessions)]:
            if session.cadence:
                assert session.date.weekday() < 5 and session.date not in closed, session
    for path, page in site.items():
        if path.endswith(("/schedule/index.html",)) or "/contracts/" in path:
            for row in _rows(page.split('<h2 id="sessions"', 1)[-1]):
                day = dt.date.fromisoformat(row[0])
                if day not in event_dates:
                    assert day.weekday() < 5 and day not in closed, (path, row)


def test_time_of_day_must_be_a_clock_time(tmp_path: Path, minimal_text: str) -> None:
    program = replace_once(minimal_text, 'every = "1 month"\n', 'every = "1 month"\ntime = "9.30am"\n')
    (tmp_path / "program.toml").write_text(program, encoding="utf-8")
    before = program.encode()
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 1
    line = program.splitlines().index('time = "9.30am"') + 1
    assert (
        f"program.toml:{line}:8: time: '9.30am' is not a time of day: write it as 'HH:MM' on a 24-hour "
        "clock, such as '09:30' or '16:00'"
    ) in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "program.toml").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["program.toml"]


def test_an_activity_cannot_end_before_it_starts(tmp_path: Path, minimal_text: str) -> None:
    program = replace_once(
        minimal_text,
        'mentee = "mentee-b"\n',
        'mentee = "mentee-b"\n\n[[cohorts.pairs.activities]]\nkind = "shadowing"\ntitle = "Board visit"\n'
        "start = 2027-03-02\nend = 2027-03-01\n",
    )
    (tmp_path / "program.toml").write_text(program, encoding="utf-8")
    before = program.encode()
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 1
    line = program.splitlines().index("end = 2027-03-01") + 1
    assert (
        f"program.toml:{line}:7: activity ends on 2027-03-01 but starts on 2027-03-02: the end date "
        "must be on or after the start"
    ) in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "program.toml").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["program.toml"]


def test_times_name_whose_time_zone_they_are_in(tmp_path: Path) -> None:
    """A mentee without a time zone of their own meets in the cohort's: the contract says so."""
    project = copy_example(tmp_path, records=False)
    program = project / "program.toml"
    text = program.read_text(encoding="utf-8")
    tom = text.index('id = "tom-fischer"')
    own = text.index('timezone = "Europe/Berlin"\n', tom)
    program.write_text(
        text[:own] + text[own:].replace('timezone = "Europe/Berlin"\n', "", 1), encoding="utf-8"
    )
    pages = {p.path: p.content for p in site_pages(open_project(program))}
    contract = pages[TOM.replace("/index.html", ".md")]
    assert (
        "Times are in Europe/London, the cohort's time zone; your calendar shows them in yours." in contract
    )
    others = [
        path
        for path, content in pages.items()
        if path.endswith(".md") and "the cohort's time zone" in content
    ]
    assert others == [TOM.replace("/index.html", ".md")]
    assert "the mentee's time zone" in pages[f"{AUTUMN}/contracts/noa-ben-david-samuel-adeyemi.md"]
