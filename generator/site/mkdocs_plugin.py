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
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage

from generator.diagnostics import ProgramError, format_problem
from generator.errors import DataError, HandbookError
from generator.project import Project, open_project
from generator.site.cohorts import unlink_other_cohorts
from generator.site.docs_folder import refused_links
from generator.site.markup import label_task_checkboxes
from generator.site.pages import Page, in_navigation, navigation, site_pages
from generator.site.public_view import cohort_slugs
from generator.site.scan import Leak, LeakScanner, leak_report
from generator.templating import escape_markdown

if TYPE_CHECKING:
    from mkdocs.livereload import LiveReloadServer  # only `serve` needs the server (and watchdog)

    from generator.findings import Finding

PRINT_CSS_PATH = "stylesheets/handbook-print.css"
PRINT_CSS = """@media print {
  .md-header, .md-tabs, .md-sidebar, .md-footer, .md-search, .md-top,
  .md-content__button, .md-source, .hb-cohort-links { display: none !important; }
  .md-main__inner, .md-content { margin: 0 !important; max-width: none !important; }
  .md-typeset h1, .md-typeset h2 { break-after: avoid; }
  .md-typeset table { break-inside: avoid; }
  /* a sponsor page fits one or two sheets: compact type, tables side by side where they fit */
  .md-typeset:has(h1.hb-sponsor) { font-size: 9pt; line-height: 1.35; }
  .md-typeset:has(h1.hb-sponsor) h1 { font-size: 16pt; margin: 0 0 .4em; }
  .md-typeset:has(h1.hb-sponsor) h2 { font-size: 11pt; margin: .8em 0 .3em; }
  .md-typeset:has(h1.hb-sponsor) table:not([class]) { font-size: 8.5pt; margin: .3em 0; }
  .md-typeset:has(h1.hb-sponsor) table:not([class]) :is(td, th) { padding: .2em .6em; }
  .md-typeset:has(h1.hb-sponsor) .admonition { margin: .4em 0; font-size: 8.5pt; }
}
@page { size: auto; margin: 18mm 16mm; }
.md-typeset :is(p, li, td) > a:not(.headerlink) { text-decoration: underline; }
.md-copyright { color: var(--md-footer-fg-color--light); }
"""

ACCESSIBILITY_JS_PATH = "javascripts/handbook-accessibility.js"
ACCESSIBILITY_JS = """// The theme's search overlay is a dialog without a name: name it "Search".
document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach(function (dialog) {
  dialog.setAttribute("aria-label", "Search");
});
"""


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

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """MkDocs keeps a plugin that has this hook for the whole of `serve`, so it knows it serves."""
        self.serving = command == "serve"
        self.project = None
        self.cohort = self.base_url = None

    def on_shutdown(self) -> None:
        self.serving = False
        self.project = None

    def _checked_project(self) -> Project:
        """The project handed over by `handbook build`, else one opened and checked now."""
        if not self.serving and self.project is not None and self.project.path.resolve() == self.program_path:
            return self.project
        from generator.rules import run_checks

        project = open_project(self.program_path, display=self.config.program)
        result = run_checks(project)
        failing = result.failing("error")
        if failing or result.plugin_problems:
            lines = [format_finding(f) for f in failing] + [str(p) for p in result.plugin_problems]
            raise ChecksFailed("\n".join(lines))
        self.project = project
        return project

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.started = time.perf_counter()
        base = Path(config.config_file_path or ".").resolve().parent
        self.program_path = (base / self.config.program).resolve()
        self.scanned = set()
        self.page_digests = {}
        self.scanner = None
        self.handed_over = not self.serving and self.project is not None
        self.site_dir = Path(config.site_dir)
        try:
            project = self._checked_project()
            links = refused_links(Path(config.docs_dir), project.root)
            if links:
                raise DocsFolderRefused("\n".join(links))
            pages = site_pages(project, self.cohort, self.base_url)
            self.cohort_slugs = cohort_slugs(project.program) if self.cohort is not None else {}
            if not self.handed_over:  # `handbook build` scans everything it publishes itself
                self.scanner = LeakScanner.for_program(project.program, project.records)
            self.problems = []
        except HandbookError as exc:
            self.problems = _problem_lines(exc)
            if not self.serving:
                raise PluginError("\n".join([*self.problems, "Fix them, then build again."])) from None
            print("\n".join(self.problems), file=sys.stderr, flush=True)
            pages = [Page("index.md", problems_page(self.problems))]
        self.pages = [*pages, Page(PRINT_CSS_PATH, PRINT_CSS), Page(ACCESSIBILITY_JS_PATH, ACCESSIBILITY_JS)]
        config.extra_css.append(PRINT_CSS_PATH)
        config.extra_javascript.append(ACCESSIBILITY_JS_PATH)
        if config.nav is None:
            docs = Path(config.docs_dir)
            hand_written = (
                sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) if docs.is_dir() else []
            )
            config.nav = [*navigation(self.pages), *hand_written]
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
        leaks = self.scanner.scan_folder(site, skip=self.scanned | (skip or set()))
        for leak in leaks:
            path = site / leak.file
            path.unlink(missing_ok=True)
            for parent in path.parents:  # folders named after a value (a slug) go too, if empty
                if parent == site or not parent.is_relative_to(site) or any(parent.iterdir()):
                    break
                parent.rmdir()
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
        for page in self.pages:
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(
                    f"{Path(config.docs_dir).name}/{page.path}: this hand-written page has the path "
                    "of a generated page; rename or move it (generated pages are never overwritten)"
                )
            inclusion = InclusionLevel.UNDEFINED if in_navigation(page.path) else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.path, content=page.content, inclusion=inclusion))
        self.theme_copies = _installed_theme_files(files, config)
        self.scanned |= set(self.theme_copies)
        return files

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


class DocsFolderRefused(DataError):
    """The docs folder links to files outside the project: they would be published."""


class ChecksFailed(DataError):
    """Error-level findings: nothing is published from a program that fails its checks."""


def format_finding(finding: Finding) -> str:
    return f"{finding.location}: {finding.code} [{finding.name}] {finding.message}"


def _problem_lines(error: HandbookError) -> list[str]:
    if isinstance(error, ProgramError):
        return [format_problem(p) for p in error.problems]
    return [str(error)]


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


def problems_html(problems: list[str]) -> str:
    """A served page that would have shown a confidential value: the problems instead."""
    items = "".join(f"<pre>{html.escape(problem)}</pre>" for problem in problems)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>The handbook cannot be built yet</title></head><body>"
        "<h1>The handbook cannot be built yet</h1>"
        "<p>This page would show confidential text: fix the problems and save to rebuild.</p>"
        f"{items}</body></html>"
    )


def problems_page(problems: list[str]) -> str:
    """The one page a served site shows while the program has problems: each, located."""
    blocks = "\n\n".join("```text\n" + problem.replace("```", "` ` `") + "\n```" for problem in problems)
    summary = escape_markdown(f"{len(problems)} problem(s) in the program: fix them and save to rebuild.")
    return f"# The handbook cannot be built yet\n\n{summary}\n\n{blocks}\n"
