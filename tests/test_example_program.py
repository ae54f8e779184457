"""The example program at the repository root is the product's demo: it must stay valid and full.

Every section a program owner can write is filled in here, so a change to the model that breaks
a realistic program, or an edit that empties a section of the demo, is caught at once.
"""

from __future__ import annotations

import json
import tomllib

import jsonschema
import pytest

from generator.commands.schema import schema_text
from generator.model import Confidential, Program
from generator.project import open_project
from tests.conftest import ROOT, run_handbook

EXAMPLE = ROOT / "program.toml"


@pytest.fixture(scope="module")
def program() -> Program:
    return open_project(EXAMPLE).program


def test_example_checks_clean() -> None:
    # progress is judged on a fixed day: the example's records run up to 2026-11-24
    result = run_handbook("check", "program.toml", env={"HANDBOOK_TODAY": "2026-11-24"})
    assert result.code == 0, result.output
    assert "program.toml: no findings from 20 rules" in result.out
    assert "Traceback" not in result.output


def test_example_points_editors_at_the_schema() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "#:schema ./program.schema.json"
    data = json.loads(json.dumps(tomllib.loads(text), default=str))
    jsonschema.validate(data, json.loads(schema_text()))


def test_example_is_big_and_diverse_enough_to_demo(program: Program) -> None:
    assert len(program.cohorts) >= 2
    assert len(program.people) >= 24
    assert len({p.division for p in program.people}) >= 4
    assert len({p.geography for p in program.people}) >= 3
    assert {p.role for p in program.people} == {"mentor", "mentee", "both"}


def test_every_section_of_the_model_is_filled(program: Program) -> None:
    info = program.program
    assert info.objectives and info.sponsors and info.summary and info.how_to_use
    assert program.vocabulary.competencies and program.vocabulary.experiences
    assert {c.kind for c in program.cadences} >= {
        "alignment-check",
        "mid-course-correction",
        "sponsor-review",
        "end-review",
    }
    assert all(c.checklist for c in program.cadences)
    g = program.guardrails
    assert g.confidentiality and g.boundaries and g.escalation_path and g.feedback_channels
    assert program.milestones and all(m.success_criteria for m in program.milestones)
    assert {m.kind for m in program.metrics} == {"quantitative", "qualitative"}
    assert program.contract.mentor_role and program.contract.session_prompts
    guide = program.mentor_guide
    assert guide.coaching_resources and guide.conversation_protocol
    assert guide.reflective_prompts and guide.giving_feedback
    mentee = program.mentee_guide
    assert mentee.preparing and mentee.better_questions and mentee.experiments
    assert program.recognition.mentors
    assert program.templates.journaling_prompts and program.templates.after_action_review
    assert any(c.events for c in program.cohorts) and any(c.activities for c in program.cohorts)


def test_every_person_has_a_filled_confidential_section(program: Program) -> None:
    for person in program.people:
        for field in Confidential.model_fields:
            value = getattr(person.confidential, field)
            assert value not in (None, ""), f"{person.id} has no confidential {field}"


def test_non_ascii_names_are_present(program: Program) -> None:
    names = [p.name for p in program.people]
    assert any(any(ch in "áéíóúëüöçñš" for ch in name.lower()) for name in names)
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in names), "no CJK name"
    assert any(any("\u0590" <= ch <= "\u06ff" for ch in name) for name in names), "no Hebrew or Arabic name"


def test_pairs_are_good_pairs(program: Program) -> None:
    """What the demo teaches: mentors cover a goal, pairs cross a line, nobody is overloaded."""
    people = {p.id: p for p in program.people}

    def above(person_id: str) -> set[str]:
        chain, manager = set(), people[person_id].manager
        while manager:
            chain.add(manager)
            manager = people[manager].manager
        return chain

    for cohort in program.cohorts:
        load: dict[str, int] = {}
        for pair in cohort.pairs:
            mentor, mentee = people[pair.mentor], people[pair.mentee]
            assert set(mentor.strengths) & set(mentee.development_goals), (cohort.id, pair)
            assert (mentor.division, mentor.geography) != (mentee.division, mentee.geography)
            assert mentor.id not in above(mentee.id), (cohort.id, pair)
            load[mentor.id] = load.get(mentor.id, 0) + 1
        assert max(load.values(), default=0) <= program.guardrails.max_mentees_per_mentor
        if cohort.pairs:
            paired = {p.mentor for p in cohort.pairs} | {p.mentee for p in cohort.pairs}
            assert set(cohort.members) == paired, f"{cohort.id} has unpaired members"
    planned = [c for c in program.cohorts if c.members and not c.pairs]
    assert planned, "no cohort left for `handbook match` to propose pairs for"
