"""Everything `handbook check` found, out: text for people, JSON for scripts, SARIF for code
scanning, GitHub annotations (and a step summary) for Actions.

CI's most common input is a program that does not load, so every outcome is one `Report` and
goes through the same renderers: a TOML syntax error, a validation, reference or records error
(reported as a result of HB001 `invalid-program`, a descriptor owned here because no plugin can
report a program that does not load), an unreadable program file, a misbehaving plugin and the
rules' findings. The requested format therefore holds whatever failed.

Files are shown relative to where the command ran in text and JSON (as people typed them), and
relative to the repository root in SARIF and GitHub output, which GitHub matches to the checkout.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from generator.diagnostics import (
    Location,
    Problem,
    ProgramError,
    UnreadableProgram,
    caret_excerpt,
    format_problem,
    relative,
)
from generator.errors import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from generator.findings import SEVERITY_ORDER, Finding, Related, Severity

if TYPE_CHECKING:
    from generator.plugin_host import PluginProblem
    from generator.rules import CheckResult, Rule

FORMATS = ("text", "json", "sarif", "github")
PACKAGE = "mentorship-handbook"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "handbookKeyPath/v1"
"""The `partialFingerprints` key: bump the version if what is hashed ever changes."""
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
_COLOUR = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_SAFE_URL = re.compile(r"(?:[A-Za-z0-9\-._~:/@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+")
"""An http(s) URL without query or fragment, every character allowed in a URI as it stands."""


def invalid_program() -> Rule:
    """HB001, the descriptor of every program error; a new value each time, so no caller can
    change a shared one."""
    from generator.rules import Rule

    return Rule(
        code="HB001",
        name="invalid-program",
        severity="error",
        summary="program.toml and its progress records load and validate.",
        what="Reports TOML syntax errors, unknown or missing keys, values of the wrong type, "
        "references to people, cohorts or rules that do not exist, and errors in the progress "
        "records, each at its line.",
        why="No rule can run, and no handbook can be published, from a program that does not "
        "load: every other check waits for these to be fixed.",
        example='[[cohorts.pairs]]\nmentor = "nobody"   # no person has this id',
        fix="Correct the value at the reported line; the message says what is expected.",
    )


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """`check --new-since`: the report's findings are the new ones; these are the rest, each with
    its fingerprint (`fingerprints`), for SARIF's `baselineState`."""

    revision: str
    new: tuple[str, ...]
    """The fingerprints of the report's results, as computed over the whole run."""
    unchanged: tuple[tuple[Finding, str], ...] = ()
    absent: tuple[tuple[Finding, str], ...] = ()
    """The base's findings this version no longer has (fixed, or their key is gone)."""


