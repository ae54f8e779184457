"""The built handbook in headless Chromium: pages render, search finds a mentor by public name,
printing a learning contract hides the navigation, every page and both owner reports pass
axe-core with no critical or serious violation, and no page asks any host but the site's own for
anything. Screenshots go to test-artifacts/.

axe-core comes from the npm registry into .ci/node (`.ci/run`; locally `npm install --prefix
.ci/node axe-core@AXE_VERSION`). Without it the axe tests skip locally and fail under CI."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import tomlkit

from tests.conftest import ROOT, copy_example, run_handbook

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
THEME_CHROME: list[str] = []
"""Material's own markup that axe would be told to skip: none. The theme's header, navigation,
search and footer are checked like the generated content (the plugin names the search dialog,
styles the footer's text for contrast and underlines links in text)."""
ARTIFACTS = ROOT / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Chromium is not installed: apt-get install chromium"
)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def site_url(tmp_path_factory, request):
    """The example handbook with its progress records, built as an owner builds it, by each engine."""
    project = copy_example(tmp_path_factory.mktemp(f"browser-{request.param}"))
    result = run_handbook("build", "program.toml", "--engine", request.param, cwd=project)
    assert result.code == 0, result.output
    server, url = _serve(project / "site")
    yield url, project / "site"
    server.shutdown()


@pytest.fixture(scope="module")
def reports_url(tmp_path_factory):
    """The owner's two HTML reports of the example: the match report and the portfolio review."""
    project = copy_example(tmp_path_factory.mktemp("reports"))
    today = {"HANDBOOK_TODAY": "2026-11-24"}
    result = run_handbook(
        "match", "program.toml", "--cohort", "2027-spring", "--report", "match.html", cwd=project, env=today
    )
    assert result.code == 0, result.output
    result = run_handbook("portfolio", "program.toml", "--html", "portfolio.html", cwd=project, env=today)
    assert result.code == 0, result.output
    server, url = _serve(project)
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser.new_page()
        browser.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_pages_render_and_print_hides_navigation(site_url, page):
    url, site = site_url
    doc = tomlkit.parse((ROOT / "program.toml").read_text(encoding="utf-8"))
    page.goto(f"{url}/")
    assert page.locator("h1").first.inner_text().rstrip("¶") == str(doc["program"]["name"])
    _shot(page, "home")
    cohort = next(p.name for p in sorted((site / "cohorts").iterdir()) if p.is_dir())
    page.goto(f"{url}/cohorts/{cohort}/schedule/")
    assert page.locator("table tbody tr").count() > 3
    _shot(page, "schedule")
    page.goto(f"{url}/cohorts/{cohort}/checklists/")
    assert page.locator("input[type=checkbox]").count() > 3
    _shot(page, "checklist")
    contract = next((site / "cohorts" / cohort / "contracts").iterdir()).name
    page.goto(f"{url}/cohorts/{cohort}/contracts/{contract}/")
    assert "Learning contract" in page.locator("h1").first.inner_text()
    assert page.locator(".md-sidebar--primary").first.is_visible()
    _shot(page, "contract")
    page.emulate_media(media="print")
    assert not page.locator(".md-sidebar--primary").first.is_visible()
    assert not page.locator(".md-header").first.is_visible()
    _shot(page, "contract-print")
    page.emulate_media(media="screen")


def test_search_finds_a_mentor_by_public_name(site_url, page):
    url, site = site_url
    doc = tomlkit.parse((ROOT / "program.toml").read_text(encoding="utf-8"))
    mentor = next(p for p in doc["people"] if p["role"] in ("mentor", "both"))
    surname = str(mentor["name"]).split()[-1]
    page.goto(f"{url}/")
    page.wait_for_load_state("networkidle")
    if (site / "search.json").is_file():  # Zensical: its own search dialog, opened by its button
        page.locator(".md-search__button").click()
        page.locator('input[aria-label="Search"]').press_sequentially(surname, delay=50)
        results = page.locator('[id$="-results"]')
        results.locator("li").first.wait_for(timeout=20000)
        assert surname in results.inner_text()
    else:
        page.keyboard.press("s")  # Material's shortcut that opens search
        page.locator("input.md-search__input").press_sequentially(surname, delay=50)
        page.wait_for_selector(".md-search-result__item", timeout=20000)
        assert surname in page.locator(".md-search-result").inner_text()
    _shot(page, "search")


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_a_sponsor_page_prints_on_one_or_two_sheets(site_url, page, paper):
    url, site = site_url
    cohorts = sorted(p.parent.name for p in (site / "cohorts").glob("*/sponsor/index.html"))
    assert len(cohorts) == len([p for p in (site / "cohorts").iterdir() if p.is_dir()])  # one per cohort
    page.emulate_media(media="print")
    try:
        for cohort in cohorts:
            page.goto(f"{url}/cohorts/{cohort}/sponsor/")
            pdf = page.pdf(format=paper)
            sheets = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
            assert 1 <= sheets <= 2, (cohort, paper, sheets)
            assert not page.locator(".md-sidebar--primary").first.is_visible()
    finally:
        page.emulate_media(media="screen")
    _shot(page, "sponsor")


