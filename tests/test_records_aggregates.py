"""The figures the handbook may publish: aggregates only, never over fewer than k mentees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.project import open_project
from generator.records.aggregates import PROGRAM, Aggregates, aggregate
from generator.site.public_view import public_view

AS_OF = dt.date(2027, 12, 31)


def write_program(folder: Path, cohorts: dict[str, int], extra: str = "") -> Path:
    """A program whose cohorts have the given numbers of pairs (one mentee each), with records."""
    lines = ['[program]\nname = "Groups"\nowners = [{ name = "Owner" }]\n', extra]
    pairs_by_cohort: dict[str, list[tuple[str, str]]] = {}
    for cohort, size in cohorts.items():
        pairs_by_cohort[cohort] = []
        for i in range(size):
            mentor, mentee = f"mentor-{cohort}-{i}", f"mentee-{cohort}-{i}"
            pairs_by_cohort[cohort].append((mentor, mentee))
            for pid, role in ((mentor, "mentor"), (mentee, "mentee")):
                lines.append(
                    f'[[people]]\nid = "{pid}"\nname = "{pid}"\ndivision = "Ops"\ngeography = "EU"\nrole = "{role}"\n'
                )
    for n, (cohort, pairs) in enumerate(pairs_by_cohort.items()):
        lines.append(
            f'[[cohorts]]\nid = "{cohort}"\nname = "{cohort}"\nstart = 2027-0{n + 1}-01\nend = 2027-0{n + 5}-28\n'
        )
        lines += [f'[[cohorts.pairs]]\nmentor = "{m}"\nmentee = "{e}"\n' for m, e in pairs]
    lines.append(
        '[[cadences]]\nid = "alignment"\nname = "Alignment"\nkind = "alignment-check"\nevery = "1 month"\n'
    )
    lines.append('[[milestones]]\nid = "plan"\ntitle = "Plan agreed"\ndue = "4 weeks"\n')
    (folder / "program.toml").write_text("\n".join(lines), encoding="utf-8")
    records = folder / "records"
    records.mkdir()
    for n, (cohort, pairs) in enumerate(pairs_by_cohort.items()):
        text = [f'cohort = "{cohort}"']
        for i, (m, e) in enumerate(pairs):
            text.append(
                f'[[pairs]]\nmentor = "{m}"\nmentee = "{e}"\n'
                f'sessions = [{{ date = 2027-0{n + 2}-03, kind = "alignment" }}, {{ date = 2027-0{n + 3}-03, kind = "alignment" }}]\n'
                f'milestones = [{{ milestone = "plan", date = 2027-0{n + 1}-20, evidence = "Secret evidence {m}" }}]\n'
                f"outcomes = [{{ date = 2027-0{n + 4}-01, promoted = {'true' if i % 2 else 'false'} }}]\n"
            )
        (records / f"{cohort}.toml").write_text("\n".join(text), encoding="utf-8")
    return folder / "program.toml"


def figures_for(tmp_path: Path, cohorts: dict[str, int], extra: str = "") -> Aggregates:
    loaded = open_project(write_program(tmp_path, cohorts, extra))
    return aggregate(loaded.program, loaded.records, AS_OF)


def test_a_cohort_of_four_people_shows_no_figures(tmp_path: Path) -> None:
    # two pairs: two mentors and two mentees
    figures = figures_for(tmp_path, {"tiny": 2, "large": 8})
    assert figures.figures["tiny"] == {}
    assert figures.suppressed["tiny"] > 0


def test_an_aggregate_of_exactly_k_shows(tmp_path: Path) -> None:
    figures = figures_for(tmp_path, {"exact": 5, "large": 8})
    sessions = figures.get("exact", "sessions")
    assert sessions is not None and (sessions.value, sessions.people) == (10, 5)
    promoted = figures.get("exact", "outcome", "promoted")
    assert promoted is not None and promoted.value == 2 / 5
    assert figures.get(PROGRAM, "mentees").value == 13


def test_one_below_k_is_hidden(tmp_path: Path) -> None:
    figures = figures_for(tmp_path, {"four": 4, "large": 8})
    assert figures.figures["four"] == {}


def test_the_total_cannot_reveal_a_hidden_cohort_by_subtraction(tmp_path: Path) -> None:
    # total - large - other = tiny: so one more cohort is hidden beside the tiny one
    figures = figures_for(tmp_path, {"tiny": 2, "other": 6, "large": 8})
    assert figures.figures["tiny"] == {}
    assert figures.figures["other"] == {}  # the smallest shown cohort is hidden too
    assert figures.get("large", "sessions") is not None
    assert figures.get(PROGRAM, "sessions").value == 32


def test_beside_one_small_cohort_the_other_cohort_is_hidden_and_only_the_total_shows(tmp_path: Path) -> None:
    figures = figures_for(tmp_path, {"tiny": 2, "large": 8})
    # the total minus large would be tiny: so large is hidden and only the total (10 mentees) shows
    assert figures.figures["large"] == {}
    assert figures.get(PROGRAM, "sessions").value == 20


def test_a_program_smaller_than_k_shows_nothing_at_all(tmp_path: Path) -> None:
    figures = figures_for(tmp_path, {"only": 4})
    assert figures.figures[PROGRAM] == {} and figures.figures["only"] == {}


def test_k_is_configurable(tmp_path: Path) -> None:
    figures = figures_for(tmp_path, {"four": 4}, extra="[records]\nmin_group_size = 4\n")
    assert figures.get("four", "sessions").value == 8


def test_milestones_reached_against_due(tmp_path: Path) -> None:
    figures = figures_for(tmp_path, {"large": 8})
    plan = figures.get("large", "milestone", "plan")
    assert (plan.value, plan.total) == (8, 8)
    assert figures.get(PROGRAM, "milestones-reached").value == 8


def test_sessions_held_against_the_plan(tmp_path: Path) -> None:
    # the cohort runs 2027-01-01 to 2027-05-28: monthly alignment checks a month after the start,
    # on working days: Feb 1, Mar 1, Apr 1 and May 3 (May 1 is a Saturday), four per pair
    figures = figures_for(tmp_path, {"large": 8})
    sessions = figures.get("large", "sessions")
    assert (sessions.value, sessions.total) == (16, 32)


def test_sessions_planned_are_the_sessions_the_pairs_are_shown(tmp_path: Path) -> None:
    """The progress figure counts against the sessions the pair's schedule page shows: the same
    first date (a month after the start), the same number, closed dates moving them alike."""
    extra = "[calendar]\nclosed_dates = [2027-05-03, 2027-05-04]\n"
    loaded = open_project(write_program(tmp_path, {"large": 8}, extra))
    figures = aggregate(loaded.program, loaded.records, AS_OF)
    shown = [
        session
        for cohort in public_view(loaded.program).cohorts
        for pair in cohort.pairs
        for session in pair.sessions
        if session.kind in ("alignment-check", "check-in")
    ]
    assert {s.date for s in shown} == {
        dt.date(2027, 2, 1),
        dt.date(2027, 3, 1),
        dt.date(2027, 4, 1),
        dt.date(2027, 5, 5),
    }
    sessions = figures.get("large", "sessions")
    assert sessions.total == len(shown) == 32


def test_figures_hold_numbers_only(tmp_path: Path) -> None:
    figures = figures_for(tmp_path, {"large": 8})
    text = repr(figures.figures)
    assert "mentee-" not in text and "mentor-" not in text and "Secret" not in text
