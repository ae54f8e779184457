"""The validated shape of program.toml.

Every practice of a well-run executive mentorship program (P01-P32 in the domain notes) has a
home here. Models reject unknown keys so a typo never silently drops a setting; the loader turns
pydantic's errors into located, compiler-style messages. Cross-references between sections
(person ids in pairs, competency tags, cadence ids) are resolved in `references.py`, which
works on the raw TOML so that it can report alongside any structural error.

Annotations here are evaluated as the classes are defined (no `from __future__ import
annotations`): pydantic reads them either way, and evaluating 250 of them from strings would
add to the start of every command that loads a program.
"""

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal, cast

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    create_model,
    field_validator,
)
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from generator.site.engines import Engine

# --------------------------------------------------------------------------------------------
# Scalar types
# --------------------------------------------------------------------------------------------

_SAFE_ID = re.compile(r"^[\w][\w.-]*$")


def _check_id(value: str) -> str:
    """Ids become file names and page addresses, so they must be safe in both."""
    if ".." not in value and _SAFE_ID.fullmatch(value):
        return value  # the common case, decided by one test: every check below passes
    if value == "":
        raise PydanticCustomError("unsafe_id", "id is empty: give it a short name such as 'emea-2027'")
    if ".." in value or "/" in value or "\\" in value:
        raise PydanticCustomError(
            "unsafe_id",
            "id '{id}' contains a path separator or '..', so it could point outside the site: "
            "use letters, digits, '-', '_' and '.' only",
            {"id": value},
        )
    if value.startswith("."):
        raise PydanticCustomError(
            "unsafe_id",
            "id '{id}' starts with a dot, which hides files and breaks page addresses: "
            "start it with a letter or digit",
            {"id": value},
        )
    if _CONTROL.search(value):
        raise PydanticCustomError(
            "unsafe_id",
            "id '{id}' contains a control character: use letters, digits, '-', '_' and '.' only",
            {"id": value.encode("unicode_escape").decode("ascii")},
        )
    if not _SAFE_ID.match(value):
        raise PydanticCustomError(
            "unsafe_id",
            "id '{id}' is not safe as a file name or URL: use letters, digits, '-', '_' and '.' only",
            {"id": value},
        )
    return value


class _After:
    """`AfterValidator(check)` for a check of the value alone, said up front: pydantic otherwise
    reads the check's signature again at every field that uses it, a third of the time it takes
    to build the program's validator on every run."""

    def __init__(self, check: Callable[[Any], Any]) -> None:
        self.check = check

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))


Id = Annotated[str, _After(_check_id)]
"""A stable identifier: used in cross-references, file names and page addresses."""

