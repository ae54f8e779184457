"""One handbook per cohort: `handbook build --cohort ID` and `--per-cohort`.

Each cohort's handbook is checked against program.toml read here with tomllib (not through the
generator): it holds its own cohort's people, pairs, contracts and calendars, and no other
cohort's names, ids, pair slugs or pages, in the HTML, the search index, the sitemap or the
calendars. A page that names another cohort's person fails the build and keeps the site."""

from __future__ import annotations

import html
import json
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from generator.model import Program
from generator.site.cohort_scan import OtherCohortsScanner
from generator.site.cohorts import unlink_other_cohorts
from generator.site.public_view import public_view
from tests.conftest import ROOT, copy_example, edit_once, replace_once, run_handbook, snapshot

TODAY = {"HANDBOOK_TODAY": "2026-11-24"}
URL = "https://handbook.example.org/"
EXAMPLE = tomllib.loads((ROOT / "program.toml").read_text(encoding="utf-8"))
COHORTS = [c["id"] for c in EXAMPLE["cohorts"]]
NAMES = {p["id"]: p["name"] for p in EXAMPLE["people"]}


def _people(cohort: dict) -> set[str]:
    """Everyone who belongs to a cohort, as program.toml says: members, pairs, sponsor, activities."""
    found = set(cohort.get("members", []))
    for pair in cohort.get("pairs", []):
        found |= {pair["mentor"], pair["mentee"]}
        for activity in pair.get("activities", []):
            found |= set(activity.get("participants", []))
    for activity in cohort.get("activities", []):
        found |= set(activity.get("participants", []))
    if cohort.get("sponsor") in NAMES:
        found.add(cohort["sponsor"])
    return found


def _pair_slugs(cohort: dict) -> set[str]:
    return {f"{p['mentor']}-{p['mentee']}" for p in cohort.get("pairs", [])}


def _cohort(cohort_id: str) -> dict:
    return next(c for c in EXAMPLE["cohorts"] if c["id"] == cohort_id)


def _readable(path: Path) -> str:
    """A built file's text as a reader or a crawler gets it: entities resolved, JSON strings
    decoded, calendar lines unfolded."""
    raw = path.read_bytes().decode("utf-8")
    if path.suffix == ".json":
        strings: list[str] = []

        def walk(value: object) -> None:
            if isinstance(value, str):
                strings.append(value)
            elif isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(json.loads(raw))
        return "\n".join(strings)
    if path.suffix == ".ics":
        return re.sub(r"\r?\n[ \t]", "", raw).replace("\\,", ",").replace("\\;", ";")
    return html.unescape(raw)


def _checked_files(site: Path) -> dict[str, str]:
    """Every page, the search index, the sitemap and every calendar, by path in the site."""
    files = [*site.rglob("*.html"), *site.rglob("*.ics"), site / "sitemap.xml"]
    indexes = [site / "search" / "search_index.json", site / "search.json"]  # MkDocs, Zensical
    (index,) = [index for index in indexes if index.exists()]
    files.append(index)
    return {p.relative_to(site).as_posix(): _readable(p) for p in files}


def _with_addresses(folder: Path) -> Path:
    """The example, hosted at URL: the sitemap and the calendars then hold full addresses."""
    edit_once(folder / "mkdocs.yml", "site_name:", f"site_url: {URL}\nsite_name:")
    edit_once(folder / "program.toml", "\n[calendar]\n", f'\n[site]\nurl = "{URL}"\n\n[calendar]\n')
    return folder


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def per_cohort(tmp_path_factory, request) -> Path:
    """The example built with --per-cohort, hosted at URL, by each engine."""
    project = _with_addresses(copy_example(tmp_path_factory.mktemp("per-cohort")))
    result = run_handbook("build", "--per-cohort", "--engine", request.param, cwd=project, env=TODAY)
    assert result.code == 0, result.output
    assert "Built 3 cohort handbooks" in result.out
    return project / "site"


