"""The owner's report of a proposal: one self-contained HTML file (no scripts, no downloads).

A heat map of the score matrix (mentors by mentees, proposed pairs outlined) shows how clear each
choice was; stacked bars show what each pair's score is made of. The report shows scores, so it
is for program owners only, but like everything else it never prints a confidential value.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from generator.commands.check import write_atomically
from generator.matching.proposal import Proposal

MAX_HEATMAP = 60  # rows and columns; larger cohorts show the proposed people first
_PALETTE = ("#00796b", "#3949ab", "#ef6c00", "#8e24aa", "#c62828", "#2e7d32", "#6d4c41", "#0277bd")

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #212121; max-width: 1200px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table.heat { border-collapse: collapse; font-size: 11px; }
table.heat td, table.heat th { border: 1px solid #fff; padding: 2px 4px; text-align: center; }
table.heat th.mentee { writing-mode: vertical-rl; transform: rotate(180deg); max-height: 12em; }
table.heat td.chosen { outline: 2px solid #000; outline-offset: -2px; font-weight: bold; }
table.heat td.blocked { background: #eeeeee; color: #9e9e9e; }
.legend span { display: inline-block; padding: 0 .5em; margin-right: .5em; color: #fff; }
.note { color: #616161; }
table.pairs { border-collapse: collapse; } table.pairs td { padding: 4px 8px; vertical-align: top; }
@media print { body { margin: 0; } }
"""


def _colour(value: float) -> str:
    """White to teal for a score in [0, 1]."""
    t = max(0.0, min(1.0, value))
    r, g, b = (int(255 + (c - 255) * t) for c in (0, 121, 107))
    return f"#{r:02x}{g:02x}{b:02x}"


def _heatmap(proposal: Proposal) -> str:
    cands, total = proposal.candidates, proposal.scores.total
    chosen = {(p.mentor.id, p.mentee.id) for p in proposal.proposed}
    first = [p.mentee.id for p in proposal.proposed]
    mentee_order = sorted(range(len(cands.mentees)), key=lambda j: (cands.mentees[j].id not in first, j))
    mentor_ids = {p.mentor.id for p in proposal.proposed}
    mentor_order = sorted(range(len(cands.mentors)), key=lambda i: (cands.mentors[i].id not in mentor_ids, i))
    rows, cols = mentor_order[:MAX_HEATMAP], mentee_order[:MAX_HEATMAP]
    out = ['<table class="heat"><tr><th>Mentor \\ mentee</th>']
    out += [f'<th class="mentee">{escape(cands.mentees[j].name)}</th>' for j in cols]
    out.append("</tr>")
    for i in rows:
        mentor = cands.mentors[i]
        out.append(f"<tr><th>{escape(mentor.name)}</th>")
        for j in cols:
            mentee = cands.mentees[j]
            if not cands.allowed[i, j]:
                out.append('<td class="blocked" title="ruled out by a hard constraint">&times;</td>')
                continue
            value = float(total[i, j])
            css = ' class="chosen"' if (mentor.id, mentee.id) in chosen else ""
            text_colour = "#fff" if value > 0.55 else "#212121"
            out.append(
                f'<td{css} style="background:{_colour(value)};color:{text_colour}" '
                f'title="{escape(mentor.name)} / {escape(mentee.name)}">{100 * value:.0f}</td>'
            )
        out.append("</tr>")
    out.append("</table>")
    if len(cands.mentors) > MAX_HEATMAP or len(cands.mentees) > MAX_HEATMAP:
        out.append(
            f'<p class="note">Showing {len(rows)} of {len(cands.mentors)} mentors and {len(cols)} '
            f"of {len(cands.mentees)} mentees, proposed pairs first; `--format json` has every "
            "pair.</p>"
        )
    return "\n".join(out)


def _bars(proposal: Proposal) -> str:
    ids = [c.id for c in proposal.components]
    colours = {c: _PALETTE[k % len(_PALETTE)] for k, c in enumerate(ids)}
    legend = "".join(f'<span style="background:{colours[c]}">{escape(c)}</span>' for c in ids)
    out = [f'<p class="legend">{legend}</p><table class="pairs">']
    for pair in proposal.proposed:
        x = 0.0
        rects = []
        for c in ids:
            width = 3.0 * pair.points.get(c, 0.0)  # 300 px for a full score
            if width > 0:
                rects.append(
                    f'<rect x="{x:.1f}" y="0" width="{width:.1f}" height="16" fill="{colours[c]}">'
                    f"<title>{escape(c)}: {pair.points[c]:.1f}</title></rect>"
                )
            x += width
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="304" height="16" role="img" '
            f'aria-label="score {pair.score or 0:.1f}">{"".join(rects)}</svg>'
        )
        reasons = "<br>".join(escape(r) for r in pair.reasons)
        runner = (
            f"<br><em>runner-up: {escape(pair.runner_up[0].name)} ({pair.runner_up[1]:.1f})</em>"
            if pair.runner_up
            else ""
        )
        out.append(
            f"<tr><td>{escape(pair.mentor.name)} &rarr; {escape(pair.mentee.name)}</td>"
            f"<td>{svg} {pair.score or 0:.1f}</td><td>{reasons}{runner}</td></tr>"
        )
    out.append("</table>")
    return "\n".join(out)


def _unmatched(proposal: Proposal) -> str:
    if not proposal.unmatched:
        return "<p>Everyone is matched.</p>"
    items = "".join(
        f"<li>{escape(u.side)} <strong>{escape(u.person.name)}</strong> ({escape(u.kind)}): "
        f"{escape(u.reason)}</li>"
        for u in proposal.unmatched
    )
    return f"<ul>{items}</ul>"


def render_report(plan: list[Proposal]) -> str:
    cohort = plan[0].cohort
    sections = []
    for proposal in plan:
        heading = f"Round {proposal.round}" if len(plan) > 1 else "Proposal"
        sections.append(
            f"<h2>{heading}: {proposal.mentees_matched} of {proposal.mentees_total} mentees matched, "
            f"total score {proposal.total_score:.1f}</h2>"
            f"<h3>Score matrix</h3>{_heatmap(proposal)}"
            f"<h3>What each score is made of</h3>{_bars(proposal)}"
            f"<h3>Unmatched</h3>{_unmatched(proposal)}"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Matching report: {escape(cohort.name)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>Matching report: {escape(cohort.name)} ({escape(cohort.id)})</h1>"
        '<p class="note">For program owners: this report shows scores. Participants see only the '
        'public "why this pair" highlights in the handbook.</p>' + "".join(sections) + "</body></html>\n"
    )


def write_report(path: Path, plan: list[Proposal]) -> None:
    """Written atomically, so an interrupted run leaves no half report behind."""
    write_atomically(path, render_report(plan))
