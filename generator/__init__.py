"""Executive mentorship programs as code.

The data flow, one module per step:
program.toml -> source (text, TOML data, positions) -> loader (validated `Program`, located
problems) -> project (the program with its folder, date, plugins, `[checks]` and records) ->
rules (findings), the handbook site, matching and the portfolio, which all take the project.
"""

from generator.diagnostics import Location, Problem, ProgramError, UnreadableProgram
from generator.loader import load_program_text
from generator.model import Program
from generator.project import Project, open_project

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