@pytest.fixture(scope="module")
def one_cohort(tmp_path_factory) -> Path:
    """The example's 2026-autumn cohort built alone with --cohort."""
    project = copy_example(tmp_path_factory.mktemp("one-cohort"))
    result = run_handbook("build", "--cohort", "2026-autumn", cwd=project, env=TODAY)
    assert result.code == 0, result.output
    assert "Built the handbook of cohort 2026-autumn" in result.out
    return project / "site"


def _assert_holds_exactly(site: Path, cohort_id: str) -> None:
    own = _cohort(cohort_id)
    mine = _people(own)
    files = _checked_files(site)
    everything = "\n".join(files.values()).casefold()
    for other in (c for c in EXAMPLE["cohorts"] if c["id"] != cohort_id):
        for value in (other["id"], other["name"]):
            hits = [path for path, text in files.items() if value.casefold() in text.casefold()]
            assert not hits, (cohort_id, value, hits)
        assert not (site / "cohorts" / other["id"]).exists()
        for person in _people(other) - mine:
            for value in (person, NAMES[person]):
                hits = [path for path, text in files.items() if value.casefold() in text.casefold()]
                assert not hits, (cohort_id, value, hits)
        for pair in _pair_slugs(other) - _pair_slugs(own):
            assert pair not in everything, (cohort_id, pair)
    # ... and everything of its own
    base = site / "cohorts" / cohort_id
    overview = files[f"cohorts/{cohort_id}/index.html"]
    search = files.get("search/search_index.json") or files["search.json"]  # MkDocs, Zensical
    for person in own.get("members", []):
        assert NAMES[person] in overview and NAMES[person] in search, person
    for person in mine - {own.get("sponsor")}:
        assert (base / "calendars" / f"{person}.ics").is_file(), person
    assert {p.name for p in (base / "contracts").glob("*")} == _pair_slugs(own)
    assert (base / f"{cohort_id}.ics").is_file()
    for own_page in ("schedule", "pairs", "checklists", "sponsor"):
        assert (base / own_page / "index.html").is_file(), own_page
    assert f"cohorts/{cohort_id}/pairs/" in search


@pytest.mark.parametrize("cohort_id", COHORTS)
def test_each_per_cohort_site_holds_exactly_its_cohort(per_cohort, cohort_id):
    _assert_holds_exactly(per_cohort / cohort_id, cohort_id)


def test_a_cohort_site_built_alone_holds_exactly_its_cohort(one_cohort):
    _assert_holds_exactly(one_cohort, "2026-autumn")
    # its Cohorts page and the home page's timeline list that cohort only, and link to it
    for page, link in (("cohorts/index.html", "2026-autumn/"), ("index.html", "cohorts/2026-autumn/")):
        text = (one_cohort / page).read_text(encoding="utf-8")
        rows = [
            row for body in re.findall(r"<tbody>(.*?)</tbody>", text, re.S) for row in body.split("<tr>")[1:]
        ]
        assert len(rows) == 1 and f'<a href="{link}">Autumn 2026 cohort</a>' in rows[0], (page, rows)


def test_per_cohort_addresses_point_into_the_cohorts_own_folder(per_cohort):
    for cohort_id in COHORTS:
        sitemap = (per_cohort / cohort_id / "sitemap.xml").read_text(encoding="utf-8")
        locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
        assert f"{URL}{cohort_id}/cohorts/{cohort_id}/" in locations
        assert all(loc.startswith(f"{URL}{cohort_id}/") for loc in locations), locations
        calendar = Calendar.from_ical(
            (per_cohort / cohort_id / "cohorts" / cohort_id / f"{cohort_id}.ics").read_bytes()
        )
        links = [str(e["URL"]) for e in calendar.walk("VEVENT") if "URL" in e]
        assert links and all(link.startswith(f"{URL}{cohort_id}/cohorts/{cohort_id}/") for link in links)


