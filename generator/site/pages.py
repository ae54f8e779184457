"""Render the Jinja2 templates into Markdown pages, in memory, from the public view.

Every value printed by a template is escaped for Markdown and HTML (the environment's
`finalize`), so text from program.toml such as `<script>` or `[x](javascript:...)` shows as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator.model import Program
from generator.site.calendar import cohort_calendar
from generator.site.public_view import PublicProgram, public_view

BUILT_IN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "site"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")


def escape_markdown(value: object) -> str:
    """Plain text in Markdown: HTML characters become entities, Markdown syntax is backslashed."""
    if value is None:
        return ""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return text.replace("\n", " ")


@dataclass(frozen=True)
class Page:
    path: str  # relative to the docs folder, always inside it
    content: str | bytes


def environment(override_folder: Path | None) -> jinja2.Environment:
    folders = [str(override_folder)] if override_folder else []
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, str(BUILT_IN_TEMPLATES)]),
        finalize=escape_markdown,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def render_pages(program: Program, override_folder: Path | None = None) -> list[Page]:
    """Every generated page and download of the handbook."""
    view: PublicProgram = public_view(program)
    env = environment(override_folder)
    rules = _rules()

    def render(name: str, **context: object) -> str:
        return env.get_template(name).render(program=view, **context)

    pages = [
        Page("index.md", render("home.md.j2")),
        Page("program/index.md", render("program.md.j2")),
        Page("program/guardrails.md", render("guardrails.md.j2")),
        Page("program/cadences.md", render("cadences.md.j2")),
        Page("program/metrics.md", render("metrics.md.j2")),
        Page("program/rules.md", render("rules.md.j2", rules=rules)),
        Page("mentor-guide.md", render("mentor_guide.md.j2")),
        Page("mentee-guide.md", render("mentee_guide.md.j2")),
        Page("templates.md", render("templates.md.j2")),
    ]
    for cohort in view.cohorts:
        base = f"cohorts/{cohort.slug}"
        pages += [
            Page(f"{base}/index.md", render("cohort.md.j2", cohort=cohort)),
            Page(f"{base}/schedule.md", render("schedule.md.j2", cohort=cohort)),
            Page(f"{base}/pairs.md", render("pairs.md.j2", cohort=cohort)),
            Page(f"{base}/checklists.md", render("checklists.md.j2", cohort=cohort)),
            Page(f"{base}/{cohort.slug}.ics", cohort_calendar(view.name, cohort)),
        ]
        for pair in cohort.pairs:
            pages.append(Page(f"{base}/contracts/{pair.slug}.md",
                              render("contract.md.j2", cohort=cohort, pair=pair)))
    return pages


def _rules() -> list[object]:
    """The rules reference, from the rules engine's own registry."""
    try:
        from generator.rules import registered_rules  # type: ignore[attr-defined]
    except ImportError:
        return []
    return list(registered_rules())


def navigation(pages: list[Page]) -> list[str]:
    """Paths that belong in the global navigation; contracts are linked from each pairs page."""
    return [p.path for p in pages if p.path.endswith(".md") and "/contracts/" not in p.path]
