"""The handbook site: builds on the example program, shows nothing confidential, escapes text
from program.toml, never overwrites a hand-written page, and publishes parseable calendars."""

from __future__ import annotations

import datetime as dt
import gzip
import html
import json
import re
import shutil
from pathlib import Path

import pytest
import tomlkit
from icalendar import Calendar, Event

from generator import project as project_module
from generator.cli import main
from generator.project import open_project
from generator.records import loading
from generator.site.scan import scan_for_leaks
from tests.conftest import ROOT, run_handbook

CONFIDENTIAL_TEXT_FIELDS = ("communication_tone", "assessment_notes", "feedback_360", "notes")


def _project(tmp_path: Path, edit=None) -> Path:
    """A copy of the example repository (program.toml, mkdocs.yml, handbook/) to build in."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "handbook", tmp_path / "handbook")
    doc = tomlkit.parse((ROOT / "program.toml").read_text(encoding="utf-8"))
    if edit:
        edit(doc)
    (tmp_path / "program.toml").write_text(tomlkit.dumps(doc), encoding="utf-8")
    return tmp_path


def _site_text(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes().decode("utf-8", errors="ignore")
        for p in site.rglob("*")
        if p.is_file()
    }


def test_example_program_builds_strictly_with_every_section(tmp_path):
    project = _project(tmp_path)
    result = run_handbook("build", "program.toml", cwd=project)
    assert result.code == 0, result.output
    site = project / "site"
    files = _site_text(site)
    for page in (
        "index.html",
        "program/guardrails/index.html",
        "program/rules/index.html",
        "mentor-guide/index.html",
        "mentee-guide/index.html",
        "templates/index.html",
        "about/index.html",
        "search/search_index.json",
    ):
        assert page in files, page
    cohort = next(p.name for p in sorted((site / "cohorts").iterdir()) if p.is_dir())
    assert f"cohorts/{cohort}/{cohort}.ics" in files
    contracts = [f for f in files if f"cohorts/{cohort}/contracts/" in f]
    assert contracts, "each pair has a learning contract page"
    contract = files[contracts[0]]
    assert "Signatures" in contract and "Escalation path" in contract
    assert 'type="checkbox"' in files[f"cohorts/{cohort}/checklists/index.html"]
    # Contracts are linked from the pairs page but kept out of the global navigation.
    assert "contracts/" not in files["index.html"]
    assert "contracts/" in files[f"cohorts/{cohort}/pairs/index.html"]
    assert "HB" in files["program/rules/index.html"]


def test_no_confidential_canary_reaches_any_built_file(tmp_path):
    canaries: list[str] = []

    def fill(doc):
        for n, person in enumerate(doc["people"]):
            table = tomlkit.table()
            for field in CONFIDENTIAL_TEXT_FIELDS:
                canary = f"CANARY{n:04d}{field.upper()}ZQX"
                canaries.append(canary)
                table[field] = canary
            table["risk_tolerance"] = "high"
            table["political_sensitivity"] = "low"
            person["confidential"] = table

    project = _project(tmp_path, fill)
    result = run_handbook("build", "program.toml", cwd=project)
    assert result.code == 0, result.output
    files = _site_text(project / "site")
    assert len(files) > 20
    hits = [(name, c) for name, text in files.items() for c in canaries if c in text]
    assert hits == []


def test_build_fails_and_keeps_the_previous_site_when_a_template_shows_confidential_text(tmp_path):
    def leak(doc):
        doc["people"][0]["confidential"]["notes"] = "Private note about succession risk"
        site = doc.get("site") or tomlkit.table()
        site["templates"] = "overrides"
        doc["site"] = site

    project = _project(tmp_path, leak)
    (project / "overrides").mkdir()
    (project / "overrides" / "home.md.j2").write_text(
        "# Home\n\nPasted by mistake: Private note about succession risk\n", encoding="utf-8"
    )
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("previous site", encoding="utf-8")
    result = run_handbook("build", "program.toml", cwd=project)
    assert result.code == 1
    assert "the built site contains confidential values; the previous site is kept" in result.err
    assert "confidential notes of" in result.err
    assert "Traceback" not in result.output
    assert (project / "site" / "index.html").read_text(encoding="utf-8") == "previous site"
    assert [p.name for p in project.iterdir() if p.name.startswith(".site-")] == []


def test_text_from_program_renders_as_plain_text(tmp_path):
    hostile = "<script>alert(1)</script> [x](javascript:alert(2)) {{ 7*7 }} {% if 1 %}"

    def inject(doc):
        doc["program"]["name"] = hostile
        doc["people"][0]["name"] = hostile
        doc["people"][0]["bio"] = hostile

    project = _project(tmp_path, inject)
    result = run_handbook("build", "program.toml", cwd=project)
    assert result.code == 0, result.output
    files = _site_text(project / "site")
    for name, text in files.items():
        if name.endswith(".html"):
            assert "<script>alert(1)" not in text, name
            assert 'href="javascript:' not in text, name
            assert ">49<" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in files["index.html"]
    assert "{{ 7*7 }}" in files["index.html"]


def test_a_hand_written_page_at_a_generated_path_is_an_error_not_an_overwrite(tmp_path):
    project = _project(tmp_path)
    (project / "handbook" / "mentor-guide.md").write_text("# Mine\n", encoding="utf-8")
    result = run_handbook("build", "program.toml", cwd=project)
    assert result.code == 1
    assert (
        "handbook/mentor-guide.md: this hand-written page has the path of a generated page; "
        "rename or move it (generated pages are never overwritten)"
    ) in result.err
    assert "Traceback" not in result.output
    assert (project / "handbook" / "mentor-guide.md").read_text(encoding="utf-8") == "# Mine\n"


def test_templates_can_be_overridden_file_by_file(tmp_path):
    def point(doc):
        site = doc.get("site") or tomlkit.table()
        site["templates"] = "overrides"
        doc["site"] = site

    project = _project(tmp_path, point)
    (project / "overrides").mkdir()
    (project / "overrides" / "mentee_guide.md.j2").write_text(
        "# Mentee guide\n\nOur own words for {{ program.name }}.\n", encoding="utf-8"
    )
    result = run_handbook("build", "program.toml", cwd=project)
    assert result.code == 0, result.output
    files = _site_text(project / "site")
    assert "Our own words for" in files["mentee-guide/index.html"]
    assert "Reflective prompts by month" in files["mentor-guide/index.html"]


def test_cohort_calendar_parses_and_holds_the_schedule(tmp_path):
    result = run_handbook("export", str(tmp_path / "out"))
    assert result.code == 0, result.output
    doc = tomlkit.parse((ROOT / "program.toml").read_text(encoding="utf-8"))
    cohort = doc["cohorts"][0]
    ics = next((tmp_path / "out" / "cohorts").glob(f"*/{cohort['id']}.ics"))
    calendar = Calendar.from_ical(ics.read_bytes())
    events = {
        (e.get("summary"), start.date() if isinstance(start := e.decoded("dtstart"), dt.datetime) else start)
        for e in calendar.walk("VEVENT")
    }
    start, end = cohort["start"], cohort["end"]
    start = start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start))
    end = end if isinstance(end, dt.date) else dt.date.fromisoformat(str(end))
    dates = sorted(d for _, d in events)
    assert start <= dates[0] and dates[-1] <= end
    cadences = {c["name"]: c for c in doc["cadences"]}
    for name, cadence in cadences.items():
        if cadence.get("at") == "end" and not cadence.get("optional", False):
            assert (name, end) in events
        if cadence.get("every") == "1 month":
            month_later = start.replace(month=start.month + 1) if start.month < 12 else None
            if month_later:
                assert (name, month_later) in events
    for event in cohort.get("events", []):
        assert (str(event["title"]), event["date"]) in events


@pytest.mark.parametrize("missing", ["mkdocs.yml"])
def test_build_without_a_mkdocs_configuration_says_how_to_fix(tmp_path, missing):
    project = _project(tmp_path)
    (project / missing).unlink()
    result = run_handbook("build", "program.toml", cwd=project)
    assert result.code == 2
    assert (
        "handbook: mkdocs.yml: no such MkDocs configuration; run `handbook init` to create one" in result.err
    )
    assert "Traceback" not in result.output


def test_the_scan_finds_a_value_however_a_built_file_spells_it(tmp_path):
    """HTML entities, the search index's \\u escapes, folded calendar lines and gzip all hide text
    from a plain search; the scan reads through each."""
    note = "Préoccupé par la succession & <le plan> du siège"

    def confide(doc):
        doc["people"][0]["confidential"]["notes"] = note

    project = _project(tmp_path, confide)
    program = open_project(project / "program.toml").program
    site = project / "built"
    (site / "search").mkdir(parents=True)
    (site / "page.html").write_text(f"<p>{html.escape(note)}</p>", encoding="utf-8")
    (site / "search" / "search_index.json").write_text(
        json.dumps({"docs": [{"text": note}]}), encoding="utf-8"
    )
    folded = Calendar()
    event = Event()
    event.add("summary", f"Review: {note}")
    folded.add_component(event)
    (site / "cal.ics").write_bytes(folded.to_ical())
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(note.encode()))
    (site / "clean.html").write_text("<p>Nothing private here.</p>", encoding="utf-8")
    found = sorted(leak.file for leak in scan_for_leaks(site, program))
    assert found == ["cal.ics", "page.html", "search/search_index.json", "sitemap.xml.gz"]


def test_handbook_build_reads_the_program_and_each_record_once(tmp_path, monkeypatch, capsys):
    project = _project(tmp_path)
    shutil.copytree(ROOT / "records", project / "records")
    monkeypatch.chdir(project)
    reads: list[str] = []

    def counting(read):
        def read_source(path, display=None):
            reads.append(Path(path).name)
            return read(path, display)

        return read_source

    monkeypatch.setattr(project_module, "read_source", counting(project_module.read_source))
    monkeypatch.setattr(loading, "read_source", counting(loading.read_source))
    assert main(["build", "program.toml"]) == 0, capsys.readouterr()
    assert sorted(reads) == ["2026-autumn.toml", "2026-spring.toml", "program.toml"]
    assert "Sessions held against plan" in (project / "site" / "progress" / "index.html").read_text(
        encoding="utf-8"
    )


def test_the_global_navigation_has_one_cohorts_page_whatever_the_number_of_cohorts(tmp_path):
    project = _project(tmp_path)
    result = run_handbook("build", "program.toml", cwd=project)
    assert result.code == 0, result.output
    site = project / "site"
    schedule = (site / "cohorts" / "2026-spring" / "schedule" / "index.html").read_text(encoding="utf-8")
    sidebar = schedule.split("md-nav--primary", 1)[1].split("<article", 1)[0]
    hrefs = re.findall(r'href="([^"#]+)"', sidebar)
    assert "../../" in hrefs  # the Cohorts page
    assert [h for h in hrefs if "2026-" in h or h.endswith(("schedule/", "pairs/", "checklists/"))] == []
    assert len(hrefs) < 20
    links = schedule.split('<p class="hb-cohort-links">', 1)[1].split("</p>", 1)[0]
    for target in (
        'href="../../"',
        'href="../"',
        'href="../pairs/"',
        'href="../checklists/"',
        'href="../2026-spring.ics"',
    ):
        assert target in links, target
    cohorts = (site / "cohorts" / "index.html").read_text(encoding="utf-8")
    assert 'href="2026-spring/"' in cohorts and 'href="2027-spring/"' in cohorts
    assert "Upcoming" in cohorts or "Running" in cohorts or "Finished" in cohorts


@pytest.mark.parametrize("breaks", ["\r", "\u2028", "\r\n"])
def test_line_breaks_in_free_text_cannot_inject_markdown_structure(
    tmp_path, monkeypatch, capsys, breaks
) -> None:
    def inject(doc) -> None:  # type: ignore[no-untyped-def]
        doc["program"]["summary"] = f"x{breaks}{breaks}Injected heading{breaks}====={breaks}"

    project = _project(tmp_path, inject)
    monkeypatch.chdir(project)
    assert main(["build", "program.toml"]) == 0, capsys.readouterr()
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "Injected heading" in home
    assert "<h1" not in home.split("Injected heading")[0].rsplit("</h1>", 1)[-1]
    assert 'id="injected-heading"' not in home


def test_control_characters_in_free_text_never_reach_a_page(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    def inject(doc) -> None:  # type: ignore[no-untyped-def]
        doc["program"]["summary"] = "Bell\x07 and escape\x1b[31m and delete\x7f and next-line\x85 here"

    project = _project(tmp_path, inject)
    monkeypatch.chdir(project)
    assert main(["build", "program.toml"]) == 0, capsys.readouterr()
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "Bell and escape" in home
    assert not any(ch in home for ch in "\x07\x1b\x7f\x85")
