"""The built handbook in headless Chromium: pages render, search finds a mentor by public name,
and printing a learning contract hides the navigation. Screenshots go to test-artifacts/."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest
import tomlkit

from tests.conftest import ROOT, run_handbook

CHROMIUM = Path("/usr/bin/chromium")
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


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    project = tmp_path_factory.mktemp("browser")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "handbook", project / "handbook")
    shutil.copy(ROOT / "program.toml", project / "program.toml")
    result = run_handbook("build", "program.toml", cwd=project)
    assert result.code == 0, result.output
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(project / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", project / "site"
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
    url, _ = site_url
    doc = tomlkit.parse((ROOT / "program.toml").read_text(encoding="utf-8"))
    mentor = next(p for p in doc["people"] if p["role"] in ("mentor", "both"))
    surname = str(mentor["name"]).split()[-1]
    page.goto(f"{url}/")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("s")  # Material's shortcut that opens search
    page.locator("input.md-search__input").press_sequentially(surname, delay=50)
    page.wait_for_selector(".md-search-result__item", timeout=20000)
    assert surname in page.locator(".md-search-result").inner_text()
    _shot(page, "search")
