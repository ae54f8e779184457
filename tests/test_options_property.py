"""Property: whatever value a program owner types for a rule option or a matching setting,
`handbook check` either accepts it or reports a located error in program.toml — never an
internal error, never an unlocated message — and the rules run on whatever it accepts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.diagnostics import ProgramError
from generator.plugin_host import load_plugins
from generator.project import open_project
from generator.rules import registered_rules, run_checks
from tests.conftest import FIXTURES

MINIMAL = (FIXTURES / "program" / "minimal.toml").read_text(encoding="utf-8")
RULES = registered_rules(load_plugins(autoload=False))
OPTION_KEYS = sorted((rule.name, key) for rule in RULES for key in rule.options.model_fields)
MATCHING_KEYS = ["objective", "experience_target", "min_hours_per_month", "both_as", "perspective"]

values = st.recursive(
    st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _with_table(table: str, key: str, value: object) -> str:
    item = tomlkit.document()
    item.add(key, value)
    return MINIMAL + f"\n[{table}]\n" + tomlkit.dumps(item)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    where=st.one_of(
        st.sampled_from(OPTION_KEYS).map(lambda rk: (f'checks."{rk[0]}"', rk[1])),
        st.sampled_from(MATCHING_KEYS).map(lambda key: ("matching", key)),
        st.text(min_size=1, max_size=8).map(lambda key: ("matching.weights", key)),
    ),
    value=values,
)
def test_any_option_value_is_accepted_or_a_located_error(tmp_path_factory, where, value) -> None:  # type: ignore[no-untyped-def]
    table, key = where
    text = _with_table(table, key, value)
    path: Path = tmp_path_factory.mktemp("p") / "program.toml"
    path.write_text(text, encoding="utf-8")
    lines = text.count("\n") + 1
    try:
        project = open_project(path, display="program.toml", today=dt.date(2027, 2, 1), autoload=False)
    except ProgramError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.location.file == "program.toml"
            assert 1 <= problem.location.line <= lines
            assert problem.message
        return
    result = run_checks(project)
    assert result.plugin_problems == []
