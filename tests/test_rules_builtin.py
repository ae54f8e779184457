"""Each built-in rule: the minimal program passes it, one edit makes it fail at an exact place."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Result, replace_once, run_handbook

SECOND_COHORT = """
[[cohorts]]
id = "{id}"
name = "Second"
start = {start}
end = {end}
members = ["mentor-a", "{mentee}"]

[[cohorts.pairs]]
mentor = "mentor-a"
mentee = "{mentee}"
"""


def check(tmp_path: Path, text: str, *args: str) -> Result:
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")
    result = run_handbook("check", "program.toml", *args, cwd=tmp_path)
    assert "Traceback" not in result.output
    return result


def findings(result: Result) -> list[str]:
    return [line for line in result.out.splitlines() if ": HB" in line and not line.startswith(" ")]


def test_the_minimal_program_passes_every_rule(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, minimal_text)
    assert result.code == 0
    assert findings(result) == []


def test_mentor_load_across_overlapping_cohorts(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, "[guardrails]\n", "[guardrails]\nmax_mentees_per_mentor = 1\n") + (
        SECOND_COHORT.format(id="second", start="2027-03-01", end="2027-06-30", mentee="mentor-c")
    )
    result = check(tmp_path, text)
    assert result.code == 1
    assert findings(result) == [
        "program.toml:26:19: HB101 [mentor-load] Mentor A's 2 concurrent pairs take 8 hours a month "
        "(4 per pair), more than their 4 hours available a month: reduce their pairs or agree more time",
        "program.toml:132:10: HB101 [mentor-load] Mentor A mentors 2 mentees at the same time, more than "
        "the 1 the guardrails allow: move a mentee to another mentor",
    ]
    # each of the concurrent pairs is named as a related location
    assert result.out.count("related: program.toml:53:10: one of Mentor A's concurrent pairs") == 2
    assert result.out.count("related: program.toml:132:10: one of Mentor A's concurrent pairs") == 2


def test_mentor_load_is_fine_when_cohorts_do_not_overlap(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, "[guardrails]\n", "[guardrails]\nmax_mentees_per_mentor = 1\n") + (
        SECOND_COHORT.format(id="second", start="2027-06-07", end="2027-10-29", mentee="mentor-c")
    )
    assert findings(check(tmp_path, text)) == []


def test_complementarity(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(
        minimal_text, 'strengths = ["strategic-foresight"]', 'strengths = ["stakeholder-diplomacy"]'
    )
    result = check(tmp_path, text)
    assert result.code == 0  # a warning does not fail the check by default
    assert findings(result) == [
        "program.toml:53:10: HB301 [complementarity] Mentor A's strengths cover none of Mentee B's "
        "development goals (Strategic foresight): choose a mentor who is strong in one of them",
    ]
    assert check(tmp_path, text, "--fail-on", "warning").code == 1


def test_perspective_diversity(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(
        minimal_text,
        'division = "Sales"\ngeography = "Asia"\nrole = "mentee"',
        'division = "Operations"\ngeography = "Europe"\nrole = "mentee"',
    )
    assert findings(check(tmp_path, text)) == [
        "program.toml:54:10: HB302 [perspective-diversity] Mentor A and Mentee B share their division "
        "(Operations) and geography (Europe): pair across divisions or geographies so the mentee sees "
        "the business from elsewhere",
    ]


def test_conflict_of_interest_two_levels_up(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'role = "both"\n', 'role = "both"\nmanager = "mentor-a"\n')
    result = check(tmp_path, text)
    assert result.code == 1
    assert findings(result) == [
        "program.toml:54:10: HB303 [conflict-of-interest] Mentor A is 2 levels above Mentee B in the "
        "reporting line: a mentor must come from outside the mentee's line so the mentee can speak freely",
    ]


def test_rotation_in_consecutive_cohorts(tmp_path: Path, minimal_text: str) -> None:
    text = minimal_text + SECOND_COHORT.format(
        id="second", start="2027-06-07", end="2027-10-29", mentee="mentee-b"
    )
    assert findings(check(tmp_path, text)) == [
        "program.toml:130:3: HB304 [rotation] Mentor A already mentored Mentee B in the previous "
        "cohort: rotate so the mentee meets a new mentoring voice",
    ]


def test_unmatched_mentee(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'role = "both"', 'role = "mentee"')
    text = replace_once(
        text, 'members = ["mentor-a", "mentee-b"]', 'members = ["mentor-a", "mentee-b", "mentor-c"]'
    )
    assert findings(check(tmp_path, text)) == [
        "program.toml:50:36: HB305 [unmatched] mentee Mentor C has no mentor in cohort 'pilot': add a "
        "pair (`handbook match --cohort` proposes one)",
    ]


def test_pilot_window(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, "end = 2027-05-28", "end = 2027-02-26")
    assert findings(check(tmp_path, text)) == [
        "program.toml:48:7: HB401 [pilot-window] cohort 'pilot' lasts 1.7 months; a pilot runs 3 to 6 "
        "months so that it ends before attention fades but after habits form",
    ]
    relaxed = text + "\n[checks.pilot-window]\nmin_months = 1\n"
    assert findings(check(tmp_path, relaxed)) == []


def test_cadence(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'kind = "mid-course-correction"', 'kind = "check-in"')
    text = replace_once(text, 'every = "1 month"', 'every = "6 weeks"')
    result = check(tmp_path, text)
    assert result.code == 1
    assert findings(result) == [
        "program.toml:56:3: HB402 [cadence] the program has no alignment check every month or more "
        'often: add a [[cadences]] entry with kind = "alignment-check", every = "1 month"',
        "program.toml:56:3: HB402 [cadence] the program has no mid-course correction: add a "
        '[[cadences]] entry with kind = "mid-course-correction", at = "midpoint"',
    ]


def test_milestone_due_after_the_cohort(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'due = "4 weeks"', 'due = "30 weeks"')
    assert findings(check(tmp_path, text)) == [
        "program.toml:66:7: HB403 [milestone-criteria] milestone 'plan' falls due on 2027-08-02, outside "
        "the 'pilot' pair window (2027-01-04 to 2027-05-28): move the due point inside the cohort",
    ]


def test_milestone_without_success_criteria(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(
        minimal_text, 'success_criteria = ["A one-page plan with three goals, signed by both"]\n', ""
    )
    assert findings(check(tmp_path, text)) == [
        "program.toml:64:9: HB403 [milestone-criteria] milestone 'plan' has no success criteria: add "
        "`success_criteria` that say how anyone can tell it is reached",
    ]


def test_metrics_balance(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'kind = "qualitative"', 'kind = "quantitative"')
    text = replace_once(text, 'source = "Progress log"\n', "")
    assert findings(check(tmp_path, text)) == [
        "program.toml:68:3: HB404 [metrics-balance] the program has no qualitative metric: add one (e.g. "
        "confidence) so impact is measured with numbers and nuance",
        "program.toml:70:8: HB404 [metrics-balance] metric 'sessions' has no source: add them so anyone "
        "can collect and judge it the same way",
    ]


def test_contract_complete(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'mentor_role = "Thinking partner"\n', "")
    assert findings(check(tmp_path, text)) == [
        "program.toml:52:3: HB405 [contract-complete] the learning contract of mentor-a and mentee-b is "
        "missing mentor role: set them in [contract] (or [guardrails]) or in this pair's contract",
    ]


def test_a_pair_override_completes_its_contract(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'mentor_role = "Thinking partner"\n', "")
    text = replace_once(
        text,
        'mentee = "mentee-b"\n',
        'mentee = "mentee-b"\ncontract = { mentor_role = "Sparring partner" }\n',
    )
    assert findings(check(tmp_path, text)) == []


def test_objectives_complete(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'metrics = ["confidence"]\n', "")
    assert findings(check(tmp_path, text)) == [
        "program.toml:89:11: HB406 [objectives-complete] objective 'foresight' names no metric: list the "
        "metric ids that track it in `metrics`",
    ]


def test_intake_complete(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'ignore = ["intake-complete"]', "ignore = []")
    assert findings(check(tmp_path, text)) == [
        "program.toml:20:6: HB407 [intake-complete] Mentor A's intake is missing experiences: matching "
        "needs them",
        "program.toml:29:6: HB407 [intake-complete] Mentee B's intake is missing hours_per_month, "
        "leadership_goals, learning_style, past_challenges: matching needs them",
    ]


def test_confidential_value_copied_into_a_public_field(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(
        minimal_text,
        'role = "both"\n',
        (
            'role = "both"\n'
            'bio = "Known for a calm voice. Tends to dominate meetings when under pressure."\n\n'
            "[people.confidential]\n"
            'assessment_notes = "Tends to dominate meetings when under pressure."\n'
        ),
    )
    result = check(tmp_path, text)
    assert result.code == 1
    assert findings(result) == [
        "program.toml:43:7: HB201 [confidentiality] this public text repeats a confidential value word "
        "for word: remove it; assessments and private notes never appear in the handbook",
    ]
    assert "    related: program.toml:46:20: the confidential value" in result.out


@pytest.mark.parametrize("name", ["Mentor C", "Zoë Ångström"], ids=["ascii", "accented"])
def test_each_public_text_that_leaks_is_located(tmp_path: Path, minimal_text: str, name: str) -> None:
    """Every public string is searched in one pass: each finding still names its own text, and
    text beyond ASCII (whose lowercase may change length) does not shift the positions."""
    text = replace_once(minimal_text, 'name = "Mentor C"', f'name = "{name}"')
    text = replace_once(
        text,
        'role = "both"\n',
        (
            'role = "both"\n'
            'bio = "Ask me about {{ person.Confidential.notes }} any time."\n\n'
            "[people.confidential]\n"
            'notes = "Wants to relocate to Lisbon next year."\n'
        ),
    )
    text = replace_once(
        text,
        'success_criteria = ["A one-page plan with three goals, signed by both"]',
        'success_criteria = ["A one-page plan", "Mentee WANTS to relocate to  Lisbon next year"]',
    )
    result = check(tmp_path, text)
    assert result.code == 1
    assert findings(result) == [
        "program.toml:43:7: HB201 [confidentiality] this public text refers to a person's confidential "
        "section: public pages must not show assessments or private notes",
        "program.toml:69:40: HB201 [confidentiality] this public text repeats a confidential value word "
        "for word: remove it; assessments and private notes never appear in the handbook",
    ]


def test_hand_written_page_that_reaches_into_the_confidential_section(
    tmp_path: Path, minimal_text: str
) -> None:
    (tmp_path / "handbook").mkdir()
    (tmp_path / "handbook" / "about.md").write_text(
        "# About\n\nAsk your mentor about {{ person.confidential.notes }}.\n", encoding="utf-8"
    )
    result = check(tmp_path, minimal_text)
    assert result.code == 1
    assert findings(result) == [
        "handbook/about.md:3:33: HB201 [confidentiality] handbook/about.md refers to a person's "
        "confidential section ('confidential.notes'): pages and templates only get the public view; "
        "remove the reference",
    ]


def test_contract_without_confidentiality_norms(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'confidentiality = ["Sessions stay between mentor and mentee"]\n', "")
    assert findings(check(tmp_path, text)) == [
        "program.toml:52:3: HB201 [confidentiality] the learning contract of mentor-a and mentee-b "
        "states no confidentiality norms: add them to [guardrails] confidentiality or [contract]",
        "program.toml:52:3: HB405 [contract-complete] the learning contract of mentor-a and mentee-b is "
        "missing confidentiality norms: set them in [contract] (or [guardrails]) or in this pair's contract",
    ]


@pytest.mark.parametrize("name", ["workload", "confidentiality", "pairing", "program_design"])
def test_each_concern_is_a_plugin_module(name: str) -> None:
    result = run_handbook("rules")
    assert f"plugins.{name}" in result.out
