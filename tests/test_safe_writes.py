"""No command overwrites a file it did not write or leaves a half-written output behind.

Each refusal is tried as an attacker or a careless owner would: the exact message, exit code 2,
no traceback, and every file's bytes and mode under the project folder exactly as before.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator import safe_files
from tests.conftest import ROOT, Result, copy_example, replace_once, run_handbook

TODAY = {"HANDBOOK_TODAY": "2026-11-24"}
RECORD = "records/2026-autumn.toml"


def _project(tmp_path: Path) -> Path:
    """A copy of the example repository (program, records, site configuration, hand-written pages)."""
    return copy_example(tmp_path / "project")


def snapshot(folder: Path) -> dict[str, tuple[int, bytes | str | None]]:
    """Every entry's mode and content (a file's bytes, a link's target) under `folder`."""
    entries: dict[str, tuple[int, bytes | str | None]] = {}
    for path in [folder, *sorted(folder.rglob("*"))]:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            content: bytes | str | None = os.readlink(path)
        elif stat.S_ISREG(info.st_mode):
            content = path.read_bytes()
        else:
            content = None
        entries[path.relative_to(folder).as_posix()] = (info.st_mode, content)
    return entries


def refused(result: Result, message: str) -> None:
    assert result.code == 2, result.output
    assert result.err == f"handbook: {message}\n"
    assert "Traceback" not in result.output


@pytest.fixture
def usual_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


# --------------------------------------------------------------------------------------------
# handbook build --site-dir
# --------------------------------------------------------------------------------------------

WHOLE = "a build replaces the whole site folder: choose a folder of its own, such as site/"


@pytest.mark.parametrize(
    ("site_dir", "message"),
    [
        (".", f"build: --site-dir . is the project folder (it holds program.toml); {WHOLE}"),
        ("..", f"build: --site-dir .. holds the project folder (and program.toml); {WHOLE}"),
        (
            "handbook",
            "build: --site-dir handbook is the docs folder (or inside it), where hand-written pages "
            "live: choose another folder, such as site/",
        ),
        (
            "handbook/generated",
            "build: --site-dir handbook/generated is the docs folder (or inside it), where "
            "hand-written pages live: choose another folder, such as site/",
        ),
        (
            "program.toml",
            "build: --site-dir program.toml is a file, not a folder: choose a new or empty folder, "
            "such as site/",
        ),
        (
            RECORD,
            f"build: --site-dir {RECORD} is a file, not a folder: choose a new or empty folder, "
            "such as site/",
        ),
        (
            "program.toml/site",
            "build: --site-dir program.toml/site would be inside program.toml, which is a file, not "
            "a folder: choose a new or empty folder, such as site/",
        ),
    ],
    ids=["project", "parent", "docs", "inside-docs", "program", "records-file", "inside-program"],
)
def test_build_refuses_a_site_dir_that_would_replace_the_project(tmp_path, site_dir, message):
    project = _project(tmp_path)
    before = snapshot(tmp_path)
    result = run_handbook("build", "--site-dir", site_dir, cwd=project)
    refused(result, message)
    assert snapshot(tmp_path) == before


def test_build_refuses_the_same_places_as_the_default_site_dir_of_mkdocs_yml(tmp_path):
    project = _project(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(
        replace_once(config.read_text(encoding="utf-8"), "site_dir: site", "site_dir: handbook"),
        encoding="utf-8",
    )
    before = snapshot(tmp_path)
    result = run_handbook("build", cwd=project)
    refused(
        result,
        f"build: site_dir {project / 'handbook'} (of mkdocs.yml) is the docs folder (or inside it), "
        "where hand-written pages live: choose another folder, such as site/",
    )
    assert snapshot(tmp_path) == before


def test_build_refuses_a_folder_holding_files_a_build_did_not_write(tmp_path):
    project = _project(tmp_path)
    (project / "public").mkdir()
    for name in ("index.html", "notes/today.md", "notes/z.txt", "logo.png"):
        (project / "public" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "public" / name).write_text("mine", encoding="utf-8")
    before = snapshot(tmp_path)
    result = run_handbook("build", "--site-dir", "public", cwd=project)
    refused(
        result,
        "build: --site-dir public holds files that `handbook build` did not write (index.html, "
        "logo.png, notes/today.md and 1 more); it never replaces them: choose a new or empty folder",
    )
    assert snapshot(tmp_path) == before


def test_a_build_replaces_its_own_site_follows_the_umask_and_clears_stale_staging(tmp_path, usual_umask):
    project = _project(tmp_path)
    (project / "site").mkdir()  # an empty folder is fine
    assert run_handbook("build", cwd=project).code == 0
    site = project / "site"
    listed = (site / safe_files.SITE_MARKER).read_text(encoding="utf-8").splitlines()
    assert "index.html" in listed
    # a killed build's staging folders: removed when older than the next build, nothing else is
    stale = project / ".site-abcd1234.staging"
    (stale / "half").mkdir(parents=True)
    (stale / "half" / "index.html").write_text("half", encoding="utf-8")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    newer = project / ".site-efgh5678.staging"
    newer.mkdir()
    os.utime(newer, (time.time() + 3600, time.time() + 3600))
    (project / ".site-notes").mkdir()
    os.utime(project / ".site-notes", (0, 0))
    result = run_handbook("build", cwd=project)
    assert result.code == 0, result.output
    assert not stale.exists() and newer.is_dir() and (project / ".site-notes").is_dir()
    assert stat.S_IMODE(site.stat().st_mode) == 0o755
    assert stat.S_IMODE((site / "index.html").stat().st_mode) == 0o644
    assert {stat.S_IMODE(p.stat().st_mode) for p in site.rglob("*") if p.is_dir()} == {0o755}
    assert {stat.S_IMODE(p.stat().st_mode) for p in site.rglob("*") if p.is_file()} == {0o644}
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site-")) == [
        ".site-efgh5678.staging",
        ".site-notes",
    ]