_LINE_BREAKS = {
    "\n": "a line break",
    "\r": "a carriage return",
    "\u0085": "a next-line character",
    "\u2028": "a line separator",
    "\u2029": "a paragraph separator",
}


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""C0 and C1 control characters, DEL, and the Unicode line and paragraph separators."""


def _check_line(value: str) -> str:
    """Names, titles and labels are one line: they become page headings, table cells and
    calendar summaries, where a line break or a control character breaks the output (an
    unescaped newline in an .ics property is a malformed calendar)."""
    if value.isprintable():
        return value  # the common case, quicker to tell: every character _CONTROL finds is unprintable
    found = _CONTROL.search(value)
    if found:
        ch = found.group()
        what = _LINE_BREAKS.get(ch, "a control character")
        raise PydanticCustomError(
            "single_line",
            "{what} (U+{code}) is not allowed here: keep it on one line, with no control "
            "characters (longer text belongs in a description)",
            {"what": what, "code": f"{ord(ch):04X}"},
        )
    return value


Line = Annotated[str, _After(_check_line)]
"""Text shown on one line (a label, a title): no line breaks or control characters."""

Text = Annotated[str, Field(min_length=1), _After(_check_line)]
"""A required one-line text: a name or title."""

Prose = Annotated[str, Field(min_length=1)]
"""Required free text (an outcome, a reason, a prompt): may span lines; shown in page bodies only."""

_INTERVAL = re.compile(r"^\s*(\d+)\s*(day|days|week|weeks|month|months)\s*$")

MAX_SPAN_DAYS = 1826
"""Five years: the longest cohort, pair window and duration. It bounds every calendar: a daily
cadence over the longest window is 1,827 sessions, so no program that passes `check` can make
the build explode."""

MAX_INTERVAL = {"day": MAX_SPAN_DAYS, "week": MAX_SPAN_DAYS // 7, "month": 60}
"""The largest count of each unit in a duration (five years)."""

EARLIEST = dt.date(1970, 1, 1)
LATEST = dt.date(2200, 12, 31)
"""The dates a program may name. Far beyond any real program; well inside what dates,
calendars and offsets of up to five years can represent without overflowing."""


def _check_date(value: dt.date) -> dt.date:
    """Dates outside EARLIEST..LATEST are typos (0001-01-01, 9999-12-30) that would overflow
    date arithmetic or expand calendars across centuries."""
    if not EARLIEST <= value <= LATEST:
        raise PydanticCustomError(
            "date_range",
            "{value} is outside the dates a program may use, {earliest} to {latest}: check the year",
            {"value": value.isoformat(), "earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
        )
    return value


Date = Annotated[
    dt.date,
    _After(_check_date),
    Field(description=f"A date from {EARLIEST.isoformat()} to {LATEST.isoformat()}, e.g. 2027-01-15."),
]
"""A calendar date within the range a program may use."""


def _check_timezone(value: str) -> str:
    """Time zones are IANA names (Europe/Berlin), the form calendars and the matcher understand;
    an abbreviation such as CET or a UTC offset changes meaning with daylight saving time."""
    if value == "":
        return value
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only programs that name a zone pay for it

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise PydanticCustomError(
            "timezone",
            "'{value}' is not an IANA time zone: write a name such as 'Europe/Berlin', "
            "'America/New_York' or 'Asia/Singapore'",
            {"value": value},
        ) from None
    return value


TimeZone = Annotated[
    str,
    _After(_check_timezone),
    Field(description="An IANA time zone name, e.g. 'Europe/Berlin'."),
]
"""An IANA time zone name, or empty when not given."""

_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


def working_minutes(value: str) -> tuple[int, int]:
    """'09:00-17:00' as (540, 1020) minutes after local midnight; the end may be past midnight
    ('22:00-06:00' is (1320, 1800))."""
    found = _HOURS.match(value)
    if not found:
        raise ValueError(value)
    h1, m1, h2, m2 = (int(g) for g in found.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end > 1440:
        raise ValueError(value)
    return start, end if end > start else end + 1440


def _check_working_hours(value: str) -> str:
    """Local working hours, so the matcher can find the hours two people share across zones."""
    if value == "":
        return value
    try:
        start, end = working_minutes(value)
    except ValueError:
        raise PydanticCustomError(
            "working_hours",
            "'{value}' is not a span of local working hours: write it as 'HH:MM-HH:MM', e.g. '09:00-17:00'",
            {"value": value},
        ) from None
    if end - start == 1440:
        raise PydanticCustomError(
            "working_hours",
            "'{value}' starts and ends at the same time: give the hours worked",
            {"value": value},
        )
    return value


WorkingHours = Annotated[
    str,
    _After(_check_working_hours),
    Field(
        json_schema_extra={"pattern": r"^(|\d\d:\d\d-\d\d:\d\d)$"},
        description="Local working hours as 'HH:MM-HH:MM', e.g. '09:00-17:00' (default with a "
        "time zone: 09:00-17:00).",
    ),
]
"""Local working hours, or empty when not given."""


_TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _parse_time_of_day(value: Any) -> Any:
    """'09:30' in program.toml: a 24-hour clock time, read in the cohort's (or person's) zone."""
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str) and (m := _TIME_OF_DAY.match(value.strip())):
        return dt.time(int(m.group(1)), int(m.group(2)))
    raise PydanticCustomError(
        "time_of_day",
        "{value} is not a time of day: write it as 'HH:MM' on a 24-hour clock, such as '09:30' or '16:00'",
        {"value": repr(value)},
    )


TimeOfDay = Annotated[
    dt.time,
    BeforeValidator(_parse_time_of_day),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _TIME_OF_DAY.pattern,
            "description": "A time of day, 'HH:MM' on a 24-hour clock, e.g. '09:30'.",
        }
    ),
]
"""A time of day for a session, in the cohort's time zone (or the mentee's, for a pair)."""


class Interval(BaseModel):
    """A span of time such as '1 month' or '2 weeks', written as a string in program.toml."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    count: int
    unit: Literal["day", "week", "month"]

    @property
    def approx_days(self) -> float:
        return self.count * {"day": 1.0, "week": 7.0, "month": 30.44}[self.unit]

    def __str__(self) -> str:
        return f"{self.count} {self.unit}{'s' if self.count != 1 else ''}"

    def in_words(self) -> str:
        """How often, as a participant says it: 'monthly', 'every 2 weeks', 'daily'."""
        if self.count == 1:
            return {"day": "daily", "week": "weekly", "month": "monthly"}[self.unit]
        return f"every {self}"

    def add_to(self, start: dt.date, times: int = 1) -> dt.date:
        """The date `times` intervals after `start` (months keep the day of month where it exists)."""
        n = self.count * times
        if self.unit == "day":
            return start + dt.timedelta(days=n)
        if self.unit == "week":
            return start + dt.timedelta(weeks=n)
        month_index = start.month - 1 + n
        year, month = start.year + month_index // 12, month_index % 12 + 1
        for day in (start.day, 30, 29, 28):
            try:
                return dt.date(year, month, day)
            except ValueError:
                continue
        raise AssertionError("unreachable: every month has 28 days")


def _parse_interval(value: Any) -> Any:
    if isinstance(value, Interval):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "interval_type",
            "expected a duration string such as '1 month' or '2 weeks'",
        )
    m = _INTERVAL.match(value)
    if not m or not m.group(1).strip("0"):
        raise PydanticCustomError(
            "interval_format",
            "'{value}' is not a duration: write a positive number and a unit, "
            "such as '1 month', '2 weeks' or '10 days'",
            {"value": value},
        )
    unit = m.group(2).rstrip("s")
    digits = m.group(1).lstrip("0")
    # Compare the digits' length first: int() of thousands of digits is slow and then refused.
    if len(digits) > 6 or int(digits) > MAX_INTERVAL[unit]:
        raise PydanticCustomError(
            "interval_too_long",
            "'{value}' is longer than the longest duration, 5 years "
            "({days} days, {weeks} weeks or {months} months): a cohort lasts less than that",
            {"value": value, **{f"{u}s": n for u, n in MAX_INTERVAL.items()}},
        )
    return Interval(count=int(digits), unit=unit)


