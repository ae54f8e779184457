"""The Zensical adapter: the same generated site as the MkDocs plugin's, built by Zensical.

Zensical reads mkdocs.yml but runs no MkDocs plugin, so the generated pages (from
`generator.site.site_content`) are written beside a copy of the hand-written pages into a work
folder, with a generated configuration that inherits the owner's mkdocs.yml and adds the
navigation and the handbook's stylesheet and script. `zensical build --strict` runs in a process
of its own (Zensical is imported nowhere else). What the MkDocs plugin does while rendering is done
on the built HTML instead, before the publish gate scans it: task-list checkboxes get the name of
their item.

The work folder is named like a staging folder beside the site (`.site-XXXXXXXX.staging`), so a
build that is killed leaves nothing a later build does not remove.
"""

from __future__ import annotations

import contextlib
import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import yaml  # type: ignore[import-untyped]

from generator.errors import DataError
from generator.safe_files import work_folder_beside
from generator.site.docs_folder import read_configuration, refused_links
from generator.site.markup import label_task_checkboxes
from generator.site.scan import files_under, unchanged_copies
from generator.site.site_content import SiteContent, generated_path_taken, site_content

if TYPE_CHECKING:
    from generator.project import Project

ZENSICAL_VERSION = "0.0.73"
"""The version pinned in pyproject.toml, named in the message when Zensical is missing."""
CONFIG_NAME = "mkdocs.yml"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_FRAME = re.compile(r"^[\s│╭╰─┬┴╯├┤]*")
_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b")
"""The line of a Python traceback that names what was raised (`ModuleNotFoundError: ...`)."""


class ZensicalFailed(DataError):
    """Zensical is missing, or failed on the staged pages; the message says why and what to do."""


def build_into(
    staging: Path,
    config_file: Path,
    docs: Path,
    project: Project,
    *,
    cohort: str | None = None,
    base_url: str | None = None,
    folder_of_site: str | None = None,
) -> set[str]:
    """Build the site with Zensical into the empty folder `staging`; return the files copied
    byte for byte from Zensical's own theme (the publish gate need not scan those). `cohort`:
    that cohort's own handbook, hosted at `base_url` when given (see `site_pages`);
    `folder_of_site`: the folder of the site it goes into, which the sitemap's addresses name."""
    content = site_content(project, cohort, base_url)
    work = work_folder_beside(staging)
    try:
        config = stage(work, config_file, docs, content, project.root, folder_of_site)
        if cohort is not None:
            unlink_staged_pages(work / "docs", content, project, cohort)
        run_zensical("build", config, docs)
        staging.rmdir()
        os.replace(work / "site", staging)
        label_checkboxes(staging)
        return theme_copies(staging)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def stage(
    work: Path,
    config_file: Path,
    docs: Path,
    content: SiteContent,
    root: Path,
    folder_of_site: str | None = None,
) -> Path:
    """Write the hand-written and generated pages into `work/docs` and a configuration that
    inherits `config_file` into `work`; return the configuration's path."""
    links = refused_links(docs, root)
    if links:
        raise ZensicalFailed("\n".join(links))
    staged = work / "docs"
    if docs.is_dir():
        shutil.copytree(docs, staged)
        for page in staged.rglob("*.md"):
            page.write_text(titled(page.read_text(encoding="utf-8")), encoding="utf-8")
    write_pages(staged, docs, content)
    config = work / CONFIG_NAME
    settings = configuration(config_file, docs, content, folder_of_site)
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return config


def unlink_staged_pages(staged: Path, content: SiteContent, project: Project, cohort: str) -> None:
    """In one cohort's handbook, a hand-written link into another cohort's pages becomes plain
    text, as the MkDocs plugin does while rendering: those pages are not in this handbook."""
    from generator.site.cohorts import unlink_other_cohorts
    from generator.site.public_view import cohort_slugs

    slugs = cohort_slugs(project.program)
    generated = {page.path for page in content.pages}
    for page in staged.rglob("*.md"):
        name = page.relative_to(staged).as_posix()
        if name in generated:
            continue
        text = page.read_text(encoding="utf-8")
        unlinked = unlink_other_cohorts(text, name, slugs[cohort], set(slugs.values()))
        if unlinked != text:
            page.write_text(unlinked, encoding="utf-8")


def write_pages(staged: Path, docs: Path, content: SiteContent) -> None:
    """Write each generated page beside the hand-written copies; a hand-written page at a
    generated path is refused, never overwritten."""
    for page in content.pages:
        path = staged / page.path
        if path.exists():
            raise ZensicalFailed(generated_path_taken(docs, page.path))
        data = page.content.encode() if isinstance(page.content, str) else page.content
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(titled(data.decode()).encode() if page.path.endswith(".md") else data)


