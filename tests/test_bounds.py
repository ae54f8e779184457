"""Bounded values: every duration, date, count, weight, nesting depth and one-line text that
could crash or blow up a later step is refused by `handbook check`, at its line."""

from __future__ import annotations

import datetime as dt
import typing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar
from pydantic import BaseModel
from pydantic_core import PydanticCustomError

from generator.model import _CONTROL, _SAFE_ID, Cadence, Program, _check_id, _check_line
from generator.project import FREE_FORM
from generator.site.calendar import cohort_calendar
from generator.site.public_view import PublicCohort
from generator.site.schedule import MAX_SESSIONS_PER_CADENCE, Session, cohort_schedule

from .conftest import replace_once, run_handbook

DURATION_LIMIT = "5 years (1826 days, 260 weeks or 60 months): a cohort lasts less than that"
DATE_RANGE = "is outside the dates a program may use, 1970-01-01 to 2200-12-31: check the year"
ONE_LINE = (
    "is not allowed here: keep it on one line, with no control characters "
    "(longer text belongs in a description)"
)
TOO_DEEP = (
    "tables and lists are nested more than 64 levels deep here: a program needs only a few levels, "
    "so flatten this value"
)


def refused(tmp_path: Path, text: str, expected: str) -> None:
    """`handbook check` exits 1 with `expected` as its first line, no traceback, file untouched."""
    program = tmp_path / "program.toml"
    program.write_text(text, encoding="utf-8")
    before = program.read_bytes()
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 1, result.output
    assert result.out.splitlines()[0] == expected
    assert "Traceback" not in result.output
    assert program.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["program.toml"]


# --------------------------------------------------------------------------------------------
# Durations and counts
# --------------------------------------------------------------------------------------------


def test_a_milestone_offset_of_a_hundred_million_days_is_refused(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'due = "4 weeks"', 'due = "99999999 days"')
    refused(
        tmp_path,
        text,
        f"program.toml:66:7: '99999999 days' is longer than the longest duration, {DURATION_LIMIT}",
    )


def test_a_cadence_of_a_huge_count_is_refused(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'every = "1 month"', 'every = "999999999999999999999 weeks"')
    refused(
        tmp_path,
        text,
        f"program.toml:60:9: '999999999999999999999 weeks' is longer than the longest duration, {DURATION_LIMIT}",
    )


def test_a_duration_of_thousands_of_digits_is_refused_quickly(tmp_path: Path, minimal_text: str) -> None:
    digits = "9" * 5000  # int() of more than 4300 digits raises ValueError
    text = replace_once(minimal_text, 'every = "1 month"', f'every = "{digits} days"')
    refused(
        tmp_path,
        text,
        f"program.toml:60:9: '{digits} days' is longer than the longest duration, {DURATION_LIMIT}",
    )


def test_sixty_months_is_the_longest_duration(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'due = "4 weeks"', 'due = "61 months"')
    refused(
        tmp_path,
        text,
        f"program.toml:66:7: '61 months' is longer than the longest duration, {DURATION_LIMIT}",
    )


# --------------------------------------------------------------------------------------------
# Dates and windows
# --------------------------------------------------------------------------------------------


def test_a_cohort_ending_in_the_year_9999_is_refused(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, "end = 2027-05-28", "end = 9999-12-30")
    refused(tmp_path, text, f"program.toml:48:7: end: 9999-12-30 {DATE_RANGE}")


def test_a_daily_cadence_from_the_year_1_is_refused(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, "start = 2027-01-04", "start = 0001-01-01")
    text = replace_once(text, 'every = "1 month"', 'every = "1 day"')
    refused(tmp_path, text, f"program.toml:47:9: start: 0001-01-01 {DATE_RANGE}")


def test_a_cohort_of_five_years_or_more_is_refused(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, "end = 2027-05-28", "end = 2032-01-05")
    refused(
        tmp_path,
        text,
        "program.toml:48:7: end: cohort runs from 2027-01-04 to 2032-01-05, more than 5 years (1826 days): "
        "split it into shorter cohorts",
    )