Duration = Annotated[
    Interval,
    BeforeValidator(_parse_interval),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _INTERVAL.pattern,
            "description": "A duration such as '1 month', '2 weeks' or '10 days'; at most 5 years "
            f"({MAX_INTERVAL['day']} days, {MAX_INTERVAL['week']} weeks or {MAX_INTERVAL['month']} months).",
        }
    ),
]


class Section(BaseModel):
    """Base for every table of program.toml: unknown keys are errors (typo protection); numbers
    are finite (TOML allows inf and nan, which no hour count or weight can mean)."""

    # defer_build: a table's validator is built on first use, not on import, so a command that
    # never validates a table does not pay for it and nested tables are built once, in place.
    # cache_strings off: nearly every string of a program is different, so looking each one up
    # in pydantic's cache of recent strings only costs time (a tenth of validating a large one).
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        strict=True,
        allow_inf_nan=False,
        defer_build=True,
        cache_strings=False,
    )


# --------------------------------------------------------------------------------------------
# Program, objectives, sponsors (P01, P07, P24)
# --------------------------------------------------------------------------------------------


class Owner(Section):
    name: Text
    role: Line = ""
    contact: Line = ""


class Sponsor(Section):
    """An executive sponsor: reviews priorities, budgets and succession with the program."""

    id: Id
    name: Text
    title: Line = ""


class Objective(Section):
    """P01: which development outcome, for which leaders, over what timeframe, measured how."""

    id: Id
    outcome: Prose
    audience: Prose
    timeframe: Prose
    measure: Prose
    metrics: list[str] = Field(default_factory=list, description="Metric ids that track it.")


class ProgramInfo(Section):
    name: Text
    summary: str = ""
    owners: list[Owner] = Field(min_length=1)
    sponsors: list[Sponsor] = Field(default_factory=list)
    objectives: list[Objective] = Field(default_factory=list)
    how_to_use: str = Field("", description="Shown on the handbook's home page.")


# --------------------------------------------------------------------------------------------
# Vocabularies (P02, P03)
# --------------------------------------------------------------------------------------------


class Competency(Section):
    id: Id
    name: Text
    description: str = ""


class Experience(Section):
    id: Id
    name: Text
    kind: Literal["market", "function", "crisis", "industry", "other"] = "other"
    description: str = ""


class Vocabulary(Section):
    competencies: list[Competency] = Field(default_factory=list)
    experiences: list[Experience] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------
# People (P02-P06, P11, P21, P30)
# --------------------------------------------------------------------------------------------

LeadershipStyle = Literal["risk-aware", "methodical", "improvisational", "big-picture", "balanced"]
LearningStyle = Literal["reflective", "experiential", "conversational", "structured", "observational"]
Level = Literal["low", "moderate", "high"]


class Confidential(Section):
    """P06: assessment results and private notes. Used by owners and matching only.

    Nothing in this section may reach the handbook site; the site receives a public view of the
    program that does not contain it at all.
    """

    communication_tone: str = ""
    risk_tolerance: Level | None = None
    political_sensitivity: Level | None = None
    assessment_notes: str = ""
    feedback_360: str = ""
    notes: str = ""
    preferences: list[str] = Field(
        default_factory=list,
        description="A mentee's preferred mentors, best first (person ids): a score component.",
    )
    declines: list[str] = Field(
        default_factory=list,
        description="Mentees a mentor will not take (person ids): never proposed.",
    )


CONFIDENTIAL_REFERENCES = ("preferences", "declines")
"""Fields of `[people.confidential]` that hold person ids. The ids are public; what is
confidential is who named whom, which no page shows (the site never receives this section)."""


def _language_list(value: Any) -> Any:
    """One language written as text is the likeliest slip: say how to write a list."""
    if isinstance(value, str):
        raise PydanticCustomError(
            "languages_list",
            'write a list, even for one language: languages = ["{value}"]',
            {"value": value},
        )
    return value


class Person(Section):
    id: Id
    name: Text
    email: Line = Field(
        "",
        description="Work email: how `handbook import people` recognises a person's form answers. "
        "Kept for owners; the handbook never shows it.",
    )
    title: Line = ""
    division: Text
    function: Line = ""
    geography: Text
    generation: Line = Field("", description="Generation or career stage, e.g. 'Gen X'.")
    career_stage: Line = ""
    industry: Line = Field("", description="Industry background before joining.")
    role: Literal["mentor", "mentee", "both"]
    bio: str = Field("", description="Public profile text shown in the handbook.")
    strengths: list[str] = Field(default_factory=list)
    development_goals: list[str] = Field(default_factory=list)
    experiences: list[str] = Field(default_factory=list)
    leadership_style: LeadershipStyle | None = None
    learning_style: LearningStyle | None = None
    leadership_goals: list[str] = Field(default_factory=list, description="Intake, in their words.")
    past_challenges: list[str] = Field(default_factory=list)
    hours_per_month: float = Field(0, ge=0, le=200, description="Hours a month for mentoring (0-200).")
    timezone: TimeZone = ""
    working_hours: WorkingHours = ""
    languages: Annotated[list[Line], BeforeValidator(_language_list)] = Field(
        default_factory=list, description="Languages they can mentor or be mentored in, e.g. ['English']."
    )
    manager: str | None = None
    confidential: Confidential = Field(default_factory=Confidential)

    @property
    def mentors(self) -> bool:
        return self.role in ("mentor", "both")

    @property
    def mentee(self) -> bool:
        return self.role in ("mentee", "both")


