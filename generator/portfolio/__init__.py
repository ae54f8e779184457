"""The portfolio review: which kinds of pairings work best, with honest uncertainty (P29).

Owner-only: it reads private progress records. The flow is records -> per-pair outcomes
(`outcomes.py`) -> comparisons across kinds of pairings (`pairings.py`, `review.py`, using
`statistics.py`) -> a terminal or HTML report (`text_report.py`, `html_report.py`, `charts.py`).
"""

from generator.portfolio.html_report import NotOurs, render_html, write_html
from generator.portfolio.review import MIN_SAMPLE, Review, review_portfolio
from generator.portfolio.text_report import render_text

__all__ = ["MIN_SAMPLE", "NotOurs", "Review", "render_html", "render_text", "review_portfolio", "write_html"]