def test_a_pair_window_of_five_years_or_more_is_refused(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(
        minimal_text, 'mentee = "mentee-b"\n\n', 'mentee = "mentee-b"\nstart = 1990-01-01\n\n'
    )
    refused(
        tmp_path,
        text,
        "program.toml:55:9: the pair meets from 1990-01-01 to 2027-05-28, more than 5 years (1826 days): "
        "give it dates within its cohort",
    )


def test_a_milestone_due_date_out_of_range_is_refused(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'due = "4 weeks"', "due = 2201-01-01")
    refused(tmp_path, text, f"program.toml:66:7: 2201-01-01 {DATE_RANGE}")


# --------------------------------------------------------------------------------------------
# Counts and weights
# --------------------------------------------------------------------------------------------


def test_a_huge_mentor_capacity_is_refused(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(
        minimal_text, "[guardrails]\n", "[guardrails]\nmax_mentees_per_mentor = 999999999999\n"
    )
    refused(
        tmp_path, text, "program.toml:111:26: max_mentees_per_mentor must be at most 100, not 999999999999"
    )


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        ("inf", "skills: input should be a finite number (got inf)"),
        ("nan", "skills: input should be a finite number (got nan)"),
        ("-1", "skills must be at least 0, not -1"),
    ],
)
def test_weights_are_finite_and_non_negative(
    tmp_path: Path, minimal_text: str, weight: str, message: str
) -> None:
    text = minimal_text + f"\n[matching.weights]\nskills = {weight}\n"
    refused(tmp_path, text, f"program.toml:124:10: {message}")


def test_an_infinite_hour_limit_is_refused(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, "[guardrails]\n", "[guardrails]\nmax_hours_per_month = inf\n")
    refused(
        tmp_path, text, "program.toml:111:23: max_hours_per_month: input should be a finite number (got inf)"
    )


# --------------------------------------------------------------------------------------------
# Nesting depth
# --------------------------------------------------------------------------------------------


def test_a_value_nested_65_levels_deep_is_refused_at_its_first_too_deep_list(
    tmp_path: Path, minimal_text: str
) -> None:
    text = minimal_text + "\n[site]\nlanguage = " + "[" * 70 + "]" * 70 + "\n"
    refused(tmp_path, text, f"program.toml:124:75: {TOO_DEEP}")


@pytest.mark.parametrize("opening", ["[", "{a = "])
def test_a_value_nested_past_the_parser_limit_is_located_not_a_crash(
    tmp_path: Path, minimal_text: str, opening: str
) -> None:
    closing = "]" if opening == "[" else "}"
    value = opening * 500 + ("" if opening == "[" else "1") + closing * 500
    text = minimal_text + '\n[site]\nurl = "a # [not a list"\nlanguage = ' + value + "\n"
    column = 12 + 64 * len(opening)
    refused(tmp_path, text, f"program.toml:125:{column}: {TOO_DEEP}")


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("[checks.mentor-load]", "max_mentees"),
        ("[checks.acme-rule]", "option"),
        ("[matching.weights]", "acme"),
    ],
    ids=["rule-option", "unknown-rule", "plugin-weight"],
)
def test_a_deep_value_in_a_table_kept_as_written_is_refused_in_a_valid_program(
    tmp_path: Path, minimal_text: str, table: str, key: str
) -> None:
    """`[checks]` and `[matching]` keep keys they do not know for later steps, so a program
    that validates is still refused, at the value, when one of those is too deep."""
    text = minimal_text + f"\n{table}\n{key} = " + "[" * 70 + "]" * 70 + "\n"
    line = text.count("\n")
    refused(tmp_path, text, f"program.toml:{line}:{len(key) + 3 + 63}: {TOO_DEEP}")  # depth 3 + 62 lists


def test_the_tables_kept_as_written_are_the_ones_checked_for_depth() -> None:
    """Every model that keeps unknown keys (`extra="allow"`) lies under a table in FREE_FORM:
    elsewhere a too-deep value fails validation, and only then is depth looked for."""
    found: set[str] = set()

    def visit(model: type[BaseModel], top: str) -> None:
        if model.model_config.get("extra") == "allow":
            found.add(top)
        for name, info in model.model_fields.items():
            for inner in _models_in(info.annotation):
                visit(inner, top or name)

    visit(Program, "")
    assert found == set(FREE_FORM)


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def test_deeply_nested_records_are_located_in_their_file(tmp_path: Path, minimal_text: str) -> None:
    (tmp_path / "records").mkdir()
    records = tmp_path / "records" / "pilot.toml"
    records.write_text('cohort = "pilot"\nx = ' + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    (tmp_path / "program.toml").write_text(minimal_text, encoding="utf-8")
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 1, result.output
    assert result.out.splitlines()[0] == f"records/pilot.toml:2:69: {TOO_DEEP}"
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------------------------
# One-line text
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "what"),
    [
        ("\\n", "a line break (U+000A)"),
        ("\\r", "a carriage return (U+000D)"),
        ("\\u2028", "a line separator (U+2028)"),
        ("\\u2029", "a paragraph separator (U+2029)"),
        ("\\u0085", "a next-line character (U+0085)"),
        ("\\u0007", "a control character (U+0007)"),
    ],
)
def test_a_cohort_name_is_one_line(tmp_path: Path, minimal_text: str, char: str, what: str) -> None:
    text = replace_once(minimal_text, 'name = "Pilot"', f'name = "Pi{char}lot"')
    refused(tmp_path, text, f"program.toml:46:8: name: {what} {ONE_LINE}")


