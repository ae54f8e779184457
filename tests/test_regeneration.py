"""A served preview renders again only what changed: the content after an edit is exactly what
a full generation gives, and only the edited cohort (or, after an edit outside the cohorts,
every cohort) is rendered again; the page cache rewrites only pages whose bytes changed."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from generator.project import open_project
from generator.site.page_cache import PageCache
from generator.site.pages import Page, site_pages
from generator.site.regeneration import Regeneration
from generator.site.site_content import with_assets
from tests.conftest import copy_example, edit_once

PAIR = 'mentor = "james-okafor"\nmentee = "rebecca-stein"\n'


def test_an_edit_in_one_cohort_renders_that_cohort_again_and_the_same_pages(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    program = project / "program.toml"
    regeneration = Regeneration()
    first = regeneration.content(open_project(program))
    assert len(regeneration.rendered) == 3  # every cohort, the first time
    edit_once(program, PAIR, PAIR + 'contract.mentor_role = "Sounding board for the finance plan"\n')
    edited = open_project(program)
    second = regeneration.content(edited)
    assert regeneration.rendered == ["2026-autumn"]
    assert second.pages == with_assets(site_pages(edited, stamp=regeneration.stamp)).pages
    changed = {p.path for p in second.pages} ^ {p.path for p in first.pages} | {
        a.path for a, b in zip(first.pages, second.pages, strict=True) if a != b
    }
    assert changed == {"cohorts/2026-autumn/contracts/james-okafor-rebecca-stein.md"}


def test_an_edit_outside_the_cohorts_renders_every_cohort_again(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    program = project / "program.toml"
    regeneration = Regeneration()
    regeneration.content(open_project(program))
    edit_once(program, 'name = "Northbridge Executive Mentorship Program"', 'name = "Northbridge Mentorship"')
    edited = open_project(program)
    content = regeneration.content(edited)
    assert regeneration.rendered == ["2026-autumn", "2026-spring", "2027-spring"]
    assert content.pages == with_assets(site_pages(edited, stamp=regeneration.stamp)).pages


def test_the_page_cache_rewrites_only_changed_pages(tmp_path: Path) -> None:
    cache = PageCache(tmp_path / "pages")
    assert cache.update([Page("a.md", "A"), Page("b/c.ics", b"C")]) == ["a.md", "b/c.ics"]
    old = dt.datetime(2020, 1, 1).timestamp()
    os.utime(tmp_path / "pages" / "a.md", (old, old))
    assert cache.update([Page("a.md", "A"), Page("b/c.ics", b"C2")]) == ["b/c.ics"]
    assert (tmp_path / "pages" / "a.md").stat().st_mtime == old  # an engine skips it
    assert (tmp_path / "pages" / "b" / "c.ics").read_bytes() == b"C2"
    assert cache.update([Page("b/c.ics", b"C2")]) == ["a.md"]  # no longer generated: removed
    assert not (tmp_path / "pages" / "a.md").exists()
