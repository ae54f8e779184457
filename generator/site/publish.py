"""`handbook build`: a strict MkDocs build into a temporary folder, a scan of every built file
for the program's confidential values, then an atomic swap into place.

A failed build or a confidential hit leaves the previous site untouched. Where the site may go
(never the project or docs folder, never over files a build did not write) is decided by
`generator.safe_files`; the site lists what it holds in `SITE_MARKER` for the next build.
"""

from __future__ import annotations

import contextlib
import filecmp
import logging
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

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
    config_file: Path,
    project: Project,
    site_dir: Path | None = None,
    *,
    cohort: str | None = None,
    per_cohort: bool = False,
) -> Path:
    """Build strictly into a temporary folder beside the target, check it, then swap it in.

    The MkDocs plugin instance of this build is handed the project, so the program is not read
    a second time. `cohort`: build that cohort's own handbook; `per_cohort`: each cohort's into
    a folder of its own, with the owners' index beside them (`generator.site.cohorts`).
    """
    # Checked on the raw configuration first (MkDocs' own check of these folders ends in a bare
    # abort), then again on the loaded one, which may inherit its folders (`INHERIT`).
    target = site_dir or site_folder(config_file)
    shown = f"--site-dir {site_dir}" if site_dir else f"site_dir {target} (of {config_file})"
    check_site_target(target, shown, program=project.path, docs=docs_folder(config_file))
    try:
        config = load_config(str(config_file), strict=True)
    except MkDocsException as exc:
        raise BuildFailed(f"{config_file}: {exc.format_message()}") from None
    if site_dir is None and Path(config.site_dir) != target:
        target = Path(config.site_dir)
        shown = f"site_dir {target} (of {config_file})"
    check_site_target(target, shown, program=project.path, docs=Path(config.docs_dir))
    if per_cohort:
        return _build_per_cohort(config_file, project, target, shown)
    config.plugins.on_startup(command="build", dirty=False)
    plugin = _handed_over(config, project, cohort)
    try:
        return _build_checked(config, project, target, shown, plugin, cohort)
    finally:
        config.plugins.on_shutdown()


def _handed_over(
    config: MkDocsConfig, project: Project, cohort: str | None, base_url: str | None = None
) -> object | None:
    """The build's handbook plugin, handed the project (and the cohort it builds, if one)."""
    plugin = config.plugins.get("handbook")
    if plugin is not None and hasattr(plugin, "project"):
        plugin.project = project
        plugin.cohort = cohort
        plugin.base_url = base_url
    return plugin


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


def _build_checked(
    config: MkDocsConfig,
    project: Project,
    site_dir: Path,
    shown: str,
    plugin: object | None,
    cohort: str | None = None,
) -> Path:
    program = project.program
    target = site_dir.resolve()

    def only_our_files() -> None:
        """Checked right before the swap, so a file added during the build is noticed too."""
        check_folder_owned(target, f"build: {shown}", SITE_MARKER, "handbook build")

    with replaced_atomically(target, before_swap=only_our_files) as staging:
        skip = _mkdocs_build(config, staging, plugin)
        leaks = scan_for_leaks(staging, program, project.records, skip=skip)
        if leaks:
            raise BuildFailed("build failed: " + leak_report(leaks, kept=True))
        if cohort is not None:
            _refuse_other_cohorts(project, {cohort: (staging, skip, "")})
        mark_written(staging, SITE_MARKER, "handbook build")
    return target


def _mkdocs_build(config: MkDocsConfig, folder: Path, plugin: object | None) -> set[str]:
    """Run MkDocs into `folder`; the theme's files it copied unchanged (the scans skip them)."""
    config.site_dir = str(folder)
    errors = _ErrorLog()
    logging.getLogger("mkdocs").addHandler(errors)
    try:
        mkdocs_build(config)
    except MkDocsException as exc:
        raise BuildFailed("build failed: " + ("\n".join(errors.messages) or str(exc))) from None
    finally:
        logging.getLogger("mkdocs").removeHandler(errors)
    copies: dict[str, Path] = getattr(plugin, "theme_copies", {})  # known once the build ran
    return _unchanged(folder, copies)


def _refuse_other_cohorts(project: Project, sites: dict[str, tuple[Path, set[str], str]]) -> None:
    """The gate of each cohort's own handbook (by cohort id: its folder, the files to skip, and
    how messages name the folder): nothing of another cohort in any built file."""
    from generator.site.cohort_scan import OtherCohortsScanner, cross_cohort_report

    hits = {
        cohort: OtherCohortsScanner.for_cohort(project.program, cohort).scan_folder(folder, skip, shown)
        for cohort, (folder, skip, shown) in sites.items()
    }
    if any(hits.values()):
        found = [hit for cohort_hits in hits.values() for hit in cohort_hits]
        failing = [cohort for cohort, cohort_hits in hits.items() if cohort_hits]
        raise BuildFailed("build failed: " + cross_cohort_report(found, failing))


def _build_per_cohort(config_file: Path, project: Project, site_dir: Path, shown: str) -> Path:
    """Each cohort's handbook into `<site>/<cohort>/`, the owners' index at `<site>/index.html`:
    every folder through the same gates, and one swap of the whole site folder."""
    from generator.safe_files import write_text_atomically
    from generator.site.cohorts import OWNERS_INDEX, owners_index
    from generator.site.public_view import cohort_slugs

    program = project.program
    target = site_dir.resolve()
    slugs = cohort_slugs(program)

    def only_our_files() -> None:
        check_folder_owned(target, f"build: {shown}", SITE_MARKER, "handbook build")

    with replaced_atomically(target, before_swap=only_our_files) as staging:
        skip: dict[str, set[str]] = {}
        for cohort in program.cohorts:
            slug = slugs[cohort.id]
            config = load_config(str(config_file), strict=True)  # a fresh one: each build changes it
            if config.site_url:  # the sitemap's addresses: this cohort's folder of the site
                config.site_url = f"{config.site_url.rstrip('/')}/{slug}/"
            url = program.site.url
            config.plugins.on_startup(command="build", dirty=False)
            plugin = _handed_over(config, project, cohort.id, f"{url.rstrip('/')}/{slug}/" if url else None)
            try:
                skip[slug] = _mkdocs_build(config, staging / slug, plugin)
            finally:
                config.plugins.on_shutdown()
        write_text_atomically(staging / OWNERS_INDEX, owners_index(program, project.today))
        every_skip = {f"{slug}/{name}" for slug, names in skip.items() for name in names}
        leaks = scan_for_leaks(staging, program, project.records, skip=every_skip)
        if leaks:
            raise BuildFailed("build failed: " + leak_report(leaks, kept=True))
        sites = {c.id: (staging / slugs[c.id], skip[slugs[c.id]], f"{slugs[c.id]}/") for c in program.cohorts}
        _refuse_other_cohorts(project, sites)
        mark_written(staging, SITE_MARKER, "handbook build")
    return target
