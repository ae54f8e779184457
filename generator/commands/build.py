"""`handbook build`, `handbook serve` and `handbook export`: publish the handbook site.

build and serve run the same checks as `handbook check` first, so a site is never published
from a program with errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from generator.commands.check import load_or_report
from generator.site.pages import render_pages
from generator.site.publish import BuildFailed, build_site


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
    export = subparsers.add_parser("export", help="write the generated Markdown pages to a folder")
    export.add_argument("directory")
    export.add_argument("--program", default="program.toml")
    export.set_defaults(run=run_export)


def _check(program: str) -> int | None:
    """None when the program is fine to publish, else the exit code after the report."""
    from generator.commands import check

    parser = argparse.ArgumentParser(prog="handbook")
    check.register(parser.add_subparsers())
    parsed = parser.parse_args(["check", program])
    code = int(parsed.run(parsed))
    return None if code == EXIT_OK else code


def _config(path: str) -> Path | None:
    config = Path(path)
    if not config.is_file():
        print(f"handbook: {path}: no such MkDocs configuration; run `handbook init` to create one",
              file=sys.stderr)
        return None
    return config


def run_build(args: argparse.Namespace) -> int:
    if (code := _check(args.program)) is not None:
        return code
    config = _config(args.config)
    loaded = load_or_report(args.program)
    if config is None or isinstance(loaded, int):
        return EXIT_USAGE if config is None else loaded
    try:
        target = build_site(config, loaded.program, Path(args.site_dir) if args.site_dir else None)
    except BuildFailed as exc:
        print(f"handbook: build failed: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Built the handbook into {target}")
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    if (code := _check(args.program)) is not None:
        return code
    config = _config(args.config)
    if config is None:
        return EXIT_USAGE
    from mkdocs.commands.serve import serve

    serve(config_file=str(config), dev_addr=args.dev_addr)
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    loaded = load_or_report(args.program)
    if isinstance(loaded, int):
        return loaded
    override = loaded.program.site.templates
    folder = (loaded.path.parent / override) if override else None
    out = Path(args.directory)
    for page in render_pages(loaded.program, folder):
        path = out / page.path
        path.parent.mkdir(parents=True, exist_ok=True)
        data = page.content.encode() if isinstance(page.content, str) else page.content
        path.write_bytes(data)
    print(f"Wrote the generated pages into {out}")
    return EXIT_OK
