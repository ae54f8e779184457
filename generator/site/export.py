"""`handbook export`: the generated Markdown pages, written to a folder of the owner's choice.

An export never writes into the docs folder (where hand-written pages live) and never over a
file it did not write itself: each export lists what it wrote in a marker file, and a later
export may replace exactly those files. Every page is scanned for confidential values first: a
hit refuses the whole export.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import DataError, UsageError
from generator.safe_files import docs_folder, refuse_file_on_the_way, replaced_atomically
from generator.site.pages import Page
from generator.site.scan import LeakScanner, readable_text

if TYPE_CHECKING:
    from generator.project import Project

EXPORT_MARKER = ".handbook-export"
"""Lists the files an export wrote, so a later export may replace them and nothing else."""


class ExportRefused(UsageError):
    """Exporting there could overwrite or mix with hand-written files; nothing was written."""


class ExportLeaks(DataError):
    """A generated page holds a confidential value; nothing was written."""


def refuse_leaks(project: Project, pages: list[Page]) -> None:
    """Raise ExportLeaks naming each page, person and field (never the value) that leaks."""
    scanner = LeakScanner.for_program(project.program, project.records)
    leaks = []
    for page in pages:
        data = page.content.encode() if isinstance(page.content, str) else page.content
        leaks += scanner.scan_text(page.path, readable_text(page.path, data))
    if leaks:
        lines = [f"  {leak.message()}" for leak in leaks[:20]]
        more = [f"  and {len(leaks) - 20} more"] if len(leaks) > 20 else []
        raise ExportLeaks(
            "\n".join(
                [
                    "export: the generated pages contain confidential values; nothing was written:",
                    *lines,
                    *more,
                    "Remove the confidential text from the program text or template that shows it.",
                ]
            )
        )


def _written_before(out: Path) -> set[str]:
    marker = out / EXPORT_MARKER
    if not marker.is_file():
        return set()
    lines = marker.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def check_export_target(out: Path, config: Path) -> None:
    """Raise ExportRefused when exporting into `out` could overwrite or mix with hand-written files."""
    refuse_file_on_the_way(out, f"export: {out}")
    docs = docs_folder(config)
    target = out.resolve()
    if docs is not None and (target == docs or docs in target.parents):
        raise ExportRefused(
            f"export: {out} is the docs folder of {config} (or inside it), where hand-written pages "
            "live; the build adds generated pages in memory, so export into another folder"
        )
    if not out.exists():
        return
    if not out.is_dir():
        raise ExportRefused(f"export: {out} is a file, not a folder; choose a new or empty folder")
    present = {
        (Path(folder) / name).relative_to(out).as_posix()
        for folder, _, files in os.walk(out)  # an unreadable folder is passed over, as `rglob` would not
        for name in files
    }
    present.discard(EXPORT_MARKER)
    foreign = sorted(present - _written_before(out))
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise ExportRefused(
            f"export: {out} holds files that `handbook export` did not write ({shown}); it never "
            "overwrites them: choose a new or empty folder"
        )


def write_export(out: Path, pages: list[Page]) -> None:
    """Write into a temporary folder beside `out`, then swap it in: never half an export."""
    with replaced_atomically(out.resolve()) as staging:
        for page in pages:
            path = staging / page.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(page.content.encode() if isinstance(page.content, str) else page.content)
        listing = "\n".join(sorted(page.path for page in pages))
        (staging / EXPORT_MARKER).write_text(
            f"# Written by `handbook export`; a later export replaces exactly these files.\n{listing}\n",
            encoding="utf-8",
        )
