"""`handbook match` with the people's own constraints and choices: languages, time zones and
working hours, preferences and declines, `avoid_same`, people in both roles; the "why not"
explanations, `--explain` and `--reason`; and the bad input of each new field."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import Person
from generator.policies.working_hours import shared_hours, utc_windows
from generator.project import open_project
from tests.conftest import ROOT, replace_once, run_handbook
from tests.test_match import MENTEES, MENTORS, cohort, match, pairs_of, person, proposal, write


def confidential(**fields: list[str]) -> str:
    lines = ["[people.confidential]"]
    lines += [f"{key} = [" + ", ".join(f'"{v}"' for v in values) + "]" for key, values in fields.items()]
    return "\n".join(lines) + "\n"


def explain(path: Path, cohort_id: str, who: str) -> list[dict]:
    data = proposal(path, "--cohort", cohort_id, "--explain", who)
    return data["explain"]


def row(rows: list[dict], candidate: str) -> dict:
    return next(r for r in rows if r["candidate"]["id"] == candidate)


# -- languages ----------------------------------------------------------------------------------


def test_a_pair_shares_a_language_when_both_list_languages(tmp_path):
    # Ada is Cleo's best mentor on skills, but they share no language.
    body = (
        person("ada", "mentor", strengths=["foresight"], languages=["French"])
        + person("ben", "mentor", languages=["English", "French"], geography="Asia")
        + person("cleo", "mentee", development_goals=["foresight"], languages=["English"])
        + cohort("c1", ["ada", "ben", "cleo"])
    )
    path = write(tmp_path, body)
    assert pairs_of(proposal(path, "--cohort", "c1")) == [("ben", "cleo")]
    rows = explain(path, "c1", "cleo")
    assert row(rows, "ada")["status"] == "ruled out"
    assert row(rows, "ada")["note"] == "no shared language (Ada: French; Cleo: English)"

    # Off by setting, and never applied when one side lists no languages.
    path = write(tmp_path, body + "\n[matching]\nshared_language = false\n")
    assert pairs_of(proposal(path, "--cohort", "c1")) == [("ada", "cleo")]
    path = write(tmp_path, replace_once(body, 'languages = ["English"]\n', ""))
    assert pairs_of(proposal(path, "--cohort", "c1")) == [("ada", "cleo")]


# -- time zones and working hours -------------------------------------------------------------


def _zones(mentee_hours: str = "") -> str:
    extra = {"working_hours": mentee_hours} if mentee_hours else {}
    return (
        person("ada", "mentor", strengths=["foresight"], timezone="Asia/Tokyo")
        + person("ben", "mentor", timezone="Europe/London", geography="Asia")
        + person("cleo", "mentee", development_goals=["foresight"], timezone="America/Toronto", **extra)
        + cohort("c1", ["ada", "ben", "cleo"])
    )


def test_min_overlap_hours_rules_out_pairs_without_shared_working_hours(tmp_path):
    # Tokyo and Toronto office hours (09:00-17:00 each) never meet; London and Toronto share 3.
    path = write(tmp_path, _zones() + "\n[matching]\nmin_overlap_hours = 1\n")
    assert pairs_of(proposal(path, "--cohort", "c1")) == [("ben", "cleo")]
    rows = explain(path, "c1", "cleo")
    assert row(rows, "ada")["note"] == (
        "0 working hours a day in common, below [matching] min_overlap_hours = 1"
    )
    assert row(rows, "ben")["status"] == "proposed"

    # An evening in Toronto is a morning in Tokyo: 22:00-02:00 UTC meets 00:00-08:00 UTC for 2 hours.
    path = write(tmp_path, _zones("18:00-22:00") + "\n[matching]\nmin_overlap_hours = 1\n")
    assert pairs_of(proposal(path, "--cohort", "c1")) == [("ada", "cleo")]
    # 2 of the 4 hours that give a full overlap score, at weight 1 of the 11.5 default weights.
    data = proposal(path, "--cohort", "c1")
    assert data["pairs"][0]["components"]["overlap"] == pytest.approx(100 * 0.5 / 11.5, abs=0.001)


def test_the_overlap_score_prefers_mentors_with_working_hours_in_common(tmp_path):
    # Two mentors alike in everything but their time zone.
    body = (
        person("ada", "mentor", timezone="Asia/Tokyo", division="Markets")
        + person("ben", "mentor", timezone="America/New_York", division="Markets")
        + person("cleo", "mentee", timezone="America/Toronto")
        + cohort("c1", ["ada", "ben", "cleo"])
    )
    path = write(tmp_path, body)
    data = proposal(path, "--cohort", "c1")
    assert pairs_of(data) == [("ben", "cleo")]
    pair = data["pairs"][0]
    assert pair["components"]["overlap"] > 0
    assert pair["runner_up"]["id"] == "ada"
    assert pair["runner_up"]["score"] < pair["score"]


# -- preferences and declines ---------------------------------------------------------------------


def test_a_mentees_preference_is_a_weighted_component(tmp_path):
    body = MENTORS + MENTEES + cohort("c1", ["ada", "ben", "cleo"])
    path = write(tmp_path, body)
    assert pairs_of(proposal(path, "--cohort", "c1")) == [("ada", "cleo")]
    preferring = replace_once(
        body,
        'leadership_style = "improvisational"\n[[people]]\nid = "dan"',
        'leadership_style = "improvisational"\n'
        + confidential(preferences=["ben", "ada"])
        + '[[people]]\nid = "dan"',
    )
    path = write(tmp_path, preferring + "\n[matching.weights]\npreference = 20\n")
    data = proposal(path, "--cohort", "c1")
    assert pairs_of(data) == [("ben", "cleo")]
    assert "Cleo's preference 1 of 2 (confidential)" in data["pairs"][0]["reasons"]
    # Weight 0 switches it off.
    path = write(tmp_path, preferring + "\n[matching.weights]\npreference = 0\n")
    assert pairs_of(proposal(path, "--cohort", "c1")) == [("ada", "cleo")]


def test_a_mentor_who_declines_a_mentee_is_never_proposed_for_them(tmp_path):
    declining = replace_once(
        MENTORS,
        'leadership_style = "methodical"\n',
        'leadership_style = "methodical"\n' + confidential(declines=["cleo"]),
    )
    path = write(tmp_path, declining + MENTEES + cohort("c1", ["ada", "ben", "cleo"]))
    assert pairs_of(proposal(path, "--cohort", "c1")) == [("ben", "cleo")]
    assert row(explain(path, "c1", "cleo"), "ada")["note"] == "declined by the mentor (confidential)"


# -- avoid_same ------------------------------------------------------------------------------------


def test_avoid_same_rules_out_pairs_that_share_a_profile_field(tmp_path):
    body = (
        person("ada", "mentor", strengths=["foresight"], function="Audit")
        + person("ben", "mentor", function="Sales")
        + person("cleo", "mentee", development_goals=["foresight"], function="audit")
        + cohort("c1", ["ada", "ben", "cleo"])
    )
    path = write(tmp_path, body)
    assert pairs_of(proposal(path, "--cohort", "c1")) == [("ada", "cleo")]
    path = write(tmp_path, body + '\n[matching]\navoid_same = ["function"]\n')
    assert pairs_of(proposal(path, "--cohort", "c1")) == [("ben", "cleo")]
    assert row(explain(path, "c1", "cleo"), "ada")["note"] == "same function Audit ([matching] avoid_same)"


# -- generation is opt-in ----------------------------------------------------------------------


def test_generation_counts_as_perspective_only_when_a_program_opts_in(tmp_path):
    body = (
        person("ada", "mentor", generation="Gen X")
        + person("cleo", "mentee", generation="Millennial")
        + cohort("c1", ["ada", "cleo"])
    )
    path = write(tmp_path, body)
    assert proposal(path, "--cohort", "c1")["pairs"][0]["components"]["perspective"] == 0
    path = write(tmp_path, body + '\n[matching]\nperspective = ["division", "generation"]\n')
    assert proposal(path, "--cohort", "c1")["pairs"][0]["components"]["perspective"] > 0


# -- people in both roles ------------------------------------------------------------------------

AUTUMN = (
    person("noa", "mentor", strengths=["diplomacy"], experiences=["recall"], division="Security")
    + person("margaret", "mentor", strengths=["foresight"], experiences=["recall"], division="Wealth")
    + person(
        "samuel",
        "both",
        strengths=["foresight"],
        development_goals=["diplomacy"],
        experiences=["asia"],
        division="Risk",
    )
    + person(
        "thabo",
        "both",
        strengths=["diplomacy"],
        development_goals=["foresight"],
        experiences=["asia"],
        division="Ops",
    )
    + person("sipho", "mentee", development_goals=["foresight"], experiences=["recall"], division="Trade")
    + person("aisha", "mentee", development_goals=["diplomacy"], experiences=["recall"], division="Loans")
)
"""Each both-role person's best mentor and best mentee differ only in the experience one brings the
other, so the optimum is the autumn cohort's shape, and only it."""
AUTUMN_MEMBERS = ["noa", "margaret", "samuel", "thabo", "sipho", "aisha"]


