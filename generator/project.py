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
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.dates import as_of
from generator.diagnostics import Location, Problem, ProgramError
from generator.errors import UsageError
from generator.loader import validate_source
from generator.model import MatchWeights, Program
from generator.plugin_host import (
    AUTOLOAD_OFF,
    NO_PLUGINS,
    PluginHost,
    PluginProblem,
    load_plugins,
    plugins_off,
)
from generator.references import did_you_mean
from generator.rules import RuleSettings, configure, registered_rules
from generator.site.docs_folder import mkdocs_folders, resolved
from generator.source import KeyPath, Source, format_path, read_source

MAX_DEPTH = 64
"""How deeply tables and lists may nest in program.toml. A real program needs five or six
levels; a deeper file is a mistake or an attack, and the parsers and validators recurse (tomli
gives up with a RecursionError past 400 levels), so it is refused, located, before validation."""

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
    notes: list[str] = field(default_factory=list)
    """Things the user should know that are not errors (settings skipped with plugins off)."""
    private_missing: str = ""
    """Why the `[private] file` could not be read (then confidential sections are empty), or ''."""

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

        try:
            return load_records(self.program, self.source, self.root)
        except RecursionError:
            raise _too_deep_records(self.program, self.source, self.root) from None


def open_project(
    path: Path | str,
    display: str | None = None,
    *,
    today: dt.date | None = None,
    autoload: bool | None = None,
    plugins: bool | None = None,
) -> Project:
    """Read, validate and configure a program; raises ProgramError with every located problem.

    `today` defaults to `HANDBOOK_TODAY` (or `SOURCE_DATE_EPOCH`, or the system date);
    `autoload` (installed plugins) defaults to on unless HANDBOOK_DISABLE_PLUGIN_AUTOLOAD is set;
    `plugins=False` (or HANDBOOK_NO_PLUGINS=1) runs no plugin code at all, only the built-ins,
    and prints a note on standard error when that skips some of the program's settings.
    """
    path = Path(path)
    try:
        source = read_source(path, display)
    except RecursionError:
        # tomli recurses into inline arrays and tables and gives up past 400 levels.
        raise _too_deep_text(
            path.read_text(encoding="utf-8", errors="replace"), display or str(path)
        ) from None
    project = project_from_source(source, path, today=today, autoload=autoload, plugins=plugins)
    for note in project.notes:
        print(f"{source.display}: note: {note}", file=sys.stderr)
    return project


def project_from_source(
    source: Source,
    path: Path,
    *,
    today: dt.date | None = None,
    autoload: bool | None = None,
    plugins: bool | None = None,
) -> Project:
    """A project from a source already read (tests, editors, a program held in memory)."""
    program = _validated(source)
    if plugins is None:
        plugins = not plugins_off()
    if autoload is None:
        autoload = not os.environ.get(AUTOLOAD_OFF)
    problems = _folder_problems(program, source, path.parent)
    local, found = _local_plugin_files(program, source, path.parent, problems)
    problems.extend(found)
    if plugins:
        host = load_plugins(local, program.checks.disable_plugins, autoload=autoload)
    else:
        host = load_plugins((), program.checks.disable_plugins, autoload=False)
    rules = registered_rules(host)
    settings, found = configure(rules, program, source)
    skipped: list[str] = []
    if not plugins:
        # Settings for rules the built-ins do not know may belong to a plugin that did not load:
        # skip them with one note instead of calling them unknown.
        paths = _plugin_settings(program, rules)
        skipped = sorted(paths)
        found = [p for p in found if p.path not in paths]
    problems.extend(found)
    components, found = _components(host, program, source)
    if not plugins:
        known = {c.id for c in components} | set(MatchWeights.model_fields)
        weights = {
            format_path(("matching", "weights", key))
            for key in program.matching.weights.model_extra or {}
            if key not in known
        }
        skipped += sorted(weights)
        found = [p for p in found if p.path not in weights]
    problems.extend(found)
    private_missing = ""
    if program.private.file:
        from generator.private.loading import attach_private

        found, private_missing = attach_private(program, source, path.parent)
        problems.extend(found)
    if problems:
        # A plugin that failed to load often explains an error above (its rule's options look
        # unknown), so say so in the same report.
        problems.extend(_as_problem(p) for p in host.problems)
        raise ProgramError(problems)
    notes = []
    if skipped:
        notes.append(
            f"plugins are off ({NO_PLUGINS} or --no-plugins): only the built-in rules ran, and "
            f"{len(skipped)} setting{'s' if len(skipped) != 1 else ''} for other rules or score "
            f"components went unchecked: {', '.join(skipped)}"
        )
    if private_missing:
        notes.append(private_missing)
    return Project(
        program, source, path, today or as_of(), host, settings, components, notes, private_missing
    )


