"""`handbook match --cohort ID`: propose optimal, explained pairings for a cohort.

The output is for program owners: it shows scores. `--write` adds the proposal to program.toml;
`--rebalance PERSON` rematches one mentee; `--rounds N` plans a rotation; `--report FILE.html`
writes a self-contained report with the score matrix and the breakdown as charts.

Exit codes: 0 a proposal was made (possibly partial: unmatched people are listed with reasons),
1 the program has errors or nobody could be matched, 2 a usage error (unknown cohort or person,
bad [matching] settings, a file that cannot be written).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cli import add_plugins_option, add_program_argument, plugins_wanted
from generator.diagnostics import format_problem
from generator.errors import EXIT_OK, EXIT_PROBLEMS, UsageError

if TYPE_CHECKING:
    from generator.matching.explain import Candidate
    from generator.matching.proposal import Proposal
    from generator.model import Person


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "match",
        help="propose optimal, explained pairings for a cohort",
        description="Propose the pairs for a cohort: the most mentees matched, then the best scores.",
    )
    add_program_argument(parser)
    parser.add_argument("--cohort", required=True, metavar="ID", help="the cohort to match")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people, json for scripts (default: text)",
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="add the proposed pairs to program.toml (comments and layout kept)",
    )
    parser.add_argument(
        "--rebalance", metavar="PERSON", help="rematch this mentee with every other pair locked"
    )
    parser.add_argument(
        "--reason",
        metavar="TEXT",
        help="with --rebalance --write: the reason recorded on the ended pair "
        "(default: the pair was not progressing)",
    )
    parser.add_argument(
        "--explain",
        metavar="PERSON",
        help="list every candidate for this person: the score breakdown, or the constraint that rules it out",
    )
    parser.add_argument(
        "--rounds",
        type=_positive,
        metavar="N",
        help="plan N rotation rounds in which no mentee meets a mentor twice",
    )
    parser.add_argument(
        "--report",
        metavar="FILE.html",
        help="write an owner report with charts (only an earlier report is replaced; - is stdout)",
    )
    add_plugins_option(parser)
    parser.set_defaults(run=run)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of rounds, got {value!r}") from None
    if not 1 <= number <= 50:
        raise argparse.ArgumentTypeError(f"--rounds must be between 1 and 50, got {number}")
    return number


def run(args: argparse.Namespace) -> int:
    # Imported here so other commands start without scipy or OR-tools.
    from generator.matching.explain import candidates_of
    from generator.matching.proposal import propose, rebalance, rounds
    from generator.matching.report import COMMAND as REPORT
    from generator.matching.writing import write_proposal
    from generator.project import open_project, require_working_plugins
    from generator.safe_files import Protected, check_editable, check_output_target, html_report_of

    if args.rounds and (args.write or args.rebalance):
        raise UsageError("--rounds plans a rotation and cannot be combined with --write or --rebalance")
    if args.reason is not None and not (args.rebalance and args.write):
        raise UsageError(
            "--reason is recorded on the pair a rebalance ends: use it with --rebalance PERSON --write"
        )
    if args.reason is not None and (not args.reason.strip() or any(ch in args.reason for ch in "\r\n")):
        raise UsageError('--reason must be one line of text, e.g. --reason "Time zones left no session slot"')
    if args.explain and args.rounds:
        raise UsageError("--explain explains one proposal and cannot be combined with --rounds")
    project = require_working_plugins(
        open_project(Path(args.program), display=args.program, plugins=plugins_wanted(args))
    )
    if project.private_missing:
        unused = ["the 'preference' score component had no mentee preferences", "no mentor declines applied"]
        if project.program.matching.use_confidential_risk:
            unused.insert(0, "the 'style' score component could not use the confidential risk tolerance")
        print(
            f"{args.program}: note: without the private file, {', '.join(unused[:-1])} and {unused[-1]}; "
            "the other components are unaffected",
            file=sys.stderr,
        )
    # Checked before any matching or output, so a refusal prints no proposal and writes nothing.
    if args.write:
        check_editable(project.path, args.program, "handbook match --write")
    protected = Protected.of(project)
    if args.report:
        check_output_target(args.report, "--report", REPORT, html_report_of(REPORT), protected)
    if args.rounds:
        plan = rounds(project, args.cohort, args.rounds)
    elif args.rebalance:
        plan = [rebalance(project, args.cohort, args.rebalance)]
    else:
        plan = [propose(project, args.cohort)]

    explained = candidates_of(plan[0], args.explain) if args.explain else None
    if args.format == "json":
        data = _json(plan)
        if explained is not None:
            data["explain"] = _explain_json(explained)
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for proposal in plan:
            print(_text(proposal, len(plan) > 1))
        if explained is not None:
            print(_explain_text(plan[0], explained))
    if args.report:
        from generator.matching.report import write_report

        write_report(args.report, plan, protected)
        print(f"Wrote the owner report to {args.report}", file=sys.stderr)
    if args.write:
        reason = (
            args.reason.strip()
            if args.reason
            else ("Rebalanced with `handbook match --rebalance`: the pair was not progressing")
        )
        added = write_proposal(project, plan[0], reason)
        if added:
            print(f"Added {added} pair(s) to cohort {plan[0].cohort.id!r} in {args.program}", file=sys.stderr)
        else:
            print(
                f"Nothing to write: the proposal adds no pairs; {args.program} is unchanged", file=sys.stderr
            )
    return EXIT_OK if any(p.pairs for p in plan) else EXIT_PROBLEMS


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def _text(proposal: Proposal, numbered: bool) -> str:
    cohort = proposal.cohort
    title = f"Round {proposal.round}: " if numbered else ""
    objective = {
        "total": "most mentees matched, then the highest total score",
        "weakest-pair": "most mentees matched, then the best weakest pair, then the highest total",
    }[proposal.objective]
    lines = [
        f"{title}Proposal for cohort {cohort.id} ({cohort.name})",
        f"  {proposal.mentees_matched} of {proposal.mentees_total} mentees matched; objective: {objective}",
    ]
    if proposal.replaces is not None:
        old = proposal.replaces
        lines.append(f"  Rebalance: replaces {old.mentor} as mentor of {old.mentee}")
    scored = [p for p in proposal.pairs if p.score is not None]
    if scored:
        total = sum(p.score or 0 for p in scored)
        lines.append(
            f"  Total score {total:.1f}; weakest pair {min(p.score or 0 for p in scored):.1f} "
            "(scores out of 100; columns are each component's points)"
        )
        ids = [c.id for c in proposal.components]
        header = ["Mentor", "Mentee", "Score", *ids]
        rows = [
            [p.mentor.name, p.mentee.name, f"{p.score:.1f}", *(f"{p.points[c]:.1f}" for c in ids)]
            for p in scored
        ]
        widths = [max(len(r[k]) for r in [header, *rows]) for k in range(len(header))]
        lines.append("")
        lines.append(
            "  "
            + "  ".join(
                h.ljust(w) if k < 2 else h.rjust(w)
                for k, (h, w) in enumerate(zip(header, widths, strict=True))
            )
        )
        for pair, row in zip(scored, rows, strict=True):
            label = "" if pair.status == "proposed" else "  (required by [[matching.require]])"
            lines.append(
                "  "
                + "  ".join(
                    v.ljust(w) if k < 2 else v.rjust(w)
                    for k, (v, w) in enumerate(zip(row, widths, strict=True))
                )
                + label
            )
            for reason in pair.reasons:
                lines.append(f"      - {reason}")
            if pair.runner_up is not None:
                lines.append(f"      runner-up: {pair.runner_up[0].name} ({pair.runner_up[1]:.1f})")
            if pair.runner_up is not None and pair.why_not is not None:
                lines.append(f"      why not {pair.runner_up[0].name}: {pair.why_not}")
            for warning in pair.warnings:
                lines.append(f"      check will warn: {warning}")
    kept = [p for p in proposal.pairs if p.status == "kept"]
    if kept:
        lines += ["", "  Kept from program.toml:"]
        lines += [f"    {p.mentor.name} -> {p.mentee.name}" for p in kept]
    if proposal.unmatched:
        lines += ["", "  Unmatched:"]
        lines += [f"    {u.side} {u.person.name} ({u.kind}): {u.reason}" for u in proposal.unmatched]
    if proposal.notes:
        lines += ["", "  Notes:"]
        lines += ["    " + format_problem(n).replace("\n", "\n    ") for n in proposal.notes]
    if not proposal.pairs:
        lines += ["", "  No pair could be proposed."]
    return "\n".join(lines) + "\n"


def _json(plan: list[Proposal]) -> dict[str, object]:
    def person(p: Person) -> dict[str, str]:
        return {"id": p.id, "name": p.name}

    rounds_out = []
    for proposal in plan:
        rounds_out.append(
            {
                "round": proposal.round,
                "cohort": proposal.cohort.id,
                "objective": proposal.objective,
                "mentees": {"total": proposal.mentees_total, "matched": proposal.mentees_matched},
                "weights": {
                    c.id: float(w) for c, w in zip(proposal.components, proposal.scores.weights, strict=True)
                },
                "pairs": [
                    {
                        "mentor": person(p.mentor),
                        "mentee": person(p.mentee),
                        "status": p.status,
                        "score": None if p.score is None else round(p.score, 3),
                        "components": {k: round(v, 3) for k, v in p.points.items()},
                        "reasons": p.reasons,
                        "warnings": p.warnings,
                        "runner_up": None
                        if p.runner_up is None
                        else {
                            **person(p.runner_up[0]),
                            "score": round(p.runner_up[1], 3),
                            "why_not": p.why_not,
                        },
                    }
                    for p in proposal.pairs
                ],
                "unmatched": [
                    {**person(u.person), "side": u.side, "kind": u.kind, "reason": u.reason}
                    for u in proposal.unmatched
                ],
                "notes": [
                    {
                        "file": n.location.file,
                        "line": n.location.line,
                        "column": n.location.column,
                        "message": n.message,
                    }
                    for n in proposal.notes
                ],
                "replaces": None
                if proposal.replaces is None
                else {"mentor": proposal.replaces.mentor, "mentee": proposal.replaces.mentee},
            }
        )
    return {"rounds": rounds_out} if len(plan) > 1 else rounds_out[0]


def _explain_text(proposal: Proposal, found: list[Candidate]) -> str:
    ids = [c.id for c in proposal.components]
    lines = []
    for side in ("mentee", "mentor"):
        rows = [c for c in found if c.side == side]
        if not rows:
            continue
        person = rows[0].person
        other = "Mentor" if side == "mentee" else "Mentee"
        lines.append(f"Candidates for {person.name} as {side} in cohort {proposal.cohort.id}:")
        header = [other, "Score", *ids]
        table = [
            [c.other.name, f"{c.score:.1f}", *(f"{c.points[k]:.1f}" for k in ids)]
            for c in rows
            if c.score is not None
        ]
        widths = [max(len(r[k]) for r in [header, *table]) for k in range(len(header))]
        widths[0] = max(widths[0], *(len(c.other.name) for c in rows))

        lines.append("  " + _aligned(header, widths))
        for c in rows:
            if c.score is None:
                label = "ruled out: " if c.status == "ruled out" else ""
                lines.append(f"  {c.other.name.ljust(widths[0])}  {label}{c.note}")
                continue
            row = [c.other.name, f"{c.score:.1f}", *(f"{c.points[k]:.1f}" for k in ids)]
            lines.append(f"  {_aligned(row, widths)}  {c.note}".rstrip())
        lines.append("")
    if not lines:
        lines.append("No candidates to explain.")
    return "\n".join(lines)


def _aligned(values: list[str], widths: list[int]) -> str:
    """The first column left-aligned, numbers right-aligned."""
    return "  ".join(
        v.ljust(w) if k == 0 else v.rjust(w) for k, (v, w) in enumerate(zip(values, widths, strict=True))
    )


def _explain_json(found: list[Candidate]) -> list[dict[str, object]]:
    return [
        {
            "person": c.person.id,
            "side": c.side,
            "candidate": {"id": c.other.id, "name": c.other.name},
            "score": None if c.score is None else round(c.score, 3),
            "components": {k: round(v, 3) for k, v in c.points.items()},
            "status": c.status,
            "note": c.note,
        }
        for c in found
    ]