def test_a_both_role_cohort_like_autumn_2026_is_reproduced_from_its_members(tmp_path):
    # As in the example's autumn cohort: Samuel and Thabo are mentored and mentor someone else,
    # each within one workload limit of two pairs (8 hours, 4 a pair).
    path = write(tmp_path, AUTUMN + cohort("c1", AUTUMN_MEMBERS), cap=2)
    data = proposal(path, "--cohort", "c1")
    assert sorted(pairs_of(data)) == [
        ("margaret", "thabo"),
        ("noa", "samuel"),
        ("samuel", "sipho"),
        ("thabo", "aisha"),
    ]
    assert data["mentees"] == {"total": 4, "matched": 4}
    # Written to program.toml, the proposal passes mentor-load, which counts both roles too: with
    # one pair each allowed, Samuel and Thabo are over it.
    assert match(path, "--cohort", "c1", "--write").code == 0
    assert _mentor_load(tmp_path) == []
    text = path.read_text()
    path.write_text(replace_once(text, "max_mentees_per_mentor = 2", "max_mentees_per_mentor = 1"))
    assert _mentor_load(tmp_path) == [
        "Samuel is in 2 pairs (mentor of 1, mentee in 1) at the same time, more than the 1 the guardrails "
        "allow: move a mentee to another mentor",
        "Thabo is in 2 pairs (mentor of 1, mentee in 1) at the same time, more than the 1 the guardrails "
        "allow: move a mentee to another mentor",
    ]


