"""`handbook rules` lists every rule; `handbook rule CODE|NAME` prints one rule's documentation."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli import EXIT_OK, EXIT_USAGE
from generator.diagnostics import ProgramError, UnreadableProgram
from generator.loader import LoadedProgram, load_program
from generator.references import did_you_mean
from generator.rules import ConfigurationError, Rule, registered_rules


def register(subparsers: argparse._SubParsersAction) -> None:
    listing = subparsers.add_parser("rules", help="list the rules (code, name, severity, plugin)")
    listing.add_argument(
        "--program",
        default="program.toml",
        help="include local plugins named in this program's [checks] (default: ./program.toml, if present)",
    )
    listing.set_defaults(run=run_list)
    one = subparsers.add_parser("rule", help="print one rule's documentation")
    one.add_argument("rule", metavar="CODE|NAME")
    one.add_argument("--program", default="program.toml")
    one.set_defaults(run=run_one)


def _rules(program: str) -> list[Rule] | int:
    loaded: LoadedProgram | None = None
    if Path(program).is_file():
        try:
            loaded = load_program(Path(program), display=program)
        except (ProgramError, UnreadableProgram):
            loaded = None  # list the installed rules; `handbook check` reports the program
    try:
        return registered_rules(loaded)
    except ConfigurationError as exc:
        for problem in exc.problems:
            print(f"{problem.location}: {problem.message}", file=sys.stderr)
        return EXIT_USAGE


def run_list(args: argparse.Namespace) -> int:
    rules = _rules(args.program)
    if isinstance(rules, int):
        return rules
    width = max((len(r.name) for r in rules), default=4)
    print(f"{'CODE':<8}{'NAME':<{width + 2}}{'SEVERITY':<10}PLUGIN")
    for r in rules:
        print(f"{r.code:<8}{r.name:<{width + 2}}{r.severity:<10}{r.plugin}")
    return EXIT_OK


def rule_markdown(rule: Rule, heading: str = "#") -> str:
    """One rule's documentation, in the same shape for every rule (used by the site too)."""
    options = "".join(f"- `{k}` (default: `{v!r}`)\n" for k, v in rule.options.items())
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
    rules = _rules(args.program)
    if isinstance(rules, int):
        return rules
    wanted = args.rule
    for r in rules:
        if wanted in (r.code, r.name) or wanted.upper() == r.code:
            print(rule_markdown(r), end="")
            return EXIT_OK
    hint = did_you_mean(wanted, [r.name for r in rules] + [r.code for r in rules])
    print(f"handbook: no rule is called {wanted!r}{hint} (`handbook rules` lists them)", file=sys.stderr)
    return EXIT_USAGE
