"""The rule engine: what a rule is, which rules `[checks]` selects and with which options, and
running them on a project to get located, sorted findings.

Rules come from plugins (see `generator.plugin_host`): built-in ones exactly like third-party
ones. Each rule declares its options as a pydantic model, so `[checks.<rule-name>]` tables are
validated when the program loads, at their lines, like every other table of program.toml.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from generator.diagnostics import Location, Problem
from generator.findings import SEVERITY_ORDER, Finding, Related, Severity, Violation
from generator.loader import names_a_key, validate_table
from generator.model import Program, Suppression
from generator.plugin_host import PluginHost, PluginProblem
from generator.references import did_you_mean
from generator.source import KeyPath, Source, format_path

if TYPE_CHECKING:
    from generator.project import Project

DOCS_PAGE = "program/rules/"


class RuleOptions(BaseModel):
    """Base of a rule's options (`[checks.<rule-name>]`): unknown keys and loose types are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)


class NoOptions(RuleOptions):
    """For a rule without options."""


Check = Callable[["Project", Any], Iterable[Violation]]
"""`check(project, options)`: the project (program, records, date, root) and the rule's options."""
Review = Callable[["Project", Any, Sequence[Finding]], Iterable[Violation]]
"""`review(project, options, findings)`: for rules about the other rules' findings (HB003)."""


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
    check: Check | None = None
    review: Review | None = None
    """Set instead of `check` by a rule that reads the other rules' findings; it runs last."""
    options: type[RuleOptions] = NoOptions
    plugin: str = ""

    @property
    def anchor(self) -> str:
        """The id MkDocs gives this rule's heading (`## HB101 mentor-load`) on the rules page,
        which SARIF's `helpUri` links to; codes and names are ASCII, so this is its slug."""
        return f"{self.code}-{self.name}".lower()


# --------------------------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------------------------

_CODE = re.compile(r"^[A-Z]+[0-9]+$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


def registered_rules(host: PluginHost) -> list[Rule]:
    """Every rule the plugins register, sorted by code; a malformed or clashing rule is a
    problem of the plugin that registered it."""
    rules: list[Rule] = []
    taken: dict[str, str] = {}
    for plugin, found in host.register_all("handbook_register_rules", "to register its rules"):
        for rule in found:
            why = _malformed(rule, taken)
            if why:
                file = host.file_of(host.manager.get_plugin(plugin))
                host.problems.append(PluginProblem(plugin, file, "to register its rules", why))
                continue
            rule.plugin = plugin
            taken[rule.code] = taken[rule.name] = plugin
            rules.append(rule)
    return sorted(rules, key=lambda r: r.code)


def _malformed(rule: object, taken: dict[str, str]) -> str:
    if not isinstance(rule, Rule):
        return f"registered {type(rule).__name__}, not a generator.rules.Rule"
    if not _CODE.match(rule.code):
        return f"rule code {rule.code!r} is not capital letters then digits (like ACME101)"
    if not _NAME.match(rule.name):
        return f"rule name {rule.name!r} is not kebab-case (like sponsor-named)"
    for key in (rule.code, rule.name):
        if key in taken:
            return f"rule {key!r} is already registered by plugin {taken[key]}"
    if (rule.check is None) == (rule.review is None):
        return f"rule {rule.code} must set exactly one of check and review"
    if not (isinstance(rule.options, type) and issubclass(rule.options, RuleOptions)):
        return f"rule {rule.code}'s options must be a RuleOptions model class"
    return ""


# --------------------------------------------------------------------------------------------
# Configuration: `[checks]`
# --------------------------------------------------------------------------------------------

_RESERVED = ("select", "ignore", "plugins", "disable_plugins", "severity", "suppress")


@dataclass
class RuleSettings:
    """The rules `[checks]` selects, each with its validated options and effective severity."""

    rules: list[Rule]
    """Every registered rule, selected or not (reports describe them all)."""
    chosen: list[Rule]
    options: dict[str, RuleOptions] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)

    def enabled(self, name: str) -> bool:
        return any(rule.name == name for rule in self.chosen)

    def options_of(self, name: str) -> Any:
        """The options of a selected rule; None when `[checks]` leaves it out."""
        return self.options.get(name) if self.enabled(name) else None


def _matches(rule: Rule, selector: str) -> bool:
    return selector in (rule.code, rule.name) or (
        bool(re.fullmatch(r"[A-Z]+[0-9]*", selector)) and rule.code.startswith(selector)
    )


