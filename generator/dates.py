"""The date progress is judged on: today, unless a build or a test fixes it.

`HANDBOOK_TODAY=2026-11-24` fixes it explicitly (to see what the checks and dashboards said on
a date); otherwise `SOURCE_DATE_EPOCH`, the reproducible-builds convention, is honoured.
"""

from __future__ import annotations

import datetime as dt
import os

from generator.errors import UsageError


class BadDate(UsageError):
    """HANDBOOK_TODAY or SOURCE_DATE_EPOCH is set but is not a date."""


def as_of() -> dt.date:
    fixed = os.environ.get("HANDBOOK_TODAY", "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            raise BadDate(f"HANDBOOK_TODAY={fixed!r} is not a date such as 2026-11-24") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise BadDate(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from None
    return dt.date.today()


def build_stamp() -> dt.datetime:
    """When the calendars were generated (their DTSTAMP): `SOURCE_DATE_EPOCH` for a reproducible
    build, otherwise now. HANDBOOK_TODAY moves the date progress is judged on, not the stamp."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise BadDate(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from None
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
