"""The owner's report of a proposal: one self-contained HTML file (no scripts, no downloads).

A heat map of the score matrix (mentors by mentees, proposed pairs outlined) shows how clear each
choice was; stacked bars show what each pair's score is made of. The report shows scores, so it
is for program owners only, but like everything else it never prints a confidential value.

Figures, colours and chart geometry are worked out here; `templates/reports/match.html.j2` lays
them out, HTML-escaping every value, so a name such as `<script>` shows as text.
"""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from generator.matching.proposal import Proposal
from generator.safe_files import Protected, html_marker, html_report_of, write_output
from generator.templating import report_environment

COMMAND = "handbook match"
MARKER = html_marker(COMMAND)
"""Marks a report as written by `handbook match`, so a later run may replace it (and nothing else)."""
MAX_HEATMAP = 60  # rows and columns; larger cohorts show the proposed people first
_PALETTE = ("#00796b", "#3949ab", "#ef6c00", "#8e24aa", "#c62828", "#2e7d32", "#6d4c41", "#0277bd")


@dataclass(frozen=True)
class Cell:
    """One mentor-mentee score of the heat map; a blocked pair shows no score."""

    mentor: str
    mentee: str
    blocked: bool = False
    chosen: bool = False
    score: str = ""  # 0..100, rounded
    background: str = ""
    colour: str = ""


@dataclass(frozen=True)
class HeatRow:
    mentor: str
    cells: list[Cell]


@dataclass(frozen=True)
class Heatmap:
    mentees: list[str]
    rows: list[HeatRow]
    mentors_shown: int
    mentors_total: int
    mentees_shown: int
    mentees_total: int

    @property
    def truncated(self) -> bool:
        return self.mentors_shown < self.mentors_total or self.mentees_shown < self.mentees_total


@dataclass(frozen=True)
class Segment:
    """One score component's share of a pair's bar, in SVG user units."""

    component: str
    points: str
    x: str
    width: str
    colour: str


@dataclass(frozen=True)
class PairBar:
    mentor: str
    mentee: str
    score: str
    segments: list[Segment]
    reasons: list[str]
    runner_up: str | None = None
    runner_up_score: str = ""


@dataclass(frozen=True)
class Legend:
    component: str
    colour: str

    @property
    def text(self) -> str:
        return readable_text_on(self.colour)


@dataclass(frozen=True)
class Gap:
    """Someone the proposal leaves without a partner, and why."""

    side: str
    name: str
    kind: str
    reason: str


@dataclass(frozen=True)
class Round:
    heading: str
    mentees_matched: int
    mentees_total: int
    total_score: str
    heatmap: Heatmap
    legend: list[Legend]
    pairs: list[PairBar]
    unmatched: list[Gap]


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""

    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_text_on(background: str) -> str:
    """White or black, whichever reads better on `background`: one of them is always >= 4.58:1."""
    return "#ffffff" if contrast("#ffffff", background) >= contrast("#000000", background) else "#000000"


def _colour(value: float) -> str:
    """White to teal for a score in [0, 1]."""
    t = max(0.0, min(1.0, value))
    r, g, b = (int(255 + (c - 255) * t) for c in (0, 121, 107))
    return f"#{r:02x}{g:02x}{b:02x}"


def _heatmap(proposal: Proposal) -> Heatmap:
    cands, total = proposal.candidates, proposal.scores.total
    chosen = {(p.mentor.id, p.mentee.id) for p in proposal.proposed}
    first = [p.mentee.id for p in proposal.proposed]
    mentee_order = sorted(range(len(cands.mentees)), key=lambda j: (cands.mentees[j].id not in first, j))
    mentor_ids = {p.mentor.id for p in proposal.proposed}
    mentor_order = sorted(range(len(cands.mentors)), key=lambda i: (cands.mentors[i].id not in mentor_ids, i))
    rows, cols = mentor_order[:MAX_HEATMAP], mentee_order[:MAX_HEATMAP]
    heat_rows = []
    for i in rows:
        mentor = cands.mentors[i]
        cells = []
        for j in cols:
            mentee = cands.mentees[j]
            if not cands.allowed[i, j]:
                cells.append(Cell(mentor.name, mentee.name, blocked=True))
                continue
            value = float(total[i, j])
            cells.append(
                Cell(
                    mentor.name,
                    mentee.name,
                    chosen=(mentor.id, mentee.id) in chosen,
                    score=f"{100 * value:.0f}",
                    background=_colour(value),
                    colour=readable_text_on(_colour(value)),
                )
            )
        heat_rows.append(HeatRow(mentor.name, cells))
    return Heatmap(
        mentees=[cands.mentees[j].name for j in cols],
        rows=heat_rows,
        mentors_shown=len(rows),
        mentors_total=len(cands.mentors),
        mentees_shown=len(cols),
        mentees_total=len(cands.mentees),
    )


def _bars(proposal: Proposal, ids: list[str], colours: dict[str, str]) -> list[PairBar]:
    bars = []
    for pair in proposal.proposed:
        x = 0.0
        segments = []
        for c in ids:
            width = 3.0 * pair.points.get(c, 0.0)  # 300 px for a full score
            if width > 0:
                segments.append(Segment(c, f"{pair.points[c]:.1f}", f"{x:.1f}", f"{width:.1f}", colours[c]))
            x += width
        runner = pair.runner_up
        bars.append(
            PairBar(
                mentor=pair.mentor.name,
                mentee=pair.mentee.name,
                score=f"{pair.score or 0:.1f}",
                segments=segments,
                reasons=list(pair.reasons),
                runner_up=runner[0].name if runner else None,
                runner_up_score=f"{runner[1]:.1f}" if runner else "",
            )
        )
    return bars


def _round(proposal: Proposal, rounds: int) -> Round:
    ids = [c.id for c in proposal.components]
    colours = {c: _PALETTE[k % len(_PALETTE)] for k, c in enumerate(ids)}
    return Round(
        heading=f"Round {proposal.round}" if rounds > 1 else "Proposal",
        mentees_matched=proposal.mentees_matched,
        mentees_total=proposal.mentees_total,
        total_score=f"{proposal.total_score:.1f}",
        heatmap=_heatmap(proposal),
        legend=[Legend(c, colours[c]) for c in ids],
        pairs=_bars(proposal, ids, colours),
        unmatched=[Gap(u.side, u.person.name, u.kind, u.reason) for u in proposal.unmatched],
    )


def render_report(plan: list[Proposal], env: jinja2.Environment | None = None) -> str:
    """The report of every round of `plan`, from `env` (by default a new report environment)."""
    cohort = plan[0].cohort
    template = (env or report_environment()).get_template("match.html.j2")
    html = template.render(
        cohort_name=cohort.name,
        cohort_id=cohort.id,
        rounds=[_round(proposal, len(plan)) for proposal in plan],
    )
    # The marker is added here, not in the template, so the file recognised as ours is the one
    # this code writes.
    charset = '<meta charset="utf-8">'
    return html.replace(charset, f"{charset}\n{MARKER}", 1)


def write_report(where: str, plan: list[Proposal], protected: Protected) -> None:
    """Written atomically, so an interrupted run leaves no half report behind, and only over an
    earlier report of `handbook match` (`-` is stdout)."""
    write_output(where, render_report(plan), "--report", COMMAND, html_report_of(COMMAND), protected)