def test_the_site_swap_never_leaves_the_target_missing_or_half_filled(tmp_path, monkeypatch):
    """Every rename the swap makes is watched: after each, the site is the old one or the new."""
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("old", encoding="utf-8")
    seen: list[str] = []

    def watched(rename):
        def call(*args, **kwargs):
            rename(*args, **kwargs)
            index = target / "index.html"
            assert index.is_file(), "the site was missing for an instant"
            seen.append(index.read_text(encoding="utf-8"))

        return call

    monkeypatch.setattr(safe_files.os, "rename", watched(os.rename))
    monkeypatch.setattr(safe_files.os, "replace", watched(os.replace))
    with safe_files.replaced_atomically(target) as staging:
        (staging / "index.html").write_text("new", encoding="utf-8")
    assert (target / "index.html").read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
    assert set(seen) <= {"old", "new"}


# --------------------------------------------------------------------------------------------
# handbook check --output, match --report, portfolio --html
# --------------------------------------------------------------------------------------------


def _never(where: str, what: str, command: str) -> str:
    return {
        "program": f"{where} is the program file: `{command}` never replaces it; choose another path",
        "records": f"{where} is in the records folder: `{command}` never replaces a records file; "
        "choose another path",
        "docs": f"{where} is in the docs folder, where hand-written pages live: `{command}` never "
        "writes there; choose another path",
        "foreign": f"{where} exists and was not written by `{command}`: choose another path",
    }[what]


TARGETS = [
    ("program.toml", "program"),
    (RECORD, "records"),
    ("handbook/index.md", "docs"),
    ("handbook/new-page.md", "docs"),
    ("notes.txt", "foreign"),
    ("link-to-program", "program"),
]


def _prepare(project: Path) -> None:
    (project / "notes.txt").write_text("my notes\n1 error in program.toml? no\n", encoding="utf-8")
    (project / "link-to-program").symlink_to("program.toml")


@pytest.mark.parametrize(("where", "what"), TARGETS, ids=[t[1] + ":" + t[0] for t in TARGETS])
def test_check_output_never_replaces_a_file_it_did_not_write(tmp_path, where, what):
    project = _project(tmp_path)
    _prepare(project)
    before = snapshot(tmp_path)
    result = run_handbook("check", "--format", "sarif", "--output", where, cwd=project, env=TODAY)
    refused(result, _never(where, what, "handbook check"))
    assert result.out == ""
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(("where", "what"), TARGETS, ids=[t[1] + ":" + t[0] for t in TARGETS])
def test_match_report_never_replaces_a_file_it_did_not_write(tmp_path, where, what):
    project = _project(tmp_path)
    _prepare(project)
    before = snapshot(tmp_path)
    result = run_handbook("match", "--cohort", "2027-spring", "--report", where, cwd=project, env=TODAY)
    refused(result, _never(where, what, "handbook match"))
    assert result.out == ""
    assert snapshot(tmp_path) == before


PORTFOLIO = ROOT / "tests" / "fixtures" / "records" / "portfolio"


@pytest.mark.parametrize("what", ["program", "records", "foreign"])
def test_portfolio_html_never_replaces_a_file_it_did_not_write(tmp_path, what):
    shutil.copytree(PORTFOLIO, tmp_path / "p")
    project = tmp_path / "p"
    (project / "notes.html").write_text("<p>my notes</p>", encoding="utf-8")
    record = sorted((project / "records").glob("*.toml"))[0].relative_to(project).as_posix()
    where = {"program": "program.toml", "records": record, "foreign": "notes.html"}[what]
    before = snapshot(tmp_path)
    result = run_handbook("portfolio", "--html", where, cwd=project)
    refused(result, _never(where, what, "handbook portfolio"))
    assert result.out == ""
    assert snapshot(tmp_path) == before


