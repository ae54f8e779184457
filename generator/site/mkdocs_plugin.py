"""The MkDocs plugin: adds the pages generated from program.toml to the build, in memory.

Generated pages are never written into the docs folder. A hand-written page at a generated path
is an error, never an overwrite. Per-cohort pages stay out of the global navigation (the Cohorts
page and each cohort's links bar reach them), so page size stays flat however many cohorts and
pairs a program has.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from generator.diagnostics import ProgramError, UnreadableProgram, format_problem
from generator.loader import LoadedProgram, load_program
from generator.records.as_of import BadDate
from generator.site.pages import Page, SiteError, in_navigation, navigation, site_pages

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

Fingerprint = tuple[tuple[str, int, int], ...]
_SHARED: dict[Path, tuple[Fingerprint, LoadedProgram]] = {}


def _fingerprint(path: Path, records: Path | None) -> Fingerprint:
    """What a loaded program depends on: program.toml and every records file, by time and size."""
    files = [path, *(sorted(records.glob("*.toml")) if records is not None and records.is_dir() else [])]
    found = []
    for file in files:
        stat = os.stat(file)
        found.append((file.name, stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def _records_path(loaded: LoadedProgram) -> Path:
    return loaded.root / loaded.program.records.folder


def share(loaded: LoadedProgram) -> None:
    """Hand a program that `handbook build` has already loaded and checked to the plugin.

    The plugin uses it instead of reading program.toml and the records again, for as long as
    neither has changed on disk.
    """
    path = loaded.path.resolve()
    _SHARED.clear()
    _SHARED[path] = (_fingerprint(path, _records_path(loaded)), loaded)


def shared(path: Path) -> LoadedProgram | None:
    """The program `share` was given for this file, if the files it came from are unchanged."""
    entry = _SHARED.get(path.resolve())
    if entry is None:
        return None
    fingerprint, loaded = entry
    try:
        current = _fingerprint(path.resolve(), _records_path(loaded))
    except OSError:
        current = ()
    return loaded if current == fingerprint else None


class HandbookConfig(Config):
    program = config_options.Type(str, default="program.toml")


class HandbookPlugin(BasePlugin[HandbookConfig]):
    """Registered as `handbook` under the `mkdocs.plugins` entry point."""

    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.program_path = Path("program.toml")
        self.records_path: Path | None = None

    def _load(self) -> LoadedProgram:
        found = shared(self.program_path)
        if found is not None:
            return found
        try:
            return load_program(self.program_path, display=self.config.program)
        except UnreadableProgram as exc:
            raise PluginError(f"handbook: {exc}") from None
        except ProgramError as exc:
            details = "\n".join(format_problem(p) for p in exc.problems)
            raise PluginError(f"{details}\nFix program.toml, then build again.") from None

    def on_config(self, config):  # type: ignore[no-untyped-def]
        base = Path(config.config_file_path or ".").resolve().parent
        self.program_path = (base / self.config.program).resolve()
        loaded = self._load()
        self.records_path = _records_path(loaded)
        try:
            pages = site_pages(loaded)
        except (SiteError, BadDate) as exc:
            raise PluginError(f"handbook: {exc}") from None
        except ProgramError as exc:
            details = "\n".join(format_problem(p) for p in exc.problems)
            raise PluginError(f"{details}\nFix the records, then build again.") from None
        self.pages = [*pages, Page(PRINT_CSS_PATH, PRINT_CSS)]
        config.extra_css.append(PRINT_CSS_PATH)
        if config.nav is None:
            docs = Path(config.docs_dir)
            hand_written = (
                sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) if docs.is_dir() else []
            )
            config.nav = [*navigation(self.pages), *hand_written]
        return config

    def on_files(self, files: Files, config) -> Files:  # type: ignore[no-untyped-def]
        for page in self.pages:
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(
                    f"{Path(config.docs_dir).name}/{page.path}: this hand-written page has the path "
                    "of a generated page; rename or move it (generated pages are never overwritten)"
                )
            inclusion = InclusionLevel.UNDEFINED if in_navigation(page.path) else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.path, content=page.content, inclusion=inclusion))
        return files

    def on_page_content(self, html_text: str, page, config, files):  # type: ignore[no-untyped-def]
        """Themes print page titles unescaped; a title taken from a heading is escaped here once."""
        if "title" not in page.meta and page.title:
            page.meta["title"] = html.escape(page.title, quote=False)
        return html_text

    def on_serve(self, server, config, builder):  # type: ignore[no-untyped-def]
        """Rebuild when program.toml or a progress record changes, not only the docs folder."""
        server.watch(str(self.program_path))
        if self.records_path is not None and self.records_path.is_dir():
            server.watch(str(self.records_path))
        return server
