"""The MkDocs plugin: adds the pages generated from program.toml to the build, in memory.

Generated pages are never written into the docs folder. A hand-written page at a generated path
is an error, never an overwrite. Pair contracts stay out of the global navigation (each cohort's
pairs page links them), so page size stays flat however many pairs a program has.
"""

from __future__ import annotations

import html
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from generator.diagnostics import ProgramError, UnreadableProgram, format_problem
from generator.loader import load_program
from generator.site.pages import Page, navigation, render_pages

PRINT_CSS_PATH = "stylesheets/handbook-print.css"
PRINT_CSS = """@media print {
  .md-header, .md-tabs, .md-sidebar, .md-footer, .md-search, .md-top,
  .md-content__button, .md-source { display: none !important; }
  .md-main__inner, .md-content { margin: 0 !important; max-width: none !important; }
  .md-typeset h1, .md-typeset h2 { break-after: avoid; }
  .md-typeset table { break-inside: avoid; }
}
@page { size: auto; margin: 18mm 16mm; }
"""


class HandbookConfig(Config):
    program = config_options.Type(str, default="program.toml")


class HandbookPlugin(BasePlugin[HandbookConfig]):
    """Registered as `handbook` under the `mkdocs.plugins` entry point."""

    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.program_path = Path("program.toml")

    def on_config(self, config):  # type: ignore[no-untyped-def]
        base = Path(config.config_file_path or ".").resolve().parent
        self.program_path = (base / self.config.program).resolve()
        try:
            loaded = load_program(self.program_path, display=self.config.program)
        except UnreadableProgram as exc:
            raise PluginError(f"handbook: {exc}") from None
        except ProgramError as exc:
            details = "\n".join(format_problem(p) for p in exc.problems)
            raise PluginError(f"{details}\nFix program.toml, then build again.") from None
        override = loaded.program.site.templates
        override_folder = (self.program_path.parent / override) if override else None
        if override_folder is not None and not override_folder.is_dir():
            raise PluginError(
                f"{self.config.program}: [site] templates names {override!r}, which is not a "
                "folder; create it or remove the setting"
            )
        self.pages = [*render_pages(loaded.program, override_folder), Page(PRINT_CSS_PATH, PRINT_CSS)]
        config.extra_css.append(PRINT_CSS_PATH)
        if config.nav is None:
            docs = Path(config.docs_dir)
            hand_written = sorted(
                p.relative_to(docs).as_posix() for p in docs.rglob("*.md")
            ) if docs.is_dir() else []
            config.nav = [*navigation(self.pages), *hand_written]
        return config

    def on_files(self, files: Files, config) -> Files:  # type: ignore[no-untyped-def]
        for page in self.pages:
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(
                    f"{Path(config.docs_dir).name}/{page.path}: this hand-written page has the path "
                    "of a generated page; rename or move it (generated pages are never overwritten)"
                )
            files.append(File.generated(config, page.path, content=page.content))
        return files

    def on_page_content(self, html_text: str, page, config, files):  # type: ignore[no-untyped-def]
        """Themes print page titles unescaped; a title taken from a heading is escaped here once."""
        if "title" not in page.meta and page.title:
            page.meta["title"] = html.escape(page.title, quote=False)
        return html_text

    def on_serve(self, server, config, builder):  # type: ignore[no-untyped-def]
        server.watch(str(self.program_path))
        return server