@dataclass(frozen=True)
class Report:
    """What one check run has to say, whichever stage stopped it; every format renders this."""

    program: str
    """The program file as the user named it (relative to where the command ran, or absolute)."""
    findings: tuple[Finding, ...] = ()
    program_errors: tuple[Problem, ...] = ()
    plugin_problems: tuple[PluginProblem, ...] = ()
    unreadable: str = ""
    """Why the program file could not be read at all; then nothing else ran."""
    rules: tuple[Rule, ...] = ()
    rules_run: int = 0
    docs_url: str = ""
    summary_label: str = field(default="", compare=False)
    """Put before the text summary of findings ('program.toml: ')."""
    baseline: Baseline | None = None
    """Set by `check --new-since`: findings and program errors hold only what is new."""

    @classmethod
    def of_result(cls, result: CheckResult, program: str, docs_url: str = "", label: str = "") -> Report:
        return cls(
            program,
            findings=tuple(result.findings),
            plugin_problems=tuple(result.plugin_problems),
            rules=tuple(result.rules),
            rules_run=result.rules_run,
            docs_url=docs_url,
            summary_label=label,
        )

    @classmethod
    def of_program_error(cls, error: ProgramError, program: str) -> Report:
        return cls(program, program_errors=tuple(error.problems))

    @classmethod
    def of_unreadable(cls, error: UnreadableProgram, program: str) -> Report:
        return cls(program, unreadable=str(error))

    @property
    def results(self) -> list[Finding]:
        """Program errors (as HB001 results) then the rules' findings: what JSON, SARIF and
        GitHub list, so a consumer reads both the same way."""
        rule = invalid_program()
        return [
            Finding(
                code=rule.code,
                name=rule.name,
                severity=rule.severity,
                message=p.message,
                path=p.path,
                location=p.location,
                related=[Related(where, why) for where, why in p.related],
                source_line=p.source_line,
            )
            for p in self.program_errors
        ] + list(self.findings)

    def shown(self) -> list[Finding]:
        return [f for f in self.results if f.suppressed_because is None]

    def exit_code(self, fail_on: Severity = "error") -> int:
        """2 when the tool could not do its job (unreadable file, plugin problem), 1 for program
        errors or findings at or above `fail_on`, else 0."""
        if self.unreadable or self.plugin_problems:
            return EXIT_USAGE
        if self.program_errors:
            return EXIT_PROBLEMS
        failing = any(
            f.suppressed_because is None and SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[fail_on]
            for f in self.findings
        )
        return EXIT_PROBLEMS if failing else EXIT_OK

    def summary(self) -> str:
        """One line: '2 errors in program.toml', or the counts of findings by severity."""
        if self.unreadable:
            return f"handbook: {self.unreadable}"
        if self.program_errors:
            return ProgramError(list(self.program_errors)).summary(self.program)
        shown = self.shown()
        counts = Counter(f.severity for f in shown)
        suppressed = len(self.findings) - len(shown)
        parts = [
            f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}"
            for s in ("error", "warning", "info")
        ]
        text = ", ".join(parts) if shown else "no findings"
        if suppressed:
            text += f" ({suppressed} suppressed)"
        if self.baseline is None:
            return f"{text} from {self.rules_run} rules"
        b = self.baseline
        text = text if shown else "no new findings"
        return (
            f"{text} from {self.rules_run} rules "
            f"(new since {b.revision}; {len(b.unchanged)} unchanged, {len(b.absent)} fixed)"
        )


# --------------------------------------------------------------------------------------------
# Files: relative to the working folder (text, JSON) or to the repository (SARIF, GitHub)
# --------------------------------------------------------------------------------------------


def repository_root(program: str) -> Path:
    """The nearest folder at or above the program file that holds `.git`, else the program's
    folder: SARIF and GitHub name files relative to the checkout, never with `..`."""
    folder = Path(program).resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


@dataclass(frozen=True)
class _Files:
    """Turns a location's file into a path on disk and a name relative to the repository."""

    program_folder: Path
    root: Path

    @classmethod
    def of(cls, report: Report) -> _Files:
        return cls(Path(report.program).resolve().parent, repository_root(report.program))

    def absolute(self, file: str) -> Path:
        """Files are named relative to the working folder, except what a rule finds beside the
        program (a custom template, a hand-written page), named relative to the program."""
        path = Path(file)
        if path.is_absolute():
            return path.resolve()
        here = Path.cwd() / path
        beside = self.program_folder / path
        return (beside if not here.exists() and beside.exists() else here).resolve()

    def in_repository(self, file: str) -> str | None:
        """The file relative to the repository root, with forward slashes; None when outside."""
        path = self.absolute(file)
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else None

    def shown(self, file: str) -> str:
        """For GitHub: repository-relative, else absolute."""
        inside = self.in_repository(file)
        return inside if inside is not None else self.absolute(file).as_posix()

    def artifact(self, file: str) -> dict[str, str]:
        """A SARIF artifactLocation: a percent-encoded relative URI against SRCROOT, or (outside
        the repository) an absolute `file:` URI."""
        inside = self.in_repository(file)
        if inside is None:
            return {"uri": self.absolute(file).as_uri()}
        return {"uri": quote(inside), "uriBaseId": "SRCROOT"}

    def root_uri(self) -> str:
        uri = self.root.as_uri()
        return uri if uri.endswith("/") else uri + "/"


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------