def _mentor_load(folder: Path) -> list[str]:
    result = run_handbook("check", "program.toml", "--format", "json", cwd=folder)
    findings = json.loads(result.out)["findings"]
    return sorted(f["message"] for f in findings if f["code"] == "HB101")


def test_being_mentored_takes_one_of_a_both_role_persons_places(tmp_path):
    # With one place each, Samuel and Thabo either mentor or are mentored, never both.
    path = write(tmp_path, AUTUMN + cohort("c1", AUTUMN_MEMBERS), cap=1)
    data = proposal(path, "--cohort", "c1")
    pairs = pairs_of(data)
    for both in ("samuel", "thabo"):
        assert sum(both in pair for pair in pairs) <= 1
    reasons = {u["id"]: u["reason"] for u in data["unmatched"]}
    busy = [who for who in ("samuel", "thabo") if any(pair[1] == who for pair in pairs)]
    for who in busy:
        assert reasons[who] == (
            f"{who.title()} is mentored in this proposal, which takes their only free place "
            "(1 allowed, 0 already taken)"
        )


def test_two_people_in_both_roles_never_mentor_each_other(tmp_path):
    body = (
        person("samuel", "both", strengths=["foresight"], development_goals=["diplomacy"], division="Risk")
        + person("thabo", "both", strengths=["diplomacy"], development_goals=["foresight"], division="Ops")
        + cohort("c1", ["samuel", "thabo"])
    )
    path = write(tmp_path, body, cap=2)
    data = proposal(path, "--cohort", "c1")
    assert len(data["pairs"]) == 1
    # A kept pair counts too: Thabo mentors Samuel, so Samuel may not mentor Thabo.
    path = write(tmp_path, body + '\n[[cohorts.pairs]]\nmentor = "thabo"\nmentee = "samuel"\n', cap=2)
    rows = explain(path, "c1", "thabo")
    assert row(rows, "samuel")["note"] == "already mentored by the mentee"


