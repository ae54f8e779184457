"""The portfolio review as one self-contained HTML file: inline styles and SVG, no scripts.

The file is written atomically, and only over a file this report wrote before: a hand-written
page of the same name is never replaced.
"""

from __future__ import annotations

import os
import tempfile
from html import escape
from pathlib import Path

from generator.portfolio.charts import interval_chart
from generator.portfolio.pairings import DIMENSIONS
from generator.portfolio.review import Review
from generator.portfolio.wording import caveat, difference_text, estimate_text, verdict_text

MARKER = '<meta name="generator" content="handbook portfolio">'

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 980px; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
h1 { margin-bottom: .2rem; } .private { color: #b71c1c; font-weight: 600; }
section { border-top: 1px solid #ddd; margin-top: 1.5rem; }
.comparison { display: grid; grid-template-columns: 560px 1fr; gap: 1rem; margin: .8rem 0;
              align-items: center; }
.verdict { font-weight: 600; } .too-small { color: #8d6e00; } .unclear { color: #555; }
.clear { color: #00796b; } table { border-collapse: collapse; } td { padding: .1rem .6rem .1rem 0; }
@media print { .comparison { break-inside: avoid; } }
"""


def render_html(review: Review) -> str:
    c = review.confidence
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        MARKER,
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Portfolio review: {escape(review.program)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Portfolio review: {escape(review.program)}</h1>",
        f"<p>{review.pairs} pairs with records in {review.cohorts} "
        f"cohort{'' if review.cohorts == 1 else 's'}. "
        '<span class="private">Owner-only: built from private progress records; do not publish.</span></p>',
    ]
    if review.pairs == 0:
        out.append("<p>No progress records yet: nothing to compare.</p>")
    else:
        out.append("<h2>Matching</h2><ul>")
        for s in review.suggestions:
            measures = ", ".join(e.measure.title for e in s.evidence)
            out.append(
                f"<li>Evidence supports a change: {escape(s.text)} (clear on {escape(measures)}).</li>"
            )
        for d in review.mixed:
            out.append(
                f"<li>{escape(d.title)}: the clear results point in different directions; "
                "no change suggested.</li>"
            )
        if not review.suggestions and not review.mixed:
            out.append("<li>No change suggested: no comparison is clear enough to act on.</li>")
        out.append(f"</ul><p>{escape(caveat(review))}</p>")
        for dimension in DIMENSIONS:
            out.append(f"<section><h2>{escape(dimension.title)}</h2>")
            for comparison in review.for_dimension(dimension):
                if not comparison.recorded:
                    out.append(f"<p>{escape(comparison.measure.title.capitalize())}: not recorded yet.</p>")
                    continue
                css = (
                    "too-small"
                    if comparison.verdict.startswith("too small")
                    else "clear"
                    if comparison.conclusive
                    else "unclear"
                )
                unit = f" ({comparison.measure.unit})" if comparison.measure.unit else ""
                rows = "".join(
                    f"<tr><td>{escape(g.label)}</td>"
                    f"<td>{escape(estimate_text(comparison.measure, g, c))}</td></tr>"
                    for g in comparison.groups
                )
                diff = (
                    f"<p>Difference: {escape(difference_text(comparison, c))}</p>"
                    if comparison.difference is not None
                    else ""
                )
                out.append(
                    f'<div class="comparison">{interval_chart(comparison)}<div>'
                    f"<h3>{escape(_sentence_case(comparison.measure.title) + unit)}</h3>"
                    f"<table>{rows}</table>{diff}"
                    f'<p class="verdict {css}">{escape(verdict_text(comparison, review.min_sample))}</p>'
                    "</div></div>"
                )
            out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


class NotOurs(Exception):
    """The target exists and was not written by this report: it is never overwritten."""


def write_html(review: Review, target: Path) -> None:
    """Write the report to `target` atomically (temporary file, then rename)."""
    if target.exists():
        try:
            head = target.read_text(encoding="utf-8", errors="replace")[:2000]
        except OSError:
            head = ""
        if target.is_dir() or MARKER not in head:
            raise NotOurs(f"{target} exists and was not written by `handbook portfolio`: choose another path")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(render_html(review))
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
