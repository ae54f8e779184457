"""Findings out: text for people, JSON for scripts, SARIF for code scanning, GitHub annotations.

Every format carries the same facts: the rule's code and name, severity, message, key path and
location (the path relative to where the command ran, so CI tools can match it to the repo).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from generator.diagnostics import Location, caret_excerpt
from generator.findings import Finding
from generator.rules import CheckResult, Rule

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://json-schema.org/draft-07/schema#"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
_COLOUR = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}


def relative(file: str) -> str:
    """A location's file relative to the working folder, with forward slashes."""
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_posix()
    return path.as_posix()


def _summary(result: CheckResult) -> str:
    shown = [f for f in result.findings if f.suppressed_because is None]
    counts = Counter(f.severity for f in shown)
    suppressed = len(result.findings) - len(shown)
    parts = [
        f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}"
        for s in ("error", "warning", "info")
    ]
    text = ", ".join(parts) if shown else "no findings"
    if suppressed:
        text += f" ({suppressed} suppressed)"
    return f"{text} from {result.rules_run} rules"


def as_text(result: CheckResult, colour: bool = False, label: str = "") -> str:
    lines: list[str] = []
    for f in result.findings:
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
    lines.append(f"{label}{_summary(result)}")
    return "\n".join(lines) + "\n"


def _where(location: Location) -> str:
    return f"{relative(location.file)}:{location.line}:{location.column}"


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


def as_json(result: CheckResult) -> str:
    shown = [f for f in result.findings if f.suppressed_because is None]
    data = {
        "findings": [_finding_json(f) for f in result.findings],
        "summary": {
            "error": sum(f.severity == "error" for f in shown),
            "warning": sum(f.severity == "warning" for f in shown),
            "info": sum(f.severity == "info" for f in shown),
            "suppressed": len(result.findings) - len(shown),
            "rules_run": result.rules_run,
        },
        "plugin_errors": [
            {"plugin": p.plugin, "file": p.file, "doing": p.doing, "error": p.error}
            for p in result.plugin_problems
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _region(location: Location) -> dict[str, int]:
    return {
        "startLine": location.line,
        "startColumn": location.column,
        "endLine": location.end_line or location.line,
        "endColumn": max(location.end_column or location.column + 1, location.column + 1)
        if (location.end_line or location.line) == location.line
        else location.end_column or 1,
    }


def _physical(location: Location) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": relative(location.file), "uriBaseId": "SRCROOT"},
            "region": _region(location),
        }
    }


def as_sarif(result: CheckResult, rules: list[Rule], docs_url: str = "") -> str:
    """SARIF 2.1.0: one run, the rules as reportingDescriptors, suppressions with reasons."""
    index = {r.code: i for i, r in enumerate(rules)}
    base = docs_url.rstrip("/") + "/" if docs_url else ""
    descriptors = [
        {
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.what},
            "help": {
                "text": f"{r.why}\n\nHow to fix: {r.fix}",
                "markdown": f"{r.why}\n\n**How to fix:** {r.fix}",
            },
            "helpUri": f"{base}program/rules/#{r.anchor}",
            "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
            "properties": {"plugin": r.plugin},
        }
        for r in rules
    ]
    results = []
    for f in result.findings:
        entry: dict[str, Any] = {
            "ruleId": f.code,
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [_physical(f.location)],
            "properties": {"path": f.path, "name": f.name},
        }
        if f.code in index:
            entry["ruleIndex"] = index[f.code]
        if f.related:
            entry["relatedLocations"] = [
                {"id": i, **_physical(r.location), "message": {"text": r.message}}
                for i, r in enumerate(f.related)
            ]
        if f.suppressed_because is not None:
            entry["suppressions"] = [
                {"kind": "external", "status": "accepted", "justification": f.suppressed_because}
            ]
        results.append(entry)
    notifications = [{"level": "error", "message": {"text": str(p)}} for p in result.plugin_problems]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "handbook",
                        "informationUri": base or "https://pypi.org/project/mentorship-handbook/",
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {"SRCROOT": {"uri": Path.cwd().as_uri() + "/"}},
                "invocations": [
                    {
                        "executionSuccessful": not result.plugin_problems,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(result: CheckResult) -> str:
    """GitHub Actions workflow commands: one annotation per finding, on the right line."""
    lines = []
    for f in result.findings:
        if f.suppressed_because is not None:
            continue
        loc = f.location
        props = [
            f"file={_escape_property(relative(loc.file))}",
            f"line={loc.line}",
            f"col={loc.column}",
        ]
        if loc.end_line:
            props.append(f"endLine={loc.end_line}")
        if loc.end_line == loc.line and loc.end_column:
            props.append(f"endColumn={loc.end_column}")
        props.append(f"title={_escape_property(f'{f.code} [{f.name}]')}")
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {','.join(props)}::{_escape_data(f.message)}")
    lines.append(_summary(result))
    return "\n".join(lines) + "\n"


def render(
    result: CheckResult,
    fmt: str,
    rules: list[Rule],
    docs_url: str = "",
    colour: bool = False,
    label: str = "",
) -> str:
    if fmt == "json":
        return as_json(result)
    if fmt == "sarif":
        return as_sarif(result, rules, docs_url)
    if fmt == "github":
        return as_github(result)
    return as_text(result, colour, label)


def use_colour(stream: Any) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ
