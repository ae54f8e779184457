"""The project: everything one command knows about the program it runs on.

A command opens the project once and passes it, as an argument, to the rules, the site, the
matcher and the portfolio. Nothing travels through module-level state: the date findings are
judged on, the folder relative paths start from, the progress records and the plugins are all
attributes here, so a rule author sees exactly what a rule may read.

Opening a project validates everything a later step would reject — the model, references,
`[checks]` (each rule's options against its own model) and `[matching]` (weights against the
registered score components) — so `handbook check` reports every mistake at its line before any
command acts on it.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.dates import as_of
from generator.diagnostics import Location, Problem, ProgramError
from generator.loader import validate_source
from generator.model import MatchWeights, Program
from generator.plugin_host import AUTOLOAD_OFF, PluginHost, PluginProblem, load_plugins
from generator.references import did_you_mean
from generator.rules import RuleSettings, configure, registered_rules
from generator.source import Source, read_source

if TYPE_CHECKING:
    from generator.matching.components import Component
    from generator.records import ProgressRecords


@dataclass
class Project:
    """A validated program with its source, its folder, its date, its plugins and its records."""

    program: Program
    source: Source
    path: Path
    today: dt.date
    """The date rules and dashboards judge progress on (`HANDBOOK_TODAY`, else today)."""
    plugins: PluginHost
    rules: RuleSettings
    components: list[Component] = field(default_factory=list)
    """Every score component `handbook match` can use: built-in and from plugins."""

    @property
    def root(self) -> Path:
        """The folder program.toml lives in: relative paths in it are resolved from here."""
        return self.path.parent

    @cached_property
    def records(self) -> ProgressRecords:
        """The progress records beside program.toml, read and validated on first use.

        Raises ProgramError with every located problem in every records file.
        """
        from generator.records.loading import load_records

        return load_records(self.program, self.source, self.root)


def open_project(
    path: Path | str,
    display: str | None = None,
    *,
    today: dt.date | None = None,
    autoload: bool | None = None,
) -> Project:
    """Read, validate and configure a program; raises ProgramError with every located problem.

    `today` defaults to `HANDBOOK_TODAY` (or `SOURCE_DATE_EPOCH`, or the system date);
    `autoload` (installed plugins) defaults to on unless HANDBOOK_DISABLE_PLUGIN_AUTOLOAD is set.
    """
    path = Path(path)
    source = read_source(path, display)
    return project_from_source(source, path, today=today, autoload=autoload)


def project_from_source(
    source: Source, path: Path, *, today: dt.date | None = None, autoload: bool | None = None
) -> Project:
    """A project from a source already read (tests, editors, a program held in memory)."""
    program = validate_source(source)
    if autoload is None:
        autoload = not os.environ.get(AUTOLOAD_OFF)
    local, problems = _local_plugin_files(program, source, path.parent)
    host = load_plugins(local, program.checks.disable_plugins, autoload=autoload)
    settings, found = configure(registered_rules(host), program, source)
    problems.extend(found)
    components, found = _components(host, program, source)
    problems.extend(found)
    if problems:
        # A plugin that failed to load often explains an error above (its rule's options look
        # unknown), so say so in the same report.
        problems.extend(_as_problem(p) for p in host.problems)
        raise ProgramError(problems)
    return Project(program, source, path, today or as_of(), host, settings, components)


def _local_plugin_files(program: Program, source: Source, root: Path) -> tuple[list[Path], list[Problem]]:
    paths, problems = [], []
    for i, entry in enumerate(program.checks.plugins):
        plugin = (root / entry).resolve()
        if not plugin.is_file():
            problems.append(
                source.problem(
                    ("checks", "plugins", i),
                    f"plugin file {entry!r} not found (paths are relative to the program file)",
                )
            )
        else:
            paths.append(plugin)
    return paths, problems


def _components(host: PluginHost, program: Program, source: Source) -> tuple[list[Component], list[Problem]]:
    """Registered score components, and located problems for `[matching.weights]` keys that
    name no component or give no usable weight."""
    from generator.matching.components import Component

    found: list[Component] = []
    for plugin, registered in host.register_all("handbook_match_components", "to register score components"):
        for component in registered:
            if not isinstance(component, Component):
                why = f"registered {type(component).__name__}, not a generator.matching.components.Component"
            elif any(c.id == component.id for c in found):
                why = f"score component {component.id!r} is already registered; rename one"
            else:
                found.append(component.labelled(plugin))
                continue
            host.problems.append(
                PluginProblem(
                    plugin, host.file_of(host.manager.get_plugin(plugin)), "to register score components", why
                )
            )
    known = sorted({c.id for c in found} | set(MatchWeights.model_fields))
    problems: list[Problem] = []
    for key, value in (program.matching.weights.model_extra or {}).items():
        where = ("matching", "weights", key)
        if key not in known:
            hint = did_you_mean(key, known) or f"; components: {', '.join(known)}"
            problems.append(source.problem(where, f"unknown score component {key!r}{hint}", at_key=True))
        elif not _is_weight(value):
            problems.append(
                source.problem(where, f"the weight of {key!r} must be a number of 0 or more, such as 1.5")
            )
    return found, problems


def _is_weight(value: Any) -> bool:
    return (
        isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value >= 0
    )


def _as_problem(problem: PluginProblem) -> Problem:
    where = problem.location or Location(problem.file, 1, 1)
    return Problem(where, f"plugin {problem.plugin} failed {problem.doing}: {problem.error}")