def as_text(report: Report, colour: bool = False) -> str:
    """What people read: exactly what every command prints for a program error, else one
    located line (and a caret excerpt) per finding, then the counts."""
    if report.unreadable:
        return report.summary() + "\n"
    if report.program_errors:
        problems = "\n".join(format_problem(p) for p in report.program_errors)
        return f"{problems}\n\n{report.summary()}\n"
    lines: list[str] = []
    for f in report.findings:
        if f.suppressed_because is not None:
            continue
        code = f"{_COLOUR[f.severity]}{f.code}\033[0m" if colour else f.code
        lines.append(
            f"{relative(f.location.file)}:{f.location.line}:{f.location.column}: "
            f"{code} [{f.name}] {f.message}"
        )
        if f.source_line:
            end = f.location.end_column if f.location.end_line == f.location.line else 0
            lines.append(caret_excerpt(f.source_line, f.location.column, end))
        for r in f.related:
            lines.append(f"    related: {_where(r.location)}: {r.message}")
    if lines:
        lines.append("")
    lines.append(f"{report.summary_label}{report.summary()}")
    return "\n".join(lines) + "\n"


def _where(location: Location) -> str:
    return f"{relative(location.file)}:{location.line}:{location.column}"


# --------------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------------


def _finding_json(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "name": f.name,
        "severity": f.severity,
        "message": f.message,
        "path": f.path,
        "file": relative(f.location.file),
        "line": f.location.line,
        "column": f.location.column,
        "end_line": f.location.end_line or f.location.line,
        "end_column": f.location.end_column or f.location.column,
        "related": [
            {
                "file": relative(r.location.file),
                "line": r.location.line,
                "column": r.location.column,
                "message": r.message,
            }
            for r in f.related
        ],
        "suppressed": f.suppressed_because,
    }


def as_json(report: Report) -> str:
    """Program errors are HB001 findings; `errors` says why the tool could not run at all."""
    results = report.results
    shown = report.shown()
    data = {
        "findings": [_finding_json(f) for f in results],
        "summary": {
            "error": sum(f.severity == "error" for f in shown),
            "warning": sum(f.severity == "warning" for f in shown),
            "info": sum(f.severity == "info" for f in shown),
            "suppressed": len(results) - len(shown),
            "rules_run": report.rules_run,
            **(
                {
                    "new_since": {
                        "revision": report.baseline.revision,
                        "unchanged": len(report.baseline.unchanged),
                        "fixed": len(report.baseline.absent),
                    }
                }
                if report.baseline is not None
                else {}
            ),
        },
        "plugin_errors": [
            {
                "plugin": p.plugin,
                "file": relative(p.file),
                "line": p.location.line if p.location else None,
                "column": p.location.column if p.location else None,
                "doing": p.doing,
                "error": p.error,
            }
            for p in report.plugin_problems
        ],
        "errors": [{"file": relative(report.program), "message": report.unreadable}]
        if report.unreadable
        else [],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------------------------
# SARIF 2.1.0, as GitHub code scanning accepts it
# --------------------------------------------------------------------------------------------


def tool_version() -> str:
    """The installed package's version, else the one in pyproject.toml (a source checkout)."""
    import importlib.metadata

    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        try:
            import tomllib

            return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "0+unknown"


def docs_base(url: str) -> str:
    """`[site] url` as an absolute base ending in '/', or '' when it is not an absolute http(s)
    URL: a `helpUri` must be one, and must not point at a page that is not there."""
    url = url.strip()
    if not url or not _SAFE_URL.fullmatch(url):
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return ""
    return url.rstrip("/") + "/"


def _help_text(rule: Rule) -> dict[str, str]:
    return {
        "text": f"{rule.what}\n\nWhy: {rule.why}\n\nHow to fix: {rule.fix}",
        "markdown": f"{rule.what}\n\n**Why:** {rule.why}\n\n**How to fix:** {rule.fix}",
    }


def _descriptor(rule: Rule, base: str, on_rules_page: bool) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.what},
        "help": _help_text(rule),
    }
    if base and on_rules_page:
        from generator.rules import DOCS_PAGE

        descriptor["helpUri"] = f"{base}{DOCS_PAGE}#{rule.anchor}"
    descriptor["defaultConfiguration"] = {"level": _SARIF_LEVEL[rule.severity]}
    descriptor["properties"] = {"plugin": rule.plugin or "handbook"}
    return descriptor


