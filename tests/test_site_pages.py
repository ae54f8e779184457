"""Generated pages outside a full build: page addresses, `handbook export`, and what `serve` watches."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from mkdocs.config import load_config

from generator.project import open_project
from generator.site.addresses import MAX_SLUG, slug, unique_slugs
from generator.site.pages import site_pages
from generator.site.public_view import public_view
from tests.conftest import copy_example, run_handbook, snapshot
from tests.test_records_aggregates import write_program

_SEGMENT = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def test_slugs_of_unicode_ids_are_readable_distinct_and_safe() -> None:
    ids = ["josé", "jose", "王芳", "李娜"]
    slugs = dict(zip(ids, unique_slugs([(i, i) for i in ids]), strict=True))
    assert slugs["jose"] == "jose"
    assert slugs["josé"].startswith("jose-")
    assert slugs["王芳"].startswith("item-") and slugs["李娜"].startswith("item-")
    assert len(set(slugs.values())) == 4
    assert all(_SEGMENT.match(s) for s in slugs.values()), slugs
    # The same ids in another order get the same addresses.
    backwards = dict(zip(ids[::-1], unique_slugs([(i, i) for i in ids[::-1]]), strict=True))
    assert backwards == slugs
    assert slug("王芳") == slugs["王芳"]  # stable: the hash is of the id itself


def test_slugs_cannot_leave_the_site_folder() -> None:
    for value in ("..", "../../etc", "a/b", "C:\\x", ".hidden", "%2e%2e", "\u202e", ""):
        assert _SEGMENT.match(slug(value)), value


def test_pairs_whose_ids_join_the_same_way_get_distinct_contract_pages() -> None:
    slugs = unique_slugs([("a-b\x00c", "a-b-c"), ("a\x00b-c", "a-b-c")])
    assert len(set(slugs)) == 2 and "a-b-c" in slugs


def test_cohorts_with_unicode_ids_each_get_their_own_pages(tmp_path: Path) -> None:
    program = write_program(tmp_path, {"josé": 5, "jose": 5, "王芳": 5, "李娜": 5})
    loaded = open_project(program)
    view = public_view(loaded.program)
    cohort_slugs = [c.slug for c in view.cohorts]
    assert len(set(cohort_slugs)) == 4 and "jose" in cohort_slugs
    paths = [p.path for p in site_pages(loaded)]
    assert len(paths) == len(set(paths))
    for slug_ in cohort_slugs:
        assert f"cohorts/{slug_}/index.md" in paths
        assert f"cohorts/{slug_}/progress.md" in paths  # the records follow the cohort's id
    for path in paths:
        assert all(_SEGMENT.match(part) for part in Path(path).with_suffix("").parts), path


def _export_project(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "project")


def test_export_writes_every_generated_page_and_may_export_again(tmp_path: Path) -> None:
    project = _export_project(tmp_path)
    result = run_handbook("export", "out", cwd=project)
    assert result.code == 0, result.output
    expected = {p.path for p in site_pages(open_project(project / "program.toml"))}
    written = {p.relative_to(project / "out").as_posix() for p in (project / "out").rglob("*") if p.is_file()}
    assert written == expected | {".handbook-export"}
    assert "progress/index.md" in written and "cohorts/index.md" in written
    listed = (project / "out" / ".handbook-export").read_text(encoding="utf-8").splitlines()
    assert set(listed[1:]) == expected
    again = run_handbook("export", "out", cwd=project)
    assert again.code == 0, again.output
    assert [p.name for p in project.iterdir() if p.name.startswith(".out")] == []


def test_export_never_writes_into_the_docs_folder(tmp_path: Path) -> None:
    project = _export_project(tmp_path)
    before = sorted(p.relative_to(project).as_posix() for p in (project / "handbook").rglob("*"))
    for target in ("handbook", "handbook/generated"):
        result = run_handbook("export", target, cwd=project)
        assert result.code == 2, result.output
        assert (
            f"handbook: export: {target} is the docs folder of mkdocs.yml (or inside it), where "
            "hand-written pages live; the build adds generated pages in memory, so export into "
            "another folder"
        ) in result.err
    assert sorted(p.relative_to(project).as_posix() for p in (project / "handbook").rglob("*")) == before


def test_export_never_writes_inside_a_file(tmp_path: Path) -> None:
    project = _export_project(tmp_path)
    before = snapshot(project)
    result = run_handbook("export", "program.toml/out", cwd=project)
    assert result.code == 2, result.output
    assert result.err == (
        "handbook: export: program.toml/out would be inside program.toml, which is a file, not a "
        "folder: choose a new or empty folder\n"
    )
    assert "Traceback" not in result.output
    assert snapshot(project) == before


def test_export_never_overwrites_files_it_did_not_write(tmp_path: Path) -> None:
    project = _export_project(tmp_path)
    out = project / "notes"
    out.mkdir()
    (out / "index.md").write_text("# My own notes\n", encoding="utf-8")
    result = run_handbook("export", "notes", cwd=project)
    assert result.code == 2
    assert (
        "handbook: export: notes holds files that `handbook export` did not write (index.md); it "
        "never overwrites them: choose a new or empty folder"
    ) in result.err
    assert (out / "index.md").read_text(encoding="utf-8") == "# My own notes\n"
    # A file added by hand to an earlier export is protected the same way.
    assert run_handbook("export", "out", cwd=project).code == 0
    (project / "out" / "mine.md").write_text("mine\n", encoding="utf-8")
    result = run_handbook("export", "out", cwd=project)
    assert result.code == 2 and "(mine.md)" in result.err
    assert (project / "out" / "mine.md").read_text(encoding="utf-8") == "mine\n"


class _Server:
    """Stands in for MkDocs' live-reload server: remembers what it is asked to watch."""

    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str, *args: object, **kwargs: object) -> None:
        self.watched.append(path)


