"""Properties of the semantic diff, over many generated edits of a small program: any order of
the tables is no change, and an edit is reported for exactly the people it touched, with a
confidential edit never showing its value."""

from __future__ import annotations

from typing import Any

import tomli
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.loader import load_program_text
from generator.model import Program
from generator.review.compare import Versions, compare
from generator.review.formats import Review, as_json, as_markdown, as_text
from generator.review.words import sentence
from tests.conftest import FIXTURES
from tests.test_diff import EXTRA_PEOPLE, base_text

BASE = base_text((FIXTURES / "program" / "minimal.toml").read_text(encoding="utf-8"))
BASE_DATA = tomli.loads(BASE)
PEOPLE = [p["id"] for p in BASE_DATA["people"]]
TABLES = ("people", "cohorts", "cadences", "milestones", "metrics")


def program(data: dict[str, Any]) -> Program:
    return load_program_text(tomlkit.dumps(data))


def rendered(base: Program, head: Program) -> str:
    versions = Versions(base, head)
    changes = compare(versions)
    review = Review(
        "program.toml", "main", "the working tree", tuple((c, sentence(c, versions)) for c in changes)
    )
    return as_text(review) + as_markdown(review) + as_json(review)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_order_of_the_tables_is_no_change(data: st.DataObject) -> None:
    shuffled = dict(BASE_DATA)
    for table in TABLES:
        shuffled[table] = data.draw(st.permutations(BASE_DATA[table]), label=table)
    shuffled["cohorts"] = [
        {**c, "members": data.draw(st.permutations(c.get("members", [])), label="members")}
        for c in shuffled["cohorts"]
    ]
    assert compare(Versions(program(BASE_DATA), program(shuffled))) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    public=st.dictionaries(st.sampled_from(PEOPLE), st.sampled_from(["Legal", "Risk", "Strategy"])),
    private=st.dictionaries(
        st.sampled_from(PEOPLE), st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=12, max_size=30)
    ),
)
def test_exactly_the_people_edited_are_reported(public: dict[str, str], private: dict[str, str]) -> None:
    edited = dict(BASE_DATA)
    edited["people"] = [
        {
            **p,
            "division": public.get(p["id"], p["division"]),
            "confidential": {**p.get("confidential", {}), "notes": "canary-" + private[p["id"]]}
            if p["id"] in private
            else p.get("confidential", {}),
        }
        for p in BASE_DATA["people"]
    ]
    changes = compare(Versions(program(BASE_DATA), program(edited)))
    old = {p["id"]: p["division"] for p in BASE_DATA["people"]}
    assert {c.subject for c in changes if c.kind == "changed"} == {
        p for p, d in public.items() if d != old[p]
    }
    assert {c.subject for c in changes if c.kind == "confidential"} == set(private)
    assert {c.section for c in changes} <= {"people"}
    output = rendered(program(BASE_DATA), program(edited))
    assert "canary-" not in output


def test_the_fixture_really_has_confidential_data_to_change() -> None:
    assert 'notes = "Prefers mornings"' in EXTRA_PEOPLE
