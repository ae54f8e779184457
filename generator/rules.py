"""The rule engine: load rule plugins, apply `[checks]`, run the rules, locate the findings.

Built-in rules (the modules in `plugins/`) are registered exactly like a third-party plugin:
a module that implements `handbook_register_rules`. Third-party plugins come from the
`handbook` entry-point group (unless HANDBOOK_DISABLE_PLUGIN_AUTOLOAD is set) and from local
modules named in `[checks] plugins`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from generator import hookspecs
from generator.diagnostics import Location, Problem
from generator.findings import SEVERITY_ORDER, Finding, Related, Severity, Violation
from generator.loader import LoadedProgram
from generator.model import Program
from generator.records.as_of import as_of
from generator.references import did_you_mean
from generator.source import KeyPath, format_path

DEFAULT_PLUGINS: tuple[str, ...] = (
    "plugins.suppressions",
    "plugins.workload",
    "plugins.confidentiality",
    "plugins.pairing",
    "plugins.program_design",
    "plugins.progress",
)
AUTOLOAD_OFF = "HANDBOOK_DISABLE_PLUGIN_AUTOLOAD"
DOCS_PAGE = "program/rules/"

Check = Callable[[Program, "Options"], Iterable[Violation]]


@dataclass
class Rule:
    """A check with a stable code, a kebab-case name and documentation in one shape."""

    code: str
    name: str
    severity: Severity
    summary: str
    what: str
    why: str
    example: str
    fix: str
    check: Check | None
    """None for the engine's own rules (suppressions), which `run_checks` reports itself."""
    options: dict[str, Any] = field(default_factory=dict)
    plugin: str = ""

    @property
    def anchor(self) -> str:
        return self.code.lower()


class Options(dict[str, Any]):
    """A rule's options: its defaults, overridden by `[checks.<rule-name>]`."""

    today: dt.date = dt.date.today()
    root: Path = Path(".")
    """The folder program.toml is in, for rules that read files beside it."""


@dataclass
class InternalError:
    plugin: str
    rule: str
    error: str


@dataclass
class CheckResult:
    findings: list[Finding]
    internal_errors: list[InternalError]
    rules_run: int
    rules: list[Rule] = field(default_factory=list)
    """Every registered rule (selected or not), for reports that describe them (SARIF)."""

    def failing(self, fail_on: Severity) -> list[Finding]:
        level = SEVERITY_ORDER[fail_on]
        return [
            f for f in self.findings if f.suppressed_because is None and SEVERITY_ORDER[f.severity] >= level
        ]


class ConfigurationError(Exception):
    """`[checks]` or a plugin is misconfigured: located problems, exit code 2."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} configuration error(s)")


# --------------------------------------------------------------------------------------------
# Plugins
# --------------------------------------------------------------------------------------------


def plugin_manager(local_plugins: Iterable[Path] = (), disabled: Iterable[str] = ()) -> pluggy.PluginManager:
    """A plugin manager with the built-ins, the entry-point plugins and local modules."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in disabled:
        pm.set_blocked(name)
    for module_name in DEFAULT_PLUGINS:
        if not pm.is_blocked(module_name):
            pm.register(importlib.import_module(module_name), name=module_name)
    if not os.environ.get(AUTOLOAD_OFF):
        pm.load_setuptools_entrypoints(hookspecs.PROJECT)
    for path in local_plugins:
        name = path.stem
        if not pm.is_blocked(name):
            pm.register(_import_local(path), name=name)
    return pm


