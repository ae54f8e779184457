"""Nothing confidential leaves, on any path: `handbook build`, `handbook export`, plain
`mkdocs build` and `handbook serve` all refuse a page that shows a confidential value, however
it is spelt (upper case, wrapped over two lines, as a page address), and HB201 finds the reuse in
program.toml itself.

Canaries are planted in every free-text field of one person's `[people.confidential]` section
and in every free-text field of the progress records, then reused in public places.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
import time
import typing
from collections.abc import Callable
from pathlib import Path

import pytest
import tomlkit

from generator.model import Confidential
from generator.project import open_project
from generator.records import model as records_model
from generator.site.addresses import slug
from generator.site.scan import (
    RECORD_FREE_TEXT,
    Leak,
    confidential_free_text_fields,
    normalise,
    scan_for_leaks,
    searchable,
)
from tests.conftest import copy_example, replace_once, run_handbook, use_theme_overrides
from tests.test_serve import _free_port, _get, _save, _wait_for

PERSON = "zoe-muller"
OWNER = "james-okafor and rebecca-stein (records of 2026-autumn)"
PERSON_CANARIES = {
    "communication_tone": "Zephyr quokka tone",
    "assessment_notes": "Zephyr quokka assessment",
    "feedback_360": "Zephyr quokka threesixty",
    "notes": "Zephyr quokka private note",
}
RECORD_CANARIES = {
    "milestone evidence": "Zephyr wombat evidence",
    "feedback comment": "Zephyr wombat comment",
    "behaviour note": "Zephyr wombat behaviour",
    "outcome note": "Zephyr wombat outcome",
}
ENV = {"HANDBOOK_TODAY": "2026-11-24", "NO_MKDOCS_2_WARNING": "1"}


def _plant(project: Path) -> None:
    """Every confidential free-text field of zoe-muller and of one pair's records gets a canary."""
    doc = tomlkit.parse((project / "program.toml").read_text(encoding="utf-8"))
    (person,) = [p for p in doc["people"] if p["id"] == PERSON]
    for field, canary in PERSON_CANARIES.items():
        person["confidential"][field] = canary
    (project / "program.toml").write_text(tomlkit.dumps(doc), encoding="utf-8")
    records = project / "records" / "2026-autumn.toml"
    text = records.read_text(encoding="utf-8")
    second = text.index("[[pairs]]", text.index("[[pairs]]") + 1)
    third = text.index("[[pairs]]", second + 1)
    pair = text[second:third]
    assert 'mentee = "rebecca-stein"' in pair
    pair = replace_once(
        pair,
        'evidence = "Tried a one-page decision memo instead of slides; shared the experiment log"',
        f'evidence = "{RECORD_CANARIES["milestone evidence"]}"',
    )
    pair = replace_once(
        pair,
        "influence = 3, relationship = 4 }",
        f'influence = 3, relationship = 4, comment = "{RECORD_CANARIES["feedback comment"]}" }}',
    )
    pair += (
        '[[pairs.behaviours]]\ndate = 2026-11-10\nindicator = "stakeholder-alignment"\nlevel = 3\n'
        f'note = "{RECORD_CANARIES["behaviour note"]}"\n\n'
        "[[pairs.outcomes]]\ndate = 2026-11-20\ncollaboration = 1\n"
        f'note = "{RECORD_CANARIES["outcome note"]}"\n\n'
    )
    text = text[:second] + pair + text[third:]
    records.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project with canaries planted; it builds cleanly (nothing reuses them yet)."""
    project = copy_example(tmp_path_factory.mktemp("planted"))
    _plant(project)
    return project


def _copy(planted: Path, tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(planted, project)
    return project


def _wrapped(text: str) -> str:
    """The value wrapped over two lines, as an editor or a Markdown author would."""
    first, rest = text.split(" ", 1)
    return f"{first}\n    {rest}"


def _edit_program(project: Path, edit: Callable[[tomlkit.TOMLDocument], None]) -> None:
    doc = tomlkit.parse((project / "program.toml").read_text(encoding="utf-8"))
    edit(doc)
    (project / "program.toml").write_text(tomlkit.dumps(doc), encoding="utf-8")


def _override(project: Path, name: str, text: str) -> None:
    def point(doc: tomlkit.TOMLDocument) -> None:
        site = doc.get("site") or tomlkit.table()
        site["templates"] = "overrides"
        doc["site"] = site

    _edit_program(project, point)
    (project / "overrides").mkdir(exist_ok=True)
    (project / "overrides" / name).write_text(text, encoding="utf-8")


def _search_off(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(replace_once(config.read_text(encoding="utf-8"), "  - search\n", ""), encoding="utf-8")


def _hand_written_upper_case(project: Path) -> None:
    about = project / "handbook" / "about.md"
    about.write_text(
        about.read_text(encoding="utf-8") + f"\n\n{PERSON_CANARIES['notes'].upper()}\n", encoding="utf-8"
    )


def _override_wrapped_search_off(project: Path) -> None:
    _search_off(project)
    _override(
        project,
        "mentee_guide.md.j2",
        f"# Mentee guide\n\nAs we noted: {_wrapped(PERSON_CANARIES['assessment_notes'])}.\n",
    )


def _records_in_hand_written_page(project: Path) -> None:
    (project / "handbook" / "stories.md").write_text(
        f"# Stories\n\nFrom the records: {_wrapped(RECORD_CANARIES['behaviour note'].upper())}\n",
        encoding="utf-8",
    )


def _theme_override(project: Path) -> None:
    """A MkDocs theme override (`custom_dir`) that prints a value on every page."""
    use_theme_overrides(
        project,
        "theme",
        '{% extends "base.html" %}\n{% block footer %}{{ super() }}<p>'
        + _wrapped(PERSON_CANARIES["communication_tone"]).title()
        + "</p>{% endblock %}\n",
    )


def _cohort_id_past_the_rules(project: Path) -> None:
    """A confidential note reused as a cohort id; HB201 (which flags it) is switched off here to
    show that the scan also finds it in page addresses, the sitemap and the calendar."""

    def rename(doc: tomlkit.TOMLDocument) -> None:
        (cohort,) = [c for c in doc["cohorts"] if c["id"] == "2027-spring"]
        cohort["id"] = slug(PERSON_CANARIES["feedback_360"])
        checks = tomlkit.table()
        checks["ignore"] = ["HB201"]
        doc["checks"] = checks

    _edit_program(project, rename)


def _members_of(cohort_id: str) -> list[str]:
    """The example cohort's members, then its sponsor, in the order its pages (and calendars) are
    written (the cohort has no pairs)."""
    doc = tomlkit.parse((Path(__file__).resolve().parent.parent / "program.toml").read_text(encoding="utf-8"))
    (cohort,) = [c for c in doc["cohorts"] if c["id"] == cohort_id]
    assert not cohort.get("pairs")
    return [*(str(m) for m in cohort["members"]), str(cohort["sponsor"])]


# variant: (edit, the leak `handbook build` / `mkdocs build` report, the one `export` reports)
VARIANTS: dict[str, tuple[Callable[[Path], None], str, list[str] | None]] = {
    "hand-written page, upper case": (
        _hand_written_upper_case,
        f"about/index.html: confidential notes of {PERSON}",
        None,  # export writes generated pages only
    ),
    "template override, wrapped, search off": (
        _override_wrapped_search_off,
        f"mentee-guide/index.html: confidential assessment_notes of {PERSON}",
        [f"mentee-guide.md: confidential assessment_notes of {PERSON}"],
    ),
    "theme override, wrapped": (
        _theme_override,
        f"about/index.html: confidential communication_tone of {PERSON}",  # the first page built
        None,  # export writes Markdown, without the theme
    ),
    "records note in a hand-written page, wrapped": (
        _records_in_hand_written_page,
        f"stories/index.html: confidential behaviour note of {OWNER}",
        None,
    ),
    "cohort id, slug form": (
        _cohort_id_past_the_rules,
        f"index.html: confidential feedback_360 of {PERSON}",
        [
            f"index.md: confidential feedback_360 of {PERSON}",
            f"cohorts/index.md: confidential feedback_360 of {PERSON}",
            *(
                f"cohorts/zephyr-quokka-threesixty/{page}: confidential feedback_360 of {PERSON}"
                for page in (
                    "index.md",
                    "schedule.md",
                    "pairs.md",
                    "checklists.md",
                    "sponsor.md",
                    "zephyr-quokka-threesixty.ics",
                    # Each member's own calendar: its address and UIDs name the cohort.
                    *(f"calendars/{member}.ics" for member in _members_of("2027-spring")),
                )
            ),
        ],
    ),
}


def _mkdocs_build(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "-f", "mkdocs.yml"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **ENV},
        timeout=300,
    )


def _canaries_in(folder: Path) -> list[str]:
    """Files (or folders) under `folder` whose name or text holds a canary in any spelling."""
    spellings = [normalise(c) for c in [*PERSON_CANARIES.values(), *RECORD_CANARIES.values()]]
    spellings += [slug(c) for c in [*PERSON_CANARIES.values(), *RECORD_CANARIES.values()]]
    found = []
    for path in folder.rglob("*"):
        name = path.relative_to(folder).as_posix()
        text = normalise(html.unescape(path.read_bytes().decode("utf-8", "ignore"))) if path.is_file() else ""
        if any(s in name or s in text for s in spellings):
            found.append(name)
    return found


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_the_planted_project_builds_cleanly(planted: Path, tmp_path: Path, engine: str) -> None:
    """The canaries alone reach nothing public, so every refusal below is caused by a reuse."""
    project = _copy(planted, tmp_path)
    result = run_handbook("build", "program.toml", "--engine", engine, cwd=project, env=ENV)
    assert result.code == 0, result.output
    assert _canaries_in(project / "site") == []


def _refused_build(project: Path, engine: str, built_leak: str) -> list[str]:
    """`handbook build` refuses, names file, person and field, and keeps the previous site;
    returns the report's lines."""
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("previous site", encoding="utf-8")
    result = run_handbook("build", "program.toml", "--engine", engine, cwd=project, env=ENV)
    assert result.code == 1, result.output
    # `handbook build` scans the whole staged site, so it lists every file that shows a value.
    report = result.err.splitlines()
    assert (
        report[0]
        == "handbook: build failed: the built site contains confidential values; the previous site is kept:"
    )
    assert f"  {built_leak}" in report
    assert "Traceback" not in result.output
    assert [p.name for p in (project / "site").iterdir()] == ["index.html"]
    assert (project / "site" / "index.html").read_text(encoding="utf-8") == "previous site"
    return report


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_one_sentence_of_a_confidential_value_is_refused(tmp_path: Path, engine: str) -> None:
    """A value's sentences are confidential one by one, as rule HB201 holds them in the program's
    text: one sentence of a note, reworded around, on a hand-written page stops the build."""
    project = copy_example(tmp_path / "project", records=False)
    with (project / "handbook" / "about.md").open("a", encoding="utf-8") as page:
        page.write("\nWe hear Zoë is a SUCCESSION CANDIDATE for\nGroup Head of Retail, so be kind.\n")
    report = _refused_build(project, engine, "about/index.html: confidential notes of zoe-muller")
    assert report[-1] == "Remove the confidential text from the page or template that shows it."
    assert "Group Head of Retail" not in "\n".join(report)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_publish_path_refuses_a_leak(planted: Path, tmp_path: Path, variant: str) -> None:
    edit, built_leak, exported_leaks = VARIANTS[variant]
    project = _copy(planted, tmp_path)
    edit(project)
    report = _refused_build(project, "mkdocs", built_leak)
    assert report[-1] == "Remove the confidential text from the page or template that shows it."
    # plain mkdocs build: refuses, and no file that shows a canary is left.
    shutil.rmtree(project / "site")
    mkdocs = _mkdocs_build(project)
    assert mkdocs.returncode == 1, mkdocs.stderr
    assert (
        "the built site contains confidential values; no file that shows them is left in the site "
        f"folder:\n  {built_leak}\n"
    ) in mkdocs.stderr
    assert _canaries_in(project / "site") == []
    # handbook export: refuses before writing anything when a generated page leaks.
    exported = run_handbook("export", "out", cwd=project, env=ENV)
    if exported_leaks is None:
        assert exported.code == 0, exported.output
        assert _canaries_in(project / "out") == []
        return
    assert exported.code == 1, exported.output
    assert exported.err == "\n".join(
        [
            "handbook: export: the generated pages contain confidential values; nothing was written:",
            *(f"  {leak}" for leak in exported_leaks),
            "Remove the confidential text from the program text or template that shows it.\n",
        ]
    )
    assert not (project / "out").exists()


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_zensical_build_goes_through_the_same_gate(planted: Path, tmp_path: Path, variant: str) -> None:
    """Zensical builds the same pages into a staging folder; the same scan refuses the site."""
    edit, built_leak, _ = VARIANTS[variant]
    project = _copy(planted, tmp_path)
    edit(project)
    _refused_build(project, "zensical", built_leak)
    assert [p.name for p in project.iterdir() if p.name.startswith(".site-")] == []  # no work folder left