# --------------------------------------------------------------------------------------------
# Learning contracts (P12, P17, P18, P20)
# --------------------------------------------------------------------------------------------


class ContractTerms(Section):
    """A learning contract's terms. Unset fields fall back: pair -> [contract] -> [guardrails]."""

    mentor_role: str | None = None
    mentee_objectives: list[str] | None = Field(None, description="Prompts the mentee answers.")
    cadences: list[str] | None = Field(None, description="Cadence ids the pair follows.")
    milestones: list[str] | None = Field(None, description="Milestone ids the pair works to.")
    confidentiality: list[str] | None = None
    feedback_channels: list[str] | None = None
    escalation_path: list[str] | None = None
    session_prompts: list[str] | None = Field(
        None, description="Questions that surface assumptions and invite dissent (P12)."
    )


# --------------------------------------------------------------------------------------------
# Cohorts, pairs, events (P13, P14, P22, P25, P32)
# --------------------------------------------------------------------------------------------


class Activity(Section):
    """P13: a joint project or shadowing opportunity."""

    kind: Literal["joint-project", "shadowing"]
    title: Text
    description: str = ""
    participants: list[str] = Field(default_factory=list)
    start: Date | None = Field(None, description="When it starts (or the day it happens).")
    end: Date | None = Field(None, description="When it ends, for an activity over several days.")

    @field_validator("end")
    @classmethod
    def _end_not_before_start(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start")
        if end is not None and start is not None and end < start:
            raise PydanticCustomError(
                "end_before_start",
                "activity ends on {end} but starts on {start}: the end date must be on or after the start",
                {"end": end.isoformat(), "start": start.isoformat()},
            )
        return end


class Event(Section):
    """P14: a shared learning moment for the whole cohort."""

    id: Id
    kind: Literal["roundtable", "case-debrief", "simulation", "workshop", "other"]
    title: Text
    date: Date
    description: str = ""
    time: TimeOfDay | None = Field(
        None, description="Start time in the cohort's time zone; all day if unset."
    )
    duration_minutes: int | None = Field(
        None, gt=0, le=24 * 60, description="How long it lasts, in minutes (1-1440)."
    )


class Pair(Section):
    mentor: str
    mentee: str
    start: Date | None = Field(
        None, description="Defaults to the cohort's start. The pair's window is shorter than 5 years."
    )
    end: Date | None = Field(
        None, description="When the pair stopped meeting, if before the cohort's end (rebalanced)."
    )
    state: Literal["active", "completed", "rebalanced"] = "active"
    reason: str = Field("", description="Why the pair was rebalanced or ended early.")
    activities: list[Activity] = Field(default_factory=list)
    contract: ContractTerms = Field(default_factory=ContractTerms)

    @field_validator("mentee")
    @classmethod
    def _not_self(cls, mentee: str, info: ValidationInfo) -> str:
        if mentee == info.data.get("mentor"):
            raise PydanticCustomError(
                "self_pair",
                "'{person}' is paired with themself: choose a different mentor or mentee",
                {"person": mentee},
            )
        return mentee

    @field_validator("end")
    @classmethod
    def _pair_end_after_start(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start")
        if end is not None and start is not None and end <= start:
            raise PydanticCustomError(
                "end_before_start",
                "pair ends on {end} but starts on {start}: the end date must be after the start",
                {"end": end.isoformat(), "start": start.isoformat()},
            )
        return end

    @field_validator("reason")
    @classmethod
    def _reason_when_rebalanced(cls, reason: str, info: ValidationInfo) -> str:
        if info.data.get("state") == "rebalanced" and not reason:
            raise PydanticCustomError(
                "reason_missing",
                "a rebalanced pair needs a reason: say why the mentee was reassigned",
            )
        return reason


class Cohort(Section):
    id: Id
    name: Text
    start: Date
    end: Date = Field(description=f"After the start and less than 5 years ({MAX_SPAN_DAYS} days) later.")
    sponsor: str | None = None
    members: list[str] = Field(default_factory=list)
    pairs: list[Pair] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    timezone: TimeZone = Field(
        "", description="The cohort's default IANA time zone; a person may override it."
    )

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise PydanticCustomError(
                "end_before_start",
                "cohort ends on {end} but starts on {start}: the end date must be after the start",
                {"end": end.isoformat(), "start": start.isoformat()},
            )
        if start is not None and (end - start).days > MAX_SPAN_DAYS:
            raise PydanticCustomError(
                "cohort_too_long",
                "cohort runs from {start} to {end}, more than 5 years ({days} days): "
                "split it into shorter cohorts",
                {"end": end.isoformat(), "start": start.isoformat(), "days": MAX_SPAN_DAYS},
            )
        return end

    @property
    def months(self) -> float:
        return (self.end - self.start).days / 30.44

    def window(self, pair: Pair) -> tuple[dt.date, dt.date]:
        """The days a pair meets: from its start (or the cohort's) to its end (or the cohort's)."""
        return pair.start or self.start, pair.end or self.end


# --------------------------------------------------------------------------------------------
# Cadences (P08, P24, P27)
# --------------------------------------------------------------------------------------------

CadenceKind = Literal[
    "alignment-check", "mid-course-correction", "sponsor-review", "end-review", "check-in", "other"
]
Attendee = Literal["mentor", "mentee", "sponsor", "program-owner", "cohort"]


class Cadence(Section):
    """A recurring or one-off touchpoint; the handbook turns it into dated schedule entries."""

    id: Id
    name: Text
    kind: CadenceKind
    every: Duration | None = Field(None, description="Repeat interval, e.g. '1 month'.")
    at: Literal["start", "midpoint", "end"] | None = Field(
        None, description="For one-off touchpoints: when in the cohort window."
    )
    attendees: list[Attendee] = Field(default_factory=list)
    duration_minutes: int = Field(60, gt=0, le=24 * 60)
    time: TimeOfDay | None = Field(
        None, description="Start time, in the cohort's time zone (a pair's: the mentee's); all day if unset."
    )
    checklist: list[str] = Field(default_factory=list, description="Review checklist items.")
    optional: bool = Field(
        False, description="Only pairs whose contract lists it follow it (e.g. a fortnightly check-in)."
    )

    @field_validator("at")
    @classmethod
    def _when(cls, at: str | None, info: ValidationInfo) -> str | None:
        every = info.data.get("every")
        if at is None and every is None and "every" in info.data:
            raise PydanticCustomError(
                "cadence_when",
                "a cadence needs 'every' (e.g. '1 month') or 'at' ('start', 'midpoint' or 'end')",
            )
        if at is not None and every is not None:
            raise PydanticCustomError(
                "cadence_when",
                "a cadence has either 'every' or 'at', not both: remove one",
            )
        return at


# --------------------------------------------------------------------------------------------
# Guardrails (P10, P17, P20)
# --------------------------------------------------------------------------------------------


class FeedbackChannel(Section):
    name: Text
    description: str = ""
    every: Duration | None = None


class Guardrails(Section):
    max_mentees_per_mentor: int = Field(
        2, ge=0, le=100, description="Pairs a mentor may run at once (0-100)."
    )
    max_hours_per_month: float = Field(
        8,
        ge=0,
        le=744,
        description="A mentor's mentoring hours a month, at most (0-744, the hours in a month).",
    )
    hours_per_pair_per_month: float = Field(
        4,
        gt=0,
        le=744,
        description="Hours a month one pair takes from its mentor, for the workload checks (up to 744).",
    )
    confidentiality: list[str] = Field(default_factory=list)
    boundaries: list[str] = Field(default_factory=list)
    escalation_path: list[str] = Field(default_factory=list, description="Ordered steps.")
    feedback_channels: list[FeedbackChannel] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Milestones and metrics (P16, P19, P28)
# --------------------------------------------------------------------------------------------


def _parse_due(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        if not EARLIEST <= value <= LATEST:
            raise PydanticCustomError(
                "due_range",
                "{value} is outside the dates a program may use, {earliest} to {latest}: check the year",
                {"value": value.isoformat(), "earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
            )
        return value
    if isinstance(value, str):
        return _parse_interval(value)
    raise PydanticCustomError(
        "due_type",
        "expected a date (2027-03-01) or an offset from the pair's start such as '8 weeks'",
    )


class Milestone(Section):
    id: Id
    title: Text
    success_criteria: list[str] = Field(default_factory=list)
    due: Annotated[
        dt.date | Interval,
        BeforeValidator(_parse_due),
        PlainSerializer(lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "string", "format": "date"},
                    {"type": "string", "pattern": _INTERVAL.pattern},
                ],
                "description": "A date, or an offset from the pair's start such as '8 weeks' "
                "(at most 5 years).",
            }
        ),
    ]
    incremental_wins: list[str] = Field(default_factory=list)

    def due_date(self, pair_start: dt.date) -> dt.date:
        return self.due if isinstance(self.due, dt.date) else self.due.add_to(pair_start)


class MetricTarget(Section):
    """A number the dashboards judge a metric's actual against (met, on track or behind); a
    target in words stays a string."""

    at_least: float | None = Field(None, description="The actual meets the target at this value or above.")
    at_most: float | None = Field(None, description="The actual meets the target at this value or below.")
    unit: Literal["%", "per mentee", "of 5"] = Field(
        description="'%' for a share, 'per mentee' for a count that grows over the cohort, 'of 5' for "
        "a rating or indicator level."
    )
    text: str = Field("", description="The target in words, shown beside the number.")

    @field_validator("unit")
    @classmethod
    def _one_bound(cls, unit: str, info: ValidationInfo) -> str:
        if (info.data.get("at_least") is None) == (info.data.get("at_most") is None):
            raise PydanticCustomError(
                "target_bound",
                "a numeric target needs exactly one of at_least or at_most, e.g. "
                'target = { at_least = 85, unit = "%" }',
            )
        return unit

    @property
    def value(self) -> float:
        return self.at_least if self.at_least is not None else cast(float, self.at_most)

    def __str__(self) -> str:
        number = f"{self.value:g}{'%' if self.unit == '%' else ' ' + self.unit}"
        words = f"at least {number}" if self.at_least is not None else f"at most {number}"
        return f"{self.text} ({words})" if self.text else words


class Metric(Section):
    id: Id
    name: Text
    kind: Literal["quantitative", "qualitative"]
    category: Literal["outcome", "behaviour", "experience"] = "outcome"
    definition: str = ""
    target: str | MetricTarget = Field(
        "", description="In words, or a number with a unit the dashboards compare the actual with."
    )
    source: str = ""
    every: Duration | None = Field(None, description="How often it is collected.")
    actual: (
        Literal[
            "sessions",
            "milestones",
            "promotion",
            "project",
            "collaboration",
            "clarity",
            "confidence",
            "influence",
            "relationship",
        ]
        | None
    ) = Field(
        None,
        description="The progress-record figure the dashboards show as this metric's actual. "
        "Behaviour metrics recorded as indicators need none.",
    )


# --------------------------------------------------------------------------------------------
# Guides, prompts and recognition (P09, P15, P23, P26, P31)
# --------------------------------------------------------------------------------------------


class Resource(Section):
    title: Text
    description: str = ""
    link: Line = ""


class Prompt(Section):
    month: int = Field(ge=1, le=24, description="Month of the cohort, 1 = the first.")
    prompt: Prose


class MentorGuide(Section):
    coaching_resources: list[Resource] = Field(default_factory=list)
    conversation_protocol: list[str] = Field(default_factory=list)
    reflective_prompts: list[Prompt] = Field(default_factory=list)
    giving_feedback: list[str] = Field(default_factory=list)


class MenteeGuide(Section):
    preparing: list[str] = Field(default_factory=list)
    better_questions: list[str] = Field(default_factory=list)
    experiments: list[str] = Field(default_factory=list)


class Recognition(Section):
    mentors: list[str] = Field(default_factory=list, description="How mentors are recognised.")
    milestones: Literal["aggregate", "none"] = Field(
        "aggregate", description="Reached milestones are celebrated in aggregate only."
    )


class Templates(Section):
    journaling_prompts: list[str] = Field(default_factory=list)
    after_action_review: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Configuration tables for later steps of the flow
# --------------------------------------------------------------------------------------------


class Suppression(Section):
    rule: Text
    path: Text = Field(description="Key path the finding is on, e.g. 'cohorts[0].pairs[2]'.")
    reason: Prose
    expires: Date | None = None


class Checks(BaseModel):
    """`[checks]`: rule selection and options. Per-rule tables (e.g. `[checks.mentor-load]`)
    are validated by the rule that owns them, so extra keys are kept here."""

    model_config = ConfigDict(extra="allow", strict=True)

    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    plugins: list[str] = Field(default_factory=list)
    disable_plugins: list[str] = Field(default_factory=list)
    severity: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=dict)
    suppress: list[Suppression] = Field(default_factory=list)


