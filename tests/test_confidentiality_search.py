"""HB201 finds exactly what a plain search finds: each public text that repeats a sentence of a
confidential value (in the scan's normal form) or refers to the confidential section, and each
id whose address form spells one. The rule searches all texts at once and works out key paths
and origins only for what it finds; this compares it, on random programs, with the plain
search of every sentence in every text, one by one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.findings import Violation
from generator.model import Program
from generator.project import Project, project_from_source
from generator.site.addresses import slug
from generator.site.scan import SENTENCE_BREAK, confidential_free_text_fields, normalise, searchable
from generator.source import KeyPath, parse_source
from plugins.confidentiality import (
    _REFERENCE_LOWER,
    _WRAPPERS,
    ConfidentialityOptions,
    _word_starts,
    check_confidentiality,
)

from .conftest import FIXTURES, replace_once

REFERS = "this public text refers to a person's confidential section"
REPEATS = "this public text repeats a confidential value word for word"
SPELLS = "this id spells a confidential value"

ASCII_WORDS = [
    "flight", "risk", "Flight", "RISK", "curt", "direct", "x", "fine", "2027", "under-pressure",
    "pressure", "confidential.notes", "Confidential[", "_",
]  # fmt: skip
WORDS = [*ASCII_WORDS, "é", "e\u0301", "ﬁne", "naïve", "ΣΊΣΥΦΟΣ"]
"""Few words, so that public texts and confidential values share them often; with upper case,
composed and decomposed accents, a ligature that NFKC unfolds, and references to the section.
Half the programs are ASCII only, which the rule searches in a quicker way."""
SEPARATORS = [" ", "  ", ". ", "; ", "! ", "? ", "\n", "\t", ", ", "-", ""]
NON_ASCII_SEPARATORS = ["\u00a0", "\u00ad", "\u200b"]
ID_SEPARATORS = ["-", "_", "."]


@st.composite
def programs(draw: st.DrawFn) -> str:
    ascii_only = draw(st.booleans())
    words = ASCII_WORDS if ascii_only else WORDS
    separators = SEPARATORS if ascii_only else SEPARATORS + NON_ASCII_SEPARATORS
    pieces = st.tuples(st.sampled_from(words), st.sampled_from(separators))
    texts = st.lists(pieces, max_size=6).map(lambda found: "".join(w + s for w, s in found))
    id_words = st.lists(
        st.sampled_from([w for w in words if w.replace("-", "").isalnum()]), min_size=1, max_size=3
    )
    ids = st.tuples(id_words, st.sampled_from(ID_SEPARATORS)).map(lambda found: found[1].join(found[0]))
    return _program(
        draw(st.lists(texts, min_size=3, max_size=3)),
        draw(st.lists(st.lists(texts, max_size=2), min_size=3, max_size=3)),
        draw(st.lists(st.tuples(texts, texts), min_size=3, max_size=3)),
        draw(ids),
        draw(ids),
    )


def _string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _program(
    bios: list[str], goals: list[list[str]], notes: list[tuple[str, str]], cohort: str, milestone: str
) -> str:
    text = (FIXTURES / "program" / "minimal.toml").read_text(encoding="utf-8")
    text = replace_once(text, 'id = "pilot"', f"id = {_string(cohort)}")
    text = replace_once(text, 'id = "plan"', f"id = {_string(milestone)}")
    people = (
        ("mentor-a", "hours_per_month = 4\n"),
        ("mentee-b", 'manager = "mentor-c"\n'),
        ("mentor-c", 'role = "both"\n'),
    )
    for (person, last), bio, goal, (note, assessment) in zip(people, bios, goals, notes, strict=True):
        text = replace_once(
            text,
            f'id = "{person}"\n',
            f'id = "{person}"\nbio = {_string(bio)}\nleadership_goals = [{", ".join(map(_string, goal))}]\n',
        )
        text = replace_once(
            text,
            last,
            f"{last}\n[people.confidential]\nnotes = {_string(note)}\nassessment_notes = {_string(assessment)}\n",
        )
    return text


def _project(text: str) -> Project:
    source = parse_source(text.encode("utf-8"), "program.toml")
    return project_from_source(source, Path("/nonexistent/program.toml"), plugins=False)


def plain_search(program: Program, data: dict[str, Any]) -> list[Violation]:
    """HB201's second part, the plain way: each value split into sentences on its own, and each
    sentence searched for in each text on its own; the first to end in a text (the longest of
    those ending there) is the one named."""
    secrets: dict[str, KeyPath] = {}
    for i, person in enumerate(program.people):
        for field in confidential_free_text_fields():
            value = getattr(person.confidential, field)
            if isinstance(value, str) and value:
                normal = normalise(value.replace("\x00", " "))
                for part in [normal, *SENTENCE_BREAK.split(normal)]:
                    if searchable(part.strip(_WRAPPERS)):
                        secrets.setdefault(part.strip(_WRAPPERS), ("people", i, "confidential", field))
    found = []
    for path, text in _public_texts(data):
        if _word_starts(_REFERENCE_LOWER, text.lower()):
            found.append(Violation(path, REFERS))
            continue
        first = _first(normalise(text), secrets)
        if first is not None and path[-1] != "id":
            found.append(Violation(path, REPEATS, ((secrets[first], "the confidential value"),)))
    addresses: dict[str, KeyPath] = {}
    for sentence, origin in secrets.items():
        addresses.setdefault(slug(sentence), origin)
    for path, value in _ids(data, ()):
        first = _first(slug(value), addresses)
        if first is not None:
            found.append(Violation(path, SPELLS, ((addresses[first], "the confidential value"),)))
    return found


def _first(text: str, words: dict[str, KeyPath]) -> str | None:
    ends = [(text.find(word) + len(word), -len(word), word) for word in words if word in text]
    return min(ends)[2] if ends else None


def _public_texts(data: dict[str, Any]) -> Iterator[tuple[KeyPath, str]]:
    for key, value in data.items():
        if key in ("checks", "matching"):
            continue
        if key == "people":
            for i, person in enumerate(value):
                for field, item in person.items():
                    if field != "confidential":
                        yield from _strings(item, ("people", i, field))
        else:
            yield from _strings(value, (key,))


def _strings(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*path, i))


def _ids(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, str):
                yield (*path, key), item
            elif path == () and key == "people":
                for i, person in enumerate(item):
                    yield ("people", i, "id"), person["id"]
            elif path or key not in ("checks", "matching"):
                yield from _ids(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _ids(item, (*path, i))


def _kind(violation: Violation) -> str:
    return next(kind for kind in (REFERS, REPEATS, SPELLS) if violation.message.startswith(kind))


def _found(project: Project) -> list[tuple[KeyPath, str, tuple[tuple[KeyPath, str], ...]]]:
    """HB201's findings of public text and ids (not those of contracts, pages or sections)."""
    return [
        (violation.path, _kind(violation), violation.related)
        for violation in check_confidentiality(project, ConfidentialityOptions())
        if violation.message.startswith((REFERS, REPEATS, SPELLS))
    ]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=programs())
