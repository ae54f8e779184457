"""`handbook build`: a strict build (MkDocs or Zensical) into a temporary folder, a scan of every
built file for the program's confidential values, then an atomic swap into place.

`publish` is the one way into the site folder: each engine adapter only fills the staging folder
it is handed; the scan, the marker and the swap are the same whichever engine built the site.

A failed build or a confidential hit leaves the previous site untouched. Where the site may go
(never the project or docs folder, never over files a build did not write) is decided by
`generator.safe_files`; the site lists what it holds in `SITE_MARKER` for the next build.
"""

from __future__ import annotations

import contextlib
import filecmp
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import DataError
from generator.project import Project
from generator.safe_files import (
    SITE_MARKER,
    check_folder_owned,
    check_site_target,
    docs_folder,
    mark_written,
    replaced_atomically,
    site_folder,
)
from generator.site.scan import leak_report, scan_for_leaks

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


class BuildFailed(DataError):
    """The site could not be built; the message says why and how to fix it."""


class _ErrorLog(logging.Handler):
    """Keeps MkDocs' error messages so a failed build says why, not only that it aborted."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_site(
    config_file: Path, project: Project, site_dir: Path | None = None, engine: str = "mkdocs"
) -> Path:
    """Build with `engine` strictly into a temporary folder beside the target, check it, then
    swap it in.

    The MkDocs plugin instance of this build is handed the project, so the program is not read
    a second time.
    """
    # Checked on the raw configuration first (MkDocs' own check of these folders ends in a bare
    # abort), then again on the loaded one, which may inherit its folders (`INHERIT`).
    target = site_dir or site_folder(config_file)
    shown = f"--site-dir {site_dir}" if site_dir else f"site_dir {target} (of {config_file})"
    check_site_target(target, shown, program=project.path, docs=docs_folder(config_file))
    if engine == "zensical":
        from generator.site.zensical_engine import build_into

        docs = docs_folder(config_file)
        assert docs is not None  # the configuration exists: the command checked it
        return publish(
            target, shown, project, lambda staging: build_into(staging, config_file, docs, project)
        )
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    try:
        config = load_config(str(config_file), strict=True)
    except MkDocsException as exc:
        raise BuildFailed(f"{config_file}: {exc.format_message()}") from None
    if site_dir is None and Path(config.site_dir) != target:
        target = Path(config.site_dir)
        shown = f"site_dir {target} (of {config_file})"
    check_site_target(target, shown, program=project.path, docs=Path(config.docs_dir))
    config.plugins.on_startup(command="build", dirty=False)
    plugin = config.plugins.get("handbook")
    if plugin is not None and hasattr(plugin, "project"):
        plugin.project = project
    try:
        return publish(target, shown, project, lambda staging: _mkdocs_into(staging, config, plugin))
    finally:
        config.plugins.on_shutdown()


def _unchanged(site: Path, theme_copies: dict[str, Path]) -> set[str]:
    """The theme package's files the build copied byte for byte: nothing from the program can be
    in them, so the scan may skip them. Comparing bytes costs far less than scanning them; a file
    that differs in any byte (a theme override, a plugin's rewrite) is scanned as usual."""
    same = set()
    for name, source in theme_copies.items():
        built = site / name
        with contextlib.suppress(OSError):
            if built.stat().st_size == source.stat().st_size and filecmp.cmp(built, source, shallow=False):
                same.add(name)
    return same


def publish(target: Path, shown: str, project: Project, fill: Callable[[Path], set[str]]) -> Path:
    """The publish gate: `fill` builds the site into the staging folder it is given and returns
    the files it copied byte for byte from an installed theme (the scan skips those); every other
    file is scanned for confidential values, then the folder is marked and swapped in atomically.
    A failed build or a hit leaves the previous site untouched."""
    resolved = target.resolve()

    def only_our_files() -> None:
        """Checked right before the swap, so a file added during the build is noticed too."""
        check_folder_owned(resolved, f"build: {shown}", SITE_MARKER, "handbook build")

    with replaced_atomically(resolved, before_swap=only_our_files) as staging:
        skip = fill(staging)
        leaks = scan_for_leaks(staging, project.program, project.records, skip=skip)
        if leaks:
            raise BuildFailed("build failed: " + leak_report(leaks, kept=True))
        mark_written(staging, SITE_MARKER, "handbook build")
    return resolved


def _mkdocs_into(staging: Path, config: MkDocsConfig, plugin: object | None) -> set[str]:
    """The MkDocs adapter: a strict build with the handbook plugin, which adds the pages in memory."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    config.site_dir = str(staging)
    errors = _ErrorLog()
    logging.getLogger("mkdocs").addHandler(errors)
    try:
        mkdocs_build(config)
    except MkDocsException as exc:
        raise BuildFailed("build failed: " + ("\n".join(errors.messages) or str(exc))) from None
    finally:
        logging.getLogger("mkdocs").removeHandler(errors)
    copies: dict[str, Path] = getattr(plugin, "theme_copies", {})  # known once the build ran
    return _unchanged(staging, copies)