def _region(location: Location) -> dict[str, int]:
    return {
        "startLine": location.line,
        "startColumn": location.column,
        "endLine": location.end_line or location.line,
        "endColumn": max(location.end_column or location.column + 1, location.column + 1)
        if (location.end_line or location.line) == location.line
        else location.end_column or 1,
    }


def _physical(files: _Files, location: Location, file: str = "") -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": files.artifact(file or location.file),
            "region": _region(location),
        }
    }


def fingerprints(results: Iterable[Finding], files: _Files) -> list[str]:
    """A hash per result of its rule code, key path and file: stable when lines move. Results
    without a key path (a syntax error, a finding in a page) add their message, and repeats of
    the same key count up, so two results never share a fingerprint."""
    import hashlib

    seen: Counter[str] = Counter()
    out = []
    for f in results:
        file = files.artifact(f.location.file)["uri"]
        key = "\0".join((f.code, f.path, file) if f.path else (f.code, "", file, f.message))
        seen[key] += 1
        if seen[key] > 1:
            key += f"\0{seen[key]}"
        out.append(hashlib.sha256(key.encode("utf-8")).hexdigest()[:32])
    return out


def result_fingerprints(report: Report) -> list[str]:
    """The fingerprint of each of the report's results (`fingerprints`): what `check --new-since`
    matches a base's findings by."""
    return fingerprints(report.results, _Files.of(report))


def _result(f: Finding, fingerprint: str, files: _Files, index: dict[str, int], state: str) -> dict[str, Any]:
    """One SARIF result; `state` is its baselineState ('' when not compared with a base)."""
    entry: dict[str, Any] = {
        "ruleId": f.code,
        "level": _SARIF_LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [_physical(files, f.location)],
        "partialFingerprints": {FINGERPRINT: fingerprint},
        "properties": {"path": f.path, "name": f.name},
    }
    if state:
        entry["baselineState"] = state
    if state == "absent":
        # fixed since the base: a result that passes, so no consumer shows it as an open alert
        entry["kind"], entry["level"] = "pass", "none"
    if f.code in index:
        entry["ruleIndex"] = index[f.code]
    if f.related:
        entry["relatedLocations"] = [
            {"id": i, **_physical(files, r.location), "message": {"text": r.message}}
            for i, r in enumerate(f.related)
        ]
    if f.suppressed_because is not None:
        entry["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": f.suppressed_because}
        ]
    return entry


def _notification(files: _Files, problem: PluginProblem) -> dict[str, Any]:
    entry: dict[str, Any] = {"level": "error", "message": {"text": str(problem)}}
    if problem.location is not None:
        entry["locations"] = [_physical(files, problem.location, problem.file)]
    entry["properties"] = {"plugin": problem.plugin, "doing": problem.doing}
    return entry