def test_the_rule_finds_what_a_plain_search_finds(text: str) -> None:
    project = _project(text)
    expected = plain_search(project.program, project.source.data)
    assert _found(project) == [(v.path, _kind(v), v.related) for v in expected]


def test_a_value_in_a_bio_an_id_and_a_reference_are_each_found() -> None:
    """An example of what the property test compares, with each kind of finding: a value
    wrapped and in upper case, a reference, an id that spells a value, and the longest id of
    the program spelling a whole value with accents."""
    project = _project(
        _program(
            ["Joined us. FLIGHT\n  risk, they say.", "", "See confidential.notes"],
            [[], ["naïve"], []],
            [("Sisyphus, naïve directness!", ""), ("Flight risk; ok", "Under pressure"), ("", "")],
            "under_pressure",
            "Sisyphus_Naive_Directness",
        )
    )
    sisyphus = ("people", 0, "confidential", "notes")
    flight = ("people", 1, "confidential", "notes")
    pressure = ("people", 1, "confidential", "assessment_notes")
    assert _found(project) == [
        (("people", 0, "bio"), REPEATS, ((flight, "the confidential value"),)),
        (("people", 2, "bio"), REFERS, ()),
        (("cohorts", 0, "id"), SPELLS, ((pressure, "the confidential value"),)),
        (("milestones", 0, "id"), SPELLS, ((sisyphus, "the confidential value"),)),
    ]


def test_a_program_in_ascii_finds_a_value_wrapped_over_lines() -> None:
    project = _project(
        _program(
            ["", "Joined us.\tFLIGHT\n  risk, they say.", ""],
            [[], [], []],
            [("", ""), ("", ""), ("Flight  risk", "")],
            "pilot",
            "plan",
        )
    )
    flight = ("people", 2, "confidential", "notes")
    assert _found(project) == [(("people", 1, "bio"), REPEATS, ((flight, "the confidential value"),))]