def _serve(project: Path, engine: str) -> tuple[subprocess.Popen[str], str]:
    """`handbook serve --engine ENGINE` of the project on a free port, and the site's address."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--engine", engine, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env={**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1", **ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, f"http://127.0.0.1:{port}/"


@pytest.mark.parametrize(
    ("engine", "where", "index"),
    [
        ("mkdocs", "about/index.html", "search/search_index.json"),
        # Zensical is handed only scanned pages: the hand-written page is caught before it renders.
        ("zensical", "about.md", "search.json"),
    ],
)
def test_a_served_rebuild_shows_the_problem_instead_of_the_leaking_page(
    planted: Path, tmp_path: Path, engine: str, where: str, index: str
) -> None:
    project = _copy(planted, tmp_path)
    proc, url = _serve(project, engine)
    try:
        _wait_for(lambda: "Executive mentorship" in _get(url + "about/"))
        about = project / "handbook" / "about.md"
        _save(about, about.read_text(encoding="utf-8") + f"\n\n{PERSON_CANARIES['notes'].upper()}\n")
        _wait_for(lambda: "The handbook cannot be built yet" in _get(url + "about/"))
        page = _get(url + "about/")
        assert f"{where}: confidential notes of {PERSON}" in page
        assert normalise(PERSON_CANARIES["notes"]) not in normalise(page)
        time.sleep(1)  # the search index is written after the pages
        found = _get(url + index) if _exists(url + index) else ""
        assert normalise(PERSON_CANARIES["notes"]) not in normalise(found)
        assert proc.poll() is None
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert f"{where}: confidential notes of {PERSON}" in err
    assert PERSON_CANARIES["notes"].upper() not in err


def test_a_theme_override_that_leaks_is_never_served_by_zensical(planted: Path, tmp_path: Path) -> None:
    """Zensical renders theme overrides itself: it reads scanned copies only, so an override
    edited to show a confidential value is never served, not even for the moment before the
    scan of what Zensical wrote; the last clean copy stays in use and the problem is named."""
    project = _copy(planted, tmp_path)
    announce = '{{% extends "base.html" %}}\n{{% block announce %}}{}{{% endblock %}}\n'
    override = use_theme_overrides(project, "overrides", announce.format("Welcome to the program"))
    proc, url = _serve(project, "zensical")
    canary = normalise(PERSON_CANARIES["notes"])
    try:
        _wait_for(lambda: "Welcome to the program" in _get(url + "about/"))
        _save(override, announce.format(PERSON_CANARIES["notes"]))
        served = []
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:  # every page read while the edit is taken in
            served += [_get(url + page) for page in ("", "about/", "program/")]
        assert served and not [page for page in served if canary in normalise(page)]
        assert "Welcome to the program" in _get(url + "about/")  # the last clean copy stays
        assert proc.poll() is None
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert f"overrides/main.html: confidential notes of {PERSON}" in err
    assert "overrides/main.html: this theme override is not used until the value is removed" in err


def _exists(url: str) -> bool:
    try:
        _get(url)
    except OSError:
        return False
    return True


def test_the_scan_finds_every_spelling(planted: Path, tmp_path: Path) -> None:
    """Upper case, line wraps, full-width letters, JSON and calendar escapes and page addresses."""
    project = open_project(planted / "program.toml")
    notes, tone = PERSON_CANARIES["notes"], PERSON_CANARIES["communication_tone"]
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    files = {
        "upper.html": f"<p>{notes.upper()}</p>",
        "wrapped.html": f"<p>{_wrapped(tone)}</p>",
        "wide.html": "<p>Ｚｅｐｈｙｒ　ｑｕｏｋｋａ　ｔｏｎｅ</p>",  # noqa: RUF001 - full-width, on purpose
        "search/search_index.json": json.dumps({"docs": [{"text": _wrapped(notes)}]}),
        "sitemap.xml": f"<loc>https://example.org/cohorts/{slug(notes)}/</loc>",
        "cal.ics": f"BEGIN:VCALENDAR\r\nUID:{slug(tone).replace('-', '_')}\r\n DONE\r\nEND:VCALENDAR\r\n",
        "records.html": f"<p>{RECORD_CANARIES['outcome note']}</p>",
        "clean.html": "<p>Zephyr quokka, and a tone.</p>",
    }
    for name, text in files.items():
        (site / name).write_text(text, encoding="utf-8")
    leaks = scan_for_leaks(site, project.program, project.records)
    assert [leak.message() for leak in leaks] == [
        f"cal.ics: confidential communication_tone of {PERSON}",
        f"records.html: confidential outcome note of {OWNER}",
        f"search/search_index.json: confidential notes of {PERSON}",
        f"sitemap.xml: confidential notes of {PERSON}",
        f"upper.html: confidential notes of {PERSON}",
        f"wide.html: confidential communication_tone of {PERSON}",
        f"wrapped.html: confidential communication_tone of {PERSON}",
    ]
    # publish.py calls it without the records: the people's values are still found.
    assert Leak("upper.html", PERSON, "notes") in scan_for_leaks(site, project.program)


def test_every_free_text_field_is_searched_and_fixed_choices_are_not() -> None:
    """Keeps RECORD_FREE_TEXT and the confidential fields in step with the models."""
    assert confidential_free_text_fields() == list(PERSON_CANARIES)
    assert set(Confidential.model_fields) - set(PERSON_CANARIES) == {
        "risk_tolerance",
        "political_sensitivity",
        "preferences",
        "declines",
    }
    ids = {"cohort", "mentor", "mentee", "milestone", "kind", "indicator"}
    free_text = {
        (name, field)
        for name, model in vars(records_model).items()
        if isinstance(model, type) and issubclass(model, records_model.Section)
        for field, info in model.model_fields.items()
        if (info.annotation is str or str in typing.get_args(info.annotation)) and field not in ids
    }
    assert free_text == {
        ("MilestoneReached", "evidence"),
        ("Feedback", "comment"),
        ("Behaviour", "note"),
        ("Outcome", "note"),
    }
    classes = {
        "milestones": "MilestoneReached",
        "feedback": "Feedback",
        "behaviours": "Behaviour",
        "outcomes": "Outcome",
    }
    assert {(classes[collection], field) for collection, field, _ in RECORD_FREE_TEXT} == free_text
    assert set(RECORD_CANARIES) == {shown for _, _, shown in RECORD_FREE_TEXT}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Flight risk", True), ("abrasive", True), ("curt", False), ("high", False), ("", False)],
)
def test_what_is_distinctive_enough_to_search_for(value: str, expected: bool) -> None:
    assert searchable(normalise(value)) is expected


def _check(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert "Traceback" not in result.output
    return [line for line in result.out.splitlines() if ": HB201" in line]


def _confide(minimal_text: str, public: str, confidential: str) -> str:
    return replace_once(
        minimal_text,
        'role = "both"\n',
        f'role = "both"\n{public}\n\n[people.confidential]\nrisk_tolerance = "high"\n{confidential}\n',
    )


def test_hb201_finds_a_short_value_reused_in_another_spelling(tmp_path: Path, minimal_text: str) -> None:
    """ "Flight risk" is short but two words: searched for, in upper case and wrapped."""
    text = _confide(
        minimal_text,
        'bio = """Joined from a competitor. FLIGHT\n   RISK, they say."""\ntitle = "High"',
        'notes = "Flight risk."',
    )
    assert _check(tmp_path, text) == [
        "program.toml:43:7: HB201 [confidentiality] this public text repeats a confidential value word for "
        "word: remove it; assessments and private notes never appear in the handbook",
    ]


def test_hb201_finds_a_confidential_value_used_as_an_id(tmp_path: Path, minimal_text: str) -> None:
    text = _confide(minimal_text, "", 'assessment_notes = "Succession risk"')
    text = replace_once(text, 'id = "pilot"', 'id = "Succession_Risk"')
    text = text.replace('"pilot"', '"Succession_Risk"')
    found = _check(tmp_path, text)
    assert len(found) == 1, found
    assert found[0].endswith(
        "HB201 [confidentiality] this id spells a confidential value, and ids become page addresses, "
        "the sitemap and calendars: choose a neutral id"
    )
    line = found[0].split(":")[1]
    assert text.splitlines()[int(line) - 1] == 'id = "Succession_Risk"'


def test_a_public_field_that_repeats_a_value_stops_every_path_at_the_rules(
    planted: Path, tmp_path: Path
) -> None:
    project = _copy(planted, tmp_path)

    def reuse(doc: tomlkit.TOMLDocument) -> None:
        (person,) = [p for p in doc["people"] if p["id"] == PERSON]
        person["bio"] = f"Ask her about it. {_wrapped(PERSON_CANARIES['communication_tone'].upper())}"

    _edit_program(project, reuse)
    finding = "HB201 [confidentiality] this public text repeats a confidential value word for word"
    for command in ("build", "export"):
        result = run_handbook(
            command, "program.toml", *(["out"] if command == "export" else []), cwd=project, env=ENV
        )
        assert result.code == 1, result.output
        assert finding in result.out
    assert not (project / "site").exists() and not (project / "out").exists()
    mkdocs = _mkdocs_build(project)
    assert mkdocs.returncode == 1
    assert finding in mkdocs.stderr
    assert _canaries_in(project / "site") == []


def test_a_page_changed_after_its_scan_is_scanned_again(planted: Path, tmp_path: Path) -> None:
    """Plain `mkdocs build` scans each page as the plugin sees it and, at the end, only the pages
    whose file differs from what it scanned: a later hook that adds a value is still caught."""
    project = _copy(planted, tmp_path)
    (project / "late_hook.py").write_text(
        "def on_post_page(output, page, config):\n"
        "    if page.file.src_uri == 'about.md':\n"
        f"        return output.replace('</article>', '<p>{PERSON_CANARIES['notes']}</p></article>')\n"
        "    return output\n",
        encoding="utf-8",
    )
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - late_hook.py\n", encoding="utf-8")
    mkdocs = _mkdocs_build(project)
    assert mkdocs.returncode == 1, mkdocs.stderr
    assert "\n  about/index.html: confidential notes of zoe-muller\n" in mkdocs.stderr
    assert _canaries_in(project / "site") == []
    assert (project / "site" / "index.html").is_file()  # the pages that passed stay


@pytest.mark.parametrize(
    "hidden",
    [
        "asks a lot of que\u00adstions before she gives a view",  # a soft hyphen inside a word
        "asks a lot of que\u200bstions before she gives a view",  # a zero-width space
        "asks a lot of *questions* before she gives a view",  # markup inside the value
    ],
    ids=["soft-hyphen", "zero-width-space", "emphasis"],
)
def test_invisible_characters_and_markup_inside_a_value_do_not_hide_it(tmp_path: Path, hidden: str) -> None:
    project = copy_example(tmp_path / "project")
    about = project / "handbook" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + f"\nDirect and warm; {hidden}.\n", encoding="utf-8")
    result = run_handbook("build", "program.toml", cwd=project, env=ENV)
    assert result.code == 1
    assert "  about/index.html: confidential communication_tone of zoe-muller" in result.err.splitlines()
    mkdocs = _mkdocs_build(project)
    assert mkdocs.returncode == 1
    leftovers = [
        p for p in (project / "site").rglob("*.html") if "before she gives a view" in p.read_text("utf-8")
    ]
    assert leftovers == []
