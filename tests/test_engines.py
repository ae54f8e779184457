"""`handbook build --engine mkdocs|zensical` and `[site] engine`: both engines build the same
generated pages through the same publish gate; a bad engine name, a failing or missing Zensical
and a hand-written page at a generated path are refused with a located message, exit code 1 or
2, no traceback and the previous site untouched."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, Result, copy_example, edit_once, run_handbook, snapshot

ENV = {"HANDBOOK_TODAY": "2026-11-24", "SOURCE_DATE_EPOCH": "1795000000"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "project", records=False)


def _with_engine(project: Path, engine: str) -> None:
    """Set `[site] engine` in the example's program.toml (which has no [site] table)."""
    program = project / "program.toml"
    text = program.read_text(encoding="utf-8")
    program.write_text(text + f'\n[site]\nengine = "{engine}"\n', encoding="utf-8")


def _previous_site(project: Path) -> dict[str, bytes]:
    """A site an earlier build left, to show that a refused build keeps it."""
    result = run_handbook("build", "program.toml", cwd=project, env=ENV)
    assert result.code == 0, result.output
    return snapshot(project)


def test_both_engines_publish_the_same_generated_files(project: Path) -> None:
    """Calendars and assets are generated once: both sites hold them byte for byte the same,
    and every generated page has its HTML page in both."""
    sites = {}
    for engine in ("mkdocs", "zensical"):
        result = run_handbook(
            "build", "program.toml", "--engine", engine, "--site-dir", engine, cwd=project, env=ENV
        )
        assert result.code == 0, result.output
        sites[engine] = snapshot(project / engine)
    exported = run_handbook("export", "out", cwd=project, env=ENV)
    assert exported.code == 0, exported.output
    generated = [p for p in snapshot(project / "out") if p != ".handbook-export"]
    for path in generated:
        if path.endswith(".md"):
            page = (
                "index.html"
                if path == "index.md"
                else path.removesuffix("index.md").removesuffix(".md") + "/index.html"
            )
            page = page.replace("//", "/")
            assert page in sites["mkdocs"], page
            assert page in sites["zensical"], page
        else:
            assert (
                sites["mkdocs"][path] == sites["zensical"][path] == (project / "out" / path).read_bytes()
            ), path
    for asset in ("stylesheets/handbook-print.css", "javascripts/handbook-accessibility.js"):
        assert sites["mkdocs"][asset] == sites["zensical"][asset]
        assert asset.encode() in sites["zensical"]["index.html"]
    for engine, site in sites.items():  # checkboxes are named after their item by both
        boxes = re.findall(
            r'<input type="checkbox"[^>]*>', site["cohorts/2026-autumn/checklists/index.html"].decode()
        )
        assert len(boxes) > 3, engine
        assert all('aria-label="' in box for box in boxes), (engine, boxes[:3])


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_the_engine_line_replaces_the_end_of_life_banner(project: Path, engine: str) -> None:
    other = "zensical" if engine == "mkdocs" else "mkdocs"
    names = {"mkdocs": "MkDocs", "zensical": "Zensical"}
    result = run_handbook("build", "program.toml", "--engine", engine, cwd=project, env=ENV)
    assert result.code == 0, result.output
    assert result.out.splitlines()[-1] == f"Built with {names[engine]}; try `handbook build --engine {other}`"
    assert "end of life" not in result.output


def test_site_engine_in_program_toml_is_the_default_and_the_option_wins(project: Path) -> None:
    _with_engine(project, "zensical")
    result = run_handbook("build", "program.toml", cwd=project, env=ENV)
    assert result.code == 0, result.output
    assert "Built with Zensical" in result.out
    assert (project / "site" / "search.json").is_file()  # Zensical's search index
    result = run_handbook("build", "program.toml", "--engine", "mkdocs", cwd=project, env=ENV)
    assert result.code == 0, result.output
    assert "Built with MkDocs" in result.out
    assert (project / "site" / "search" / "search_index.json").is_file()