class MatchWeights(Section):
    """How much each score component counts. Plugin components add their own keys (validated
    by `handbook match` against the registered components); 0 switches a component off.
    Weights are finite and non-negative: a negative weight would reward a bad match and an
    infinite one would swamp the others (the scores become NaN)."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True, strict=True, allow_inf_nan=False)

    skills: float = Field(3.0, ge=0, description="Mentor strengths that are mentee development goals.")
    experience: float = Field(2.0, ge=0, description="Mentor experiences the mentee has not had.")
    perspective: float = Field(2.0, ge=0, description="Different division, geography, industry.")
    style: float = Field(1.0, ge=0, description="Contrasting leadership styles.")
    reverse: float = Field(0.5, ge=0, description="Mentee strengths that are the mentor's goals.")
    availability: float = Field(1.0, ge=0, description="Both have the monthly hours a pair needs.")
    overlap: float = Field(1.0, ge=0, description="Working hours the two share across time zones.")
    preference: float = Field(1.0, ge=0, description="The mentor is among the mentee's preferences.")


PerspectiveField = Literal["division", "geography", "generation", "career_stage", "industry", "function"]

LEADERSHIP_CONTRASTS: list[list[LeadershipStyle]] = [
    ["methodical", "improvisational"],
    ["risk-aware", "big-picture"],
    ["risk-aware", "improvisational"],
    ["methodical", "big-picture"],
]


DEFAULT_PERSPECTIVE: tuple[PerspectiveField, ...] = ("division", "geography", "industry")
"""`generation` is left out on purpose: it is a proxy for age, which many countries protect in
employment decisions. A program may still opt in by listing it."""

ProfileField = Literal[
    "division", "geography", "generation", "career_stage", "industry", "function", "title", "timezone"
]
"""Single-valued profile fields `[matching] avoid_same` may name."""


def _style_contrasts() -> list[list[LeadershipStyle]]:
    return [list(c) for c in LEADERSHIP_CONTRASTS]


class MatchExclusion(Section):
    """A pair `handbook match` must never propose (a known conflict, a recent falling-out)."""

    mentor: Text
    mentee: Text
    reason: str = ""


class MustPair(Section):
    """A pair `handbook match` must propose when the guardrails allow it."""

    mentor: Text
    mentee: Text
    cohort: str | None = Field(None, description="Only in this cohort (default: any cohort).")
    reason: str = ""


class Matching(Section):
    """`[matching]`: weights and options for `handbook match` (all optional, defaults documented)."""

    weights: MatchWeights = Field(default_factory=MatchWeights.model_construct)  # see Program
    objective: Literal["total", "weakest-pair"] = Field(
        "total",
        description="'total': most mentees matched, then the highest total score. 'weakest-pair': "
        "most mentees matched, then the best weakest pair, then the highest total.",
    )
    perspective: list[PerspectiveField] = Field(
        default_factory=lambda: list(DEFAULT_PERSPECTIVE),
        description="Profile fields whose difference counts as another perspective.",
    )
    experience_target: int = Field(
        3, ge=1, le=1000, description="New experiences a mentor brings for the full experience score."
    )
    style_contrasts: list[Annotated[list[LeadershipStyle], Field(min_length=2, max_length=2)]] = Field(
        default_factory=_style_contrasts,
        description="Leadership styles that complement each other (either way round).",
    )
    use_confidential_risk: bool = Field(
        True,
        description="Let the confidential risk tolerance add to the style contrast (low with high). "
        "It informs the score only; it is never shown.",
    )
    min_hours_per_month: float = Field(
        0,
        ge=0,
        le=744,
        description="People with fewer stated hours a month are not matched (0: no minimum; at most 744).",
    )
    both_as: Literal["both", "mentee", "mentor"] = Field(
        "both",
        description="The side a person with role 'both' takes when a cohort is matched: 'both' "
        "(mentor some and be mentored, within one workload limit) or only one side.",
    )
    min_overlap_hours: float = Field(
        0,
        ge=0,
        le=24,
        description="Pairs must share at least this many working hours a day (0: no minimum); "
        "people without a time zone are not held to it.",
    )
    overlap_target_hours: float = Field(
        4, gt=0, le=24, description="Shared working hours a day for the full overlap score."
    )
    shared_language: bool = Field(True, description="When both list languages, a pair must share one.")
    avoid_same: list[ProfileField] = Field(
        default_factory=list,
        description="Profile fields mentor and mentee may not share, e.g. ['division'].",
    )
    exclude: list[MatchExclusion] = Field(default_factory=list)
    require: list[MustPair] = Field(default_factory=list)


class Site(Section):
    """`[site]`: how the handbook is published."""

    templates: str | None = Field(
        None, description="Folder (relative to program.toml) whose templates override the defaults."
    )
    language: Line = "en"
    url: Line = Field("", description="Where the handbook is hosted; rule findings link to its rules page.")
    engine: Engine = Field(
        "mkdocs",
        description="The site generator `handbook build` and `serve` use unless `--engine` says otherwise.",
    )


class CalendarSettings(Section):
    """`[calendar]`: the working calendar sessions are scheduled on, and calendar reminders."""

    closed_dates: list[Date] = Field(
        default_factory=list,
        max_length=1000,
        description="Days nobody meets (public holidays, a shutdown): sessions move to the next working day.",
    )
    reminder_days: int = Field(
        2, ge=0, le=30, description="Days before each session the personal calendars remind (0: none)."
    )


class Records(Section):
    """`[records]`: where progress records live and how small a group may be shown."""

    folder: str = Field(
        "records", description="Folder (relative to program.toml) with one records file per cohort."
    )
    min_group_size: int = Field(
        5,
        ge=3,
        le=1_000_000,
        description="No figure over fewer people than this appears in the handbook (3 to 1,000,000).",
    )


# --------------------------------------------------------------------------------------------
# Intake from forms and spreadsheets (`handbook intake-form`, `handbook import`)
# --------------------------------------------------------------------------------------------

INTAKE_SKIPPED = ("confidential",)
"""Person fields no intake form asks: assessments are made by the program, not self-reported."""

_COLUMN_FIELDS: dict[str, Any] = {
    name: (Line | None, Field(None, description=f"Column header for `{name}`."))
    for name in Person.model_fields
    if name not in INTAKE_SKIPPED
}


class _Columns(Section):
    """`[intake.columns]`: the column header that holds each person field, when it is not the
    header `handbook intake-form` writes."""


IntakeColumns = create_model("IntakeColumns", __base__=_Columns, **_COLUMN_FIELDS)
"""One optional header per intake field, so a misspelt field name is a located error."""

RecordColumn = Literal[
    "mentor",
    "mentee",
    "date",
    "kind",
    "minutes",
    "by",
    "clarity",
    "confidence",
    "influence",
    "relationship",
    "milestone",
    "evidence",
    "indicator",
    "level",
]


class Intake(Section):
    """`[intake]`: how `handbook import` reads the program's form and survey exports."""

    columns: IntakeColumns = Field(default_factory=IntakeColumns)
    records_columns: dict[RecordColumn, Line] = Field(
        default_factory=dict,
        description="The column header that holds each progress-record value, when it is not the default.",
    )
    ignore_columns: list[Line] = Field(
        default_factory=list,
        description="Headers of columns the import skips (a form tool's timestamp, a consent box).",
    )
    records_ignore_columns: list[Line] = Field(
        default_factory=list,
        description="Headers of columns `handbook import records` skips (a response number, a free comment).",
    )
    date_format: Literal["", "DD/MM/YYYY", "MM/DD/YYYY", "YYYY/MM/DD"] = Field(
        "",
        description="How dates such as 03/04/2027 are written in imported files (any of / . - between "
        "the parts). Without it such dates are refused, never guessed; ISO dates (2027-04-03) and "
        "spreadsheet dates always work.",
    )