# -- why not the runner-up -----------------------------------------------------------------------


def test_why_not_names_who_took_the_runner_up_and_the_cohort_total_with_the_swap(tmp_path):
    # Ada suits both mentees best but has one place; Dan needs her more than Cleo does.
    body = (
        person("ada", "mentor", strengths=["foresight", "diplomacy"], division="Markets", geography="Asia")
        + person("ben", "mentor", strengths=["foresight"], division="Markets")
        + person("cleo", "mentee", development_goals=["foresight"])
        + person("dan", "mentee", development_goals=["diplomacy"])
        + cohort("c1", ["ada", "ben", "cleo", "dan"])
    )
    path = write(tmp_path, body, cap=1)
    data = proposal(path, "--cohort", "c1")
    assert sorted(pairs_of(data)) == [("ada", "dan"), ("ben", "cleo")]
    cleo = next(p for p in data["pairs"] if p["mentee"]["id"] == "cleo")
    assert cleo["runner_up"]["id"] == "ada" and cleo["runner_up"]["score"] > cleo["score"]
    dan_rows = explain(path, "c1", "dan")
    ben_dan = row(dan_rows, "ben")["score"]
    total = sum(p["score"] for p in data["pairs"])
    swapped = cleo["runner_up"]["score"] + ben_dan
    assert cleo["runner_up"]["why_not"] == (
        f"Ada ({cleo['runner_up']['score']:.1f}) is full with Dan; the best swap (Cleo to Ada, Dan to Ben): "
        f"cohort total {swapped:.1f} with the swap against {total:.1f} without"
    )
    text = match(path, "--cohort", "c1").out
    assert "      why not Ada: Ada (" in text


def test_why_not_says_when_the_swap_would_leave_someone_without_a_mentor(tmp_path):
    body = (
        person("ada", "mentor", strengths=["foresight", "diplomacy"], division="Markets", geography="Asia")
        + person("ben", "mentor", strengths=["foresight"], division="Markets")
        + person("cleo", "mentee", development_goals=["foresight"])
        + person("dan", "mentee", development_goals=["diplomacy"])
        + cohort("c1", ["ada", "ben", "cleo", "dan"])
        + '\n[[matching.exclude]]\nmentor = "ben"\nmentee = "dan"\n'
    )
    path = write(tmp_path, body, cap=1)
    cleo = next(p for p in proposal(path, "--cohort", "c1")["pairs"] if p["mentee"]["id"] == "cleo")
    assert cleo["runner_up"]["why_not"] == (
        f"Ada ({cleo['runner_up']['score']:.1f}) is full with Dan; the best swap (Cleo to Ada, Dan to Ben): "
        "Dan could not move to Ben (excluded in [matching] exclude) and would be left without a mentor"
    )


# -- --explain and --reason -------------------------------------------------------------------------


