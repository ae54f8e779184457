"""`handbook serve` like a good dev server: it says where it serves, re-runs the rules on every
change, shows a problem as a page instead of hanging, and says plainly when the port is taken."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomlkit

from tests.conftest import copy_example, replace_once, run_handbook


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _project(tmp_path: Path) -> Path:
    return copy_example(tmp_path, records=False)


def _save(path: Path, text: str) -> None:
    """Replace the file in one step, as editors do, so the server never reads half of it."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def _wait_for(predicate, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("timed out")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    project = _project(tmp_path)
    port = _free_port()
    env = {**os.environ, "NO_COLOR": "1", "HANDBOOK_TODAY": "2026-11-24", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "program.toml: no findings from 20 rules\n"
        serving = proc.stdout.readline()
        assert serving.startswith(f"Serving the handbook at http://127.0.0.1:{port}/ ;"), serving
        url = f"http://127.0.0.1:{port}/"
        _wait_for(lambda: "Executive mentorship" in _get(url))
        yield project, url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_shows_a_problem_as_a_page_and_recovers_when_it_is_fixed(served) -> None:  # type: ignore[no-untyped-def]
    project, url, proc = served
    program = project / "program.toml"
    good = program.read_text(encoding="utf-8")
    _save(program, replace_once(good, 'id = "zoe-muller"\n', 'id = "zoe-muller"\nstengths = []\n'))
    _wait_for(lambda: "The handbook cannot be built yet" in _get(url))
    page = _get(url)
    assert "unknown key &#39;stengths&#39;" in page or "unknown key 'stengths'" in page
    _save(program, good)
    _wait_for(lambda: "The handbook cannot be built yet" not in _get(url))
    assert proc.poll() is None
    proc.terminate()
    _, err = proc.communicate(timeout=20)
    assert re.search(
        r"^program\.toml:\d+:1: unknown key 'stengths' in person 'zoe-muller'", err, re.MULTILINE
    ), err
    assert re.search(
        r"^\d\d:\d\d:\d\d rebuilt in \d+\.\d s with problems: the site shows them$", err, re.MULTILINE
    )
    assert re.search(r"^\d\d:\d\d:\d\d rebuilt in \d+\.\d s$", err, re.MULTILINE)


def test_serve_re_runs_the_rules_on_each_change(served) -> None:  # type: ignore[no-untyped-def]
    project, url, _ = served
    program = project / "program.toml"
    doc = tomlkit.parse(program.read_text(encoding="utf-8"))
    # The first pair's mentor made the mentee's manager: HB303, an error-level rule (the program
    # itself stays valid, so only re-running the rules can find it).
    pair = doc["cohorts"][0]["pairs"][0]
    (mentee,) = [p for p in doc["people"] if p["id"] == pair["mentee"]]
    mentee["manager"] = pair["mentor"]
    _save(program, tomlkit.dumps(doc))
    _wait_for(lambda: "HB303" in _get(url))
    assert "conflict-of-interest" in _get(url)


def test_serve_on_a_port_in_use_is_a_usage_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_handbook("serve", "--dev-addr", f"127.0.0.1:{port}", cwd=project)
    assert result.code == 2
    assert result.err.strip() == (
        f"handbook: cannot serve on 127.0.0.1:{port}: Address already in use; stop the other server or "
        f"pass --dev-addr 127.0.0.1:{port + 1}"
    )
    assert "Traceback" not in result.output