def _import_local(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"handbook_local_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def registered_rules(loaded: LoadedProgram | None = None) -> list[Rule]:
    """Every rule the plugins register (for `handbook rules` and the site's rules page)."""
    local, disabled = ([], [])
    if loaded is not None:
        local, disabled = _local_plugins(loaded), loaded.program.checks.disable_plugins
    pm = plugin_manager(local, disabled)
    rules: list[Rule] = []
    for impl in pm.hook.handbook_register_rules.get_hookimpls():
        plugin_name = pm.get_name(impl.plugin) or impl.plugin_name

        def register(rule: Rule, _plugin: str = plugin_name) -> None:
            rule.plugin = _plugin
            rules.append(rule)

        impl.function(register=register)
    return sorted(rules, key=lambda r: r.code)


def _local_plugins(loaded: LoadedProgram) -> list[Path]:
    paths = []
    for i, entry in enumerate(loaded.program.checks.plugins):
        path = (loaded.root / entry).resolve()
        if not path.is_file():
            raise ConfigurationError(
                [
                    loaded.source.problem(
                        ("checks", "plugins", i),
                        f"plugin file {entry!r} not found (paths are relative to the program file)",
                    )
                ]
            )
        paths.append(path)
    return paths


# --------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------

_RESERVED = {"select", "ignore", "plugins", "disable_plugins", "severity", "suppress"}


def _matches(rule: Rule, selector: str) -> bool:
    return selector in (rule.code, rule.name) or (
        bool(re.fullmatch(r"[A-Z]+[0-9]*", selector)) and rule.code.startswith(selector)
    )


def _configure(loaded: LoadedProgram, rules: list[Rule]) -> tuple[list[Rule], dict[str, Options]]:
    checks = loaded.program.checks
    source = loaded.source
    problems: list[Problem] = []
    known = sorted({r.code for r in rules} | {r.name for r in rules})

    def unknown(path: KeyPath, selector: str) -> None:
        problems.append(
            source.problem(
                path,
                f"no rule is called {selector!r}{did_you_mean(selector, known)} "
                "(`handbook rules` lists them)",
            )
        )

    for key in ("select", "ignore"):
        for i, selector in enumerate(getattr(checks, key)):
            if not any(_matches(r, selector) for r in rules):
                unknown(("checks", key, i), selector)
    chosen = [
        r
        for r in rules
        if (not checks.select or any(_matches(r, s) for s in checks.select))
        and not any(_matches(r, s) for s in checks.ignore)
    ]
    for selector in checks.severity:
        if not any(selector in (r.code, r.name) for r in rules):
            unknown(("checks", "severity", selector), selector)

    by_name = {r.name: r for r in rules}
    options: dict[str, Options] = {}
    extra = checks.model_extra or {}
    for key, value in extra.items():
        rule = by_name.get(key)
        if rule is None:
            problems.append(
                source.problem(
                    ("checks", key),
                    f"unknown key {key!r} in checks{did_you_mean(key, sorted(by_name) + sorted(_RESERVED))}: "
                    "per-rule options go in a table named after the rule, e.g. [checks.mentor-load]",
                    at_key=True,
                )
            )
            continue
        if not isinstance(value, dict):
            problems.append(source.problem(("checks", key), f"[checks.{key}] must be a table of options"))
            continue
        for option in value:
            if option not in rule.options:
                hint = did_you_mean(option, list(rule.options)) or (
                    f"; {key} has options: {', '.join(rule.options) or 'none'}"
                )
                problems.append(
                    source.problem(
                        ("checks", key, option),
                        f"unknown option {option!r} for rule {key}{hint}",
                        at_key=True,
                    )
                )
    if problems:
        raise ConfigurationError(problems)
    for rule in rules:
        merged = Options(rule.options)
        merged.update(extra.get(rule.name, {}))
        options[rule.name] = merged
    for rule in chosen:
        override = checks.severity.get(rule.code) or checks.severity.get(rule.name)
        if override:
            rule.severity = override
    return chosen, options


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


def run_checks(loaded: LoadedProgram, on: dt.date | None = None) -> CheckResult:
    """Run every selected rule on a loaded program and return located, sorted findings."""
    on = on or as_of()
    rules = registered_rules(loaded)
    chosen, options = _configure(loaded, rules)
    findings: list[Finding] = []
    errors: list[InternalError] = []
    for rule in chosen:
        if rule.check is None:
            continue
        rule_options = options[rule.name]
        rule_options.today = on
        rule_options.root = loaded.root
        try:
            violations = list(rule.check(loaded.program, rule_options))
        except Exception as exc:  # a broken plugin must not hide the other rules' findings
            errors.append(
                InternalError(rule.plugin, f"{rule.code} [{rule.name}]", f"{type(exc).__name__}: {exc}")
            )
            continue
        findings.extend(_locate(loaded, rule, v) for v in violations)
    findings.extend(_apply_suppressions(loaded, findings, on))
    findings.sort(key=Finding.sort_key)
    return CheckResult(findings, errors, sum(1 for r in chosen if r.check is not None), rules)


def _locate(loaded: LoadedProgram, rule: Rule, violation: Violation) -> Finding:
    source = loaded.source
    location = violation.location or source.positions.locate(violation.path)
    line = source.line_text(location.line) if violation.location is None else _line_of(location)
    return Finding(
        code=rule.code,
        name=rule.name,
        severity=rule.severity,
        message=violation.message,
        path=format_path(violation.path),
        location=location,
        related=[Related(source.positions.locate(p), m) for p, m in violation.related],
        source_line=line,
    )


def _line_of(location: Location) -> str:
    try:
        lines = Path(location.file).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[location.line - 1] if 0 < location.line <= len(lines) else ""


def _apply_suppressions(loaded: LoadedProgram, findings: list[Finding], on: dt.date) -> list[Finding]:
    """Mark suppressed findings; return new findings for expired and unused suppressions."""
    extra: list[Finding] = []
    source = loaded.source
    for i, suppression in enumerate(loaded.program.checks.suppress):
        where = ("checks", "suppress", i)
        location = source.positions.locate(where)
        if suppression.expires is not None and suppression.expires < on:
            extra.append(
                Finding(
                    "HB002",
                    "suppression-expired",
                    "error",
                    f"this suppression of {suppression.rule} at {suppression.path} expired on "
                    f"{suppression.expires.isoformat()}: fix the finding, or renew the suppression with a reason",
                    format_path(where),
                    location,
                    source_line=source.line_text(location.line),
                )
            )
            continue
        used = False
        for finding in findings:
            if suppression.rule in (finding.code, finding.name) and (
                finding.path == suppression.path
                or finding.path.startswith(suppression.path + ".")
                or finding.path.startswith(suppression.path + "[")
            ):
                finding.suppressed_because = suppression.reason
                used = True
        if not used:
            extra.append(
                Finding(
                    "HB003",
                    "unused-suppression",
                    "warning",
                    f"this suppression of {suppression.rule} at {suppression.path} matches no finding: "
                    "remove it",
                    format_path(where),
                    location,
                    source_line=source.line_text(location.line),
                )
            )
    return extra
