"""`handbook build`, `handbook serve` and `handbook export`: publish the handbook site.

build and serve run the same checks as `handbook check` first, so a site is never published
from a program with errors. The program is read once: the check, the build and the MkDocs
plugin share one loaded program.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from generator.commands.check import check_and_report, load_or_report
from generator.diagnostics import ProgramError, format_problem
from generator.loader import LoadedProgram
from generator.records.as_of import BadDate
from generator.site import mkdocs_plugin
from generator.site.pages import Page, SiteError, site_pages
from generator.site.publish import BuildFailed, build_site, replaced_atomically

EXPORT_MARKER = ".handbook-export"
"""Lists the files an export wrote, so a later export may replace them and nothing else."""


def register(subparsers: argparse._SubParsersAction) -> None:
    build = subparsers.add_parser("build", help="check the program, then build the site into site/")
    build.add_argument("program", nargs="?", default="program.toml")
    build.add_argument("--config", default="mkdocs.yml", help="the MkDocs configuration file")
    build.add_argument("--site-dir", default=None, help="where to write the site (default site/)")
    build.set_defaults(run=run_build)
    serve = subparsers.add_parser("serve", help="check the program, then serve the site locally")
    serve.add_argument("program", nargs="?", default="program.toml")
    serve.add_argument("--config", default="mkdocs.yml")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000")
    serve.set_defaults(run=run_serve)
    export = subparsers.add_parser("export", help="write the generated Markdown pages to a new folder")
    export.add_argument("directory")
    export.add_argument("--program", default="program.toml")
    export.add_argument(
        "--config",
        default="mkdocs.yml",
        help="the MkDocs configuration whose docs folder is never written to",
    )
    export.set_defaults(run=run_export)


def _load_and_check(program: str) -> LoadedProgram | int:
    """The program, loaded and checked once, or the exit code after the report says why not."""
    loaded = load_or_report(program)
    if isinstance(loaded, int):
        return loaded
    code = check_and_report(loaded, program)
    return loaded if code == EXIT_OK else code


def _config(path: str) -> Path | None:
    config = Path(path)
    if not config.is_file():
        print(
            f"handbook: {path}: no such MkDocs configuration; run `handbook init` to create one",
            file=sys.stderr,
        )
        return None
    return config


def run_build(args: argparse.Namespace) -> int:
    loaded = _load_and_check(args.program)
    if isinstance(loaded, int):
        return loaded
    config = _config(args.config)
    if config is None:
        return EXIT_USAGE
    mkdocs_plugin.share(loaded)
    try:
        target = build_site(config, loaded.program, Path(args.site_dir) if args.site_dir else None)
    except BuildFailed as exc:
        print(f"handbook: build failed: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Built the handbook into {target}")
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    loaded = _load_and_check(args.program)
    if isinstance(loaded, int):
        return loaded
    config = _config(args.config)
    if config is None:
        return EXIT_USAGE
    from mkdocs.commands.serve import serve

    mkdocs_plugin.share(loaded)
    serve(config_file=str(config), dev_addr=args.dev_addr)
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    loaded = load_or_report(args.program)
    if isinstance(loaded, int):
        return loaded
    out = Path(args.directory)
    refusal = export_refusal(out, Path(args.config))
    if refusal:
        print(f"handbook: export: {refusal}", file=sys.stderr)
        return EXIT_USAGE
    try:
        pages = site_pages(loaded)
    except (SiteError, BadDate) as exc:
        print(f"handbook: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ProgramError as exc:
        for problem in exc.problems:
            print(format_problem(problem))
        return EXIT_PROBLEMS
    write_export(out, pages)
    print(f"Wrote {len(pages)} generated pages into {out}")
    return EXIT_OK


def _docs_folder(config: Path) -> Path | None:
    """The docs folder the MkDocs configuration names, if there is a configuration."""
    if not config.is_file():
        return None
    from mkdocs.utils.yaml import yaml_load

    try:
        with config.open("rb") as f:
            docs = (yaml_load(f) or {}).get("docs_dir", "docs")
    except Exception:  # an unreadable configuration: no docs folder to protect from it
        return None
    return (config.resolve().parent / str(docs)).resolve()


def _written_before(out: Path) -> set[str]:
    marker = out / EXPORT_MARKER
    if not marker.is_file():
        return set()
    lines = marker.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def export_refusal(out: Path, config: Path) -> str | None:
    """Why exporting into `out` could overwrite or mix with hand-written files; None when it cannot."""
    docs = _docs_folder(config)
    target = out.resolve()
    if docs is not None and (target == docs or docs in target.parents):
        return (
            f"{out} is the docs folder of {config} (or inside it), where hand-written pages live; "
            "the build adds generated pages in memory, so export into another folder"
        )
    if not out.exists():
        return None
    if not out.is_dir():
        return f"{out} is a file, not a folder; choose a new or empty folder"
    present = {p.relative_to(out).as_posix() for p in out.rglob("*") if not p.is_dir()}
    present.discard(EXPORT_MARKER)
    foreign = sorted(present - _written_before(out))
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        return (
            f"{out} holds files that `handbook export` did not write ({shown}); it never "
            "overwrites them: choose a new or empty folder"
        )
    return None


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
