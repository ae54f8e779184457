"""The MkDocs plugin: adds the pages generated from program.toml to the build, in memory.

Generated pages are never written into the docs folder. A hand-written page at a generated path
is an error, never an overwrite. Per-cohort pages stay out of the global navigation (the Cohorts
page and each cohort's links bar reach them), so page size stays flat however many cohorts and
pairs a program has.
"""

from __future__ import annotations

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
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage

from generator.diagnostics import ProgramError, format_problem
from generator.errors import DataError, HandbookError
from generator.project import Project, open_project
from generator.site.pages import Page, in_navigation, navigation, site_pages
from generator.templating import escape_markdown

if TYPE_CHECKING:
    from generator.findings import Finding

PRINT_CSS_PATH = "stylesheets/handbook-print.css"
PRINT_CSS = """@media print {
  .md-header, .md-tabs, .md-sidebar, .md-footer, .md-search, .md-top,
  .md-content__button, .md-source, .hb-cohort-links { display: none !important; }
  .md-main__inner, .md-content { margin: 0 !important; max-width: none !important; }
  .md-typeset h1, .md-typeset h2 { break-after: avoid; }
  .md-typeset table { break-inside: avoid; }
}
@page { size: auto; margin: 18mm 16mm; }
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

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """MkDocs keeps a plugin that has this hook for the whole of `serve`, so it knows it serves."""
        self.serving = command == "serve"
        self.project = None

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
        try:
            pages = site_pages(self._checked_project())
            self.problems = []
        except HandbookError as exc:
            self.problems = _problem_lines(exc)
            if not self.serving:
                raise PluginError("\n".join([*self.problems, "Fix them, then build again."])) from None
            print("\n".join(self.problems), file=sys.stderr, flush=True)
            pages = [Page("index.md", problems_page(self.problems))]
        self.pages = [*pages, Page(PRINT_CSS_PATH, PRINT_CSS)]
        config.extra_css.append(PRINT_CSS_PATH)
        if config.nav is None:
            docs = Path(config.docs_dir)
            hand_written = (
                sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) if docs.is_dir() else []
            )
            config.nav = [*navigation(self.pages), *hand_written]
        return config

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """While serving, say that each rebuild happened, how long it took and whether it is clean."""
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

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        for page in self.pages:
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(
                    f"{Path(config.docs_dir).name}/{page.path}: this hand-written page has the path "
                    "of a generated page; rename or move it (generated pages are never overwritten)"
                )
            inclusion = InclusionLevel.UNDEFINED if in_navigation(page.path) else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.path, content=page.content, inclusion=inclusion))
        return files

    def on_page_content(
        self, html_text: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        """Themes print page titles unescaped; a title taken from a heading is escaped here once."""
        if "title" not in page.meta and page.title:
            page.meta["title"] = html.escape(page.title, quote=False)
        return html_text

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


class ChecksFailed(DataError):
    """Error-level findings: nothing is published from a program that fails its checks."""


def format_finding(finding: Finding) -> str:
    return f"{finding.location}: {finding.code} [{finding.name}] {finding.message}"


def _problem_lines(error: HandbookError) -> list[str]:
    if isinstance(error, ProgramError):
        return [format_problem(p) for p in error.problems]
    return [str(error)]


def problems_page(problems: list[str]) -> str:
    """The one page a served site shows while the program has problems: each, located."""
    blocks = "\n\n".join("```text\n" + problem.replace("```", "` ` `") + "\n```" for problem in problems)
    summary = escape_markdown(f"{len(problems)} problem(s) in the program: fix them and save to rebuild.")
    return f"# The handbook cannot be built yet\n\n{summary}\n\n{blocks}\n"
