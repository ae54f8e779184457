"""The portfolio review as one self-contained HTML file: inline styles and SVG, no scripts.

The wording and figures are worked out here and in `wording.py`, the chart geometry in
`charts.py`; `templates/reports/portfolio.html.j2` lays them out, HTML-escaping every value.

The file is written atomically, and only over a file this report wrote before: a hand-written
page of the same name is never replaced.
"""

from __future__ import annotations

from dataclasses import dataclass

import jinja2
from markupsafe import Markup

from generator.portfolio.charts import IntervalChart, interval_chart
from generator.portfolio.pairings import DIMENSIONS
from generator.portfolio.review import Comparison, Review
from generator.portfolio.wording import caveat, difference_text, estimate_text, verdict_text
from generator.safe_files import Protected, WriteRefused, html_marker, html_report_of, write_output
from generator.templating import report_environment

COMMAND = "handbook portfolio"
MARKER = html_marker(COMMAND)


@dataclass(frozen=True)
class GroupLine:
    label: str
    estimate: str


@dataclass(frozen=True)
class ComparisonView:
    """One measure compared across a dimension's two groups, as the report words it."""

    heading: str
    recorded: bool
    chart: IntervalChart | None = None
    groups: tuple[GroupLine, ...] = ()
    difference: str = ""  # "" when there is no difference to show
    verdict: str = ""
    verdict_class: str = ""  # too-small, clear or unclear


@dataclass(frozen=True)
class DimensionView:
    title: str
    comparisons: list[ComparisonView]


@dataclass(frozen=True)
class SuggestionView:
    text: str
    measures: str


@dataclass(frozen=True)
class ReviewView:
    """Everything the report shows, worded; the template only lays it out."""

    program: str
    pairs: int
    cohorts: str  # "1 cohort", "3 cohorts"
    suggestions: list[SuggestionView]
    mixed: list[str]
    caveat: str
    dimensions: list[DimensionView]

    @property
    def empty(self) -> bool:
        """No pair has records yet: there is nothing to compare."""
        return self.pairs == 0


def _comparison(comparison: Comparison, review: Review) -> ComparisonView:
    if not comparison.recorded:
        return ComparisonView(comparison.measure.title.capitalize(), recorded=False)
    c = review.confidence
    unit = f" ({comparison.measure.unit})" if comparison.measure.unit else ""
    return ComparisonView(
        heading=_sentence_case(comparison.measure.title) + unit,
        recorded=True,
        chart=interval_chart(comparison),
        groups=tuple(GroupLine(g.label, estimate_text(comparison.measure, g, c)) for g in comparison.groups),
        difference=difference_text(comparison, c) if comparison.difference is not None else "",
        verdict=verdict_text(comparison, review.min_sample),
        verdict_class=(
            "too-small"
            if comparison.verdict.startswith("too small")
            else "clear"
            if comparison.conclusive
            else "unclear"
        ),
    )


def review_view(review: Review) -> ReviewView:
    """The report's content: every sentence and figure, ready to lay out."""
    return ReviewView(
        program=review.program,
        pairs=review.pairs,
        cohorts=f"{review.cohorts} cohort{'' if review.cohorts == 1 else 's'}",
        suggestions=[
            SuggestionView(s.text, ", ".join(e.measure.title for e in s.evidence)) for s in review.suggestions
        ],
        mixed=[d.title for d in review.mixed],
        caveat=caveat(review),
        dimensions=[
            DimensionView(d.title, [_comparison(c, review) for c in review.for_dimension(d)])
            for d in DIMENSIONS
        ],
    )


def render_html(review: Review, env: jinja2.Environment | None = None) -> str:
    """The report, from `env` (by default a new report environment).

    `MARKER` is passed in, not written in the template, so the file `write_html` recognises as
    its own is the one this code writes.
    """
    template = (env or report_environment()).get_template("portfolio.html.j2")
    return template.render(review=review_view(review), marker=Markup(MARKER))


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


NotOurs = WriteRefused
"""What `write_html` raises for a path it may not replace (kept under its earlier name)."""


def write_html(review: Review, where: str, protected: Protected) -> None:
    """Write the report to `where` atomically, only over an earlier portfolio report (the rule
    is `generator.safe_files.check_output_target`); `-` is stdout."""
    write_output(where, render_html(review), "--html", COMMAND, html_report_of(COMMAND), protected)
