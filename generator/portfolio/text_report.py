"""The portfolio review as plain text for the terminal."""

from __future__ import annotations

from generator.portfolio.pairings import DIMENSIONS
from generator.portfolio.review import Review
from generator.portfolio.wording import caveat, difference_text, estimate_text, verdict_text


def render_text(review: Review) -> str:
    c = review.confidence
    lines = [
        f"Portfolio review: {review.program}",
        f"{review.pairs} pairs with records in {review.cohorts} cohort{'' if review.cohorts == 1 else 's'}. "
        "Owner-only: do not publish.",
    ]
    if review.pairs == 0:
        lines.append("\nNo progress records yet: nothing to compare.")
        return "\n".join(lines) + "\n"
    for dimension in DIMENSIONS:
        lines += ["", dimension.title]
        width = max(len(label) for label in dimension.groups)
        for comparison in review.for_dimension(dimension):
            if not comparison.recorded:
                lines.append(f"  {comparison.measure.title}: not recorded yet")
                continue
            lines.append(
                f"  {comparison.measure.title}"
                + (f" ({comparison.measure.unit})" if comparison.measure.unit else "")
            )
            for group in comparison.groups:
                lines.append(f"    {group.label:<{width}}  {estimate_text(comparison.measure, group, c)}")
            if comparison.difference is not None:
                lines.append(f"    difference: {difference_text(comparison, c)}")
            lines.append(f"    -> {verdict_text(comparison, review.min_sample)}")
    lines += ["", "Matching"]
    for suggestion in review.suggestions:
        measures = ", ".join(e.measure.title for e in suggestion.evidence)
        lines.append(f"  - Evidence supports a change: {suggestion.text} (clear on {measures}).")
    for dimension in review.mixed:
        lines.append(
            f"  - {dimension.title}: the clear results point in different directions; no change suggested."
        )
    if not review.suggestions and not review.mixed:
        lines.append("  No change suggested: no comparison is clear enough to act on.")
    lines += ["", caveat(review)]
    return "\n".join(lines) + "\n"