def _plugin_settings(program: Program, builtin: list[Any]) -> set[str]:
    """Key paths of `[checks]` entries that name no built-in rule (with plugins off)."""
    from generator.rules import _matches

    checks = program.checks
    paths: list[KeyPath] = []
    for key in ("select", "ignore"):
        paths += [
            ("checks", key, i)
            for i, selector in enumerate(getattr(checks, key))
            if not any(_matches(r, selector) for r in builtin)
        ]
    paths += [
        ("checks", "severity", s) for s in checks.severity if not any(s in (r.code, r.name) for r in builtin)
    ]
    names = {r.name for r in builtin}
    paths += [("checks", key) for key in checks.model_extra or {} if key not in names]
    return {format_path(p) for p in paths}


_TOO_DEEP = (
    f"tables and lists are nested more than {MAX_DEPTH} levels deep here: a program needs only a "
    "few levels, so flatten this value"
)


FREE_FORM = ("checks", "matching")
"""The top-level tables whose models keep keys they do not know as written (`extra="allow"`:
each rule's options, plugin score weights), for the rules and matching to validate later."""


def _validated(source: Source) -> Program:
    """The validated program, or ProgramError; a value nested more than MAX_DEPTH levels deep
    is refused on its own, located, as the one problem of the file.

    Validation never descends below the model's few levels (a deeper value is the wrong type
    where it stands), so depth is looked for only where it can matter: in a file that does
    not validate, to refuse it for the right reason, and in the free-form tables, which later
    steps read as written. A valid program pays nothing for the walk."""
    try:
        program = validate_source(source)
    except ProgramError:
        _refuse_too_deep(source, source.data, 0)
        raise
    for key in FREE_FORM:
        _refuse_too_deep(source, source.data.get(key), 1)
    return program


def _refuse_too_deep(source: Source, value: Any, depth: int) -> None:
    if isinstance(value, dict | list) and _too_deep(value, depth):
        deep = _first_too_deep(source.data, (), 0)
        raise ProgramError([source.problem(deep or (), _TOO_DEEP)]) from None


def _too_deep(value: Any, depth: int) -> bool:
    """Whether any value is nested deeper than MAX_DEPTH: a quick test (about 15 ms for
    10,000 people); `_first_too_deep` then finds where."""
    if depth > MAX_DEPTH:
        return True
    for item in value.values() if type(value) is dict else value:
        kind = type(item)
        if (kind is dict or kind is list) and _too_deep(item, depth + 1):
            return True
    return False


def _first_too_deep(value: Any, path: KeyPath, depth: int) -> KeyPath | None:
    """The key path of the first value (in file order) nested deeper than MAX_DEPTH."""
    if depth > MAX_DEPTH:
        return path
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(item, dict | list):
            found = _first_too_deep(item, (*path, key), depth + 1)
            if found is not None:
                return found
    return None


def _too_deep_text(text: str, display: str) -> ProgramError:
    """A file too deep for the TOML parser itself, located at its first too-deep bracket."""
    found = _deep_bracket(text)
    if found is None:
        return ProgramError([Problem(Location(display, 1, 1), _TOO_DEEP)])
    line, column, source_line = found
    return ProgramError([Problem(Location(display, line, column), _TOO_DEEP, "", source_line)])


def _deep_bracket(text: str) -> tuple[int, int, str] | None:
    """(line, column, line text) of the first inline `[` or `{` past MAX_DEPTH, found by a scan
    that skips strings, comments and table headers: no parsed data exists to walk."""
    depth, i, n = 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            i = _line_end(text, i)
            continue
        if ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if ch == '"' and text[i] == "\\" else 1
            i += len(quote)
            continue
        if ch in "[{":
            line_start = text.rfind("\n", 0, i) + 1
            if depth == 0 and ch == "[" and not text[line_start:i].strip():
                i = _line_end(text, i)  # a [table] header
                continue
            depth += 1
            if depth > MAX_DEPTH:
                return text.count("\n", 0, i) + 1, i - line_start + 1, text[line_start : _line_end(text, i)]
        elif ch in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return None


