"""`handbook build`, `handbook serve` and `handbook export`: publish the handbook site.

build and serve run the same checks as `handbook check` first, so a site is never published
from a program with errors. The program is read once: the check, the build and the MkDocs
plugin share one project.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cli import add_plugins_option, add_program_argument, plugins_wanted
from generator.errors import EXIT_OK, UsageError
from generator.site.engines import ENGINES, NAMES

if TYPE_CHECKING:
    from generator.project import Project


def register(subparsers: argparse._SubParsersAction) -> None:
    build = subparsers.add_parser("build", help="check the program, then build the site into site/")
    add_program_argument(build)
    build.add_argument("--config", default="mkdocs.yml", help="the MkDocs configuration file")
    build.add_argument("--site-dir", default=None, help="where to write the site (default site/)")
    one_or_each = build.add_mutually_exclusive_group()
    one_or_each.add_argument(
        "--cohort",
        metavar="ID",
        help="build one cohort's own handbook: the program's pages and that cohort's only",
    )
    one_or_each.add_argument(
        "--per-cohort",
        action="store_true",
        help="build each cohort's own handbook into SITE/<cohort>/, and SITE/index.html for owners",
    )
    add_engine_option(build)
    add_plugins_option(build)
    build.set_defaults(run=run_build)
    serve = subparsers.add_parser("serve", help="check the program, then serve the site locally")
    add_program_argument(serve)
    serve.add_argument("--config", default="mkdocs.yml", help="the MkDocs configuration file")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on (host:port)")
    add_engine_option(serve)
    add_plugins_option(serve)
    serve.set_defaults(run=run_serve)
    export = subparsers.add_parser("export", help="write the generated Markdown pages to a new folder")
    add_program_argument(export)
    export.add_argument("directory", help="a new or empty folder, or an earlier export")
    export.add_argument(
        "--config", default="mkdocs.yml", help="the MkDocs configuration (its docs folder is never written)"
    )
    add_plugins_option(export)
    export.set_defaults(run=run_export)


def add_engine_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default=None,
        help="the site generator (default: [site] engine in program.toml, else mkdocs)",
    )


def _engine(args: argparse.Namespace, project: Project) -> str:
    """`--engine`, else the program's `[site] engine`."""
    return str(args.engine or project.program.site.engine)


def engine_line(engine: str, command: str) -> str:
    """Which engine built the site, and how to try the other (in place of MkDocs' banners)."""
    other = next(name for name in ENGINES if name != engine)
    verb = "Built" if command == "build" else "Serving"
    return f"{verb} with {NAMES[engine]}; try `handbook {command} --engine {other}`"


def _checked(
    program: str, plugins: bool | None, usable: Callable[[Project], None] | None = None
) -> Project | int:
    """The project, loaded and checked once, or the exit code after the report says why not.
    `usable` raises a usage error for a request the program cannot answer, before the checks run."""
    from generator.commands.check import check_and_report, open_checked

    project = open_checked(program, plugins)
    if usable is not None:
        usable(project)
    code = check_and_report(project, program)
    return project if code == EXIT_OK else code


def _config(path: str) -> Path:
    config = Path(path)
    if not config.is_file():
        raise UsageError(f"{path}: no such MkDocs configuration; run `handbook init` to create one")
    return config


def run_build(args: argparse.Namespace) -> int:
    from generator.site.cohorts import require_cohort, require_cohorts
    from generator.site.publish import build_site

    def usable(project: Project) -> None:
        if args.cohort is not None:
            require_cohort(project.program, args.cohort, args.program)
        elif args.per_cohort:
            require_cohorts(project.program, args.program)

    project = _checked(args.program, plugins_wanted(args), usable)
    if isinstance(project, int):
        return project
    engine = _engine(args, project)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # the line below says it instead
    site_dir = Path(args.site_dir) if args.site_dir else None
    config = _config(args.config)
    target = build_site(
        config, project, site_dir, engine=engine, cohort=args.cohort, per_cohort=args.per_cohort
    )
    if args.cohort is not None:
        print(f"Built the handbook of cohort {args.cohort} into {target}")
    elif args.per_cohort:
        print(
            f"Built {len(project.program.cohorts)} cohort handbooks into {target}, with an index for owners"
        )
    else:
        print(f"Built the handbook into {target}")
    print(engine_line(engine, "build"))
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    """Serve with live reload. Each rebuild re-opens the program and re-runs the rules (in the
    MkDocs plugin); a problem is printed and shown as the site's only page, never a hang."""
    host, port = _address(args.dev_addr)
    project = _checked(args.program, plugins_wanted(args))
    if isinstance(project, int):
        return project
    config = _config(args.config)
    _check_port_free(host, port)
    if plugins_wanted(args) is False:
        from generator.plugin_host import NO_PLUGINS

        os.environ[NO_PLUGINS] = "1"  # each rebuild opens the program again
    engine = _engine(args, project)
    if engine == "zensical":
        from generator.safe_files import docs_folder
        from generator.site.zensical_serve import serve as serve_zensical

        print(
            f"Serving the handbook at http://{host}:{port}/ ; every change to {args.program}, its "
            "records or the pages regenerates the pages it changes. Ctrl+C stops.",
            flush=True,
        )
        print(engine_line(engine, "serve"), flush=True)
        docs = docs_folder(config)
        assert docs is not None  # the configuration exists
        return serve_zensical(config, docs, project.path, args.program, f"{host}:{port}")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # the engine line says it instead
    import gc

    from mkdocs.commands.serve import serve

    gc.enable()  # the server runs for hours: collect garbage as usual

    print(
        f"Serving the handbook at http://{host}:{port}/ ; every change to {args.program}, its "
        "records or the pages rebuilds it and re-runs the rules. Ctrl+C stops.",
        flush=True,
    )
    print(engine_line(engine, "serve"), flush=True)
    # Dirty builds: the plugin rewrites only the generated pages whose content changed, so an edit
    # re-renders those pages (and the hand-written ones changed), not the whole site.
    logging.getLogger("mkdocs.commands.build").addFilter(_without_dirty_notice)
    serve(config_file=str(config), dev_addr=f"{host}:{port}", build_type="dirty")
    return EXIT_OK


def _without_dirty_notice(record: logging.LogRecord) -> bool:
    """MkDocs warns on every dirty build that links may go stale: the plugin renders every page
    again when the navigation changes, and strict mode would count the warning as a failure."""
    return "A 'dirty' build is being performed" not in record.getMessage()


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"--dev-addr {text!r} is not HOST:PORT, such as 127.0.0.1:8000")
    return host, int(port)


def _check_port_free(host: str, port: int) -> None:
    """MkDocs would fail deep inside its server; say what is wrong and what to do instead."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UsageError(
                f"cannot serve on {host}:{port}: {exc.strerror or exc}; stop the other server or pass "
                f"--dev-addr {host}:{port + 1}"
            ) from None


def run_export(args: argparse.Namespace) -> int:
    """Check the program as `build` does, then scan every generated page for confidential values
    before anything is written: an export is as participant-visible as the site."""
    from generator.site.export import check_export_target, refuse_leaks, write_export
    from generator.site.pages import site_pages

    project = _checked(args.program, plugins_wanted(args))
    if isinstance(project, int):
        return project
    out = Path(args.directory)
    check_export_target(out, Path(args.config))
    pages = site_pages(project)
    refuse_leaks(project, pages)
    write_export(out, pages)
    print(f"Wrote {len(pages)} generated pages into {out}")
    return EXIT_OK