def test_the_owners_index_links_each_cohort_by_a_relative_address(per_cohort):
    index = (per_cohort / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', index)
    assert links == [(f"{c['id']}/", html.escape(c["name"])) for c in EXAMPLE["cohorts"]]
    assert all((per_cohort / link / "index.html").is_file() for link, _ in links)
    marker = (per_cohort / ".handbook-site").read_text(encoding="utf-8")
    assert "index.html" in marker.splitlines() and f"{COHORTS[0]}/index.html" in marker.splitlines()


def test_a_person_in_two_cohorts_appears_in_each_with_that_cohorts_pairs_only(per_cohort):
    twice = [p for p in NAMES if sum(p in _people(c) for c in EXAMPLE["cohorts"]) >= 2]
    assert twice, "the example has people in two cohorts"
    for person in twice:
        for cohort in (c for c in EXAMPLE["cohorts"] if person in _people(c)):
            base = per_cohort / cohort["id"] / "cohorts" / cohort["id"]
            calendar = Calendar.from_ical((base / "calendars" / f"{person}.ics").read_bytes())
            links = {str(e["URL"]) for e in calendar.walk("VEVENT") if "URL" in e}
            contracts = {m.group(1) for link in links if (m := re.search(r"/contracts/([^/]+)/$", link))}
            pairs = [p for p in cohort.get("pairs", []) if person in (p["mentor"], p["mentee"])]
            assert contracts == {f"{p['mentor']}-{p['mentee']}" for p in pairs}, (person, cohort["id"])
            assert all(link.startswith(f"{URL}{cohort['id']}/cohorts/{cohort['id']}/") for link in links)


# --------------------------------------------------------------------------------------------
# The gate: another cohort's person in a page fails the build, and the site is kept
# --------------------------------------------------------------------------------------------


def _only_in(cohort_id: str, not_in: str) -> str:
    """A person of one cohort who is not in another."""
    return sorted(_people(_cohort(cohort_id)) - _people(_cohort(not_in)))[0]


@pytest.mark.parametrize("spelling", ["name", "id"])
def test_a_hand_written_page_naming_another_cohorts_person_fails_the_build(tmp_path, spelling):
    project = copy_example(tmp_path)
    assert run_handbook("build", "--cohort", "2026-autumn", cwd=project, env=TODAY).code == 0
    before = snapshot(project / "site")
    person = _only_in("2026-spring", "2026-autumn")
    shown = NAMES[person] if spelling == "name" else person
    about = project / "handbook" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + f"\nAsk {shown} how the spring went.\n")
    result = run_handbook("build", "--cohort", "2026-autumn", cwd=project, env=TODAY)
    assert result.code == 1, result.output
    assert "Traceback" not in result.output
    expected = f"{NAMES[person]} ({person}), who takes part in 2026-spring, not in 2026-autumn"
    assert f"  about/index.html: {expected}" in result.err
    assert f"  search/search_index.json: {expected}" in result.err
    assert "the handbook of cohort 2026-autumn shows other cohorts' people, pairs or contracts" in result.err
    assert "remove the mention from the page, template or program text that shows it" in result.err
    assert snapshot(project / "site") == before
    assert sorted(p.name for p in project.iterdir()) == [
        "handbook",
        "mkdocs.yml",
        "program.toml",
        "records",
        "site",
    ]


def test_program_text_naming_one_cohorts_person_fails_every_other_cohorts_build(tmp_path):
    project = copy_example(tmp_path)
    person = _only_in("2026-spring", "2026-autumn")
    program = project / "program.toml"
    text = program.read_text(encoding="utf-8")
    first_step = EXAMPLE["guardrails"]["escalation_path"][0]
    edited = replace_once(
        text,
        json.dumps(first_step, ensure_ascii=False),
        json.dumps(f"{first_step} (ask {NAMES[person]})", ensure_ascii=False),
    )
    assert run_handbook("build", "--per-cohort", cwd=project, env=TODAY).code == 0
    before = snapshot(project / "site")
    program.write_text(edited, encoding="utf-8")
    result = run_handbook("build", "--per-cohort", cwd=project, env=TODAY)
    assert result.code == 1, result.output
    assert "Traceback" not in result.output
    assert person not in _people(_cohort("2027-spring"))
    assert "the handbooks of cohorts 2026-autumn, 2027-spring show other cohorts' people" in result.err
    for cohort_id in ("2026-autumn", "2027-spring"):  # every failing cohort, in one run
        where = f"  {cohort_id}/program/guardrails/index.html: {NAMES[person]} ({person}), who takes part"
        assert f"{where} in 2026-spring, not in {cohort_id}" in result.err
    assert "2026-spring/program/guardrails" not in result.err  # the person's own cohort may name them
    assert snapshot(project / "site") == before  # every cohort's site kept: one swap, or none
    assert [p.name for p in project.iterdir() if p.name.startswith(".")] == []


