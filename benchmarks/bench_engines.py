"""MkDocs and Zensical side by side on one generated program: `handbook build --engine X`, the
bare engine on the same exported pages (`handbook export`, then plain `mkdocs build` or
`zensical build`), and the serve latency of a one-line edit to one pair's contract.

Builds are judged on the CPU time of whole processes (user + system, of the process and those it
waits for), as every benchmark here is; wall time is printed too. Serve latency is wall time from
the write of program.toml to the changed contract page being served over HTTP (polled), best of
--runs edits. Targets at 1,000 pairs: under 1 s with Zensical, under 3 s with MkDocs. Run:
    python benchmarks/bench_engines.py [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_program_text  # noqa: E402 (after the path setup)
from benchmarks.processes import alternated, environment  # noqa: E402
from generator.project import open_project  # noqa: E402
from generator.site.pages import navigation  # noqa: E402
from generator.site.site_content import site_content  # noqa: E402

BIN = Path(sys.executable).parent
ROLE = "contract.mentor_role = {!r}"


def _project(folder: Path, cohorts: int, pairs: int) -> tuple[Path, str]:
    """A generated program whose first pair has a one-line contract term to edit; the address
    of that pair's contract page."""
    folder.mkdir(parents=True)
    text = generate_program_text(people=pairs * 2, pairs=pairs, cohorts=cohorts)
    text += '\n[checks]\nignore = ["HB301", "HB302", "HB303"]\n'
    head, sep, tail = text.partition("[[cohorts.pairs]]\n")
    mentor, mentee, rest = tail.split("\n", 2)
    text = f"{head}{sep}{mentor}\n{mentee}\n{ROLE.format('Marker role 0')}\n{rest}"
    (folder / "program.toml").write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    shutil.copytree(ROOT / "handbook", folder / "handbook")
    content = site_content(open_project(folder / "program.toml"))
    (page,) = [
        p
        for p in content.pages
        if "/contracts/" in p.path and isinstance(p.content, str) and "Marker role 0" in p.content
    ]
    return folder, page.path.removesuffix(".md") + "/"


def _bare(folder: Path) -> Path:
    """The exported pages beside the hand-written ones, with a configuration for both engines."""
    bare = folder / "bare"
    subprocess.run(
        [str(BIN / "handbook"), "export", "program.toml", str(bare / "docs")],
        cwd=folder,
        check=True,
        capture_output=True,
        env=environment(),
    )
    (bare / "docs" / ".handbook-export").unlink()
    for path in (folder / "handbook").rglob("*"):
        if path.is_file():
            target = bare / "docs" / path.relative_to(folder / "handbook")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    content = site_content(open_project(folder / "program.toml"))
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(
        docs_dir="docs",
        plugins=["search"],
        extra_css=list(content.extra_css),
        extra_javascript=list(content.extra_javascript),
        nav=[*navigation(content.pages), "about.md"],
        not_in_nav="/cohorts/*/\n",
    )
    for page in content.pages[-2:]:  # the stylesheet and script, which export does not write
        (bare / "docs" / page.path).parent.mkdir(parents=True, exist_ok=True)
        (bare / "docs" / page.path).write_text(str(page.content), encoding="utf-8")
    (bare / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return bare


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _served(url: str, marker: str, timeout: float) -> float:
    """Wall seconds until `url` serves a page holding `marker`, polling."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if marker.encode() in response.read():
                    return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.02)
    raise SystemExit(f"{url} did not show {marker!r} within {timeout:.0f} s")


def serve_latency(folder: Path, page: str, engine: str, runs: int) -> list[float]:
    """Seconds from each one-line edit of program.toml to the contract page showing it."""
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "handbook"),
            "serve",
            "program.toml",
            "--engine",
            engine,
            "--dev-addr",
            f"127.0.0.1:{port}",
        ],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**environment(), "NO_COLOR": "1"},
    )
    url = f"http://127.0.0.1:{port}/{page}"
    program = folder / "program.toml"
    took = []
    try:
        _served(url, "Marker role 0", 600)
        for run in range(1, runs + 1):
            time.sleep(1.5)  # let the watchers settle, as between a person's edits
            _replace_once(program, ROLE.format(f"Marker role {run - 1}"), ROLE.format(f"Marker role {run}"))
            took.append(_served(url, f"Marker role {run}", 120))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    _replace_once(program, ROLE.format(f"Marker role {runs}"), ROLE.format("Marker role 0"))
    return took


def _replace_once(path: Path, old: str, new: str) -> None:
    """An edit a person makes; one that finds nothing to change would time out as a slow serve."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path.name} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 cohorts and 100 pairs instead of 1,000")
    parser.add_argument("--runs", type=int, default=3, help="runs of each kind; the best counts")
    args = parser.parse_args()
    cohorts, pairs = (10, 100) if args.quick else (100, 1_000)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        folder, page = _project(Path(tmp) / "program", cohorts, pairs)
        bare = _bare(folder)
        print(f"timing builds of {pairs} pairs ...", file=sys.stderr, flush=True)
        handbook = [str(BIN / "handbook"), "build", "program.toml", "--engine"]
        builds = alternated(
            {
                "handbook build --engine mkdocs": [*handbook, "mkdocs"],
                "handbook build --engine zensical": [*handbook, "zensical"],
            },
            args.runs,
            cwd=folder,
        )
        bares = alternated(
            {
                "mkdocs build (bare)": [str(BIN / "mkdocs"), "build", "--strict", "--clean"],
                "zensical build (bare)": [sys.executable, "-m", "zensical", "build", "--strict", "--clean"],
            },
            args.runs,
            cwd=bare,
        )
        print("timing serve latency ...", file=sys.stderr, flush=True)
        latency = {
            engine: serve_latency(folder, page, engine, args.runs) for engine in ("mkdocs", "zensical")
        }
    print(f"{cohorts} cohorts, {pairs} pairs; best of {args.runs} alternated runs; CPU = user + system")
    print(f"{'':36} {'MkDocs':>22} {'Zensical':>22}")
    rows = [
        (
            "handbook build --engine X",
            builds["handbook build --engine mkdocs"],
            builds["handbook build --engine zensical"],
        ),
        ("bare X build (exported pages)", bares["mkdocs build (bare)"], bares["zensical build (bare)"]),
    ]
    for name, mk, zs in rows:
        print(
            f"{name:36} {mk.cpu:8.2f} s CPU {mk.best:6.2f} s wall {zs.cpu:8.2f} s CPU {zs.best:6.2f} s wall"
        )
    mo = 100 * (rows[0][1].cpu / rows[1][1].cpu - 1)
    zo = 100 * (rows[0][2].cpu / rows[1][2].cpu - 1)
    print(f"{'handbook overhead over bare':36} {mo:+13.1f} % CPU {'':11} {zo:+13.1f} % CPU")
    mk_l, zs_l = min(latency["mkdocs"]), min(latency["zensical"])
    every = {engine: ", ".join(f"{x:.2f}" for x in runs) for engine, runs in latency.items()}
    print(
        f"{'serve: one-line contract edit shown':36} {mk_l:8.2f} s wall {'':11} {zs_l:8.2f} s wall"
        f"   (targets: MkDocs < 3 s, Zensical < 1 s; every run: {every['mkdocs']} | {every['zensical']})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