def as_sarif(report: Report) -> str:
    """SARIF 2.1.0: one run; HB001 and the rules as reportingDescriptors; suppressions with
    reasons; plugin problems and an unreadable program as tool execution notifications."""
    files = _Files.of(report)
    base = docs_base(report.docs_url)
    rules = [invalid_program(), *report.rules]
    index = {r.code: i for i, r in enumerate(rules)}
    descriptors = [
        _descriptor(r, base, on_rules_page=r.code in {x.code for x in report.rules}) for r in rules
    ]
    found = report.results
    baseline = report.baseline
    prints = list(baseline.new) if baseline is not None else fingerprints(found, files)
    results = [
        _result(f, fingerprint, files, index, "new" if baseline else "")
        for f, fingerprint in zip(found, prints, strict=True)
    ]
    if baseline is not None:
        results += [_result(f, fp, files, index, "unchanged") for f, fp in baseline.unchanged]
        results += [_result(f, fp, files, index, "absent") for f, fp in baseline.absent]
    notifications = [_notification(files, p) for p in report.plugin_problems]
    if report.unreadable:
        notifications.append({"level": "error", "message": {"text": report.unreadable}})
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "handbook",
                        "version": tool_version(),
                        "informationUri": base or f"https://pypi.org/project/{PACKAGE}/",
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {"SRCROOT": {"uri": files.root_uri()}},
                "columnKind": "unicodeCodePoints",
                "invocations": [
                    {
                        "executionSuccessful": not (report.plugin_problems or report.unreadable),
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------------------------
# GitHub Actions: workflow commands and the step summary
# --------------------------------------------------------------------------------------------


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(
    level: str, message: str, title: str, file: str = "", location: Location | None = None
) -> str:
    props = [f"file={_escape_property(file)}"] if file else []
    if location is not None:
        props += [f"line={location.line}", f"col={location.column}"]
        if location.end_line:
            props.append(f"endLine={location.end_line}")
        if location.end_line == location.line and location.end_column:
            props.append(f"endColumn={location.end_column}")
    props.append(f"title={_escape_property(title)}")
    return f"::{level} {','.join(props)}::{_escape_data(message)}"


def _plugin_file(files: _Files, problem: PluginProblem) -> str:
    """The plugin's file for an annotation, when it is a file at all (not an entry point)."""
    return files.shown(problem.file) if Path(problem.file).is_file() else ""


def as_github(report: Report) -> str:
    """GitHub Actions workflow commands: one annotation per problem, on the right line."""
    files = _Files.of(report)
    lines = []
    if report.unreadable:
        lines.append(f"::error::{_escape_data(report.unreadable)}")
    for f in report.shown():
        lines.append(
            _annotation(
                _GITHUB_LEVEL[f.severity],
                f.message,
                f"{f.code} [{f.name}]",
                files.shown(f.location.file),
                f.location,
            )
        )
    for p in report.plugin_problems:
        lines.append(
            _annotation(
                "error",
                f"plugin {p.plugin} failed {p.doing}: {p.error}",
                f"plugin {p.plugin}",
                _plugin_file(files, p),
                p.location,
            )
        )
    if not report.unreadable:
        lines.append(report.summary())
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text safe in one Markdown table cell: no HTML, no column breaks, no new lines."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def as_step_summary(report: Report) -> str:
    """Markdown for `$GITHUB_STEP_SUMMARY`: the counts, then every error and warning."""
    files = _Files.of(report)
    lines = [
        f"### handbook check: {_cell(files.shown(report.program))}",
        "",
        f"**{_cell(f'could not be read: {report.unreadable}' if report.unreadable else report.summary())}**",
    ]
    if report.plugin_problems:
        count = len(report.plugin_problems)
        lines[-1] += f", and {count} plugin problem{'s' if count != 1 else ''}"
    rows = [
        (f.severity, f"{files.shown(f.location.file)}:{f.location.line}", f"{f.code} {f.name}", f.message)
        for f in report.shown()
        if f.severity in ("error", "warning")
    ]
    for p in report.plugin_problems:
        where = _plugin_file(files, p) or p.file
        if p.location is not None:
            where += f":{p.location.line}"
        rows.append(("error", where, f"plugin {p.plugin}", f"failed {p.doing}: {p.error}"))
    if rows:
        lines += ["", "| Level | Where | Code | Message |", "| --- | --- | --- | --- |"]
        lines += [f"| {' | '.join(_cell(c) for c in row)} |" for row in rows]
    return "\n".join(lines) + "\n\n"


# --------------------------------------------------------------------------------------------


def render(report: Report, fmt: str, colour: bool = False) -> str:
    if fmt == "json":
        return as_json(report)
    if fmt == "sarif":
        return as_sarif(report)
    if fmt == "github":
        return as_github(report)
    return as_text(report, colour)


def use_colour(stream: Any) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ
