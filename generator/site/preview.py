"""What a served preview shows while the program has problems, for either engine.

`handbook serve` never stops on a problem: it prints it, and the site shows it (one page that
lists each problem, located) until the next edit fixes it.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import ProgramError, format_problem
from generator.errors import DataError, HandbookError
from generator.project import Project, open_project
from generator.templating import escape_markdown

if TYPE_CHECKING:
    from generator.findings import Finding


def checked_project(program: Path, display: str) -> Project:
    """The project opened and checked now; ChecksFailed lists its error-level findings."""
    from generator.rules import run_checks

    project = open_project(program, display=display)
    result = run_checks(project)
    failing = result.failing("error")
    if failing or result.plugin_problems:
        lines = [format_finding(f) for f in failing] + [str(p) for p in result.plugin_problems]
        raise ChecksFailed("\n".join(lines))
    return project


class ChecksFailed(DataError):
    """Error-level findings: nothing is published from a program that fails its checks."""


def format_finding(finding: Finding) -> str:
    return f"{finding.location}: {finding.code} [{finding.name}] {finding.message}"


def problem_lines(error: HandbookError) -> list[str]:
    if isinstance(error, ProgramError):
        return [format_problem(p) for p in error.problems]
    return [str(error)]


def problems_html(problems: list[str]) -> str:
    """A served page that would have shown a confidential value: the problems instead."""
    items = "".join(f"<pre>{html.escape(problem)}</pre>" for problem in problems)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>The handbook cannot be built yet</title></head><body>"
        "<h1>The handbook cannot be built yet</h1>"
        "<p>This page would show confidential text: fix the problems and save to rebuild.</p>"
        f"{items}</body></html>"
    )


def problems_page(problems: list[str]) -> str:
    """The one page a served site shows while the program has problems: each, located."""
    blocks = "\n\n".join("```text\n" + problem.replace("```", "` ` `") + "\n```" for problem in problems)
    summary = escape_markdown(f"{len(problems)} problem(s) in the program: fix them and save to rebuild.")
    return f"# The handbook cannot be built yet\n\n{summary}\n\n{blocks}\n"
