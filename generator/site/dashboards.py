"""Progress dashboards and the milestones page: aggregate figures only, rendered for the site.

Pages are built from `generator.records.aggregates`, which has already dropped every figure over
fewer than `[records] min_group_size` mentees; nothing here reads a record. Charts are inline SVG
so they print and work offline.

The templates print through the site's Markdown environment (`generator.templating`), which
escapes every value; the figures and charts written here from numbers alone are `Markdown`, which
it prints as is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape

import jinja2

from generator.model import MetricTarget, Program
from generator.records import FEEDBACK_SCALES, ProgressRecords
from generator.records.aggregates import PROGRAM, Aggregates, Figure, aggregate
from generator.templating import Markdown, escape_markdown, markdown_environment

markdown_text = escape_markdown
"""The name this module's escaper had before there was one escaper; tests still import it."""

_OUTCOMES = (
    ("promoted", "Promotion rate", "promotion"),
    ("project-achieved", "Projects achieved", "project"),
    ("collaboration", "New cross-team collaborations per mentee", "collaboration"),
)
_COLOURS = {"clarity": "#00796b", "confidence": "#3949ab", "influence": "#ef6c00", "relationship": "#8e24aa"}


@dataclass
class Row:
    label: str  # from program.toml: templates escape it
    value: Markdown  # written here from figures alone, so printed as is
    target: str = ""  # from program.toml
    bar: float | None = None  # 0..1 for a small inline bar
    status: str = ""  # met, on track, behind, or why not judged
    withheld: bool = False  # the figure's group is too small: the value says so


@dataclass
class Dashboard:
    """What a progress page shows for one scope (a cohort, or the whole program)."""

    title: str
    scope: str
    as_of: str
    min_group_size: int
    mentees: int | None
    sessions: Row | None = None
    milestones: list[Row] = field(default_factory=list)
    trend_svg: Markdown = field(default_factory=Markdown)
    metrics: list[Row] = field(default_factory=list)
    outcomes: list[Row] = field(default_factory=list)
    hidden: int = 0

    @property
    def empty(self) -> bool:
        shown = [row for row in (*self.milestones, *self.metrics) if not row.withheld]
        return not (self.sessions or shown or self.trend_svg or self.outcomes)


def _pct(value: float) -> str:
    return f"{round(value * 100)}%"


def _count_row(label: str, figure: Figure | None, noun: str, more: str = "") -> Row | None:
    """A count against plan; `noun` and `more` are the tool's own words, never program text."""
    if figure is None:
        return None
    if figure.total:
        share = figure.value / figure.total
        text = f"{figure.value:.0f} of {figure.total:.0f} {noun} ({_pct(share)}){more}"
        return Row(label, Markdown(text), bar=min(share, 1.0))
    return Row(label, Markdown(f"{figure.value:.0f} {noun}{more}"))


@dataclass(frozen=True)
class Actual:
    """A metric's actual: the words a page shows and, when it can be judged, the number in the
    target's unit."""

    text: str
    number: float | None = None
    unit: str = ""


_UNIT_WORDS = {"%": "%", "per mentee": " per mentee", "of 5": " of 5"}


def _actual(aggregates: Aggregates, scope: str, kind: str | None, metric_id: str) -> Actual | None:
    """The figure a metric's `actual` names; None when not recorded or withheld."""
    if kind is None:
        f = aggregates.get(scope, "indicator", metric_id)
        return Actual(f"{f.value:.1f} of 5 (average level)", f.value, "of 5") if f else None
    if kind == "sessions":
        f = aggregates.get(scope, "sessions")
        if not (f and f.total):
            return None
        share = 100 * f.value / f.total
        return Actual(f"{share:.0f}% ({f.value:.0f} of {f.total:.0f} planned)", share, "%")
    if kind == "milestones":
        f, mentees = aggregates.get(scope, "milestones-reached"), aggregates.get(scope, "mentees")
        if f is None:
            return None
        if mentees and mentees.value:
            per = f.value / mentees.value
            return Actual(f"{per:.1f} per mentee ({f.value:.0f} reached)", per, "per mentee")
        return Actual(f"{f.value:.0f} reached")
    if kind in FEEDBACK_SCALES:
        months = [k for k in aggregates.keys(scope, "feedback") if k[1] == kind]
        latest = aggregates.get(scope, *months[-1]) if months else None
        if latest is None:
            return None
        return Actual(f"{latest.value:.1f} of 5 (cohort month {int(months[-1][2])})", latest.value, "of 5")
    key = {"promotion": "promoted", "project": "project-achieved", "collaboration": "collaboration"}[kind]
    f = aggregates.get(scope, "outcome", key)
    if f is None:
        return None
    if key == "collaboration":
        return Actual(f"{f.value:.1f} per mentee", f.value, "per mentee")
    return Actual(_pct(f.value), 100 * f.value, "%")