def configure(rules: list[Rule], program: Program, source: Source) -> tuple[RuleSettings, list[Problem]]:
    """Apply `[checks]` to the registered rules; every mistake in it is a located problem."""
    checks = program.checks
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
    for selector in checks.severity:
        if not any(selector in (r.code, r.name) for r in rules):
            unknown(("checks", "severity", selector), selector)

    by_name = {r.name: r for r in rules}
    options: dict[str, RuleOptions] = {}
    extra = checks.model_extra or {}
    for key in extra:
        if key not in by_name:
            hint = did_you_mean(key, sorted(by_name) + list(_RESERVED))
            problems.append(
                source.problem(
                    ("checks", key),
                    f"unknown key {key!r} in checks{hint}: per-rule options go in a table named "
                    "after the rule, e.g. [checks.mentor-load]",
                    at_key=True,
                )
            )
    for rule in rules:
        raw = extra.get(rule.name, {})
        if not isinstance(raw, dict):
            problems.append(
                source.problem(("checks", rule.name), f"[checks.{rule.name}] must be a table of options")
            )
            continue
        validated, found = validate_table(rule.options, source, raw, ("checks", rule.name))
        problems.extend(found)
        if validated is not None:
            options[rule.name] = validated
    chosen = [
        r
        for r in rules
        if (not checks.select or any(_matches(r, s) for s in checks.select))
        and not any(_matches(r, s) for s in checks.ignore)
    ]
    severity: dict[str, Severity] = {
        r.name: checks.severity.get(r.code) or checks.severity.get(r.name) or r.severity for r in rules
    }
    return RuleSettings(rules, chosen, options, severity), problems


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


@dataclass
class CheckResult:
    findings: list[Finding]
    plugin_problems: list[PluginProblem]
    rules_run: int
    rules: list[Rule] = field(default_factory=list)
    """Every registered rule (selected or not), for reports that describe them (SARIF)."""

    def failing(self, fail_on: Severity) -> list[Finding]:
        level = SEVERITY_ORDER[fail_on]
        return [
            f for f in self.findings if f.suppressed_because is None and SEVERITY_ORDER[f.severity] >= level
        ]


def run_checks(project: Project) -> CheckResult:
    """Run every selected rule on the project and return located, sorted findings.

    Rules that review findings (HB003) run last, after suppressions are applied.
    """
    settings, host = project.rules, project.plugins
    findings: list[Finding] = []
    for rule in settings.chosen:
        if rule.check is not None:
            findings.extend(_run(project, rule, rule.check, (project, settings.options[rule.name])))
    _apply_suppressions(project, findings)
    for rule in settings.chosen:
        if rule.review is not None:
            args = (project, settings.options[rule.name], tuple(findings))
            findings.extend(_run(project, rule, rule.review, args))
    findings.sort(key=Finding.sort_key)
    return CheckResult(findings, list(host.problems), len(settings.chosen), settings.rules)


def _run(
    project: Project, rule: Rule, function: Callable[..., Iterable[Violation]], args: tuple[Any, ...]
) -> list[Finding]:
    """One rule's findings; whatever the rule does wrong is its plugin's problem, not a crash."""
    host = project.plugins
    doing = f"in rule {rule.code} [{rule.name}]"
    out: list[Finding] = []
    with host.guard(rule.plugin, doing):
        for violation in function(*args):
            if not isinstance(violation, Violation):
                raise TypeError(f"yielded {type(violation).__name__}, not a generator.findings.Violation")
            if violation.location is None and not names_a_key(project.source.data, violation.path):
                host.problems.append(
                    PluginProblem(
                        rule.plugin,
                        host.file_of(host.manager.get_plugin(rule.plugin)),
                        doing,
                        f"reported key path {format_path(violation.path) or '(empty)'!r}, which "
                        f"{project.source.display} does not have",
                    )
                )
                continue
            out.append(_locate(project, rule, violation))
    return out


def _locate(project: Project, rule: Rule, violation: Violation) -> Finding:
    source = project.source
    location = violation.location or source.positions.locate(violation.path)
    line = source.line_text(location.line) if violation.location is None else _line_of(project, location)
    return Finding(
        code=rule.code,
        name=rule.name,
        severity=project.rules.severity[rule.name],
        message=violation.message,
        path=format_path(violation.path),
        location=location,
        related=[Related(source.positions.locate(p), m) for p, m in violation.related],
        source_line=line,
    )


def _line_of(project: Project, location: Location) -> str:
    path = project.root / location.file
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return ""
    return lines[location.line - 1].rstrip("\r") if 0 < location.line <= len(lines) else ""


def suppression_applies(suppression: Suppression, finding: Finding) -> bool:
    """A suppression covers findings of its rule at its key path or anywhere inside it."""
    return suppression.rule in (finding.code, finding.name) and (
        finding.path == suppression.path
        or finding.path.startswith(suppression.path + ".")
        or finding.path.startswith(suppression.path + "[")
    )


def _apply_suppressions(project: Project, findings: list[Finding]) -> None:
    """Mark the findings that a suppression still in force covers (expired ones are HB002's)."""
    for suppression in project.program.checks.suppress:
        if suppression.expires is not None and suppression.expires < project.today:
            continue
        for finding in findings:
            if suppression_applies(suppression, finding):
                finding.suppressed_because = suppression.reason
