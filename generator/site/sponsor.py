"""A sponsor page per cohort: who takes part, the mentors' time against the guardrail, and the
cohort's progress, on one or two printed pages.

Aggregates only, under the handbook's one small-group rule (`generator.records.aggregates`):
a division, geography or career stage with fewer than `[records] min_group_size` people is
pooled with others until the pool is that large, or withheld. The mentor-time budget is the
workload guardrail's (`generator.policies.workload`); progress rows are the cohort dashboard's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import jinja2

from generator.model import Cohort, Person, Program
from generator.records.aggregates import Aggregates, group_minimum, pooled_groups
from generator.site.dashboards import Dashboard, build_dashboard, withheld_text

SPONSOR_PAGE = "cohorts/{slug}/sponsor.md"

DIMENSIONS: tuple[tuple[str, Callable[[Person], str]], ...] = (
    ("Division", lambda p: p.division),
    ("Geography", lambda p: p.geography),
    ("Career stage", lambda p: p.career_stage or "Not stated"),
)


@dataclass(frozen=True)
class GroupRow:
    label: str  # from program.toml: templates escape it
    mentees: str
    mentors: str


@dataclass
class Representation:
    title: str
    rows: list[GroupRow] = field(default_factory=list)


@dataclass(frozen=True)
class MentorTime:
    mentors: int
    pairs: int
    hours_per_pair: float
    planned: float  # hours a month the cohort's pairs take
    budget: float  # hours a month its mentors may give under the guardrail
    recorded: str  # hours of sessions recorded so far, or why not shown

    @property
    def figures(self) -> dict[str, str]:
        """The hours as a page prints them."""
        return {k: f"{getattr(self, k):g}" for k in ("hours_per_pair", "planned", "budget")}

    @property
    def share(self) -> str:
        return f"{round(100 * self.planned / self.budget)}%" if self.budget else "no budget"

    @property
    def within(self) -> bool:
        return self.planned <= self.budget


@dataclass
class SponsorSummary:
    cohort: Cohort
    k: int
    as_of: str
    mentees: str
    mentors: str
    representation: list[Representation]
    time: MentorTime | None
    board: Dashboard | None  # the cohort's progress; None when it keeps no records


def _count(people: set[str], k: int) -> str:
    """A head count, or withheld when it is over fewer than k people (none is no one: shown)."""
    return str(len(people)) if len(people) >= k or not people else withheld_text(k, "people")


def _side(people: list[Person], key: Callable[[Person], str], k: int) -> tuple[dict[str, str], str | None]:
    """Shown counts by group, and the pooled 'other groups' count (None when nothing is pooled)."""
    groups: dict[str, set[str]] = {}
    for person in people:
        groups.setdefault(key(person), set()).add(person.id)
    if len({p.id for p in people}) < k:
        return {}, withheld_text(k, "people") if people else None
    pooled, whole_hidden = pooled_groups(groups, k)
    shown = {label: str(len(ids)) for label, ids in groups.items() if label not in pooled}
    if not pooled:
        return shown, None
    pool = set().union(*(groups[label] for label in pooled))
    return shown, withheld_text(k, "people") if whole_hidden else str(len(pool))


def _cell(shown: dict[str, str], label: str, present: bool) -> str:
    """A group's count on one side: shown, pooled with the other groups, or no one."""
    return shown.get(label, "in other groups" if present else "0")


def _representation(mentees: list[Person], mentors: list[Person], k: int) -> list[Representation]:
    tables = []
    for title, key in DIMENSIONS:
        shown_mentees, other_mentees = _side(mentees, key, k)
        shown_mentors, other_mentors = _side(mentors, key, k)
        table = Representation(title)
        present = ({key(p) for p in mentees}, {key(p) for p in mentors})
        for label in sorted(set(shown_mentees) | set(shown_mentors)):
            table.rows.append(
                GroupRow(
                    label,
                    _cell(shown_mentees, label, label in present[0]),
                    _cell(shown_mentors, label, label in present[1]),
                )
            )
        if other_mentees is not None or other_mentors is not None:
            label = "Other groups, together" if table.rows else "All groups together"
            table.rows.append(
                GroupRow(
                    f"{label} (too small to show one by one)", other_mentees or "0", other_mentors or "0"
                )
            )
        tables.append(table)
    return tables


def _mentor_time(
    program: Program, cohort: Cohort, mentors: list[Person], aggregates: Aggregates | None, k: int
) -> MentorTime:
    from generator.policies.workload import limit_for

    limit = limit_for(program)
    pairs = [p for p in cohort.pairs if p.state != "rebalanced"]
    recorded = "no sessions recorded yet"
    if aggregates is not None and cohort.id in aggregates.scopes_with_records:
        minutes = aggregates.get(cohort.id, "session-minutes")
        if minutes is not None:
            recorded = f"{minutes.value / 60:.0f} hours of sessions so far"
        elif aggregates.withheld(cohort.id, "session-minutes"):
            recorded = withheld_text(k)
    return MentorTime(
        mentors=len(mentors),
        pairs=len(pairs),
        hours_per_pair=limit.hours_per_pair,
        planned=len(pairs) * limit.hours_per_pair,
        budget=sum(limit.hours_for(m) for m in mentors),
        recorded=recorded,
    )


def sponsor_summary(
    program: Program, cohort: Cohort, aggregates: Aggregates | None, as_of: str
) -> SponsorSummary:
    k = group_minimum(program)
    people = program.people_by_id()
    pairs = [p for p in cohort.pairs if p.state != "rebalanced"]
    mentees = [people[i] for i in dict.fromkeys(p.mentee for p in pairs) if i in people]
    mentors = [people[i] for i in dict.fromkeys(p.mentor for p in pairs) if i in people]
    board = None
    if aggregates is not None and cohort.id in aggregates.scopes_with_records:
        board = build_dashboard(program, aggregates, cohort.id)
    return SponsorSummary(
        cohort=cohort,
        k=k,
        as_of=as_of,
        mentees=_count({p.id for p in mentees}, k),
        mentors=_count({p.id for p in mentors}, k),
        representation=_representation(mentees, mentors, k),
        time=_mentor_time(program, cohort, mentors, aggregates, k) if len(mentors) >= k else None,
        board=board,
    )


def sponsor_page(
    env: jinja2.Environment,
    program: Program,
    source: Cohort,
    aggregates: Aggregates | None,
    as_of: str,
    **context: object,
) -> str:
    """The sponsor page of one cohort (`source`), as Markdown; `context` is what the cohort's
    links bar needs. The template escapes every value."""
    summary = sponsor_summary(program, source, aggregates, as_of)
    return env.get_template("sponsor.md.j2").render(summary=summary, **context)