def test_a_link_into_another_cohort_becomes_plain_text_in_a_cohort_site(tmp_path):
    project = copy_example(tmp_path)
    about = project / "handbook" / "about.md"
    about.write_text(
        about.read_text(encoding="utf-8") + "\nSee [how the autumn pairs work](cohorts/2026-autumn/pairs.md) "
        "and [your cohort](cohorts/2026-spring/index.md); [the autumn schedule][autumn].\n\n"
        "[autumn]: cohorts/2026-autumn/schedule.md\n",
        encoding="utf-8",
    )
    result = run_handbook("build", "--per-cohort", cwd=project, env=TODAY)
    assert result.code == 0, result.output
    spring = (project / "site" / "2026-spring" / "about" / "index.html").read_text(encoding="utf-8")
    assert "how the autumn pairs work" in spring and "2026-autumn" not in spring
    assert "the autumn schedule." in spring
    assert 'href="../cohorts/2026-spring/"' in spring
    autumn = (project / "site" / "2026-autumn" / "about" / "index.html").read_text(encoding="utf-8")
    assert 'href="../cohorts/2026-autumn/pairs/"' in autumn
    assert 'href="../cohorts/2026-autumn/schedule/"' in autumn


def test_unlinking_keeps_program_pages_own_cohort_images_and_addresses():
    slugs = {"a", "b"}
    text = (
        "[b](cohorts/b/pairs.md) [a](cohorts/a/index.md) [guide](mentor-guide.md) "
        "![chart](cohorts/b/chart.png) [web](https://example.org/cohorts/b/) [up](../cohorts/b/pairs.md#x)"
    )
    assert unlink_other_cohorts(text, "notes/page.md", "a", slugs) == (
        "[b](cohorts/b/pairs.md) [a](cohorts/a/index.md) [guide](mentor-guide.md) "
        "![chart](cohorts/b/chart.png) [web](https://example.org/cohorts/b/) up"
    )
    assert unlink_other_cohorts("[b](cohorts/b/pairs.md)", "index.md", "a", slugs) == "b"
    titled = "[B](../cohorts/b/pairs.md 'B') [C](../cohorts/b/ (C)) [see [the] pairs](../cohorts/b/pairs.md)"
    assert unlink_other_cohorts(titled, "notes/page.md", "a", slugs) == "B C see [the] pairs"
    references = '[B\'s pairs][bp], [bp][], [bp] and [a][ap].\n\n[bp]: ../cohorts/b/pairs.md "B"\n[ap]: ../cohorts/a/\n'
    assert unlink_other_cohorts(references, "notes/page.md", "a", slugs) == (
        "B's pairs, bp, bp and [a][ap].\n\n[ap]: ../cohorts/a/\n"
    )


def test_the_public_view_of_one_cohort_keeps_the_program_and_that_cohort():
    program = Program.model_validate(EXAMPLE)
    whole, one = public_view(program), public_view(program, "2026-autumn")
    assert [c.slug for c in one.cohorts] == ["2026-autumn"]
    assert one.cohorts[0] == next(c for c in whole.cohorts if c.slug == "2026-autumn")
    assert (one.guardrails, one.cadences, one.mentor_guide) == (
        whole.guardrails,
        whole.cadences,
        whole.mentor_guide,
    )


# --------------------------------------------------------------------------------------------
# Bad requests
# --------------------------------------------------------------------------------------------