def test_an_unknown_engine_in_program_toml_is_located(project: Path) -> None:
    _with_engine(project, "hugo")
    before = snapshot(project)
    line = (project / "program.toml").read_text(encoding="utf-8").splitlines().index('engine = "hugo"') + 1
    for command in ("build", "serve"):
        result = run_handbook(command, "program.toml", cwd=project, env=ENV)
        assert result.code == 1, result.output
        assert (
            f"program.toml:{line}:10: 'hugo' is not a valid engine (expected one of: 'mkdocs', 'zensical')"
            in result.out
        )
        assert "Traceback" not in result.output
        assert snapshot(project) == before


@pytest.mark.parametrize("command", ["build", "serve"])
def test_an_unknown_engine_on_the_command_line_is_refused(project: Path, command: str) -> None:
    before = snapshot(project)
    result = run_handbook(command, "program.toml", "--engine", "hugo", cwd=project, env=ENV)
    assert result.code == 2, result.output
    assert result.err.splitlines()[-1] == (
        f"handbook {command}: error: argument --engine: invalid choice: 'hugo' (choose from 'mkdocs', 'zensical')"
    )
    assert "Traceback" not in result.output
    assert snapshot(project) == before


def _fake_zensical(folder: Path, main: str) -> dict[str, str]:
    """An environment whose `python -m zensical` runs `main` instead of Zensical."""
    package = folder / "zensical"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "__main__.py").write_text(main, encoding="utf-8")
    return {**ENV, "PYTHONPATH": str(folder)}


def test_a_failing_zensical_keeps_the_previous_site(project: Path, tmp_path: Path) -> None:
    before = _previous_site(project)
    env = _fake_zensical(
        tmp_path / "fake",
        "import sys\nprint('Warning: page does not exist\\n    ╭─[ about.md:7:7 ]')\n"
        "print('Traceback (most recent call last):', file=sys.stderr)\n"
        "print('RuntimeError: Aborted because --strict flag is set', file=sys.stderr)\nsys.exit(1)\n",
    )
    result = run_handbook("build", "program.toml", "--engine", "zensical", cwd=project, env=env)
    assert result.code == 1, result.output
    assert result.err == (
        "handbook: build failed (Zensical): Warning: page does not exist\nat handbook/about.md:3:7\n"
    )
    assert "Traceback" not in result.output
    assert snapshot(project) == before


