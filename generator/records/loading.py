"""The records folder -> validated `ProgressRecords`, or every problem in every file, located.

Records are read only by the steps that need them (`handbook check`, the progress rules, the
dashboards and `handbook portfolio`), after program.toml itself is valid: a record can only be
checked against a program that makes sense.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.diagnostics import Problem, ProgramError
from generator.loader import validate_against
from generator.model import Cohort, Pair, Program
from generator.records.consistency import RecordChecker
from generator.records.model import PairRecord, RecordFile
from generator.source import Source, read_source


@dataclass
class ProgressRecords:
    """Every cohort's records, with the sources they came from (for locating findings)."""

    files: dict[str, RecordFile] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    _by_pair: dict[tuple[str, str, str], tuple[int, PairRecord]] = field(default_factory=dict, repr=False)

    def add(self, record_file: RecordFile, source: Source) -> None:
        self.files[record_file.cohort] = record_file
        self.sources[record_file.cohort] = source
        for i, record in enumerate(record_file.pairs):
            self._by_pair[(record_file.cohort, record.mentor, record.mentee)] = (i, record)

    def for_pair(self, cohort: Cohort | str, pair: Pair) -> PairRecord | None:
        """The pair's record, or None when nothing has been recorded for it yet."""
        cohort_id = cohort if isinstance(cohort, str) else cohort.id
        found = self._by_pair.get((cohort_id, pair.mentor, pair.mentee))
        return found[1] if found else None

    def index_of(self, cohort_id: str, pair: Pair) -> int | None:
        """The pair's position in its records file's `[[pairs]]`, for locating a finding there."""
        found = self._by_pair.get((cohort_id, pair.mentor, pair.mentee))
        return found[0] if found else None

    def pair_count(self) -> int:
        return len(self._by_pair)


def records_folder(program: Program, source: Source, root: Path) -> tuple[Path, str]:
    """The records folder on disk and as it is shown in messages (beside the program's path)."""
    folder = program.records.folder
    shown_parent = PurePosixPath(Path(source.display).parent.as_posix())
    shown = str(shown_parent / folder) if str(shown_parent) != "." else folder
    return root / folder, shown


def load_records(program: Program, source: Source, root: Path) -> ProgressRecords:
    """The records of a program whose file is in `root`; every problem in them, located.

    A program without a records folder simply has no records yet.
    """
    folder, shown = records_folder(program, source, root)
    if "folder" in program.records.model_fields_set and not folder.is_dir():
        raise ProgramError(
            [
                source.problem(
                    ("records", "folder"),
                    f"records folder {program.records.folder!r} not found next to the program file: "
                    "create it, or remove `folder` to use the default 'records'",
                )
            ]
        )
    return read_records(program, folder, shown)


def read_records(program: Program, folder: Path, shown: str) -> ProgressRecords:
    """Every `*.toml` in `folder`, validated against `program`; messages name files as `shown/NAME`."""
    records = ProgressRecords()
    if not folder.is_dir():
        return records
    problems: list[Problem] = []
    checker = RecordChecker(program, {})
    for path in sorted(folder.glob("*.toml")):
        display = f"{shown}/{path.name}"
        try:
            source = read_source(path, display)
        except ProgramError as exc:
            problems.extend(exc.problems)
            continue
        found = validate_file(source, program, checker)
        if isinstance(found, RecordFile):
            records.add(found, source)
        else:
            problems.extend(found)
    if problems:
        raise ProgramError(problems)
    return records


def validate_file(
    source: Source, program: Program, checker: RecordChecker | None = None
) -> RecordFile | list[Problem]:
    """One parsed records file -> a RecordFile, or its located problems."""
    checker = checker or RecordChecker(program, {})
    record_file, problems = validate_against(RecordFile, source)
    problems.extend(checker.check(source))
    if problems or record_file is None:
        return problems
    return record_file