def test_serve_rebuilds_when_the_program_or_a_record_changes(tmp_path: Path) -> None:
    project = _export_project(tmp_path)
    config = load_config(str(project / "mkdocs.yml"))
    plugin = config.plugins["handbook"]
    plugin.on_config(config)
    server = _Server()
    assert plugin.on_serve(server, config=config, builder=None) is server
    assert Path(server.watched[0]) == (project / "program.toml").resolve()
    assert Path(server.watched[1]) == (project / "records").resolve()


def test_progress_pages_use_the_programs_template_overrides(tmp_path: Path) -> None:
    project = _export_project(tmp_path)
    program = project / "program.toml"
    program.write_text(
        program.read_text(encoding="utf-8") + '\n[site]\ntemplates = "overrides"\n', encoding="utf-8"
    )
    (project / "overrides" / "progress").mkdir(parents=True)
    (project / "overrides" / "progress" / "dashboard.md.j2").write_text(
        "# {{ board.title | md }}: our own progress page\n\nAs of {{ board.as_of }}.\n", encoding="utf-8"
    )
    pages = {p.path: p.content for p in site_pages(open_project(program))}
    assert pages["progress/index.md"].startswith("# ")
    assert "our own progress page" in pages["progress/index.md"]
    cohort = pages["cohorts/2026-spring/progress.md"]
    assert cohort.startswith("# Spring 2026 cohort: our own progress page\n\n[All cohorts](../index.md)")


@given(st.text(min_size=1, max_size=400))
def test_a_slug_is_a_short_safe_file_name(value: str) -> None:
    name = slug(value)
    assert 0 < len(name) <= MAX_SLUG and re.fullmatch(r"[a-z0-9-]+", name)


def test_cut_slugs_keep_apart_values_that_share_a_beginning() -> None:
    first, second = slug("a" * 100 + "-one"), slug("a" * 100 + "-two")
    assert first != second and first.startswith("a" * 60) and len(first) == MAX_SLUG
    assert slug("a" * MAX_SLUG) == "a" * MAX_SLUG  # a slug that fits is kept whole


def test_people_with_very_long_ids_get_a_site(tmp_path: Path) -> None:
    """Ids that pass the checks always give file names the file system takes: a pair of two
    200-character ids has a contract page, under a cut address."""
    project = copy_example(tmp_path, records=False)
    program = project / "program.toml"
    mentor, mentee = "thabo-" + "n" * 200, "aisha-" + "b" * 200
    text = program.read_text(encoding="utf-8")
    # each id as the person's and wherever the example refers to them (pairs, members, owners)
    for old, new, count in (('"thabo-nkosi"', f'"{mentor}"', 6), ('"aisha-bello"', f'"{mentee}"', 4)):
        assert text.count(old) == count, old
        text = text.replace(old, new)
    program.write_text(text, encoding="utf-8")
    result = run_handbook("build", "program.toml", cwd=project, env={"HANDBOOK_TODAY": "2026-11-24"})
    assert result.code == 0, result.output
    contracts = [p.name for p in (project / "site" / "cohorts" / "2026-autumn" / "contracts").iterdir()]
    (long_pair,) = [name for name in contracts if name.startswith("thabo-nnn")]
    assert len(long_pair) <= MAX_SLUG