# --------------------------------------------------------------------------------------------
# Private data out of the reviewed file (P06)
# --------------------------------------------------------------------------------------------


class Private(Section):
    """`[private]`: the people's confidential sections kept in a file of their own, so the
    program file can be reviewed by everyone who reads the repository."""

    file: Line = Field(
        "",
        description="The private file, relative to program.toml (e.g. 'private.toml', git-ignored), "
        "holding each person's confidential section under [people.<id>]. A name ending in '.age' is "
        "encrypted to `recipients`.",
    )
    recipients: list[Line] = Field(
        default_factory=list,
        description="age public keys (age1...) an encrypted private file is encrypted to.",
    )

    @field_validator("file")
    @classmethod
    def _inside_the_project(cls, file: str) -> str:
        """The private file is read and written beside program.toml: a path that leaves that
        folder would let the program read or replace any file of the machine."""
        parts = file.replace("\\", "/").split("/")
        if file.startswith(("/", "\\")) or (len(file) > 1 and file[1] == ":") or ".." in parts:
            raise PydanticCustomError(
                "private_outside",
                "'{file}' is outside the program's folder: name a file beside program.toml, "
                "such as 'private.toml'",
                {"file": file},
            )
        return file


class PrivateFile(Section):
    """The root of the private file: each person's confidential section, by person id."""

    people: dict[str, Confidential] = Field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# The whole program
