"""Properties of the whole pipeline on mutations of the example program and its records.

Hypothesis edits the root `program.toml` and the files in `records/` (deletes keys, swaps types,
puts in extreme numbers and dates, control characters and other Unicode in strings and ids) and
checks, in-process, that:

- opening the project raises nothing but a `HandbookError` (never an internal error);
- every message is located in a file the project read, on a line that file has;
- a program `check` passes (no error-level findings) renders its pages and calendars.

Seeded (derandomized) and bounded, so it is part of the normal run.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import tomli
import tomlkit
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.diagnostics import Location, ProgramError
from generator.errors import HandbookError
from generator.project import open_project
from generator.rules import run_checks
from generator.site.pages import site_pages
from tests.conftest import ROOT

TODAY = dt.date(2027, 2, 1)
FILES = {"program.toml": ROOT / "program.toml"} | {
    f"records/{p.name}": p for p in sorted((ROOT / "records").glob("*.toml"))
}
DATA = {name: tomli.loads(path.read_text(encoding="utf-8")) for name, path in FILES.items()}

Path_ = tuple[str | int, ...]


def _paths(value: Any, at: Path_ = ()) -> Iterator[Path_]:
    """Every key path in a parsed file, containers and leaves, in file order."""
    if at:
        yield at
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*at, i))


PATHS = sorted((name, path) for name, data in DATA.items() for path in _paths(data))

ODD_TEXT = st.sampled_from(
    [
        "\n",
        "\r",
        "\u2028",
        "\u2029",
        "\u0085",
        "\x00",
        "\x07",
        "\x1b[31m",
        "\t",
        "\\",
        ",",
        ";",
        '"',
        "'",
        "../",
        "/",
        ".",
        " ",
        "",
        "é",
        "\u200b",
        "\U0001f600",
        "\u202e",
        "ǅ",
        "\ufeff",
        "{{ x }}",
        "<b>",
    ]
)
odd_strings = st.one_of(
    st.text(max_size=8),
    st.lists(ODD_TEXT, min_size=1, max_size=3).map("".join),
    st.sampled_from(["99999999 days", "999999999999999999999 weeks", "0 days", "1 day", "61 months", "inf"]),
)
extreme_numbers = st.one_of(
    st.sampled_from([0, -1, 1, 2**31, 2**63 - 1, -(2**63), 10**15]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([float("inf"), float("-inf"), float("nan"), -0.0, 1e308, 5e-324]),
    st.floats(allow_nan=True, allow_infinity=True),
)
extreme_dates = st.one_of(
    st.sampled_from([dt.date(1, 1, 1), dt.date(1969, 12, 31), dt.date(2200, 12, 31), dt.date(9999, 12, 31)]),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
)
scalars = st.one_of(st.booleans(), extreme_numbers, extreme_dates, odd_strings)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.sampled_from(["id", "name", "x", "date"]), scalars, max_size=2),
)


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, Path_, str, Any]:
    """(file, key path, operation, value): delete the key, replace its value, or edit its text."""
    file, path = draw(st.sampled_from(PATHS))
    operation = draw(st.sampled_from(["delete", "replace", "edit-text"]))
    value = draw(values if operation == "replace" else ODD_TEXT)
    return file, path, operation, value


def _apply(data: dict[str, Any], path: Path_, operation: str, value: Any) -> None:
    parent: Any = data
    for part in path[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return  # an earlier mutation removed it
    key = path[-1]
    if not isinstance(parent, dict | list) or (isinstance(parent, list) and not isinstance(key, int)):
        return
    if isinstance(parent, list) and not (isinstance(key, int) and key < len(parent)):
        return
    if isinstance(parent, dict) and key not in parent:
        return
    if operation == "delete":
        del parent[key]
    elif operation == "replace":
        parent[key] = value
    elif isinstance(parent[key], str):
        middle = len(parent[key]) // 2
        parent[key] = parent[key][:middle] + value + parent[key][middle:]


def _located(where: Location, lines: dict[str, int]) -> None:
    assert where.file in lines, f"message in an unknown file: {where}"
    assert 1 <= where.line <= lines[where.file], f"line out of the file: {where}"
    assert where.column >= 1, f"column before the line: {where}"


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(edits=st.lists(mutations(), min_size=1, max_size=3))
def test_mutated_programs_fail_located_or_build(edits: list[tuple[str, Path_, str, Any]]) -> None:
    data = {name: _copy(value) for name, value in DATA.items()}
    for file, path, operation, value in edits:
        _apply(data[file], path, operation, value)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "records").mkdir()
        lines: dict[str, int] = {}
        for name, content in data.items():
            text = tomlkit.dumps(content)
            (root / name).write_text(text, encoding="utf-8")
            lines[name] = text.count("\n") + 1
        shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
        try:
            project = open_project(root / "program.toml", "program.toml", today=TODAY, autoload=False)
            project.records  # noqa: B018 - read and validate the records
        except ProgramError as exc:
            event("refused with located problems")
            assert exc.problems
            for problem in exc.problems:
                _located(problem.location, lines)
            return
        except HandbookError as exc:
            event(f"refused: {type(exc).__name__}")
            return
        result = run_checks(project)
        assert not result.plugin_problems, [str(p) for p in result.plugin_problems]
        for finding in result.findings:
            _located(finding.location, lines)
        if not result.failing("error"):
            event("checked clean: pages rendered")
            pages = site_pages(project)
            assert any(page.path.endswith(".ics") for page in pages) or not project.program.cohorts


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