def titled(markdown: str) -> str:
    """The page with its title in front matter, escaped for HTML, taken from its first heading.

    Zensical prints a title taken from a heading into `<title>` unescaped, so a name such as
    `</title><script>` would be markup; the MkDocs plugin escapes such titles while rendering.
    A page whose front matter already has a title keeps it. A byte-order mark is dropped, as
    MkDocs drops it, so front matter after one is still read as front matter."""
    markdown = markdown.removeprefix("\ufeff")
    if markdown.startswith("---\n"):
        return markdown
    heading = next((line for line in markdown.splitlines() if line.startswith("# ")), None)
    if heading is None:
        return markdown
    text = html.unescape(_MARKDOWN_ESCAPE.sub(r"\1", heading[2:].split(" {", 1)[0].strip()))
    return f"---\ntitle: {json.dumps(html.escape(text, quote=False))}\n---\n\n{markdown}"


def configuration(
    config_file: Path, docs: Path, content: SiteContent, folder_of_site: str | None = None
) -> dict[str, object]:
    """The owner's configuration (inherited, so its tags and settings keep their meaning) with
    the staged folders, the generated navigation (unless the owner wrote one) and the assets."""
    owner = read_configuration(config_file)
    settings: dict[str, object] = {
        "INHERIT": str(config_file.resolve()),
        "docs_dir": "docs",
        "site_dir": "site",
        "extra_css": [*_strings(owner.get("extra_css")), *content.extra_css],
        "extra_javascript": [*_strings(owner.get("extra_javascript")), *content.extra_javascript],
    }
    if folder_of_site is not None and isinstance(owner.get("site_url"), str) and owner["site_url"]:
        settings["site_url"] = f"{str(owner['site_url']).rstrip('/')}/{folder_of_site}/"
    if owner.get("nav") is None:
        settings["nav"] = content.navigation(docs)
    theme = owner.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        settings["theme"] = {"custom_dir": str((config_file.parent / theme["custom_dir"]).resolve())}
    return settings


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def zensical_command(*args: str) -> list[str]:
    """The command that runs Zensical in this Python, or ZensicalFailed when it is not installed."""
    if importlib.util.find_spec("zensical") is None:
        raise ZensicalFailed(
            f"--engine zensical: Zensical is not installed in this Python ({sys.executable}); install it "
            f"with `pip install zensical=={ZENSICAL_VERSION}`, or build with --engine mkdocs"
        )
    return [sys.executable, "-m", "zensical", *args]


def run_zensical(command: str, config: Path, docs: Path) -> None:
    """`zensical build --strict` on the staged configuration; ZensicalFailed with what it said."""
    environment = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [*zensical_command(command, "-f", str(config), "--strict")],
        cwd=config.parent,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=environment,
        check=False,
    )
    if proc.returncode != 0:
        raise ZensicalFailed("build failed (Zensical): " + explain(proc.stdout + proc.stderr, docs))


def explain(output: str, docs: Path) -> str:
    """Zensical's own report without colours, frames or its Python traceback; a location in a
    hand-written page is shown as a path in the docs folder, one in a generated page as such."""
    lines = []
    for raw in _ANSI.sub("", output).splitlines():
        if raw.startswith("Traceback"):
            break
        line = _FRAME.sub("", raw).strip()
        if (
            not line
            or line in ("Build started", "No issues found")
            or re.fullmatch(r"\d+ issues? found", line)
        ):
            continue
        lines.append(line)
    if not lines:  # nothing but a traceback: its exception line says what went wrong
        rest = [raw.strip() for raw in _ANSI.sub("", output).splitlines() if raw.strip()]
        raised = [line for line in rest if _EXCEPTION.match(line)]
        lines = raised[-1:] or rest[-1:]
    text = "\n".join(lines) or "Zensical stopped without saying why"

    def located(m: re.Match[str]) -> str:
        page = docs / m[1]
        if not page.is_file():
            return f"at {m[1]}:{m[2]}:{m[3]} (generated)"
        return f"at {docs.name}/{m[1]}:{max(1, int(m[2]) - _title_lines(page))}:{m[3]}"

    return re.sub(r"\[ ([^\s\]]+\.md):(\d+):(\d+) \]", located, text)


def _title_lines(page: Path) -> int:
    """How many lines `titled` put before the page's own first line (Zensical's line numbers
    count them; the owner's file does not have them)."""
    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = page.read_text(encoding="utf-8").removeprefix("\ufeff")
        return titled(text).count("\n") - text.count("\n")
    return 0


def label_checkboxes(site: Path) -> None:
    """Name every task-list checkbox after its item, as the MkDocs plugin does while rendering."""
    for page in site.rglob("*.html"):
        label_page(page)


def label_page(page: Path) -> None:
    text = page.read_text(encoding="utf-8", errors="replace")
    labelled = label_task_checkboxes(text)
    if labelled != text:
        page.write_text(labelled, encoding="utf-8")


def theme_copies(site: Path) -> set[str]:
    """The built files identical, byte for byte, to a file of Zensical's installed theme."""
    spec = importlib.util.find_spec("zensical")
    if spec is None or spec.origin is None:
        return set()
    assets = Path(spec.origin).parent / "templates" / "assets"
    if not (site / "assets").is_dir():
        return set()
    built = files_under(site / "assets")
    return unchanged_copies(site, {f"assets/{name}": assets / name for name, _ in built})