# --------------------------------------------------------------------------------------------


class Program(Section):
    """The root of program.toml."""

    # A table the file leaves out is its defaults, built with `model_construct`: defaults are
    # valid as written (no validator runs on them), and validating them would build each
    # table's validator a second time, on every run, after the program's own.

    program: ProgramInfo
    vocabulary: Vocabulary = Field(default_factory=Vocabulary.model_construct)
    people: list[Person] = Field(default_factory=list)
    cohorts: list[Cohort] = Field(default_factory=list)
    cadences: list[Cadence] = Field(default_factory=list)
    guardrails: Guardrails = Field(default_factory=Guardrails.model_construct)
    milestones: list[Milestone] = Field(default_factory=list)
    metrics: list[Metric] = Field(default_factory=list)
    contract: ContractTerms = Field(default_factory=ContractTerms.model_construct)
    mentor_guide: MentorGuide = Field(default_factory=MentorGuide.model_construct)
    mentee_guide: MenteeGuide = Field(default_factory=MenteeGuide.model_construct)
    recognition: Recognition = Field(default_factory=Recognition.model_construct)
    templates: Templates = Field(default_factory=Templates.model_construct)
    checks: Checks = Field(default_factory=Checks.model_construct)
    matching: Matching = Field(default_factory=Matching.model_construct)
    site: Site = Field(default_factory=Site.model_construct)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings.model_construct)
    records: Records = Field(default_factory=Records.model_construct)
    intake: Intake = Field(default_factory=Intake.model_construct)
    private: Private = Field(default_factory=Private.model_construct)

    def person(self, person_id: str) -> Person:
        return self.people_by_id()[person_id]

    def people_by_id(self) -> dict[str, Person]:
        """Every person by id, worked out once per program (pages look people up thousands of
        times); not to be changed by the caller."""
        cache = self.__dict__.get("_people_cache")
        if cache is None:
            cache = {p.id: p for p in self.people}
            self.__dict__["_people_cache"] = cache
        return cache

    def cadence(self, cadence_id: str) -> Cadence:
        return next(c for c in self.cadences if c.id == cadence_id)

    def milestone(self, milestone_id: str) -> Milestone:
        return next(m for m in self.milestones if m.id == milestone_id)

    def contract_for(self, pair: Pair) -> ContractTerms:
        """The pair's effective contract: its overrides, then [contract], then [guardrails]."""
        defaults = self._default_contract()
        if not pair.contract.model_fields_set:  # no overrides (TOML has no null to set one to None)
            return defaults
        merged = {
            name: value if (value := getattr(pair.contract, name)) is not None else getattr(defaults, name)
            for name in ContractTerms.model_fields
        }
        return ContractTerms.model_construct(**merged)

    def _default_contract(self) -> ContractTerms:
        """[contract], with [guardrails] and every non-optional cadence and milestone as fallback.

        Cached: the program is not changed after validation, and every pair without overrides
        shares it.
        """
        cached = self.__dict__.get("_default_contract_cache")
        if cached is not None:
            return cached
        g = self.guardrails
        fallback = {
            "cadences": [c.id for c in self.cadences if not c.optional],
            "milestones": [m.id for m in self.milestones],
            "confidentiality": list(g.confidentiality),
            "feedback_channels": [ch.name for ch in g.feedback_channels],
            "escalation_path": list(g.escalation_path),
        }
        merged = {
            name: value if (value := getattr(self.contract, name)) is not None else fallback.get(name)
            for name in ContractTerms.model_fields
        }
        cached = cast(Any, ContractTerms).model_construct(**merged)
        self.__dict__["_default_contract_cache"] = cached
        return cached
