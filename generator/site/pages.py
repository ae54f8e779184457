"""Render the Jinja2 templates into Markdown pages, in memory, from the public view.

Every value printed by a template is escaped for Markdown and HTML (the environment's
`finalize`, see `generator.templating`), so text from program.toml such as `<script>` or
`[x](javascript:...)` shows as text. Templates run sandboxed; an error in an override template is
a `SiteError` that names the template and line.

The global navigation has the same few entries however many cohorts a program runs (one
"Cohorts" page lists them all); each cohort's pages link to each other instead, so every built
page stays the same size as a program grows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from generator.dates import build_stamp
from generator.errors import UsageError
from generator.model import Program
from generator.records import ProgressRecords
from generator.records.aggregates import aggregate
from generator.site.calendar import CalendarWriter
from generator.site.dashboards import COHORT_PAGE, progress_pages
from generator.site.public_view import PublicProgram, public_view
from generator.site.schedule import Session
from generator.site.sponsor import sponsor_page
from generator.templating import describe_template_error, markdown_environment

if TYPE_CHECKING:
    from generator.project import Project

COHORTS_PAGE = "cohorts/index.md"
SECTIONS = {"program": "Program", "progress": "Progress"}
"""Folders whose pages form one section of the global navigation, with the section's title."""


class SiteError(UsageError):
    """The site cannot be generated as configured; the message says how to fix it."""


@dataclass(frozen=True)
class Page:
    path: str  # relative to the docs folder, always inside it
    content: str | bytes


def cohort_status(start: dt.date, end: dt.date, on: dt.date) -> str:
    if on < start:
        return "Upcoming"
    return "Running" if on <= end else "Finished"


def timeline(sessions: Sequence[Session], on: dt.date) -> list[tuple[Session, str]]:
    """Each session with "past", "next" (the first on or after `on`) or "upcoming"."""
    rows, seen_next = [], False
    for s in sessions:
        when = "past" if s.date < on else "upcoming" if seen_next else "next"
        seen_next = seen_next or when == "next"
        rows.append((s, when))
    return rows


def render_pages(
    program: Program,
    override_folder: Path | None = None,
    *,
    records: ProgressRecords | None = None,
    as_of: dt.date,
    rules: Sequence[object] = (),
    stamp: dt.datetime | None = None,
    cohort: str | None = None,
    base_url: str | None = None,
    only_cohorts: Collection[str] | None = None,
) -> list[Page]:
    """Every generated page and download of the handbook, progress dashboards included; of the
    cohorts' own pages, only those of `only_cohorts` (by id) when given (a served preview
    renders again only the cohorts that changed).

    `stamp` is the calendars' DTSTAMP (the build time, or `SOURCE_DATE_EPOCH`); without one,
    midnight of `as_of`, so that pages rendered for a date are the same bytes each time.
    `cohort`: build one cohort's own handbook (the program's pages and that cohort's alone, see
    `generator.site.cohorts`). `base_url`: where these pages are hosted, when not `[site] url`
    (a cohort's own folder of it); the calendars link back to it."""
    view: PublicProgram = public_view(program, cohort)
    sources = [c for c in program.cohorts if cohort is None or c.id == cohort]
    calendars = CalendarWriter(
        view.name,
        stamp=stamp or dt.datetime.combine(as_of, dt.time(0), tzinfo=dt.UTC),
        base_url=view.url if base_url is None else base_url,
        remind_days=view.reminder_days,
        # A weekend or closed date may move a cohort's last session into the next year.
        years=(min(c.start.year for c in view.cohorts), max(c.end.year for c in view.cohorts) + 1)
        if view.cohorts
        else None,
    )
    env = markdown_environment(override_folder)
    on = as_of
    aggregates = aggregate(program, records, on) if records is not None else None
    progress = progress_pages(program, records, on, env, aggregates, cohort) if records is not None else {}

    def render(name: str, **context: object) -> str:
        return env.get_template(name).render(program=view, **context)

    pages = [
        Page("index.md", render("home.md.j2")),
        Page("program/index.md", render("program.md.j2")),
        Page("program/guardrails.md", render("guardrails.md.j2")),
        Page("program/cadences.md", render("cadences.md.j2")),
        Page("program/metrics.md", render("metrics.md.j2")),
        Page("program/vocabulary.md", render("vocabulary.md.j2")),
        Page("program/rules.md", render("rules.md.j2", rules=rules)),
        Page("mentor-guide.md", render("mentor_guide.md.j2")),
        Page("mentee-guide.md", render("mentee_guide.md.j2")),
        Page("templates.md", render("templates.md.j2")),
    ]
    pages += [Page(path, progress[path]) for path in sorted(progress) if path.startswith("progress/")]
    statuses = {c.slug: cohort_status(c.start, c.end, on) for c in view.cohorts}
    pages.append(Page(COHORTS_PAGE, render("cohorts.md.j2", statuses=statuses)))
    for public, source in zip(view.cohorts, sources, strict=True):
        if only_cohorts is not None and source.id not in only_cohorts:
            continue
        base = f"cohorts/{public.slug}"
        dashboard = progress.get(COHORT_PAGE.format(cohort=source.id))
        shared = {"cohort": public, "has_progress": dashboard is not None}
        pages += [
            Page(f"{base}/index.md", render("cohort.md.j2", current="overview", **shared)),
            Page(
                f"{base}/schedule.md",
                render("schedule.md.j2", current="schedule", rows=timeline(public.schedule, on), **shared),
            ),
            Page(f"{base}/pairs.md", render("pairs.md.j2", current="pairs", **shared)),
            Page(f"{base}/checklists.md", render("checklists.md.j2", current="checklists", **shared)),
            Page(
                f"{base}/sponsor.md",
                sponsor_page(env, program, source, aggregates, on.isoformat(), current="sponsor", **shared),
            ),
        ]
        if dashboard is not None:
            heading, _, body = dashboard.partition("\n")
            links = render("cohort_links.md.j2", current="progress", up="", **shared)
            pages.append(Page(f"{base}/progress.md", f"{heading}\n\n{links}{body}"))
        pages.append(Page(f"{base}/{public.slug}.ics", calendars.cohort(public)))
        pages += [
            Page(f"{base}/calendars/{person.slug}.ics", calendars.person(public, person))
            for person in public.participants
        ]
        pages += [
            Page(
                f"{base}/contracts/{pair.slug}.md",
                render(
                    "contract.md.j2",
                    current="contract",
                    pair=pair,
                    rows=timeline(pair.sessions, on),
                    **shared,
                ),
            )
            for pair in public.pairs
        ]
    return pages


