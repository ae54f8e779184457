"""`handbook build`: a strict MkDocs build into a temporary folder, a scan of every built file
for the program's confidential values, then an atomic swap into place.

A failed build or a confidential hit leaves the previous site untouched.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from generator.errors import DataError
from generator.project import Project
from generator.safe_files import replaced_atomically
from generator.site.scan import scan_for_leaks


class BuildFailed(DataError):
    """The site could not be built; the message says why and how to fix it."""


class _ErrorLog(logging.Handler):
    """Keeps MkDocs' error messages so a failed build says why, not only that it aborted."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_site(config_file: Path, project: Project, site_dir: Path | None = None) -> Path:
    """Build strictly into a temporary folder beside the target, check it, then swap it in.

    The MkDocs plugin instance of this build is handed the project, so the program is not read
    a second time.
    """
    config = load_config(str(config_file), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    plugin = config.plugins.get("handbook")
    if plugin is not None and hasattr(plugin, "project"):
        plugin.project = project
    try:
        return _build_checked(config, project, site_dir)
    finally:
        config.plugins.on_shutdown()


def _build_checked(config: MkDocsConfig, project: Project, site_dir: Path | None) -> Path:
    program = project.program
    target = Path(site_dir or config.site_dir).resolve()
    with replaced_atomically(target) as staging:
        config.site_dir = str(staging)
        errors = _ErrorLog()
        logging.getLogger("mkdocs").addHandler(errors)
        try:
            mkdocs_build(config)
        except MkDocsException as exc:
            raise BuildFailed("build failed: " + ("\n".join(errors.messages) or str(exc))) from None
        finally:
            logging.getLogger("mkdocs").removeHandler(errors)
        leaks = scan_for_leaks(staging, program)
        if leaks:
            lines = [f"  {leak.file}: confidential {leak.field} of {leak.person}" for leak in leaks[:20]]
            raise BuildFailed(
                "build failed: the built site contains confidential values; the previous site is kept:\n"
                + "\n".join(lines)
                + "\nRemove the confidential text from the page or template that shows it."
            )
    return target