def _line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _too_deep_records(program: Program, source: Source, root: Path) -> ProgramError:
    """The records file too deep for the TOML parser, located like any records problem."""
    from generator.records.loading import records_folder

    folder, shown = records_folder(program, source, root)
    for file in sorted(folder.glob("*.toml")):
        error = _too_deep_text(file.read_text(encoding="utf-8", errors="replace"), f"{shown}/{file.name}")
        if error.problems[0].source_line:
            return error
    return _too_deep_text("", shown)


def _folder_problems(program: Program, source: Source, root: Path) -> list[Problem]:
    """`[records] folder` and each `[checks] plugins` path lie inside the project (the folder of
    program.toml) and outside the docs and site folders: records are private and MkDocs
    publishes everything in the docs folder, the site folder is replaced by every build, and a
    plugin path outside the project would run code the repository does not hold."""
    project = resolved(root)
    problems: list[Problem] = []
    if "folder" not in program.records.model_fields_set and not program.checks.plugins:
        # The default records folder beside the program and no plugin paths: nothing to place,
        # so a plain `check` need not read mkdocs.yml (and load a YAML parser) at all.
        return _templates_problems(program, source, root, project)
    (docs, docs_name), (site, site_name) = mkdocs_folders(root)

    def inside(value: str) -> bool:
        """Inside as written ('..' and absolute paths) and once links are followed."""
        written = Path(os.path.normpath(root.absolute() / value))
        target = resolved(root / value)
        return written.is_relative_to(root.absolute()) and target.is_relative_to(project)

    def check(where: KeyPath, what: str, value: str, example: str) -> None:
        target = resolved(root / value)
        if not inside(value):
            why = f"is outside the project (the folder of {Path(source.display).name})"
        elif target.is_relative_to(docs):
            why = f"is inside the docs folder {docs_name!r}, which MkDocs publishes whole"
        elif target.is_relative_to(site):
            why = f"is inside the site folder {site_name!r}, which every build replaces"
        else:
            return
        problems.append(source.problem(where, f"{what} {value!r} {why}: use a path such as {example!r}"))

    check(("records", "folder"), "records folder", program.records.folder, "records")
    for i, entry in enumerate(program.checks.plugins):
        check(("checks", "plugins", i), "plugin file", entry, "rules/acme.py")
    return problems + _templates_problems(program, source, root, project)


def _templates_problems(program: Program, source: Source, root: Path, project: Path) -> list[Problem]:
    """`[site] templates` lies inside the project and exists, so a program `check` accepts builds."""
    problems: list[Problem] = []
    templates = program.site.templates
    if templates is not None:
        folder = root / templates
        if not Path(os.path.normpath(folder)).is_relative_to(root) or not folder.resolve().is_relative_to(
            project
        ):
            problems.append(
                source.problem(
                    ("site", "templates"),
                    f"templates folder {templates!r} is outside the project (the folder of "
                    f"{Path(source.display).name}): use a path such as 'templates'",
                )
            )
        elif not folder.is_dir():
            problems.append(
                source.problem(
                    ("site", "templates"),
                    f"templates folder {templates!r} not found (paths are relative to the program file): "
                    "create it or remove the setting",
                )
            )
    return problems


def _local_plugin_files(
    program: Program, source: Source, root: Path, refused: list[Problem]
) -> tuple[list[Path], list[Problem]]:
    paths, problems = [], []
    for i, entry in enumerate(program.checks.plugins):
        plugin = resolved(root / entry)
        if any(p.path == format_path(("checks", "plugins", i)) for p in refused):
            continue
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


class PluginsFailed(UsageError):
    """A plugin failed while the program loaded; commands that do not report findings stop here
    rather than go on without it (`check` reports it next to the findings instead)."""


def require_working_plugins(project: Project) -> Project:
    """The project, or PluginsFailed naming each plugin that failed to load or register."""
    if project.plugins.problems:
        raise PluginsFailed("\n".join(str(problem) for problem in project.plugins.problems))
    return project