def test_a_missing_zensical_says_how_to_install_it(project: Path) -> None:
    before = _previous_site(project)
    code = (
        "import sys; sys.modules['zensical'] = None; from generator.cli import main; "
        "sys.exit(main(['build', 'program.toml', '--engine', 'zensical']))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, **ENV, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    result = Result(proc.returncode, proc.stdout, proc.stderr)
    assert result.code == 1, result.output
    assert result.err == (
        f"handbook: --engine zensical: Zensical is not installed in this Python ({sys.executable}); "
        "install it with `pip install zensical==0.0.73`, or build with --engine mkdocs\n"
    )
    assert "Traceback" not in result.output
    assert snapshot(project) == before


def test_zensical_refuses_a_hand_written_page_at_a_generated_path(project: Path) -> None:
    before = _previous_site(project)
    (project / "handbook" / "mentor-guide.md").write_text("# Mine\n", encoding="utf-8")
    before["handbook/mentor-guide.md"] = b"# Mine\n"
    result = run_handbook("build", "program.toml", "--engine", "zensical", cwd=project, env=ENV)
    assert result.code == 1, result.output
    assert result.err == (
        "handbook: handbook/mentor-guide.md: this hand-written page has the path of a generated page; "
        "rename or move it (generated pages are never overwritten)\n"
    )
    assert snapshot(project) == before


def test_the_pinned_zensical_is_a_dependency() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    constraints = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    from generator.site.zensical_engine import ZENSICAL_VERSION

    assert f'"zensical=={ZENSICAL_VERSION}"' in pyproject
    assert f"zensical=={ZENSICAL_VERSION}" in constraints


@pytest.mark.parametrize("args", [["check", "program.toml"], ["--help"], ["build", "--help"]])
def test_check_and_help_import_no_engine(args: list[str]) -> None:
    code = (
        "import sys; from generator.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('mkdocs', 'zensical', 'material', 'yaml', 'jinja2', 'icalendar')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.stdout.splitlines()[-1] == "[]", proc.stdout + proc.stderr


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_markup_in_a_name_is_text_in_every_title(project: Path, engine: str) -> None:
    """Zensical prints a title taken from a heading unescaped; the adapter gives it an escaped one."""
    old = 'name = "Northbridge Executive Mentorship Program"'
    edit_once(project / "program.toml", old, 'name = "North </title><script>alert(1)</script>"')
    result = run_handbook("build", "program.toml", "--engine", engine, cwd=project, env=ENV)
    assert result.code == 0, result.output
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in home
    assert re.search(r"<title>North &(amp;)?lt;/title&(amp;)?gt;", home), re.findall("<title>.*", home)


def test_a_byte_order_mark_keeps_front_matter_out_of_a_zensical_page(project: Path) -> None:
    page = project / "handbook" / "team.md"
    page.write_bytes(
        b"\xef\xbb\xbf---\ntitle: Team page\nsearch:\n  exclude: true\nreviewer_note: draft, ask Beatriz\n---\n"
        b"\n# Team page\n\nHello.\n"
    )
    result = run_handbook("build", "program.toml", "--engine", "zensical", cwd=project, env=ENV)
    assert result.code == 0, result.output
    html_text = (project / "site" / "team" / "index.html").read_text(encoding="utf-8")
    assert "Hello." in html_text and "reviewer_note" not in html_text
    assert "<title>Team page" in html_text
    assert "reviewer_note" not in (project / "site" / "search.json").read_text(encoding="utf-8")


def test_zensical_takes_the_folders_a_configuration_inherits(project: Path) -> None:
    config = project / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(("docs_dir:", "site_dir:"))]
    assert len(kept) == len(lines) - 2, "the example names docs_dir and site_dir once each"
    config.write_text("INHERIT: base.yml\n" + "".join(kept), encoding="utf-8")
    (project / "base.yml").write_text("docs_dir: handbook\nsite_dir: public\n", encoding="utf-8")
    result = run_handbook("build", "program.toml", "--engine", "zensical", cwd=project, env=ENV)
    assert result.code == 0, result.output
    assert (project / "public" / "about" / "index.html").is_file()
    assert not (project / "site").exists()


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_a_link_to_a_missing_page_names_the_page_and_line(project: Path, engine: str) -> None:
    _previous_site(project)
    (project / "handbook" / "guides").mkdir()
    (project / "handbook" / "guides" / "links.md").write_text(
        "# Links\n\nSee [the missing page](nothere.md).\n", encoding="utf-8"
    )
    before = snapshot(project)
    result = run_handbook("build", "program.toml", "--engine", engine, cwd=project, env=ENV)
    assert result.code == 1, result.output
    if engine == "mkdocs":
        assert result.err.startswith(
            "handbook: build failed: Doc file 'guides/links.md' contains a link 'nothere.md', but the "
            "target 'guides/nothere.md' is not found among documentation files."
        ), result.err
    else:
        assert "at handbook/guides/links.md:3:" in result.err, result.err
    assert "Traceback" not in result.output
    assert snapshot(project) == before


def test_an_unknown_markdown_extension_is_named_before_zensical_runs(project: Path) -> None:
    """The configuration is loaded as MkDocs loads it for either engine (so inherited settings
    count), and MkDocs names what is wrong in it."""
    _previous_site(project)
    edit_once(project / "mkdocs.yml", "  - admonition\n", "  - nosuchext_xyz\n")
    before = snapshot(project)
    result = run_handbook("build", "program.toml", "--engine", "zensical", cwd=project, env=ENV)
    assert result.code == 1, result.output
    assert "Failed to load extension 'nosuchext_xyz'" in result.err, result.err
    assert result.err.endswith("handbook: mkdocs.yml: Aborted with a configuration error!\n")
    assert "Traceback" not in result.output
    assert snapshot(project) == before