def _axe_script() -> str:
    if not AXE.exists():
        message = (
            f"axe-core is not installed: npm install --prefix .ci/node axe-core@{AXE_VERSION} "
            "(.ci/run does this)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    installed = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8"))["version"]
    assert installed == AXE_VERSION, f"axe-core {installed} in .ci/node; the tests pin {AXE_VERSION}"
    return AXE.read_text(encoding="utf-8")


def page_kind(path: str) -> str:
    """What kind of generated page a built file is, from its place in the site."""
    parts = path.removesuffix("index.html").strip("/").split("/")
    if parts == [""]:
        return "home"
    if parts == ["404.html"]:
        return "not-found"
    if parts[0] == "cohorts":
        if len(parts) == 1:
            return "cohorts"
        if len(parts) == 2:
            return "cohort"
        return f"cohort {parts[2]}"  # schedule, pairs, contracts, checklists, progress, sponsor...
    return parts[0] if len(parts) == 1 else f"{parts[0]} pages"


class _Visitor:
    """One browser tab that opens pages, runs axe-core on each and records every request."""

    def __init__(self, page, origin: str, axe: str) -> None:
        self.page, self.origin, self.axe = page, origin, axe
        self.requests: list[str] = []
        page.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == urlsplit(self.origin).netloc:
            route.continue_()
        else:
            route.abort()  # recorded, and not waited for

    def visit(self, url: str) -> tuple[list[dict], list[str]]:
        """Serious and critical axe violations of the page, and the requests that left the host."""
        self.requests.clear()
        self.page.goto(url, wait_until="load")
        self.page.add_script_tag(content=self.axe)
        options = {"resultTypes": ["violations"]}
        context = {"exclude": [[selector] for selector in THEME_CHROME]} if THEME_CHROME else "html"
        result = self.page.evaluate("([context, options]) => axe.run(context, options)", [context, options])
        bad = [v for v in result["violations"] if v["impact"] in ("critical", "serious")]
        here = urlsplit(self.origin).netloc
        away = [
            r for r in self.requests if not r.startswith(("data:", "blob:")) and urlsplit(r).netloc != here
        ]
        return bad, away


def _describe(violations: dict[str, list[dict]]) -> str:
    lines = []
    for where, found in violations.items():
        for v in found:
            node = v["nodes"][0]
            lines.append(
                f"{where}: {v['id']} ({v['impact']}, {len(v['nodes'])}x) {v['help']}: "
                f"{json.dumps(node['target'])} {node['html'][:160]}"
            )
    return "\n".join(lines)


def test_every_page_is_accessible_and_asks_only_its_own_host(site_url, page):
    url, site = site_url
    axe = _axe_script()
    visitor = _Visitor(page, url, axe)
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    by_kind: dict[str, list[str]] = defaultdict(list)
    for path in pages:
        by_kind[page_kind(path)].append(path)
    # every kind of page the example builds is here, so none can slip out of the check
    expected = {"home", "not-found", "program pages", "progress", "progress pages", "cohorts", "cohort"}
    expected |= {
        f"cohort {k}" for k in ("schedule", "pairs", "contracts", "checklists", "progress", "sponsor")
    }
    assert expected <= set(by_kind), sorted(by_kind)
    violations: dict[str, list[dict]] = {}
    away: dict[str, list[str]] = {}
    try:
        for kind, paths in sorted(by_kind.items()):
            for path in paths:
                bad, outside = visitor.visit(f"{url}/{path}")
                if bad:
                    violations[f"{kind}: {path}"] = bad
                if outside:
                    away[path] = outside
    finally:
        page.unroute("**/*")  # the page visits the other engine's site next, on another port
    assert not violations, _describe(violations)
    assert not away, away
    assert len(pages) > 40  # the walk found the site, not an empty folder


@pytest.mark.parametrize("report", ["match.html", "portfolio.html"])
def test_the_owner_reports_are_accessible_and_self_contained(reports_url, page, report):
    visitor = _Visitor(page, reports_url, _axe_script())
    bad, outside = visitor.visit(f"{reports_url}/{report}")
    assert not bad, _describe({report: bad})
    assert not outside, outside
    # landmarks: the report's content sits in a main landmark, which screen readers jump to
    assert page.locator("main h1").count() == 1
