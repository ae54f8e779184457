"""The MkDocs plugin: adds the pages generated from program.toml to the build, in memory.

Generated pages are never written into the docs folder. A hand-written page at a generated path
is an error, never an overwrite. Per-cohort pages stay out of the global navigation (the Cohorts
page and each cohort's links bar reach them), so page size stays flat however many cohorts and
pairs a program has.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage

from generator.diagnostics import ProgramError, format_problem
from generator.errors import HandbookError
from generator.project import Project, open_project
from generator.site.pages import Page, in_navigation, navigation, site_pages

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
    `project` attribute); run by plain `mkdocs build` or `mkdocs serve`, the plugin opens the
    project itself, once per build.
    """

    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.project: Project | None = None
        self.program_path = Path("program.toml")

    def _project(self) -> Project:
        if self.project is not None and self.project.path.resolve() == self.program_path:
            return self.project
        try:
            self.project = open_project(self.program_path, display=self.config.program)
        except ProgramError as exc:
            details = "\n".join(format_problem(p) for p in exc.problems)
            raise PluginError(f"{details}\nFix program.toml, then build again.") from None
        except HandbookError as exc:
            raise PluginError(str(exc)) from None
        return self.project

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base = Path(config.config_file_path or ".").resolve().parent
        self.program_path = (base / self.config.program).resolve()
        project = self._project()
        try:
            pages = site_pages(project)
        except ProgramError as exc:
            details = "\n".join(format_problem(p) for p in exc.problems)
            raise PluginError(f"{details}\nFix the records, then build again.") from None
        except HandbookError as exc:
            raise PluginError(str(exc)) from None
        self.pages = [*pages, Page(PRINT_CSS_PATH, PRINT_CSS)]
        config.extra_css.append(PRINT_CSS_PATH)
        if config.nav is None:
            docs = Path(config.docs_dir)
            hand_written = (
                sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) if docs.is_dir() else []
            )
            config.nav = [*navigation(self.pages), *hand_written]
        return config

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
