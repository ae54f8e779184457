"""Executive mentorship programs as code.

The data flow, one module per step:
program.toml -> source (text, TOML data, positions) -> loader (validated `Program`, located
problems) -> project (the program with its folder, date, plugins, `[checks]` and records) ->
rules (findings), the handbook site, matching and the portfolio, which all take the project.

The names below are imported on first use, so `handbook --help` and commands that need little
start without loading pydantic and the model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.diagnostics import Location, Problem, ProgramError, UnreadableProgram
    from generator.loader import load_program_text
    from generator.model import Program
    from generator.project import Project, open_project

_WHERE = {
    "Location": "generator.diagnostics",
    "Problem": "generator.diagnostics",
    "ProgramError": "generator.diagnostics",
    "UnreadableProgram": "generator.diagnostics",
    "load_program_text": "generator.loader",
    "Program": "generator.model",
    "Project": "generator.project",
    "open_project": "generator.project",
}

__all__ = [
    "Location",
    "Problem",
    "Program",
    "ProgramError",
    "Project",
    "UnreadableProgram",
    "load_program_text",
    "open_project",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
