"""Folders where they belong: records and plugin files inside the project and outside the docs
and site folders; no link in the docs folder to a file outside the project; and plugin code that
can be switched off for untrusted pull requests."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from generator.cli import add_plugins_option, plugins_wanted
from generator.project import open_project
from generator.site.docs_folder import mkdocs_folders, refused_links

from .conftest import copy_example, replace_once, run_handbook

PLUGIN = """
from pathlib import Path

from pydantic import Field

from generator.hookspecs import hookimpl
from generator.rules import Rule, RuleOptions

Path(__file__).with_name("plugin-ran").write_text("yes")


class Options(RuleOptions):
    days: int = Field(45, ge=1)


def check(project, options):
    return []


@hookimpl
def handbook_register_rules(register):
    register(
        Rule(
            code="ACME001", name="quiet-pair", severity="warning", summary="s.", what="w.",
            why="y.", example="e", fix="f.", check=check, options=Options,
        )
    )
"""


def refused(tmp_path: Path, text: str, expected: str, *others: str) -> None:
    """`handbook check` exits 1 with `expected` first, no traceback, no file changed or added."""
    program = tmp_path / "program.toml"
    program.write_text(text, encoding="utf-8")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    result = run_handbook("check", "program.toml", cwd=tmp_path)
    assert result.code == 1, result.output
    lines = [line for line in result.out.splitlines() if line.startswith("program.toml:")]
    assert lines == [expected, *others]
    assert "Traceback" not in result.output
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def with_records_folder(text: str, folder: str) -> str:
    return replace_once(text, "[checks]\n", f'[records]\nfolder = "{folder}"\n\n[checks]\n')


OUTSIDE = "is outside the project (the folder of program.toml): use a path such as"


@pytest.mark.parametrize("folder", ["/etc", "../..", "records/../../elsewhere"])
def test_a_records_folder_outside_the_project_is_refused(
    tmp_path: Path, minimal_text: str, folder: str
) -> None:
    column = 10
    refused(
        tmp_path,
        with_records_folder(minimal_text, folder),
        f"program.toml:121:{column}: records folder {folder!r} {OUTSIDE} 'records'",
    )


def test_a_records_folder_inside_the_docs_folder_is_refused(tmp_path: Path, minimal_text: str) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\ndocs_dir: handbook\nsite_url: !ENV [SITE_URL, 'https://example.com']\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        encoding="utf-8",
    )
    refused(
        tmp_path,
        with_records_folder(minimal_text, "handbook/records"),
        "program.toml:121:10: records folder 'handbook/records' is inside the docs folder 'handbook', "
        "which MkDocs publishes whole: use a path such as 'records'",
    )


def test_the_docs_folder_is_docs_without_a_configuration(tmp_path: Path, minimal_text: str) -> None:
    refused(
        tmp_path,
        with_records_folder(minimal_text, "docs/private"),
        "program.toml:121:10: records folder 'docs/private' is inside the docs folder 'docs', "
        "which MkDocs publishes whole: use a path such as 'records'",
    )


def test_a_records_folder_inside_the_site_folder_is_refused(tmp_path: Path, minimal_text: str) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nsite_dir: public\n", encoding="utf-8")
    refused(
        tmp_path,
        with_records_folder(minimal_text, "public"),
        "program.toml:121:10: records folder 'public' is inside the site folder 'public', "
        "which every build replaces: use a path such as 'records'",
    )


def test_mkdocs_env_tags_name_the_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "docs_dir: !ENV [HB_TEST_DOCS, pages]\nsite_dir: !ENV HB_TEST_SITE\n", encoding="utf-8"
    )
    monkeypatch.delenv("HB_TEST_DOCS", raising=False)
    monkeypatch.setenv("HB_TEST_SITE", "out")
    (docs, docs_name), (site, site_name) = mkdocs_folders(tmp_path)
    assert (docs_name, site_name) == ("pages", "out")
    assert (docs, site) == ((tmp_path / "pages").resolve(), (tmp_path / "out").resolve())


def test_an_unreadable_mkdocs_configuration_means_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("docs_dir: [unclosed\n", encoding="utf-8")
    assert [name for _, name in mkdocs_folders(tmp_path)] == ["docs", "site"]


def test_plugin_files_outside_the_project_or_in_the_docs_folder_are_refused(
    tmp_path: Path, minimal_text: str
) -> None:
    text = replace_once(
        minimal_text, "[checks]\n", '[checks]\nplugins = ["/etc/acme.py", "../acme.py", "docs/acme.py"]\n'
    )
    refused(
        tmp_path,
        text,
        f"program.toml:121:12: plugin file '/etc/acme.py' {OUTSIDE} 'rules/acme.py'",
        f"program.toml:121:28: plugin file '../acme.py' {OUTSIDE} 'rules/acme.py'",
        "program.toml:121:42: plugin file 'docs/acme.py' is inside the docs folder 'docs', which MkDocs "
        "publishes whole: use a path such as 'rules/acme.py'",
    )


def test_a_records_folder_linked_outside_the_project_is_refused(tmp_path: Path, minimal_text: str) -> None:
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / "records").symlink_to(elsewhere, target_is_directory=True)
    refused(
        project,
        minimal_text.replace("[checks]\n", '[records]\nfolder = "records"\n\n[checks]\n'),
        (f"program.toml:121:10: records folder 'records' {OUTSIDE} 'records'"),
    )


# --------------------------------------------------------------------------------------------
# Links in the docs folder
# --------------------------------------------------------------------------------------------


def test_links_in_the_docs_folder_that_leave_the_project_are_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    docs = project / "handbook"
    (docs / "deep").mkdir(parents=True)
    (project / "shared.md").write_text("# Shared\n", encoding="utf-8")
    (tmp_path / "secret").mkdir()
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / "notes.md").symlink_to("/etc/passwd")
    (docs / "shared.md").symlink_to(project / "shared.md")  # inside the project: fine
    (docs / "deep" / "relative.md").symlink_to(Path("../../../secret/x.md"))  # broken and outside
    (docs / "secrets").symlink_to(tmp_path / "secret", target_is_directory=True)
    assert refused_links(docs, project) == [
        f"handbook/deep/relative.md is a link to {(tmp_path / 'secret' / 'x.md').resolve()}, outside the "
        "project: copy the page into the docs folder instead",
        "handbook/notes.md is a link to /etc/passwd, outside the project: copy the page into the docs "
        "folder instead",
        f"handbook/secrets is a link to {(tmp_path / 'secret').resolve()}, outside the project: copy the "
        "page into the docs folder instead",
    ]


def test_a_docs_folder_without_links_is_fine(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    assert refused_links(tmp_path / "docs", tmp_path) == []
    assert refused_links(tmp_path / "missing", tmp_path) == []


# --------------------------------------------------------------------------------------------
# Plugins off
# --------------------------------------------------------------------------------------------


def with_local_plugin(tmp_path: Path, text: str) -> str:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "acme.py").write_text(PLUGIN, encoding="utf-8")
    return replace_once(text, "[checks]\n", '[checks]\nplugins = ["rules/acme.py"]\n')


def test_handbook_no_plugins_runs_no_plugin_code(tmp_path: Path, minimal_text: str) -> None:
    text = with_local_plugin(tmp_path, minimal_text) + "\n[checks.quiet-pair]\ndays = 30\n"
    text = replace_once(text, 'ignore = ["intake-complete"]', 'ignore = ["intake-complete", "ACME"]')
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")
    result = run_handbook("check", "program.toml", cwd=tmp_path, env={"HANDBOOK_NO_PLUGINS": "1"})
    assert result.code == 0, result.output
    assert not (tmp_path / "rules" / "plugin-ran").exists()
    assert result.err.strip() == (
        "program.toml: note: plugins are off (HANDBOOK_NO_PLUGINS or --no-plugins): only the built-in "
        "rules ran, and 2 settings for other rules or score components went unchecked: "
        "checks.ignore[1], checks.quiet-pair"
    )
    listing = run_handbook("rules", "program.toml", cwd=tmp_path, env={"HANDBOOK_NO_PLUGINS": "1"})
    assert listing.code == 0 and "ACME001" not in listing.out
    assert not (tmp_path / "rules" / "plugin-ran").exists()
    # With plugins on, the same program loads the plugin (the marker shows its code ran).
    assert run_handbook("check", "program.toml", cwd=tmp_path, env={"HANDBOOK_NO_PLUGINS": "0"}).code == 0
    assert (tmp_path / "rules" / "plugin-ran").exists()


def test_plugins_off_still_reports_mistakes_in_built_in_settings(tmp_path: Path, minimal_text: str) -> None:
    text = with_local_plugin(tmp_path, minimal_text) + "\n[checks.mentor-load]\nnope = 1\n"
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")
    result = run_handbook("check", "program.toml", cwd=tmp_path, env={"HANDBOOK_NO_PLUGINS": "1"})
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "program.toml:125:1: unknown key 'nope' in checks.mentor-load; expected one of: max_hours, max_mentees"
    )
    assert not (tmp_path / "rules" / "plugin-ran").exists()


def test_open_project_with_plugins_off(
    tmp_path: Path, minimal_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HANDBOOK_NO_PLUGINS", raising=False)
    text = with_local_plugin(tmp_path, minimal_text) + "\n[matching.weights]\nlanguage = 5\n"
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")
    project = open_project(tmp_path / "program.toml", "program.toml", plugins=False)
    assert "acme" not in {name for name, _ in project.plugins.manager.list_name_plugin()}
    assert project.notes == [
        "plugins are off (HANDBOOK_NO_PLUGINS or --no-plugins): only the built-in rules ran, and 1 setting "
        "for other rules or score components went unchecked: matching.weights.language"
    ]
    assert not (tmp_path / "rules" / "plugin-ran").exists()


def test_commands_can_offer_no_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    parser = argparse.ArgumentParser()
    add_plugins_option(parser)
    assert plugins_wanted(parser.parse_args(["--no-plugins"])) is False
    assert plugins_wanted(parser.parse_args([])) is None


def test_link_loops_are_neither_a_crash_nor_outside(tmp_path: Path, minimal_text: str) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "loop.md").symlink_to("loop.md")
    assert refused_links(tmp_path / "docs", tmp_path) == []
    (tmp_path / "acme.py").symlink_to("acme.py")
    text = replace_once(minimal_text, "[checks]\n", '[checks]\nplugins = ["acme.py"]\n')
    refused(
        tmp_path,
        text,
        "program.toml:121:12: plugin file 'acme.py' not found (paths are relative to the program file)",
    )


def test_build_refuses_a_docs_folder_link_to_outside_the_project(tmp_path: Path) -> None:
    from tests.conftest import copy_example, run_handbook

    project = copy_example(tmp_path / "project", records=False)
    secret = tmp_path / "secret.md"
    secret.write_text("# Salary bands\n", encoding="utf-8")
    (project / "handbook" / "notes.md").symlink_to(secret)
    result = run_handbook("build", "program.toml", cwd=project, env={"HANDBOOK_TODAY": "2026-11-24"})
    assert result.code == 1
    assert (
        f"handbook/notes.md is a link to {secret}, outside the project: copy the page into the docs "
        "folder instead"
    ) in result.err
    assert not (project / "site").exists()
    assert "Traceback" not in result.output


def test_a_zensical_preview_never_stages_a_link_that_leaves_the_project(tmp_path: Path) -> None:
    """`handbook serve --engine zensical` refuses the link as a build does: its home page names
    it, and nothing from the docs folder is staged for Zensical to serve until it is gone."""
    from generator.site.zensical_serve import Preview

    project = copy_example(tmp_path / "project", records=False)
    (tmp_path / "secret.md").write_text("# Salaries\n\nNot for participants.\n", encoding="utf-8")
    (project / "handbook" / "salaries.md").symlink_to(tmp_path / "secret.md")
    work = tmp_path / "work"
    work.mkdir()
    preview = Preview(
        work, project / "mkdocs.yml", project / "handbook", project / "program.toml", "program.toml"
    )
    preview.refresh()
    staged = {p.relative_to(work / "docs").as_posix() for p in (work / "docs").rglob("*") if p.is_file()}
    assert "salaries.md" not in staged and "about.md" not in staged
    home = (work / "docs" / "index.md").read_text(encoding="utf-8")
    assert (
        f"handbook/salaries.md is a link to {(tmp_path / 'secret.md').resolve()}, outside the project: "
        "copy the page into the docs folder instead"
    ) in home
    assert "Not for participants" not in "".join(
        p.read_text(encoding="utf-8") for p in (work / "docs").rglob("*.md")
    )
    (project / "handbook" / "salaries.md").unlink()
    preview.refresh()
    assert (work / "docs" / "about.md").is_file()
    assert "cannot be built" not in (work / "docs" / "index.md").read_text(encoding="utf-8")
