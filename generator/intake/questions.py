"""The intake questions: one per person field, derived from the model and the program's vocabulary.

`handbook intake-form` prints them and `handbook import people` reads answers by them, so the
headers a form writes are the headers the import expects. A field's help is its description in
the model, else a line here; a choice question lists the program's own display names.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from generator.model import INTAKE_SKIPPED, Person, Program

Kind = Literal["text", "choice", "number", "person"]

VOCABULARY_FIELDS = {
    "strengths": "competencies",
    "development_goals": "competencies",
    "experiences": "experiences",
}
"""Person fields whose answers are ids from `[vocabulary]` (as `references.py` checks them)."""

_HELP = {
    "id": "Leave empty for new people: the id is made from the name. Fill it to update someone "
    "whose email is not on file.",
    "name": "Full name as colleagues know it.",
    "email": "Your work email.",
    "title": "Job title.",
    "division": "Division or business unit.",
    "function": "Function, e.g. Finance or Operations.",
    "geography": "Region you work in, e.g. Europe.",
    "career_stage": "Career stage, e.g. 'Director, first senior role'.",
    "role": "Do you join as a mentor, a mentee or both?",
    "strengths": "What colleagues come to you for.",
    "development_goals": "What you want to grow in during the program.",
    "experiences": "Markets, functions and crises you have worked through.",
    "leadership_style": "The style closest to how you lead.",
    "learning_style": "How you learn best.",
    "past_challenges": "Challenges you have led through, one per line.",
    "manager": "Your manager's email or id, if they are in the program.",
}

SEPARATORS = "; or a line break"
"""How a form writes several answers in one cell (choices may also be separated by commas)."""


class Choice(NamedTuple):
    """An answer a choice question accepts: its id, and the name a form shows. A tuple, so the
    import's per-question index of choices is found by a hash computed in C, once per cell."""

    id: str
    name: str


@dataclass(frozen=True)
class Question:
    field: str
    header: str
    help: str
    kind: Kind
    many: bool = False
    required: bool = False
    choices: tuple[Choice, ...] = ()
    low: float = float("-inf")
    high: float = float("inf")
    """A number's bounds, as the model sets them."""


def default_header(field: str) -> str:
    """'development_goals' -> 'Development goals': the header the intake form writes."""
    return field.replace("_", " ").capitalize()


def questions(program: Program) -> list[Question]:
    """Every intake question in model order, with the program's headers and choices."""
    columns = program.intake.columns
    found = []
    for field, info in Person.model_fields.items():
        if field in INTAKE_SKIPPED:
            continue
        shape = _shape(field, info.annotation, program)
        if shape is None:
            continue  # a nested setting no form cell can hold
        kind, many, choices = shape
        header = getattr(columns, field, None) or default_header(field)
        help_text = _HELP.get(field) or info.description or ""
        if kind == "choice" and not many and not info.is_required():
            help_text = (help_text + " Optional.").strip()
        low = next((m.ge for m in info.metadata if hasattr(m, "ge")), float("-inf"))
        high = next((m.le for m in info.metadata if hasattr(m, "le")), float("inf"))
        required = info.is_required() and field != "id"
        found.append(Question(field, header, help_text, kind, many, required, choices, low, high))
    return found


def _shape(field: str, annotation: Any, program: Program) -> tuple[Kind, bool, tuple[Choice, ...]] | None:
    annotation = _optional(annotation)
    many = typing.get_origin(annotation) is list
    if many:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is Literal:
        return "choice", many, tuple(Choice(v, v[:1].upper() + v[1:]) for v in typing.get_args(annotation))
    if field in VOCABULARY_FIELDS:
        entries = getattr(program.vocabulary, VOCABULARY_FIELDS[field])
        return "choice", many, tuple(Choice(e.id, e.name) for e in entries)
    if annotation in (int, float):
        return "number", many, ()
    if field == "manager":
        return "person", False, ()
    if annotation is str:
        return "text", many, ()
    return None


def _optional(annotation: Any) -> Any:
    """`X | None` -> X; annotations with metadata -> their type."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _optional(args[0])
    return annotation