def test_explain_lists_every_candidate_with_its_breakdown_or_what_ruled_it_out(tmp_path):
    body = (
        MENTORS
        + MENTEES
        + person("cy", "mentor", strengths=["foresight"])
        + cohort("c1", ["ada", "ben", "cy", "cleo", "dan"])
        + '\n[[matching.exclude]]\nmentor = "cy"\nmentee = "cleo"\nreason = "Same team"\n'
    )
    path = write(tmp_path, body)
    rows = explain(path, "c1", "cleo")
    assert [(r["candidate"]["id"], r["status"]) for r in rows] == [
        ("ada", "proposed"),
        ("ben", "allowed"),
        ("cy", "ruled out"),
    ]
    assert set(rows[0]["components"]) == {
        "skills",
        "experience",
        "perspective",
        "style",
        "reverse",
        "availability",
        "overlap",
        "preference",
    }
    assert sum(rows[0]["components"].values()) == pytest.approx(rows[0]["score"], abs=0.01)
    assert rows[2]["note"] == "excluded in [matching] exclude" and rows[2]["score"] is None

    text = match(path, "--cohort", "c1", "--explain", "cleo").out
    assert "Candidates for Cleo as mentee in cohort c1:" in text
    assert re.search(r"^  Cy +ruled out: excluded in \[matching\] exclude$", text, re.M)
    # A mentor's candidates are the mentees.
    mentor_rows = explain(path, "c1", "ada")
    assert {r["candidate"]["id"] for r in mentor_rows} == {"cleo", "dan"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--explain", "clea"), "handbook: unknown person 'clea'; did you mean 'cleo'?\n"),
        (
            ("--explain", "eve"),
            "handbook: eve is not a member of cohort 'c1': add them to its members, or explain them in "
            "their own cohort\n",
        ),
        (
            ("--reason", "Time zones"),
            "handbook: --reason is recorded on the pair a rebalance ends: use it with --rebalance PERSON "
            "--write\n",
        ),
        (
            ("--rebalance", "cleo", "--write", "--reason", "two\nlines"),
            'handbook: --reason must be one line of text, e.g. --reason "Time zones left no session slot"\n',
        ),
    ],
)
def test_explain_and_reason_usage_errors(tmp_path, args, message):
    path = write(
        tmp_path, MENTORS + MENTEES + person("eve", "mentee") + cohort("c1", ["ada", "ben", "cleo", "dan"])
    )
    before = path.read_bytes()
    result = match(path, "--cohort", "c1", *args)
    assert result.code == 2
    assert result.err == message
    assert result.out == ""
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["program.toml"]


def test_rebalance_records_the_reason_given(tmp_path):
    body = (
        MENTORS
        + MENTEES
        + person("cy", "mentor", strengths=["foresight"])
        + cohort("c1", ["ada", "ben", "cy", "cleo", "dan"], pairs=(("ada", "cleo"), ("ben", "dan")))
    )
    path = write(tmp_path, body, cap=1)
    reason = "Tokyo and Toronto hours left no session slot"
    result = match(path, "--cohort", "c1", "--rebalance", "cleo", "--write", "--reason", reason)
    assert result.code == 0, result.output
    assert f'state = "rebalanced"\nend = 2027-05-10\nreason = "{reason}"\n' in path.read_text()
    pairs = open_project(path).program.cohorts[0].pairs
    assert pairs[0].reason == reason


# -- bad input ------------------------------------------------------------------------------------

BAD = [
    (
        {"timezone": "Mars/Olympus"},
        "",
        'timezone = "Mars/Olympus"',
        "timezone: 'Mars/Olympus' is not an IANA time zone: write a name such as 'Europe/Berlin', "
        "'America/New_York' or 'Asia/Singapore' (got 'Mars/Olympus')",
    ),
    (
        {"languages": "English"},
        "",
        'languages = "English"',
        "languages: write a list, even for one language: languages = [\"English\"] (got 'English')",
    ),
    (
        {"working_hours": "9-5"},
        "",
        'working_hours = "9-5"',
        "working_hours: '9-5' is not a span of local working hours: write it as 'HH:MM-HH:MM', e.g. "
        "'09:00-17:00' (got '9-5')",
    ),
    (
        {},
        confidential(preferences=["adda"]),
        'preferences = ["adda"]',
        "unknown person 'adda'; did you mean 'ada'? (person ids are declared in [[people]])",
    ),
    (
        {},
        confidential(preferences=["dan"]),
        'preferences = ["dan"]',
        "'dan' has role 'mentee', so they cannot be a mentor: name a person with role 'mentor' or 'both' "
        "in preferences",
    ),
]


@pytest.mark.parametrize(("fields", "private", "line_text", "message"), BAD)
def test_bad_matching_fields_are_located_errors(tmp_path, fields, private, line_text, message):
    body = (
        MENTORS
        + person("cleo", "mentee", development_goals=["foresight"], **fields)
        + private
        + person("dan", "mentee")
        + cohort("c1", ["ada", "ben", "cleo", "dan"])
    )
    path = write(tmp_path, body)
    lines = path.read_text().splitlines()
    line = lines.index(line_text) + 1
    column = (
        lines[line - 1].index("=") + 3 if "preferences" not in line_text else lines[line - 1].index('"') + 1
    )
    before = path.read_bytes()
    for args in (("match", "program.toml", "--cohort", "c1"), ("check", "program.toml")):
        result = run_handbook(*args, cwd=tmp_path)
        assert result.code == 1
        assert result.out.startswith(f"program.toml:{line}:{column}: {message}\n"), result.out
        assert "Traceback" not in result.output
        assert path.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["program.toml"]