def site_pages(
    project: Project,
    cohort: str | None = None,
    base_url: str | None = None,
    *,
    stamp: dt.datetime | None = None,
    only_cohorts: Collection[str] | None = None,
) -> list[Page]:
    """The pages of a project, with its template overrides, progress records and rules.

    `cohort`: only that cohort's own handbook (an id `require_cohort` has accepted); of the
    cohorts' own pages, only those of `only_cohorts` when given (see `render_pages`)."""
    override = project.program.site.templates
    folder = (project.root / override) if override else None
    if folder is not None and not folder.is_dir():
        raise SiteError(
            f"{project.source.display}: [site] templates names {override!r}, which is not a folder; "
            "create it or remove the setting"
        )
    try:
        return render_pages(
            project.program,
            folder,
            records=project.records,
            as_of=project.today,
            rules=project.rules.rules,
            stamp=stamp or build_stamp(),
            cohort=cohort,
            base_url=base_url,
            only_cohorts=only_cohorts,
        )
    except jinja2.TemplateError as exc:
        # An error in one of the program's own templates is theirs to fix, so say where it is;
        # one in a built-in template is a bug in the tool and stays an internal error.
        where = describe_template_error(exc, folder) if folder is not None else None
        if where is None:
            raise
        raise SiteError(f"{where}; fix the template, or remove it to use the built-in one") from None


def in_navigation(path: str) -> bool:
    """Per-cohort pages stay out of the global navigation: the Cohorts page and links reach them."""
    return path.endswith(".md") and (not path.startswith("cohorts/") or path == COHORTS_PAGE)


NavItem = str | dict[str, list[str]]


def navigation(pages: list[Page]) -> list[NavItem]:
    """The global navigation, in page order: top pages, then one section per folder in SECTIONS."""
    nav: list[NavItem] = []
    sections: dict[str, list[str]] = {}
    for page in pages:
        if not in_navigation(page.path):
            continue
        folder = page.path.split("/", 1)[0]
        if folder in SECTIONS and "/" in page.path:
            if folder not in sections:
                sections[folder] = []
                nav.append({SECTIONS[folder]: sections[folder]})
            sections[folder].append(page.path)
        else:
            nav.append(page.path)
    return nav
