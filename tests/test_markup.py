"""Generated markup is valid HTML for the W3C Nu Html Checker (vnu), the validator behind
validator.w3.org: every built page's content, with either engine, and the owner reports.

On built pages only the content (`<article>`, which holds everything the generator writes) is
held to it: the theme's own header and navigation markup is the theme's to fix. The owner
reports are generated from the first byte to the last, so all of each counts.

vnu comes from the npm registry into .ci/node (`.ci/run`; locally `npm install --prefix .ci/node
vnu-jar@VNU_VERSION`) and runs on Java. Without them these tests skip locally and fail under CI."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_example, replace_once, run_handbook

VNU = ROOT / ".ci" / "node" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_VERSION = "26.9.27"  # keep in step with VNU_JAR_VERSION in .ci/run
ARTICLE = re.compile(rb"<article\b.*?</article>", re.DOTALL)


def _java() -> str:
    java = shutil.which("java")
    missing = []
    if java is None:
        missing.append("Java (apt-get install default-jre-headless)")
    if not VNU.exists():
        missing.append(f"the Nu Html Checker (npm install --prefix .ci/node vnu-jar@{VNU_VERSION})")
    if missing:
        message = " and ".join(missing) + " not installed (.ci/run installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    installed = json.loads((VNU.parents[2] / "package.json").read_text(encoding="utf-8"))["version"]
    assert installed == VNU_VERSION, f"vnu-jar {installed} in .ci/node; the tests pin {VNU_VERSION}"
    assert java is not None
    return java


def validate(files: list[Path]) -> list[dict]:
    """The Nu checker's errors for each file (warnings are advice, not invalid markup)."""
    result = subprocess.run(
        [_java(), "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.stderr.strip(), result.stdout  # vnu writes its JSON report to stderr
    messages: list[dict] = json.loads(result.stderr)["messages"]
    assert all(m["type"] in ("error", "non-document-error") for m in messages), messages
    return messages


def _lines(text: bytes, start: int, end: int) -> range:
    """The 1-based lines a byte span covers."""
    first = text.count(b"\n", 0, start) + 1
    return range(first, first + text.count(b"\n", start, end) + 1)


def content_errors(site: Path, messages: list[dict]) -> list[str]:
    """Errors that fall in a page's generated content, as `page:line: message`."""
    articles: dict[str, list[range]] = {}
    found = []
    for message in messages:
        path = Path(message["url"].removeprefix("file:"))
        name = path.relative_to(site).as_posix()
        if name not in articles:
            text = path.read_bytes()
            articles[name] = [_lines(text, m.start(), m.end()) for m in ARTICLE.finditer(text)]
        line = message.get("lastLine", 0)
        if any(line in span for span in articles[name]):
            found.append(f"{name}:{line}: {message['message']} in {message.get('extract', '')!r}")
    return found


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def site(tmp_path_factory, request) -> Path:
    """The example handbook, built by each engine."""
    project = copy_example(tmp_path_factory.mktemp("markup"))
    result = run_handbook("build", "program.toml", "--engine", request.param, cwd=project)
    assert result.code == 0, result.output
    return project / "site"


def test_every_generated_page_is_valid_html(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 40  # the example's whole site, not an empty folder
    messages = validate(pages)
    assert not content_errors(site, messages), "\n".join(content_errors(site, messages))
    # every page was read: the checker names no file it could not open or parse
    assert not [m for m in messages if m["type"] == "non-document-error"]


def test_an_invalid_tag_in_generated_content_is_caught(site: Path, tmp_path: Path) -> None:
    """The check above can fail: the same page with one bad element in its content is flagged,
    located on the line of the bad element."""
    copy = tmp_path / "site"
    page = copy / "cohorts" / "index.html"
    page.parent.mkdir(parents=True)
    text = (site / "cohorts" / "index.html").read_text(encoding="utf-8")
    bad = '<p id="x"><div>block in a paragraph</div></p>'
    page.write_text(replace_once(text, "</article>", f"{bad}\n</article>"), encoding="utf-8")
    errors = content_errors(copy, validate([page]))
    lines = page.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if bad in text)
    assert any(e.startswith(f"cohorts/index.html:{line}: ") for e in errors), errors


@pytest.mark.parametrize("report", ["match.html", "portfolio.html"])
def test_the_owner_reports_are_valid_html(tmp_path: Path, report: str) -> None:
    project = copy_example(tmp_path)
    today = {"HANDBOOK_TODAY": "2026-11-24"}
    if report == "match.html":
        result = run_handbook(
            "match", "program.toml", "--cohort", "2027-spring", "--report", report, cwd=project, env=today
        )
    else:
        result = run_handbook("portfolio", "program.toml", "--html", report, cwd=project, env=today)
    assert result.code == 0, result.output
    errors = [f"{m.get('lastLine')}: {m['message']}" for m in validate([project / report])]
    assert not errors, "\n".join(errors)


def test_the_owners_index_of_per_cohort_sites_is_valid_html(tmp_path: Path) -> None:
    """`build --per-cohort` writes the owners' index page itself, from the first byte to the last."""
    project = copy_example(tmp_path)
    result = run_handbook("build", "program.toml", "--per-cohort", cwd=project)
    assert result.code == 0, result.output
    errors = [f"{m.get('lastLine')}: {m['message']}" for m in validate([project / "site" / "index.html"])]
    assert not errors, "\n".join(errors)