def test_each_command_replaces_its_own_earlier_output_in_any_format(tmp_path, usual_umask):
    project = _project(tmp_path)
    for first, second in (("text", "json"), ("json", "sarif"), ("sarif", "github"), ("github", "text")):
        assert run_handbook("check", "--format", first, "--output", "r.out", cwd=project, env=TODAY).code == 0
        result = run_handbook("check", "--format", second, "--output", "r.out", cwd=project, env=TODAY)
        assert result.code == 0, result.output
    assert stat.S_IMODE((project / "r.out").stat().st_mode) == 0o644  # a new file follows the umask
    (project / "r.out").chmod(0o600)
    assert run_handbook("check", "--format", "json", "--output", "r.out", cwd=project, env=TODAY).code == 0
    assert json.loads((project / "r.out").read_text(encoding="utf-8"))["errors"] == []
    assert stat.S_IMODE((project / "r.out").stat().st_mode) == 0o600  # a replaced one keeps its mode
    for _ in range(2):
        result = run_handbook(
            "match", "--cohort", "2027-spring", "--report", "m.html", cwd=project, env=TODAY
        )
        assert result.code == 0, result.output
    assert '<meta name="generator" content="handbook match">' in (project / "m.html").read_text()[:2000]
    # the other command's report is not its own
    result = run_handbook("check", "--output", "m.html", cwd=project, env=TODAY)
    refused(result, _never("m.html", "foreign", "handbook check"))
    assert not list(project.glob(".*.tmp"))


def test_dash_means_stdout(tmp_path):
    project = _project(tmp_path)
    before = snapshot(tmp_path)
    result = run_handbook("check", "--format", "json", "--output", "-", cwd=project, env=TODAY)
    assert result.code == 0, result.output
    assert json.loads(result.out)["errors"] == []
    assert snapshot(tmp_path) == before


def test_a_symlinked_output_is_written_through_and_stays_a_link(tmp_path):
    project = _project(tmp_path)
    (project / "reports").mkdir()
    assert run_handbook("check", "--format", "json", "--output", "reports/r.json", cwd=project).code == 0
    (project / "latest.json").symlink_to("reports/r.json")
    (project / "dangling.sarif").symlink_to("reports/new.sarif")
    (project / "null").symlink_to(os.devnull)
    for link in ("latest.json", "dangling.sarif", "null"):
        result = run_handbook("check", "--format", "sarif", "--output", link, cwd=project, env=TODAY)
        assert result.code == 0, result.output
        assert (project / link).is_symlink()
    assert (
        json.loads((project / "reports/r.json").read_text())["runs"][0]["tool"]["driver"]["name"]
        == "handbook"
    )
    assert json.loads((project / "reports/new.sarif").read_text())["version"] == "2.1.0"
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_fifo_output_is_written_through_not_replaced(tmp_path):
    project = _project(tmp_path)
    fifo = project / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    result = run_handbook("check", "--format", "json", "--output", "pipe", cwd=project, env=TODAY)
    if reader.is_alive():  # the command failed before opening the FIFO: let the reader go
        with open(fifo, "w"):
            pass
    reader.join(timeout=60)
    assert result.code == 0, result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(received[0])["errors"] == []


# --------------------------------------------------------------------------------------------
# handbook match --write
# --------------------------------------------------------------------------------------------


def test_match_write_refuses_a_read_only_program(tmp_path):
    project = _project(tmp_path)
    (project / "program.toml").chmod(0o444)
    before = snapshot(tmp_path)
    result = run_handbook("match", "--cohort", "2027-spring", "--write", cwd=project, env=TODAY)
    refused(
        result,
        "program.toml is read-only, so `handbook match --write` leaves it unchanged: make it "
        "writable (chmod u+w program.toml) and run again",
    )
    assert result.out == ""
    assert snapshot(tmp_path) == before


def test_match_write_keeps_the_program_mode_and_owner(tmp_path):
    project = _project(tmp_path)
    program = project / "program.toml"
    program.chmod(0o664)
    owner = (program.stat().st_uid, program.stat().st_gid)
    if os.geteuid() == 0:
        owner = (4321, 4321)
        os.chown(program, *owner)
    result = run_handbook("match", "--cohort", "2027-spring", "--write", cwd=project, env=TODAY)
    assert result.code == 0, result.output
    info = program.stat()
    assert stat.S_IMODE(info.st_mode) == 0o664
    assert (info.st_uid, info.st_gid) == owner
    assert "Proposed by `handbook match`" in program.read_text(encoding="utf-8")


def test_a_killed_build_leaves_the_old_site_and_its_staging_is_removed_by_the_next(tmp_path):
    project = _project(tmp_path)
    assert run_handbook("build", cwd=project).code == 0
    old_site = snapshot(project / "site")
    build = subprocess.Popen(
        [sys.executable, "-m", "generator", "build"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while not list(project.glob(".site-*.staging/*")) and time.time() < deadline and build.poll() is None:
        time.sleep(0.01)
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert [p.name for p in project.glob(".site-*.staging")], "the build ended before it could be killed"
    assert snapshot(project / "site") == old_site
    time.sleep(1.1)  # the next build starts strictly after the killed one's last change
    assert run_handbook("build", cwd=project).code == 0
    assert not list(project.glob(".site-*"))