def test_a_mentor_cannot_decline_themselves(tmp_path):
    body = (
        person("ada", "both")
        + confidential(declines=["ada"])
        + MENTEES
        + cohort("c1", ["ada", "cleo", "dan"])
    )
    path = write(tmp_path, body)
    lines = path.read_text().splitlines()
    line = lines.index('declines = ["ada"]') + 1
    before = path.read_bytes()
    result = run_handbook("match", "program.toml", "--cohort", "c1", cwd=tmp_path)
    assert result.code == 1
    assert result.out.startswith(
        f"program.toml:{line}:13: a person cannot decline themselves as a mentee: remove 'ada' from declines\n"
    )
    assert "Traceback" not in result.output
    assert path.read_bytes() == before


# -- the example program ---------------------------------------------------------------------------


def test_the_example_matches_2027_spring_and_says_why_for_the_rest():
    result = run_handbook(
        "match",
        "program.toml",
        "--cohort",
        "2027-spring",
        "--format",
        "json",
        cwd=ROOT,
        env={"HANDBOOK_TODAY": "2026-11-24"},
    )
    assert result.code == 0, result.output
    data = json.loads(result.out)
    program = open_project(ROOT / "program.toml").program
    spring = next(c for c in program.cohorts if c.id == "2027-spring")
    mentees = {m for m in spring.members if program.person(m).role in ("mentee", "both")}
    matched = {p["mentee"]["id"] for p in data["pairs"]}
    mentoring = {p["mentor"]["id"] for p in data["pairs"]}
    unmatched = {u["id"]: u for u in data["unmatched"]}
    # Every mentee is matched; every member is in a pair or listed with a reason.
    assert matched == mentees
    for member in spring.members:
        assert member in matched | mentoring or unmatched[member]["reason"]
    # The people in both roles take both sides where their time allows.
    assert any(p["mentor"]["id"] in ("kenji-tanaka", "priya-raman", "rafael-moreira") for p in data["pairs"])


PROFILE = {"name": "P", "division": "D", "geography": "G", "role": "mentor"}

# -- shared working hours, against counting minutes -----------------------------------------------

spans = st.tuples(st.integers(0, 1439), st.integers(1, 1440))


@given(st.lists(spans, min_size=1, max_size=4), st.lists(spans, min_size=1, max_size=4))
@settings(max_examples=200, deadline=None)
def test_shared_hours_count_the_minutes_both_work(mentor_spans, mentee_spans):
    def minutes(start: int, length: int) -> set[int]:
        return {(start + k) % 1440 for k in range(length)}

    table = shared_hours(
        np.array([[s, s + n] for s, n in mentor_spans], dtype=float),
        np.array([[s, s + n] for s, n in mentee_spans], dtype=float),
    )
    for i, (a, la) in enumerate(mentor_spans):
        for j, (b, lb) in enumerate(mentee_spans):
            assert table[i, j] * 60 == pytest.approx(len(minutes(a, la) & minutes(b, lb)), abs=1e-3)


def test_working_hours_follow_daylight_saving_time_on_the_cohorts_first_day():
    # London and New York are 5 hours apart in January and in July: 3 shared hours of 09:00-17:00.
    # In the weeks of March when only New York has moved its clocks they are 4 apart.
    people = [Person.model_validate({**PROFILE, "id": "a", "timezone": "Europe/London"})]
    others = [Person.model_validate({**PROFILE, "id": "b", "timezone": "America/New_York"})]
    for day, hours in ((dt.date(2027, 1, 15), 3), (dt.date(2027, 7, 15), 3), (dt.date(2027, 3, 20), 4)):
        shared = shared_hours(utc_windows(people, "", day), utc_windows(others, "", day))
        assert shared[0, 0] == hours