def _withheld(aggregates: Aggregates, scope: str, kind: str | None, metric_id: str) -> bool:
    prefix: tuple[str, ...] = {
        None: ("indicator", metric_id),
        "sessions": ("sessions",),
        "milestones": ("milestones-reached",),
        "promotion": ("outcome", "promoted"),
        "project": ("outcome", "project-achieved"),
        "collaboration": ("outcome", "collaboration"),
    }.get(kind, ("feedback", kind or ""))
    return aggregates.withheld(scope, *prefix)


def withheld_text(k: int, people: str = "mentees") -> str:
    """What a page shows in place of a figure over too small a group (never a zero)."""
    return f"withheld (fewer than {k} {people})"


def _elapsed(program: Program, aggregates: Aggregates, scope: str) -> tuple[bool, float]:
    """Whether any cohort of the scope is still running, and the share of its time gone (mean)."""
    ids = aggregates.scopes_with_records if scope == PROGRAM else [scope]
    cohorts = [c for c in program.cohorts if c.id in ids and c.start <= aggregates.as_of]
    if not cohorts:
        return False, 0.0
    running = any(aggregates.as_of <= c.end for c in cohorts)
    shares = [min(1.0, (aggregates.as_of - c.start).days / max(1, (c.end - c.start).days)) for c in cohorts]
    return running, sum(shares) / len(shares)


ON_TRACK_MARGIN = 0.1
"""A rating or share not met yet counts as on track while the cohort runs if it is within this
fraction of the target; a per-mentee count, if it has reached the share of the target that the
elapsed part of the cohort calls for."""


def judge(target: MetricTarget, actual: Actual, running: bool, elapsed: float) -> str:
    """'met', 'on track' or 'behind'; or why the actual cannot be judged against the target."""
    if actual.number is None or actual.unit != target.unit:
        return f"not judged: the target is in '{target.unit}'"
    value = actual.number
    if target.at_least is not None:
        if value >= target.at_least:
            return "met"
        expected = target.at_least * (elapsed if target.unit == "per mentee" else 1 - ON_TRACK_MARGIN)
        return "on track" if running and value >= expected else "behind"
    assert target.at_most is not None
    if value <= target.at_most:
        return "met"
    return "on track" if running and value <= target.at_most * (1 + ON_TRACK_MARGIN) else "behind"


def build_dashboard(program: Program, aggregates: Aggregates, scope: str) -> Dashboard:
    cohort = next((c for c in program.cohorts if c.id == scope), None)
    title = cohort.name if cohort else program.program.name
    mentees = aggregates.get(scope, "mentees")
    board = Dashboard(
        title=title,
        scope=scope,
        as_of=aggregates.as_of.isoformat(),
        min_group_size=aggregates.min_group_size,
        mentees=int(mentees.value) if mentees else None,
        hidden=aggregates.suppressed.get(scope, 0),
    )
    every = aggregates.get(scope, "sessions-all")
    board.sessions = _count_row(
        "Sessions held",
        aggregates.get(scope, "sessions"),
        "planned alignment checks and check-ins held",
        f"; {every.value:.0f} sessions in all" if every else "",
    )
    withheld = Markdown(withheld_text(aggregates.min_group_size))
    for milestone in program.milestones:
        row = _count_row(milestone.title, aggregates.get(scope, "milestone", milestone.id), "due so far")
        if row:
            board.milestones.append(row)
        elif aggregates.withheld(scope, "milestone", milestone.id):
            board.milestones.append(Row(milestone.title, withheld, withheld=True))
    board.trend_svg = trend_chart(aggregates, scope)
    running, elapsed = _elapsed(program, aggregates, scope)
    for metric in program.metrics:
        actual = _actual(aggregates, scope, metric.actual, metric.id)
        target = metric.target
        if actual:
            status = (
                judge(target, actual, running, elapsed)
                if isinstance(target, MetricTarget)
                else "not judged: target in words"
            )
            board.metrics.append(Row(metric.name, Markdown(actual.text), str(target), status=status))
        elif _withheld(aggregates, scope, metric.actual, metric.id):
            board.metrics.append(Row(metric.name, withheld, str(target), withheld=True))
    for key, label, _ in _OUTCOMES:
        f = aggregates.get(scope, "outcome", key)
        if f:
            value = f"{f.value:.1f}" if key == "collaboration" else _pct(f.value)
            board.outcomes.append(Row(label, Markdown(f"{value} (over {f.people} mentees)")))
    return board


