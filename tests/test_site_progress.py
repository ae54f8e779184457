"""Progress dashboards in the built site: aggregates from the records show, individual records never do."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import tomlkit

from generator.project import open_project
from generator.site.public_view import public_view
from tests.conftest import ROOT, run_handbook
from tests.test_records_aggregates import write_program

AS_OF = "2026-11-24"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Free text a records file may hold on each kind of entry; every entry gets a canary.
TEXT_FIELDS = {"milestones": "evidence", "feedback": "comment", "behaviours": "note", "outcomes": "note"}


def _site_project(folder: Path) -> None:
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    shutil.copytree(ROOT / "handbook", folder / "handbook")


def _files(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes().decode("utf-8", errors="ignore")
        for p in site.rglob("*")
        if p.is_file()
    }


def _article(html: str) -> str:
    """The page's own content, without the theme's navigation and scripts."""
    return html.split("<article", 1)[1].split("</article>", 1)[0]


def _canary_records(project: Path) -> tuple[list[str], set[str], list[str]]:
    """Copy the example's records with a unique canary in every free-text field of every entry,
    a unique length for every session; returns the canaries, every record date and the lengths."""
    (project / "records").mkdir()
    canaries: list[str] = []
    dates: set[str] = set()
    minutes: list[str] = []
    for source in sorted((ROOT / "records").glob("*.toml")):
        doc = tomlkit.parse(source.read_text(encoding="utf-8"))
        for pair in doc["pairs"]:
            for session in pair.get("sessions", []):
                session["minutes"] = 1001 + len(minutes)
                minutes.append(str(session["minutes"]))
                dates.add(str(session["date"]))
            for kind, field in TEXT_FIELDS.items():
                for entry in pair.get(kind, []):
                    canaries.append(f"CANARY{len(canaries):04d}{kind.upper()}QZX")
                    entry[field] = canaries[-1]
                    dates.add(str(entry["date"]))
        (project / "records" / source.name).write_text(tomlkit.dumps(doc), encoding="utf-8")
    return canaries, dates, minutes


def _public_dates(program_file: Path) -> set[str]:
    """Every date the handbook publishes from program.toml itself (schedules, due dates, windows)."""
    view = public_view(open_project(program_file).program)
    found = {AS_OF, dt.date.today().isoformat()}
    for cohort in view.cohorts:
        found |= {cohort.start.isoformat(), cohort.end.isoformat()}
        found |= {s.date.isoformat() for s in cohort.schedule}
        # Calendar UIDs name the date a session was due before a weekend or closed date moved it.
        found |= {s.key.rsplit("/", 1)[-1] for s in cohort.schedule if s.cadence}
        for pair in cohort.pairs:
            found |= {pair.start.isoformat(), pair.end.isoformat()}
            found |= {s.date.isoformat() for s in pair.sessions}
            found |= {s.key.rsplit("/", 1)[-1] for s in pair.sessions if s.cadence}
            found |= {m.due.isoformat() for m in pair.milestones}
            found |= {d for a in pair.activities for d in a.dates.split(" to ") if d}
        found |= {d for a in cohort.activities for d in a.dates.split(" to ") if d}
        # Calendars state the years their time zone rules cover.
        found |= {f"{year}-01-01" for year in range(cohort.start.year, cohort.end.year + 3)}
    return found


def test_no_individual_record_reaches_any_built_file(tmp_path: Path) -> None:
    _site_project(tmp_path)
    shutil.copy(ROOT / "program.toml", tmp_path / "program.toml")
    canaries, record_dates, minutes = _canary_records(tmp_path)
    assert len(canaries) > 150 and len(minutes) > 100

    result = run_handbook("build", "program.toml", cwd=tmp_path, env={"HANDBOOK_TODAY": AS_OF})
    assert result.code == 0, result.output
    files = _files(tmp_path / "site")
    # The dashboards are there, with figures from the records.
    assert "Sessions held against plan" in files["progress/index.html"]
    assert "over 7 mentees" in files["cohorts/2026-spring/progress/index.html"]
    assert "milestones reached across the program" in files["progress/milestones/index.html"]

    assert [(name, c) for name, text in files.items() for c in canaries if c in text] == []
    private_dates = record_dates - _public_dates(tmp_path / "program.toml")
    assert len(private_dates) > 50
    shown_dates = {(name, d) for name, text in files.items() for d in _ISO_DATE.findall(text)}
    assert sorted((name, d) for name, d in shown_dates if d in private_dates) == []
    pages = {name: text for name, text in files.items() if name.endswith((".html", ".json", ".ics"))}
    numbers = {
        (name, n) for name, text in pages.items() for n in re.findall(r"(?<![\w.])1\d{3}(?![\w])", text)
    }
    assert sorted((name, n) for name, n in numbers if n in set(minutes)) == []


def test_a_cohort_of_four_mentees_shows_no_figures_in_the_built_site(tmp_path: Path) -> None:
    # A bare program made for the figures: the program-design rules are beside the point here.
    rules = ", ".join(f'"HB{n}"' for n in (201, 302, 402, 403, 404, 405, 406, 407))
    write_program(tmp_path, {"tiny": 4, "big": 8, "other": 6}, extra=f"[checks]\nignore = [{rules}]\n")
    _site_project(tmp_path)
    result = run_handbook("build", "program.toml", cwd=tmp_path, env={"HANDBOOK_TODAY": "2027-12-31"})
    assert result.code == 0, result.output
    files = _files(tmp_path / "site")
    big = _article(files["cohorts/big/progress/index.html"])
    assert re.search(r"\d+ of \d+", big), "a cohort of 8 shows its figures"
    tiny = _article(files["cohorts/tiny/progress/index.html"])
    assert "Nothing to show yet: the groups are too small to publish." in tiny
    body = re.sub(r"<[^>]+>", " ", tiny.split("As of", 1)[1])
    assert not re.search(r"\d+ of \d+|%|\d+\.\d", body), body
    milestones = re.sub(r"<[^>]+>", " ", _article(files["progress/milestones/index.html"]))
    tiny_section = milestones.split("tiny", 1)[1].split("big", 1)[0]
    assert "withheld (fewer than 5 mentees)" in tiny_section  # said, never shown as a zero
    assert not re.search(r"\d", tiny_section.replace("fewer than 5 mentees", ""))
    # The cohort's other pages hold no progress figures either.
    for page in ("index", "schedule", "pairs", "checklists"):
        text = _article(
            files[f"cohorts/tiny/{page}/index.html" if page != "index" else "cohorts/tiny/index.html"]
        )
        assert "%" not in text and "mentees" not in text


def test_cohort_pages_link_to_their_progress_and_the_navigation_has_a_progress_section(
    tmp_path: Path,
) -> None:
    _site_project(tmp_path)
    shutil.copy(ROOT / "program.toml", tmp_path / "program.toml")
    shutil.copytree(ROOT / "records", tmp_path / "records")
    result = run_handbook("build", "program.toml", cwd=tmp_path, env={"HANDBOOK_TODAY": AS_OF})
    assert result.code == 0, result.output
    files = _files(tmp_path / "site")
    overview = files["cohorts/2026-spring/index.html"]
    assert '<a href="progress/">Progress</a>' in overview
    assert 'href="progress/milestones/"' in files["index.html"]
    # A cohort that keeps no records yet has no progress page and no link to one.
    assert "cohorts/2027-spring/progress/index.html" not in files
    assert "Progress</a>" not in _article(files["cohorts/2027-spring/index.html"])
