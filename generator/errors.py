"""Every error a command can end with, and the exit code each maps to.

Commands raise these; `generator.cli` is the one place that prints them and turns them into an
exit code, so CI sees the same codes whichever command failed:

    0  clean
    1  the program (or its records) has errors, or findings at or above the failure level
    2  a usage error: unknown option or id, an unreadable file, a misbehaving plugin
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class HandbookError(Exception):
    """Base of every error a user can cause; `str(error)` is the message they read."""

    exit_code: int = EXIT_USAGE


class UsageError(HandbookError):
    """A command was asked for something it cannot do (a file it may not write, an unknown id)."""

    exit_code = EXIT_USAGE


class DataError(HandbookError):
    """The program's data makes the command's output impossible (nobody to match, a failed build)."""

    exit_code = EXIT_PROBLEMS