def trend_chart(aggregates: Aggregates, scope: str) -> Markdown:
    """A line per feedback scale: the average of the ratings given in each month of the cohort.

    Months count from each cohort's start (month 1 is the month it starts in), so the program's
    line compares cohorts at the same stage instead of dipping whenever a new cohort starts.

    Raw SVG inside the Markdown page (its text HTML-escaped here), so printed as is.
    """
    series: dict[str, list[tuple[str, float]]] = {}
    for key in aggregates.keys(scope, "feedback"):
        figure = aggregates.get(scope, *key)
        if figure:
            series.setdefault(key[1], []).append((key[2], figure.value))
    months = sorted({m for points in series.values() for m, _ in points})
    if not months:
        return Markdown("")
    width, height, left, bottom, top = 560, 236, 36, 46, 12
    plot_w, plot_h = width - left - 110, height - bottom - top

    def x(month: str) -> float:
        i = months.index(month)
        return left + (plot_w * i / (len(months) - 1) if len(months) > 1 else plot_w / 2)

    def y(score: float) -> float:
        return top + plot_h * (5 - score) / 4

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        'aria-label="Feedback trends, average of ratings per month of the cohort">'
    ]
    for score in range(1, 6):
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(score):.1f}" y2="{y(score):.1f}" '
            'stroke="#e0e0e0"/>'
            f'<text x="{left - 6}" y="{y(score) + 4:.1f}" font-size="11" text-anchor="end">{score}</text>'
        )
    for month in months:
        parts.append(
            f'<text x="{x(month):.1f}" y="{height - 26}" font-size="11" text-anchor="middle">'
            f"{int(month)}</text>"
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" font-size="11" text-anchor="middle">'
        "month of the cohort</text>"
    )
    for n, scale in enumerate(s for s in FEEDBACK_SCALES if s in series):
        points = series[scale]
        colour = _COLOURS[scale]
        path = " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts += [
            f'<circle cx="{x(m):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"><title>{escape(scale)}, '
            f"cohort month {int(m)}: {v:.1f}</title></circle>"
            for m, v in points
        ]
        parts.append(
            f'<text x="{left + plot_w + 12}" y="{top + 14 + 18 * n}" font-size="12" fill="{colour}">'
            f"{escape(scale)}</text>"
        )
    parts.append("</svg>")
    return Markdown("".join(parts))


def bar(fraction: float) -> Markdown:
    """A small horizontal bar for a share (sessions or milestones against plan)."""
    width = round(200 * max(0.0, min(fraction, 1.0)))
    return Markdown(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="204" height="14" role="presentation">'
        f'<rect x="0" y="2" width="200" height="10" fill="#e0e0e0"/>'
        f'<rect x="0" y="2" width="{width}" height="10" fill="#00796b"/></svg>'
    )


def scopes(program: Program, aggregates: Aggregates) -> list[str]:
    """The program, then each cohort that keeps records, in program order."""
    return [PROGRAM, *aggregates.scopes_with_records]


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


@dataclass
class MilestoneSection:
    title: str
    rows: list[Row]


def progress_pages(
    program: Program,
    records: ProgressRecords,
    as_of: dt.date,
    env: jinja2.Environment | None = None,
    aggregates: Aggregates | None = None,
    cohort: str | None = None,
) -> dict[str, str]:
    """Markdown pages by site path: the program's dashboard, one per cohort, and the milestones page.

    `env` is the site's Markdown environment (with the program's overrides); by default, the
    built-in templates alone. A cohort without records gets no page. The milestones page follows
    `[recognition] milestones`. `aggregates`: the figures, when the caller has them already.

    `cohort`: the one cohort a cohort's own handbook shows. Its figures are the whole program's
    (the same small-group suppression, so no two handbooks together reveal more than the whole
    one), but the program's dashboard and the other cohorts' figures are left out.
    """
    aggregates = aggregates or aggregate(program, records, as_of)
    shown = [s for s in aggregates.scopes_with_records if cohort is None or s == cohort]
    if not shown:
        return {}
    env = env or markdown_environment()
    dashboard = env.get_template("progress/dashboard.md.j2")
    pages = {}
    if cohort is None:
        pages[PROGRAM_PAGE] = dashboard.render(board=build_dashboard(program, aggregates, PROGRAM), bar=bar)
    for scope in shown:
        pages[COHORT_PAGE.format(cohort=scope)] = dashboard.render(
            board=build_dashboard(program, aggregates, scope), bar=bar
        )
    if program.recognition.milestones == "aggregate":
        sections = []
        for scope in scopes(program, aggregates) if cohort is None else shown:
            board = build_dashboard(program, aggregates, scope)
            title = "Across the program" if scope == PROGRAM else board.title
            sections.append(MilestoneSection(title, board.milestones))
        total = aggregates.get(cohort or PROGRAM, "milestones-reached")
        pages[MILESTONES_PAGE] = env.get_template("progress/milestones.md.j2").render(
            sections=sections,
            across="the cohort" if cohort else "the program",
            total=int(total.value) if total else None,
            withheld=withheld_text(aggregates.min_group_size),
            as_of=as_of.isoformat(),
            k=aggregates.min_group_size,
        )
    return pages


PROGRAM_PAGE = "progress/index.md"
MILESTONES_PAGE = "progress/milestones.md"
COHORT_PAGE = "cohorts/{cohort}/progress.md"
