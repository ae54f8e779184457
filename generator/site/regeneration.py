"""A served preview's site content, rendering again only the cohorts whose inputs changed.

Generating every page of a large program takes seconds (each pair's contract, each person's
calendar); a one-line edit touches one cohort. Everything a cohort's pages are rendered from
besides the cohort itself (the rest of the program: people, guardrails, cadences, vocabulary;
the records; the template overrides; the date) forms one key: when it changes, every page is
rendered again. Otherwise only the cohorts whose own section changed are, and the pages of the
others are kept from the last time. The program-wide pages (home, guides, cohorts list) are
always rendered: they are few.

The calendars' DTSTAMP stays the one of the first generation, so an unchanged calendar keeps
its bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from generator.dates import build_stamp
from generator.site.pages import Page, site_pages
from generator.site.public_view import cohort_slugs
from generator.site.site_content import SiteContent, with_assets

if TYPE_CHECKING:
    from generator.project import Project


class Regeneration:
    """Site content for successive versions of one project, re-rendering what changed."""

    def __init__(self) -> None:
        self.stamp: dt.datetime | None = None
        self.shared_key: object = None
        self.cohort_keys: dict[str, str] = {}
        self.cohort_pages: dict[str, list[Page]] = {}
        self.rendered: list[str] = []

    def content(self, project: Project) -> SiteContent:
        """The project's site content; `rendered` lists the cohorts rendered this time."""
        if self.stamp is None:
            self.stamp = build_stamp()
        program = project.program
        shared = (
            program.model_dump_json(exclude={"cohorts"}),
            tuple(c.id for c in program.cohorts),
            fingerprint(project.root / program.records.folder),
            fingerprint(project.root / program.site.templates) if program.site.templates else None,
            project.today,
        )
        keys = {c.id: c.model_dump_json() for c in program.cohorts}
        if shared != self.shared_key:
            changed = set(keys)
        else:
            changed = {cohort for cohort, key in keys.items() if self.cohort_keys.get(cohort) != key}
        pages = site_pages(project, stamp=self.stamp, only_cohorts=changed)
        changed_by_slug = {slug: c for c, slug in cohort_slugs(program).items() if c in changed}
        fresh: dict[str, list[Page]] = {cohort: [] for cohort in changed}
        common: list[Page] = []
        for page in pages:
            folder, _, slug = page.path.partition("/")
            owner = changed_by_slug.get(slug.partition("/")[0]) if folder == "cohorts" else None
            (fresh[owner] if owner is not None else common).append(page)
        self.cohort_pages = {c: fresh[c] if c in changed else self.cohort_pages.get(c, []) for c in keys}
        self.shared_key, self.cohort_keys, self.rendered = shared, keys, sorted(changed)
        return with_assets([*common, *(page for c in keys for page in self.cohort_pages[c])])


def confidential_inputs(project: Project) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """What the leak scan's values come from (the people, the progress records), cheap to
    compare: while serving, a scanner is made again only when it changed."""
    records = project.root / project.program.records.folder
    return project.program.model_dump_json(include={"people"}), fingerprint(records)


def fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, modification times and sizes of the files under `folder`: cheap, and changes
    with any edit."""
    if not folder.is_dir():
        return ()
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            found.append((path.as_posix(), st.st_mtime_ns, st.st_size))
    return tuple(found)
