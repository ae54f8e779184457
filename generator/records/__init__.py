"""Progress records: sessions, milestones, feedback, behaviours and outcomes per pair.

Private to program owners. Kept in `records/<cohort>.toml` beside program.toml and validated
with the same located messages as program.toml itself.
"""

from generator.records.loading import (
    ProgressRecords,
    load_records,
    read_records,
    records_folder,
    validate_file,
)
from generator.records.model import (
    FEEDBACK_SCALES,
    Behaviour,
    Feedback,
    MilestoneReached,
    Outcome,
    PairRecord,
    RecordFile,
    Session,
)

__all__ = [
    "FEEDBACK_SCALES",
    "Behaviour",
    "Feedback",
    "MilestoneReached",
    "Outcome",
    "PairRecord",
    "ProgressRecords",
    "RecordFile",
    "Session",
    "load_records",
    "read_records",
    "records_folder",
    "validate_file",
]
