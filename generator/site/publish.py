"""`handbook build`: a strict build (MkDocs or Zensical) into a temporary folder, a scan of every
built file for the program's confidential values, then an atomic swap into place.

`publish` is the one way into the site folder: each engine adapter only fills the staging folder
it is handed; the scan, the marker and the swap are the same whichever engine built the site.

A failed build or a confidential hit leaves the previous site untouched. Where the site may go
(never the project or docs folder, never over files a build did not write) is decided by
`generator.safe_files`; the site lists what it holds in `SITE_MARKER` for the next build.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
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
    write_text_atomically,
)
from generator.site.scan import leak_report, scan_for_leaks, unchanged_copies

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


class BuildFailed(DataError):
    """The site could not be built; the message says why and how to fix it."""


class _ErrorLog(logging.Handler):
    """Keeps MkDocs' warnings and errors so a failed build says why (a strict build stops on a
    warning, such as a link to a missing page, and names the page in it), not only that it
    aborted."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_site(
    config_file: Path,
    project: Project,
    site_dir: Path | None = None,
    *,
    engine: str = "mkdocs",
    cohort: str | None = None,
    per_cohort: bool = False,
) -> Path:
    """Build with `engine` strictly into a temporary folder beside the target, check it, then
    swap it in.

    The MkDocs plugin instance of this build is handed the project, so the program is not read
    a second time. `cohort`: build that cohort's own handbook; `per_cohort`: each cohort's into
    a folder of its own, with the owners' index beside them (`generator.site.cohorts`).
    """
    # Checked on the raw configuration first (MkDocs' own check of these folders ends in a bare
    # abort), then again on the loaded one, which may inherit its folders (`INHERIT`).
    target = site_dir or site_folder(config_file)
    shown = f"--site-dir {site_dir}" if site_dir else f"site_dir {target} (of {config_file})"
    check_site_target(target, shown, program=project.path, docs=docs_folder(config_file))
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    # Loaded by MkDocs for either engine, so folders a configuration inherits (`INHERIT`) count.
    try:
        config = load_config(str(config_file), strict=True)
    except MkDocsException as exc:
        raise BuildFailed(f"{config_file}: {exc.format_message()}") from None
    if site_dir is None and Path(config.site_dir) != target:
        target = Path(config.site_dir)
        shown = f"site_dir {target} (of {config_file})"
    check_site_target(target, shown, program=project.path, docs=Path(config.docs_dir))
    if engine == "zensical":
        from generator.site.zensical_engine import build_into

        docs = Path(config.docs_dir)

        def zensical_into(folder: Path, cohort: str | None, base_url: str | None) -> set[str]:
            return build_into(
                folder,
                config_file,
                docs,
                project,
                cohort=cohort,
                base_url=base_url,
                folder_of_site=folder.name if per_cohort else None,
            )

        if per_cohort:
            return publish(
                target, shown, project, lambda staging: _each_cohort(staging, project, zensical_into)
            )
        return publish(
            target, shown, project, lambda staging: Staged(zensical_into(staging, cohort, None), cohort)
        )
    if per_cohort:

        def mkdocs_cohort_into(folder: Path, one: str, url: str | None) -> set[str]:
            return _mkdocs_cohort_into(folder, config_file, project, one, url)

        return publish(
            target, shown, project, lambda staging: _each_cohort(staging, project, mkdocs_cohort_into)
        )
    config.plugins.on_startup(command="build", dirty=False)
    plugin = _handed_over(config, project, cohort)
    try:
        return publish(
            target, shown, project, lambda staging: Staged(_mkdocs_into(staging, config, plugin), cohort)
        )
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


@dataclass(frozen=True)
class Staged:
    """What a build put in the staging folder, as the publish gate needs to know it."""

    skip: set[str]
    """Files copied byte for byte from an installed theme: the scans skip them."""
    cohort: str | None = None
    """The cohort whose own handbook fills the folder, if one."""
    cohort_folders: dict[str, str] = field(default_factory=dict)
    """Cohort id -> the folder holding that cohort's own handbook (`--per-cohort`)."""


def publish(target: Path, shown: str, project: Project, fill: Callable[[Path], Staged]) -> Path:
    """The publish gate: `fill` builds the site into the staging folder it is given; every file
    but the theme's own is scanned for confidential values, and each cohort's own handbook for
    anything of another cohort; then the folder is marked and swapped in atomically. A failed
    build or a hit leaves the previous site untouched."""
    resolved = target.resolve()

    def only_our_files() -> None:
        """Checked right before the swap, so a file added during the build is noticed too."""
        check_folder_owned(resolved, f"build: {shown}", SITE_MARKER, "handbook build")

    with replaced_atomically(resolved, before_swap=only_our_files) as staging:
        staged = fill(staging)
        leaks = scan_for_leaks(staging, project.program, project.records, skip=staged.skip)
        if leaks:
            raise BuildFailed("build failed: " + leak_report(leaks, kept=True))
        sites = {staged.cohort: (staging, staged.skip, "")} if staged.cohort is not None else {}
        for cohort, folder in staged.cohort_folders.items():
            inside = {
                name.removeprefix(f"{folder}/") for name in staged.skip if name.startswith(f"{folder}/")
            }
            sites[cohort] = (staging / folder, inside, f"{folder}/")
        if sites:
            _refuse_other_cohorts(project, sites)
        mark_written(staging, SITE_MARKER, "handbook build")
    return resolved


def _mkdocs_into(staging: Path, config: MkDocsConfig, plugin: object | None) -> set[str]:
    """The MkDocs adapter: a strict build with the handbook plugin, which adds the pages in memory.
    Returns the theme's files it copied unchanged (the scans skip them)."""
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
    return unchanged_copies(staging, copies)


def _mkdocs_cohort_into(
    folder: Path, config_file: Path, project: Project, cohort: str, base_url: str | None
) -> set[str]:
    """One cohort's handbook built by MkDocs into `folder`, from a freshly loaded configuration
    (each build changes the one it is given), its sitemap addresses in that cohort's folder."""
    from mkdocs.config import load_config

    config = load_config(str(config_file), strict=True)
    if config.site_url:  # the sitemap's addresses: this cohort's folder of the site
        config.site_url = f"{config.site_url.rstrip('/')}/{folder.name}/"
    config.plugins.on_startup(command="build", dirty=False)
    plugin = _handed_over(config, project, cohort, base_url)
    try:
        return _mkdocs_into(folder, config, plugin)
    finally:
        config.plugins.on_shutdown()


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


def _each_cohort(
    staging: Path, project: Project, fill: Callable[[Path, str, str | None], set[str]]
) -> Staged:
    """Each cohort's handbook into `<staging>/<cohort>/` and the owners' index beside them.
    `fill` builds one cohort (by id) into the empty folder it is given, hosted at the address
    given (its folder of `[site] url`, if set), and returns the theme's files it copied unchanged."""
    from generator.site.cohorts import OWNERS_INDEX, owners_index
    from generator.site.public_view import cohort_slugs

    program = project.program
    slugs = cohort_slugs(program)
    url = program.site.url
    skip: set[str] = set()
    for cohort in program.cohorts:
        slug = slugs[cohort.id]
        (staging / slug).mkdir()
        copied = fill(staging / slug, cohort.id, f"{url.rstrip('/')}/{slug}/" if url else None)
        skip |= {f"{slug}/{name}" for name in copied}
    write_text_atomically(staging / OWNERS_INDEX, owners_index(program, project.today))
    return Staged(skip, cohort_folders={c.id: slugs[c.id] for c in program.cohorts})
