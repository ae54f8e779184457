"""A `handbook build --per-cohort` site served from a sub-path (`/handbook/`), in headless
Chromium: every link on the owners' index and on every cohort's pages resolves, no page asks
for anything outside the sub-path, and no request fails. The owners' index passes axe-core."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.conftest import copy_example, run_handbook
from tests.test_browser import ARGS, CHROMIUM, _axe_script, _describe, _serve

PREFIX = "/handbook/"
THEME_CREDIT = "squidfunk.github.io"
"""The host of the theme's "Made with Material for MkDocs" footer link: a link, never a request."""

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Chromium is not installed: apt-get install chromium"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """The example built with --per-cohort, served as `/handbook/` of a host that has nothing
    else: a link or request that leaves the sub-path finds no page."""
    project = copy_example(tmp_path_factory.mktemp("cohort-sites"))
    result = run_handbook("build", "--per-cohort", cwd=project, env={"HANDBOOK_TODAY": "2026-11-24"})
    assert result.code == 0, result.output
    root = tmp_path_factory.mktemp("host")
    shutil.copytree(project / "site", root / PREFIX.strip("/"))
    server, origin = _serve(root)
    yield origin, root / PREFIX.strip("/")
    server.shutdown()


@pytest.fixture(scope="module")
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser.new_page()
        browser.close()


def _pages_to_walk(site: Path) -> list[str]:
    """The owners' index, and in each cohort's site its home page, its Cohorts page and every
    page of the cohort itself (overview, schedule, pairs, checklists, progress, sponsor, each
    learning contract)."""
    paths = ["index.html"]
    for cohort in sorted(p for p in site.iterdir() if p.is_dir()):
        paths += [f"{cohort.name}/index.html", f"{cohort.name}/cohorts/index.html"]
        paths += sorted(
            p.relative_to(site).as_posix() for p in (cohort / "cohorts" / cohort.name).rglob("index.html")
        )
    return paths


def test_per_cohort_site_works_from_a_sub_path(served, page):
    origin, site = served
    base = origin + PREFIX
    requests: list[str] = []
    failed: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: failed.append(f"{r.url}: HTTP {r.status}") if r.status >= 400 else None)
    walked = _pages_to_walk(site)
    assert len(walked) > 3 * 8, walked  # the walk found every cohort's pages
    links: dict[str, str] = {}  # link -> the page it is on
    for path in walked:
        page.goto(base + path, wait_until="networkidle")  # the search worker too: nothing cut short
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for href in hrefs:
            links.setdefault(urldefrag(href).url, path)
    cohort_links = [link for link in links if link.rstrip("/").endswith(("2026-spring", "2026-autumn"))]
    assert cohort_links, "the owners' index links the cohorts"
    here = urlsplit(origin).netloc
    outside = sorted(
        f"{link} (on {path})"
        for link, path in links.items()
        if urlsplit(link).netloc == here and not link.startswith(base)
    )
    assert not outside, outside  # nothing points above the sub-path (to the host's root)
    elsewhere = {urlsplit(link).netloc for link in links if urlsplit(link).netloc != here}
    assert elsewhere <= {THEME_CREDIT}, elsewhere  # only the theme's "Made with" link leaves the site
    broken = []
    for link, path in sorted(links.items()):
        if not link.startswith(base):
            continue
        response = page.request.get(link)
        if response.status != 200:
            broken.append(f"{link} (on {path}): HTTP {response.status}")
    assert not broken, broken
    assert not failed, failed
    away = sorted({r for r in requests if not r.startswith(("data:", "blob:")) and not r.startswith(base)})
    assert not away, away


def test_the_owners_index_is_accessible(served, page):
    origin, _ = served
    axe = _axe_script()
    page.goto(origin + PREFIX, wait_until="load")
    page.add_script_tag(content=axe)
    result = page.evaluate("() => axe.run('html', {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("critical", "serious")]
    assert not bad, _describe({"index.html": bad})
    assert page.locator("main h1").count() == 1
    assert page.locator("main a").count() == 3
