"""`handbook serve --engine zensical`: `zensical serve` on a staged docs folder kept up to date.

Zensical watches the staged folder and re-renders what changed, with its own cache. This
process watches the program, its records, its template overrides and the hand-written pages;
on a change it generates the site again in memory and writes only the pages whose content
changed (`PageCache`), so a one-line edit of one contract re-renders one page.

The leak scan holds while serving: every staged page (generated or hand-written) is scanned
before Zensical sees it, and a page that shows a confidential value is staged as a page that
lists the problem instead; every file Zensical writes is scanned too, and a leaking one is
replaced (HTML) or removed. A problem in the program is printed and the home page shows it.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml  # type: ignore[import-untyped]

from generator.errors import HandbookError
from generator.project import Project
from generator.site.docs_folder import DocsFolderRefused, refused_links
from generator.site.page_cache import PageCache
from generator.site.pages import Page
from generator.site.preview import checked_project, problem_lines, problems_html, problems_page
from generator.site.regeneration import Regeneration, confidential_inputs
from generator.site.scan import LeakScanner
from generator.site.site_content import SiteContent, generated_path_taken, with_assets
from generator.site.zensical_engine import (
    CONFIG_NAME,
    ZensicalFailed,
    configuration,
    label_page,
    theme_copies,
    titled,
    zensical_command,
)

POLL_SECONDS = 0.05
SITE_SCAN_SECONDS = 0.5
"""How often the files Zensical wrote are looked at (a walk of the whole site folder)."""


class Preview:
    """The staged folder Zensical serves, refreshed from the project on every change."""

    def __init__(self, work: Path, config_file: Path, docs: Path, program: Path, display: str) -> None:
        self.work = work
        self.config_file = config_file
        self.docs = docs
        self.program = program
        self.display = display
        self.staged = work / "docs"
        self.site = work / "site"
        self.pages = PageCache(self.staged)
        self.inputs: dict[str, tuple[int, int]] = {}
        self.site_seen: dict[str, int] = {}
        self.skip: set[str] = set()
        self.scanner: LeakScanner | None = None
        self.secrets: object = None
        self.watched: list[Path] = [program]
        self.regeneration = Regeneration()
        self.overrides = work / "overrides"
        """The theme overrides Zensical reads: copies of the owner's `custom_dir`, each scanned."""

    def changed(self) -> bool:
        """Whether any input (program, records, templates, hand-written pages) changed."""
        now = {}
        for folder in self.watched:
            paths = [folder] if folder.is_file() else (folder.rglob("*") if folder.is_dir() else [])
            for path in paths:
                try:
                    st = path.stat()
                except OSError:
                    continue
                now[str(path)] = (st.st_mtime_ns, st.st_size)
        if now == self.inputs:
            return False
        self.inputs = now
        return True

    def refresh(self) -> float:
        """Stage the site as the project now is; return the seconds it took."""
        started = time.perf_counter()
        problems: list[str] = []
        links: list[str] = []
        try:
            project = checked_project(self.program, self.display)
            self._watch(project)
            links = refused_links(self.docs, project.root)
            if links:
                raise DocsFolderRefused("\n".join(links))
            content = self.regeneration.content(project)
            secrets = confidential_inputs(project)
            if secrets != self.secrets:  # new confidential values: every page is scanned again
                self.scanner = LeakScanner.for_program(project.program, project.records)
                self.secrets = secrets
                self.pages.forget()
        except HandbookError as exc:
            problems = problem_lines(exc)
            print("\n".join(problems), file=sys.stderr, flush=True)
            content = with_assets([Page("index.md", problems_page(problems))])
        # a link out of the project is never staged: Zensical would serve what it points at
        hand_written = [] if links else self._hand_written(content)
        self.pages.update([*hand_written, *content.pages], vet=self._vetted)
        settings = configuration(self.config_file, self.docs, content)
        theme = settings.get("theme")
        if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
            owner = Path(theme["custom_dir"])
            if owner not in self.watched:
                self.watched.append(owner)
            self._stage_overrides(owner)
            settings["theme"] = {"custom_dir": str(self.overrides)}
        config = yaml.safe_dump(settings)
        path = self.work / CONFIG_NAME
        if not path.is_file() or path.read_text(encoding="utf-8") != config:
            path.write_text(config, encoding="utf-8")
        return time.perf_counter() - started

    def _watch(self, project: Project) -> None:
        folders = [self.program, self.docs, project.root / project.program.records.folder]
        if project.program.site.templates:
            folders.append(project.root / project.program.site.templates)
        self.watched = folders

    def _stage_overrides(self, owner: Path) -> None:
        """Copy the owner's theme overrides to where Zensical reads them, each scanned first: an
        override that shows a confidential value is not used (the last clean copy stays, else the
        theme's own template) until it is fixed. Zensical never reads the owner's folder, so
        nothing it renders from an override is served before the scan."""
        kept: set[str] = set()
        files = sorted(p for p in owner.rglob("*") if p.is_file()) if owner.is_dir() else []
        for path in files:
            name = path.relative_to(owner).as_posix()
            kept.add(name)
            staged = self.overrides / name
            data = path.read_bytes()
            if staged.is_file() and staged.read_bytes() == data:
                continue
            shown = f"{owner.name}/{name}"
            leaks = self.scanner.scan_bytes(shown, data) if self.scanner else []
            if leaks:
                lines = [leak.message() for leak in leaks]
                lines.append(f"{shown}: this theme override is not used until the value is removed")
                print("\n".join(lines), file=sys.stderr, flush=True)
                continue
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(data)
        if self.overrides.is_dir():
            for staged in sorted(self.overrides.rglob("*"), reverse=True):
                if staged.is_file() and staged.relative_to(self.overrides).as_posix() not in kept:
                    staged.unlink()

    def _hand_written(self, content: SiteContent) -> list[Page]:
        """The docs folder's files, as pages to stage; one at a generated path is a problem."""
        generated = {page.path for page in content.pages}
        pages = []
        if self.docs.is_dir():
            for path in sorted(self.docs.rglob("*")):
                name = path.relative_to(self.docs).as_posix()
                if not path.is_file():
                    continue
                if name in generated:
                    print(generated_path_taken(self.docs, name), file=sys.stderr, flush=True)
                    continue
                pages.append(Page(name, path.read_bytes()))
        return pages

    def _vetted(self, page: Page) -> Page:
        """The page as staged: scanned, and with its title escaped (see `titled`)."""
        page = self._safe(page)
        if page.path.endswith(".md"):
            text = page.content.decode() if isinstance(page.content, bytes) else page.content
            return Page(page.path, titled(text))
        return page

    def _safe(self, page: Page) -> Page:
        """The page, or in place of one that shows a confidential value, the problems."""
        if self.scanner is None:
            return page
        data = page.content.encode() if isinstance(page.content, str) else page.content
        leaks = self.scanner.scan_bytes(page.path, data)
        if not leaks:
            return page
        lines = [leak.message() for leak in leaks]
        print("\n".join(lines), file=sys.stderr, flush=True)
        return Page(page.path, problems_page(lines) if page.path.endswith(".md") else b"")

    def check_site(self) -> None:
        """Scan the files Zensical wrote since the last look; replace or remove a leaking one,
        and name task-list checkboxes as `handbook build` does."""
        if self.scanner is None or not self.site.is_dir():
            return
        if not self.skip:
            self.skip = theme_copies(self.site)
        for path in self.site.rglob("*"):
            name = path.relative_to(self.site).as_posix()
            try:
                mtime = path.stat().st_mtime_ns
            except OSError:
                continue
            if name in self.skip or not path.is_file() or self.site_seen.get(name) == mtime:
                continue
            if name.endswith(".html"):
                label_page(path)
            leaks = self.scanner.scan_bytes(name, path.read_bytes())
            if leaks:
                lines = [leak.message() for leak in leaks]
                print("\n".join(lines), file=sys.stderr, flush=True)
                if name.endswith(".html"):
                    path.write_text(problems_html(lines), encoding="utf-8")
                else:
                    path.unlink(missing_ok=True)
            self.site_seen[name] = path.stat().st_mtime_ns if path.exists() else 0


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(config_file: Path, docs: Path, program: Path, display: str, address: str) -> int:
    """Serve until Ctrl+C; the exit code is Zensical's when it stops by itself."""
    command = zensical_command("serve", "-f", "CONFIG", "-a", address)
    work = Path(tempfile.mkdtemp(prefix="handbook-zensical-"))
    preview = Preview(work, config_file, docs, program, display)
    server: subprocess.Popen[bytes] | None = None
    signal.signal(signal.SIGTERM, _stop)  # stopped like Ctrl+C, so Zensical stops too
    try:
        preview.changed()
        preview.refresh()
        command[command.index("CONFIG")] = str(work / CONFIG_NAME)
        server = subprocess.Popen(command, cwd=work)
        looked = 0.0
        while server.poll() is None:
            time.sleep(POLL_SECONDS)
            if preview.changed():
                took = preview.refresh()
                print(f"{time.strftime('%H:%M:%S')} regenerated in {took:.2f} s", file=sys.stderr, flush=True)
            if time.monotonic() - looked > SITE_SCAN_SECONDS:
                preview.check_site()
                looked = time.monotonic()
        raise ZensicalFailed(
            f"zensical serve stopped (exit code {server.returncode}); see its messages above"
        )
    except KeyboardInterrupt:
        return 0
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)