def test_a_person_title_is_one_line(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'name = "Mentor A"', 'name = "Mentor A"\ntitle = """Chief\nOfficer"""')
    refused(tmp_path, text, f"program.toml:22:9: title: a line break (U+000A) {ONE_LINE}")


def test_an_id_with_a_line_separator_is_refused(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'id = "pilot"', 'id = "pi\\u2028lot"')
    refused(
        tmp_path,
        text,
        "program.toml:45:6: id 'pi\\u2028lot' contains a control character: use letters, digits, '-', '_' "
        "and '.' only",
    )


CHARACTERS = st.characters(codec="utf-8") | st.sampled_from(
    ["\n", "\x85", "\u2028", "\u00a0", ".", "/", "-", "_"]
)


@given(st.text(CHARACTERS, max_size=8))
def test_a_one_line_text_is_refused_exactly_when_it_holds_a_control_character(value: str) -> None:
    refused = _CONTROL.search(value) is not None
    try:
        assert _check_line(value) == value
    except PydanticCustomError as error:
        assert refused and error.type == "single_line"
    else:
        assert not refused


@given(st.text(CHARACTERS, max_size=8))
def test_an_id_is_accepted_exactly_when_every_rule_for_ids_holds(value: str) -> None:
    safe = (
        value != ""
        and not any(bad in value for bad in ("..", "/", "\\"))
        and not value.startswith(".")
        and _CONTROL.search(value) is None
        and _SAFE_ID.match(value) is not None
    )
    try:
        assert _check_id(value) == value
    except PydanticCustomError as error:
        assert not safe and error.type == "unsafe_id"
    else:
        assert safe


def test_descriptions_may_span_lines(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(
        minimal_text, 'name = "Mentor A"', 'name = "Mentor A"\nbio = """First line.\nSecond."""'
    )
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")
    assert run_handbook("check", "program.toml", cwd=tmp_path).code == 0


# --------------------------------------------------------------------------------------------
# Calendars
# --------------------------------------------------------------------------------------------


def test_calendars_escape_text_per_rfc_5545() -> None:
    session = Session(
        "review/2027-01-04", dt.date(2027, 1, 4), "Review; plan, and \\ reflect\nnext", "other", 60
    )
    cohort = PublicCohort(
        slug="pilot",
        name="Pilot, the first; a\\b\nc",
        start=dt.date(2027, 1, 4),
        end=dt.date(2027, 5, 28),
        sponsor=None,
        members=[],
        pairs=[],
        schedule=[session],
    )
    ics = cohort_calendar("Program", cohort, stamp=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    assert b"X-WR-CALNAME:Program: Pilot\\, the first\\; a\\\\b\\nc\r\n" in ics
    assert b"SUMMARY:Review\\; plan\\, and \\\\ reflect\\nnext\r\n" in ics
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == session.title


def test_a_schedule_never_expands_past_its_bound() -> None:
    daily = Cadence(id="daily", name="Daily", kind="check-in", every="1 day")
    longest = cohort_schedule([daily], dt.date(2027, 1, 1), dt.date(2027, 1, 1) + dt.timedelta(days=1826))
    # Weekend days move to the Monday, where the Monday's own session already is: one session a working day.
    working_days = sum(
        1 for n in range(1, 1827) if (dt.date(2027, 1, 1) + dt.timedelta(days=n)).weekday() < 5
    )
    assert len(longest) == working_days <= MAX_SESSIONS_PER_CADENCE
    assert len({s.date for s in longest}) == len(longest)
    with pytest.raises(AssertionError, match="expands past 1827 sessions"):
        cohort_schedule([daily], dt.date(1970, 1, 1), dt.date(2200, 1, 1))