def _assert_nothing_written(project: Path, before: dict[str, bytes]) -> None:
    assert snapshot(project) == before
    assert not (project / "site").exists()


def test_an_unknown_cohort_is_a_usage_error_that_lists_the_cohorts(tmp_path):
    project = copy_example(tmp_path)
    before = snapshot(project)
    result = run_handbook("build", "--cohort", "2026-autum", cwd=project, env=TODAY)
    assert result.code == 2
    assert result.err == (
        "handbook: --cohort 2026-autum: program.toml has no such cohort; its cohorts are "
        "2026-spring, 2026-autumn, 2027-spring; did you mean '2026-autumn'?\n"
    )
    assert result.out == ""
    _assert_nothing_written(project, before)


def test_cohort_and_per_cohort_together_are_a_usage_error(tmp_path):
    project = copy_example(tmp_path)
    before = snapshot(project)
    result = run_handbook("build", "--cohort", "2026-autumn", "--per-cohort", cwd=project, env=TODAY)
    assert result.code == 2
    assert "handbook build: error: argument --per-cohort: not allowed with argument --cohort" in result.err
    assert "Traceback" not in result.output
    _assert_nothing_written(project, before)


@pytest.mark.parametrize("option", [["--per-cohort"], ["--cohort", "2026-autumn"]])
def test_a_program_without_cohorts_has_no_cohort_site_to_build(tmp_path, minimal_text, option):
    cohorts = minimal_text[minimal_text.index("[[cohorts]]") : minimal_text.index("[[cadences]]")]
    (tmp_path / "program.toml").write_text(replace_once(minimal_text, cohorts, ""), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    before = snapshot(tmp_path)
    result = run_handbook("build", *option, cwd=tmp_path, env=TODAY)
    assert result.code == 2, result.output
    assert (
        f"handbook: {option[0]}{' 2026-autumn' if len(option) > 1 else ''}: program.toml has no [[cohorts]] yet"
        in result.err
    )
    assert "Traceback" not in result.output
    _assert_nothing_written(tmp_path, before)


# --------------------------------------------------------------------------------------------
# The cohort gate on any text
# --------------------------------------------------------------------------------------------

_PROGRAM = Program.model_validate(EXAMPLE)
_GATE = {c: OtherCohortsScanner.for_cohort(_PROGRAM, c) for c in COHORTS}
_SEPARATORS = st.sampled_from([" ", "\n", ". ", ", ", "(", ")", "/", '"', "<br>", "\t", ": "])


def _own_words(cohort_id: str) -> list[str]:
    own = _cohort(cohort_id)
    return [own["id"], own["name"], *(NAMES[p] for p in _people(own)), *_people(own), *_pair_slugs(own)]


@settings(max_examples=200, deadline=None)
@given(
    cohort=st.sampled_from(COHORTS),
    picks=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12),
    separators=st.lists(_SEPARATORS, min_size=12, max_size=12),
    leak=st.integers(min_value=0, max_value=10_000),
    upper=st.booleans(),
)
def test_the_gate_finds_another_cohorts_person_anywhere_and_nothing_of_the_cohorts_own(
    cohort, picks, separators, leak, upper
):
    words = _own_words(cohort)
    parts = [words[i % len(words)] + sep for i, sep in zip(picks, separators, strict=False)]
    assert _GATE[cohort].scan_text("page.html", "".join(parts)) == []  # its own people, pairs, name
    everyone = set().union(*(_people(c) for c in EXAMPLE["cohorts"]))
    others = sorted(everyone - _people(_cohort(cohort)))
    person = others[leak % len(others)]
    shown = NAMES[person]
    if upper and shown.upper().casefold() == shown.casefold():  # a dotless i upper-cased is another word
        shown = shown.upper()
    parts.insert(picks[0] % (len(parts) + 1), f"{shown}{separators[-1]}")
    hits = _GATE[cohort].scan_text("page.html", "".join(parts))
    assert any(f"({person})" in hit.what for hit in hits), (person, parts)
