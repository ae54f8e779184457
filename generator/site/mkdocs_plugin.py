"""The MkDocs plugin: adds the pages generated from program.toml to the build, in memory.

Generated pages are never written into the docs folder. A hand-written page at a generated path
is an error, never an overwrite. Per-cohort pages stay out of the global navigation (the Cohorts
page and each cohort's links bar reach them), so page size stays flat however many cohorts and
pairs a program has.

Every build through the plugin (`handbook build`, `handbook serve`, plain `mkdocs build` and
`mkdocs serve`) scans each page's final HTML before it is written, and every other file the
build wrote (search index, sitemap, calendars, assets, a page changed after its scan) at its
end, for the program's confidential values: a hit stops the build, or while serving replaces
what would show it.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage

from generator.errors import HandbookError
from generator.project import Project
from generator.site.cohorts import unlink_other_cohorts
from generator.site.docs_folder import DocsFolderRefused, refused_links
from generator.site.markup import label_task_checkboxes
from generator.site.page_cache import PageCache
from generator.site.pages import Page, in_navigation
from generator.site.preview import checked_project, problem_lines, problems_html, problems_page
from generator.site.public_view import cohort_slugs
from generator.site.regeneration import Regeneration, confidential_inputs
from generator.site.scan import Leak, LeakScanner, leak_report
from generator.site.site_content import generated_path_taken, site_content, with_assets
from generator.templating import compiled_templates

if TYPE_CHECKING:
    from mkdocs.livereload import LiveReloadServer  # only `serve` needs the server (and watchdog)


class HandbookConfig(Config):
    program = config_options.Type(str, default="program.toml")


class HandbookPlugin(BasePlugin[HandbookConfig]):
    """Registered as `handbook` under the `mkdocs.plugins` entry point.

    `handbook build` hands its instance the project it has already loaded and checked (the
    `project` attribute). Run by plain `mkdocs build` or `mkdocs serve`, the plugin opens the
    project itself and runs the rules, once per build: an error stops the build. While serving,
    a problem does not stop the server: it is printed, and the site becomes one page that shows
    it, until the next edit fixes it.
    """

    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.project: Project | None = None
        self.program_path = Path("program.toml")
        self.serving = False
        self.started = 0.0
        self.problems: list[str] = []
        self.scanner: LeakScanner | None = None
        self.scanned: set[str] = set()
        self.page_digests: dict[str, bytes] = {}
        self.theme_copies: dict[str, Path] = {}
        self.handed_over = False
        self.site_dir: Path | None = None
        self.cohort: str | None = None  # handed over by `handbook build --cohort` / `--per-cohort`
        self.base_url: str | None = None  # where that cohort's handbook is hosted, if not [site] url
        self.cohort_slugs: dict[str, str] = {}
        self.page_cache: PageCache | None = None
        self.regeneration = Regeneration()
        self.site_seen: dict[str, int] = {}
        self.secrets: object = None
        self.navigation: list[Any] | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """MkDocs keeps a plugin that has this hook for the whole of `serve`, so it knows it serves."""
        self.serving = command == "serve"
        self.project = None
        self.cohort = self.base_url = None
        if self.serving and dirty:  # `handbook serve`: only pages whose content changed re-render
            self.page_cache = PageCache(Path(tempfile.mkdtemp(prefix="handbook-pages-")))

    def on_shutdown(self) -> None:
        self.serving = False
        self.project = None
        if self.page_cache is not None:
            shutil.rmtree(self.page_cache.folder, ignore_errors=True)
            self.page_cache = None

    def _checked_project(self) -> Project:
        """The project handed over by `handbook build`, else one opened and checked now."""
        if not self.serving and self.project is not None and self.project.path.resolve() == self.program_path:
            return self.project
        project = checked_project(self.program_path, self.config.program)
        self.project = project
        return project

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.started = time.perf_counter()
        base = Path(config.config_file_path or ".").resolve().parent
        self.program_path = (base / self.config.program).resolve()
        self.scanned = set()
        self.page_digests = {}
        self.handed_over = not self.serving and self.project is not None
        self.site_dir = Path(config.site_dir)
        try:
            project = self._checked_project()
            links = refused_links(Path(config.docs_dir), project.root)
            if links:
                raise DocsFolderRefused("\n".join(links))
            # while serving, only the cohorts whose inputs changed are rendered again
            if self.page_cache:
                content = self.regeneration.content(project)
            else:
                content = site_content(project, self.cohort, self.base_url)
            self.cohort_slugs = cohort_slugs(project.program) if self.cohort is not None else {}
            if self.handed_over:  # `handbook build` scans everything it publishes itself
                self.scanner = None
            else:
                secrets = confidential_inputs(project)
                if self.scanner is None or secrets != self.secrets:
                    # new confidential values: a new scanner, and every file is scanned again
                    self.scanner = LeakScanner.for_program(project.program, project.records)
                    self.site_seen, self.secrets = {}, secrets
            self.problems = []
        except HandbookError as exc:
            self.scanner = None
            self.problems = problem_lines(exc)
            if not self.serving:
                raise PluginError("\n".join([*self.problems, "Fix them, then build again."])) from None
            print("\n".join(self.problems), file=sys.stderr, flush=True)
            content = with_assets([Page("index.md", problems_page(self.problems))])
        self.pages = content.pages
        config.extra_css.extend(content.extra_css)
        config.extra_javascript.extend(content.extra_javascript)
        if config.nav is None:
            config.nav = content.navigation(Path(config.docs_dir))
        if self.page_cache is not None and config.nav != self.navigation:
            self.page_cache.forget()  # every page shows the navigation: render them all again
            self.navigation = config.nav
        return config

    def on_post_page(self, output: str, /, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        """Scan the page as it will be written (hand-written, generated or from a template
        override): a confidential value stops the build before the page reaches the site."""
        if self.scanner is None:
            return output
        name = page.file.dest_uri
        data = output.encode("utf-8")
        leaks = self.scanner.scan_bytes(name, data)
        if not leaks:
            self.page_digests[name] = hashlib.blake2b(data).digest()
            return output
        if not self.serving:
            raise PluginError(leak_report(leaks, kept=self.handed_over))
        self._report_while_serving(leaks)
        return problems_html(self.problems)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Scan what the build wrote besides pages (search index, sitemap, calendars, assets);
        a leaking file is removed at once. While serving, also say that each rebuild happened,
        how long it took and whether it is clean."""
        if self.scanner is not None:
            site = Path(config.site_dir)
            leaks = self._remove_leaks(site, skip=self._pages_as_scanned(site))
            if leaks and not self.serving:
                raise PluginError(leak_report(leaks, kept=self.handed_over))
            if leaks:
                self._report_while_serving(leaks)
                for leak in leaks:
                    if leak.file.endswith(".html"):  # the address shows the problems instead
                        (site / leak.file).parent.mkdir(parents=True, exist_ok=True)
                        (site / leak.file).write_text(problems_html(self.problems), encoding="utf-8")
        if not self.serving:
            return
        took = time.perf_counter() - self.started
        clock = time.strftime("%H:%M:%S")
        if self.problems:
            print(
                f"{clock} rebuilt in {took:.1f} s with problems: the site shows them",
                file=sys.stderr,
                flush=True,
            )
        else:
            print(f"{clock} rebuilt in {took:.1f} s", file=sys.stderr, flush=True)

    def on_build_error(self, *, error: Exception) -> None:
        """MkDocs writes calendars, assets and the sitemap before the pages: when a build stops
        (on a leaking page or anything else), remove whatever it wrote that shows a value."""
        if self.scanner is not None and self.site_dir is not None:
            self._remove_leaks(self.site_dir)

    def _remove_leaks(self, site: Path, skip: set[str] | None = None) -> list[Leak]:
        """Scan every file the build wrote but the installed theme's and `skip`; delete those
        that show a value. On a build error pages are scanned again: one that passed the page
        scan may still be deleted here."""
        assert self.scanner is not None
        skip = self.scanned | (skip or set())
        if self.page_cache is not None:  # serving: a file unchanged since its last scan is clean
            written = {
                p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()
            }
            skip |= {name for name, mtime in written.items() if self.site_seen.get(name) == mtime}
        leaks = self.scanner.scan_folder(site, skip=skip)
        for leak in leaks:
            path = site / leak.file
            path.unlink(missing_ok=True)
            for parent in path.parents:  # folders named after a value (a slug) go too, if empty
                if parent == site or not parent.is_relative_to(site) or any(parent.iterdir()):
                    break
                parent.rmdir()
        if self.page_cache is not None:
            self.site_seen = {name: mtime for name, mtime in written.items() if (site / name).is_file()}
        return leaks

    def _pages_as_scanned(self, site: Path) -> set[str]:
        """Pages whose file holds exactly the HTML `on_post_page` scanned (a hash compared costs
        far less than a scan): nothing new can be found in them. A page that anything changed
        after the scan (a later plugin or hook) is scanned again."""
        same = set()
        for name, digest in self.page_digests.items():
            with contextlib.suppress(OSError):
                if hashlib.blake2b((site / name).read_bytes()).digest() == digest:
                    same.add(name)
        return same

    def _report_while_serving(self, leaks: list[Leak]) -> None:
        lines = [leak.message() for leak in leaks]
        self.problems += [line for line in lines if line not in self.problems]
        print("\n".join(lines), file=sys.stderr, flush=True)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if self.page_cache is not None:
            self.page_cache.update(self.pages)
        for page in self.pages:
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(generated_path_taken(Path(config.docs_dir), page.path))
            inclusion = InclusionLevel.UNDEFINED if in_navigation(page.path) else InclusionLevel.NOT_IN_NAV
            if self.page_cache is None:
                files.append(File.generated(config, page.path, content=page.content, inclusion=inclusion))
            else:  # a file MkDocs' dirty build skips while it is older than the page it built
                source = str(self.page_cache.path(page))
                files.append(File.generated(config, page.path, abs_src_path=source, inclusion=inclusion))
        self.theme_copies = _installed_theme_files(files, config)
        self.scanned |= set(self.theme_copies)
        return files

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        """The theme's templates compile once and are kept, as the handbook's own are, instead of
        in every build and every rebuild while serving (an edited override compiles anew)."""
        if env.bytecode_cache is None:
            env.bytecode_cache = compiled_templates()
        return env

    def on_page_markdown(
        self, markdown: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        """In one cohort's handbook, a hand-written link into another cohort's pages becomes
        plain text: those pages are not in this handbook."""
        if self.cohort is None or page.file.generated_by is not None:
            return markdown
        slugs = set(self.cohort_slugs.values())
        return unlink_other_cohorts(markdown, page.file.src_uri, self.cohort_slugs[self.cohort], slugs)

    def on_page_content(
        self, html_text: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        """Themes print page titles unescaped; a title taken from a heading is escaped here once.
        Checklist checkboxes get the name of their item, for screen readers."""
        if "title" not in page.meta and page.title:
            page.meta["title"] = html.escape(page.title, quote=False)
        return label_task_checkboxes(html_text)

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer:
        """Rebuild when program.toml or a progress record changes, not only the docs folder."""
        server.watch(str(self.program_path))
        if self.project is not None:
            records = self.project.root / self.project.program.records.folder
            if records.is_dir():
                server.watch(str(records))
        return server


def _installed_theme_files(files: Files, config: MkDocsConfig) -> dict[str, Path]:
    """Files copied verbatim from the installed theme package (its scripts, styles, source maps):
    nothing from the program can be in them, so the end-of-build scan skips them (`handbook
    build` skips only those whose bytes it finds identical to the package's file). A `custom_dir`
    is the owner's: scanned. By site path, with the package file each is copied from."""
    custom = Path(config.theme.custom_dir).resolve() if config.theme.custom_dir else None
    installed = [Path(d).resolve() for d in config.theme.dirs if Path(d).resolve() != custom]
    found: dict[str, Path] = {}
    for file in files:
        if file.generated_by is None and not file.is_documentation_page() and file.abs_src_path:
            source = Path(file.abs_src_path).resolve()
            if any(source.is_relative_to(folder) for folder in installed):
                found[file.dest_uri] = source
    return found
