"""`handbook rules` lists every rule; `handbook rule CODE|NAME` prints one rule's documentation."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.cli import add_plugins_option, plugins_wanted
from generator.diagnostics import ProgramError, UnreadableProgram
from generator.errors import EXIT_OK, UsageError

if TYPE_CHECKING:
    from generator.rules import Rule


def register(subparsers: argparse._SubParsersAction) -> None:
    listing = subparsers.add_parser("rules", help="list the rules (code, name, severity, plugin)")
    listing.add_argument(
        "program",
        nargs="?",
        default="program.toml",
        help="include the local plugins named in this program's [checks] (default: ./program.toml)",
    )
    add_plugins_option(listing)
    listing.set_defaults(run=run_list)
    one = subparsers.add_parser("rule", help="print one rule's documentation")
    one.add_argument("rule", metavar="CODE|NAME", help="a rule's code (HB101) or name (mentor-load)")
    one.add_argument(
        "program",
        nargs="?",
        default="program.toml",
        help="include this program's local plugins (default: ./program.toml)",
    )
    add_plugins_option(one)
    one.set_defaults(run=run_one)


def _rules(program: str, plugins: bool | None) -> list[Rule]:
    """The program's rules (with its local plugins); the installed ones when it does not load
    (`handbook check` reports why). A plugin that fails to load is an error, not a shorter list."""
    from generator.plugin_host import AUTOLOAD_OFF, PluginHost, load_plugins
    from generator.project import PluginsFailed, open_project, require_working_plugins
    from generator.rules import registered_rules

    if Path(program).is_file():
        try:
            return require_working_plugins(
                open_project(Path(program), display=program, plugins=plugins)
            ).rules.rules
        except (ProgramError, UnreadableProgram):
            pass
    host: PluginHost = load_plugins(autoload=plugins is not False and not os.environ.get(AUTOLOAD_OFF))
    rules = registered_rules(host)
    if host.problems:
        raise PluginsFailed("\n".join(str(problem) for problem in host.problems))
    return rules


def run_list(args: argparse.Namespace) -> int:
    rules = _rules(args.program, plugins_wanted(args))
    width = max((len(r.name) for r in rules), default=4)
    print(f"{'CODE':<8}{'NAME':<{width + 2}}{'SEVERITY':<10}PLUGIN")
    for r in rules:
        print(f"{r.code:<8}{r.name:<{width + 2}}{r.severity:<10}{r.plugin}")
    return EXIT_OK


def rule_markdown(rule: Rule, heading: str = "#") -> str:
    """One rule's documentation, in the same shape for every rule (used by the site too)."""
    options = "".join(
        f"- `{name}` (default: `{_toml(field.get_default(call_default_factory=True))}`)"
        + (f": {field.description}" if field.description else "")
        + "\n"
        for name, field in rule.options.model_fields.items()
    )
    return (
        f"{heading} {rule.code} {rule.name}\n\n"
        f"{rule.summary} Default severity: **{rule.severity}**. Plugin: `{rule.plugin}`.\n\n"
        f"**What it checks.** {rule.what}\n\n"
        f"**Why it matters.** {rule.why}\n\n"
        f"**Example.**\n\n```toml\n{rule.example}\n```\n\n"
        f"**How to fix.** {rule.fix}\n"
        + (f"\n**Options** (`[checks.{rule.name}]`):\n\n{options}" if options else "")
    )


def run_one(args: argparse.Namespace) -> int:
    rules = _rules(args.program, plugins_wanted(args))
    wanted = args.rule
    for r in rules:
        if wanted in (r.code, r.name) or wanted.upper() == r.code:
            print(rule_markdown(r), end="")
            return EXIT_OK
    from generator.references import did_you_mean

    hint = did_you_mean(wanted, [r.name for r in rules] + [r.code for r in rules])
    raise UsageError(f"no rule is called {wanted!r}{hint} (`handbook rules` lists them)")


def _toml(value: Any) -> str:
    """A default as it is written in program.toml."""
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return str(value).lower()
    return json.dumps(value, ensure_ascii=False)
