"""The records folder -> validated `ProgressRecords`, or every problem in every file, located.

Records are read only by the steps that need them (`handbook check`, the progress rules, the
dashboards and `handbook portfolio`), after program.toml itself is valid: a record can only be
checked against a program that makes sense.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.diagnostics import Problem, ProgramError
from generator.loader import LoadedProgram, validate_against
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


def records_folder(loaded: LoadedProgram) -> tuple[Path, str]:
    """The records folder on disk and as it is shown in messages (beside the program's path)."""
    folder = loaded.program.records.folder
    shown_parent = PurePosixPath(Path(loaded.source.display).parent.as_posix())
    shown = str(shown_parent / folder) if str(shown_parent) != "." else folder
    return loaded.root / folder, shown


def load_records(loaded: LoadedProgram) -> ProgressRecords:
    """Load and check every `*.toml` in the records folder; raises ProgramError with all problems.

    A program without a records folder simply has no records yet.
    """
    folder, shown = records_folder(loaded)
    if "folder" in loaded.program.records.model_fields_set and not folder.is_dir():
        raise ProgramError(
            [
                loaded.source.problem(
                    ("records", "folder"),
                    f"records folder {loaded.program.records.folder!r} not found next to the program file: "
                    "create it, or remove `folder` to use the default 'records'",
                )
            ]
        )
    records = read_records(loaded.program, folder, shown)
    _remember(loaded.program, records)
    return records


def records_for(program: Program, root: Path) -> ProgressRecords:
    """The records of a program loaded from `root`: the ones already loaded, or read now.

    Rules receive the program only; this spares them a second read of a large records folder
    that `handbook check` has just validated.
    """
    for remembered, records in _RECENT:
        if remembered is program:
            return records
    folder = program.records.folder
    records = read_records(program, root / folder, folder)
    _remember(program, records)
    return records


_RECENT: list[tuple[Program, ProgressRecords]] = []


def _remember(program: Program, records: ProgressRecords) -> None:
    _RECENT.insert(0, (program, records))
    del _RECENT[4:]


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
