"""The handbook site on a generated program: full `handbook build` next to a bare `mkdocs build`
of the same exported Markdown, and bytes per page as the program grows.

Targets: generator overhead within 15 % of the bare build, judged on CPU time (user + system,
of the process and any it waits for) as every benchmark here is: on a shared machine the wall
clock also counts waiting for a processor, and swings far more. Both are printed. Bytes per
page flat from 100 to 1,000 pairs and under 60 KB. Each build starts from an empty site folder;
the best of --runs alternated runs counts, as the machine may be busy. Like the handbook's own
templates, the theme's compiled templates are kept between builds (`generator.templating`),
which a bare build does not do: its figure includes compiling them. Run:
    python benchmarks/bench_site.py [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_program_text  # noqa: E402 (after the path setup)
from generator.project import open_project  # noqa: E402
from generator.site.pages import navigation, site_pages  # noqa: E402
from generator.site.site_content import (  # noqa: E402
    ACCESSIBILITY_JS,
    ACCESSIBILITY_JS_PATH,
    PRINT_CSS,
    PRINT_CSS_PATH,
)

BIN = Path(sys.executable).parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""Both builds may use compiled bytecode, as an installed handbook does: pip compiles a package's
modules when it installs them (MkDocs' and Material's here), while an editable checkout under
PYTHONDONTWRITEBYTECODE would compile the handbook's modules from source in every run."""


def _project(folder: Path, cohorts: int, pairs: int) -> Path:
    folder.mkdir(parents=True)
    text = generate_program_text(people=pairs * 2, pairs=pairs, cohorts=cohorts)
    # Random pairings break pairing rules; the benchmark measures publishing, not matching.
    text += '\n[checks]\nignore = ["HB301", "HB302", "HB303"]\n'
    (folder / "program.toml").write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    shutil.copytree(ROOT / "handbook", folder / "handbook")
    return folder


def _timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """One build from scratch: the previous output is removed first, outside the timing.
    Wall-clock seconds, and the CPU seconds (user + system) the process used: on a shared
    machine the CPU time moves far less with other people's load than the wall clock."""
    shutil.rmtree(cwd / "site", ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env=ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _bare(folder: Path) -> Path:
    """The same pages, exported, built by MkDocs without the handbook plugin."""
    bare = folder / "bare"
    docs = bare / "docs"
    shutil.copytree(folder / "handbook", docs)
    pages = site_pages(open_project(folder / "program.toml"))
    for page in pages:
        path = docs / page.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(page.content.encode() if isinstance(page.content, str) else page.content)
    (docs / PRINT_CSS_PATH).parent.mkdir(parents=True, exist_ok=True)
    (docs / PRINT_CSS_PATH).write_text(PRINT_CSS, encoding="utf-8")
    (docs / ACCESSIBILITY_JS_PATH).parent.mkdir(parents=True, exist_ok=True)
    (docs / ACCESSIBILITY_JS_PATH).write_text(ACCESSIBILITY_JS, encoding="utf-8")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = "docs"
    config["plugins"] = ["search"]
    config["extra_css"] = [PRINT_CSS_PATH]
    config["extra_javascript"] = [ACCESSIBILITY_JS_PATH]
    config["nav"] = [*navigation(pages), "about.md"]
    config["not_in_nav"] = "/cohorts/*/\n"  # as the plugin marks them: reached from the Cohorts page
    (bare / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return bare


def _bytes_per_page(site: Path) -> tuple[int, float]:
    pages = list(site.rglob("*.html"))
    return len(pages), sum(p.stat().st_size for p in pages) / len(pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 cohorts and 100 pairs only")
    parser.add_argument("--runs", type=int, default=3, help="builds of each kind; the best counts")
    args = parser.parse_args()
    sizes = [(10, 100)] if args.quick else [(10, 100), (100, 1_000)]
    with tempfile.TemporaryDirectory() as tmp:
        for cohorts, pairs in sizes:
            folder = _project(Path(tmp) / f"p{pairs}", cohorts, pairs)
            bare_folder = _bare(folder)
            fulls, bares = [], []
            _timed([str(BIN / "handbook"), "build", "program.toml"], folder)  # writes the bytecode
            for _ in range(max(args.runs, 1)):  # alternated, so a busy moment hits both alike
                fulls.append(_timed([str(BIN / "handbook"), "build", "program.toml"], folder))
                bares.append(_timed([str(BIN / "mkdocs"), "build", "--strict"], bare_folder))
            full, bare = min(w for w, _ in fulls), min(w for w, _ in bares)
            full_cpu, bare_cpu = min(c for _, c in fulls), min(c for _, c in bares)
            count, per_page = _bytes_per_page(folder / "site")
            print(
                f"{cohorts} cohorts, {pairs} pairs, best of {len(fulls)}: handbook build {full:.2f} s "
                f"(check + generate + build + scan), bare mkdocs build {bare:.2f} s, "
                f"wall-clock overhead {100 * (full / bare - 1):+.1f} %"
            )
            print(
                f"  CPU time: handbook build {full_cpu:.2f} s, bare mkdocs build {bare_cpu:.2f} s, "
                f"overhead {100 * (full_cpu / bare_cpu - 1):+.1f} % (target within 15 %)"
            )
            print(f"  {count} HTML pages, {per_page / 1024:.1f} KB per page (target under 60 KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
