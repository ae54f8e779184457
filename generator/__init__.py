"""Executive mentorship programs as code.

The data flow, one module per step:
program.toml -> source (text, TOML data, positions) -> loader (validated `Program`, located
problems) -> rules (findings) and the handbook site and matching, which read the model.
"""

from generator.diagnostics import Location, Problem, ProgramError, UnreadableProgram
from generator.loader import LoadedProgram, load_program, load_program_text
from generator.model import Program

__all__ = [
    "LoadedProgram",
    "Location",
    "Problem",
    "Program",
    "ProgramError",
    "UnreadableProgram",
    "load_program",
    "load_program_text",
]
