"""`handbook check --new-since BASE`: only the findings a change introduced.

The base's program folder is extracted from git into a temporary folder and checked there under
the name the program has now, so its findings are named like today's. A finding is matched by
its SARIF fingerprint (`reporting.fingerprints`: rule code and key path, never the line), so a
finding whose lines moved is unchanged, not new. The exit code then counts only new findings.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from generator.diagnostics import ProgramError, UnreadableProgram
from generator.reporting import Baseline, Report, result_fingerprints
from generator.review.sides import Repository


def base_report(program: Path, shown: str, revision: str, plugins: bool | None) -> Report:
    """The check report of the program at `revision`; an empty one when it did not exist there.

    Raises UsageError when the program is not in a git repository or the revision is unknown.
    """
    from generator.project import open_project
    from generator.rules import run_checks

    repository = Repository(
        program, "run inside a git checkout (with the base fetched), or leave out --new-since"
    )
    repository.commit(revision)
    with tempfile.TemporaryDirectory(prefix="handbook-base-") as tmp:
        path = repository.checkout(revision, Path(tmp))
        if path is None:
            return Report(shown)
        try:
            project = open_project(path, display=shown, plugins=plugins)
            project.records  # noqa: B018 - read now, as `check` does
        except ProgramError as error:
            return Report.of_program_error(error, shown)
        except UnreadableProgram:
            return Report(shown)
        return Report.of_result(run_checks(project), shown, project.program.site.url)


def new_since(report: Report, base: Report, revision: str) -> Report:
    """The report with only the results the base did not have; the rest in its `baseline`."""
    head_prints, base_prints = result_fingerprints(report), result_fingerprints(base)
    before, after = set(base_prints), set(head_prints)
    errors = len(report.program_errors)
    return dataclasses.replace(
        report,
        program_errors=tuple(
            p for p, fp in zip(report.program_errors, head_prints[:errors], strict=True) if fp not in before
        ),
        findings=tuple(
            f for f, fp in zip(report.findings, head_prints[errors:], strict=True) if fp not in before
        ),
        baseline=Baseline(
            revision,
            new=tuple(fp for fp in head_prints if fp not in before),
            unchanged=tuple(
                (f, fp) for f, fp in zip(report.results, head_prints, strict=True) if fp in before
            ),
            absent=tuple((f, fp) for f, fp in zip(base.results, base_prints, strict=True) if fp not in after),
        ),
    )
