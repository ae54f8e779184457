"""`handbook diff`: a change to the program said in words, on a git repository built here.

The base is committed on `main`; each test edits the working tree (or commits) and reads what
the reviewer would: the sentence for each kind of change, nothing confidential, "no change" for
a reordered or reformatted file, and located errors for bad input.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Result, replace_once, run_handbook

CANARY = "CANARY-7f3e-only-in-confidential"

EXTRA_PEOPLE = """
[[people]]
id = "mentor-d"
name = "Mentor D"
division = "Risk"
geography = "Americas"
role = "mentor"
hours_per_month = 8

[people.confidential]
notes = "Prefers mornings"

[[people]]
id = "mentee-e"
name = "Mentee E"
division = "Operations"
geography = "Europe"
role = "mentee"
development_goals = ["strategic-foresight"]

[[cohorts]]
id = "next"
name = "Next"
start = 2027-07-05
end = 2027-12-17
members = ["mentor-a", "mentor-d", "mentee-e"]
"""
"""Two more people, and a cohort whose only mentee has no mentor yet: `handbook match` would
propose Mentor A (strong where Mentee E wants to grow) unless perspective outweighs skills."""


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-c", "user.name=Program Owner", "-c", "user.email=owner@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout


def base_text(minimal_text: str) -> str:
    return replace_once(minimal_text, "\n[[cohorts]]", EXTRA_PEOPLE + "\n[[cohorts]]")


@pytest.fixture
def repo(tmp_path: Path, minimal_text: str) -> Path:
    """A repository whose `main` holds the base program."""
    folder = tmp_path / "programs"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    (folder / "program.toml").write_text(base_text(minimal_text), encoding="utf-8")
    git(folder, "add", "program.toml")
    git(folder, "commit", "-q", "-m", "The pilot program")
    return folder


def edit(repo: Path, old: str, new: str) -> None:
    program = repo / "program.toml"
    program.write_text(replace_once(program.read_text(encoding="utf-8"), old, new), encoding="utf-8")


def diff(repo: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    result = run_handbook("diff", *args, cwd=repo, env=env)
    assert "Traceback" not in result.output
    return result


def sentences(result: Result) -> list[str]:
    assert result.code == 0, result.output
    return [line.removeprefix("  - ") for line in result.out.splitlines() if line.startswith("  - ")]


PAIR = '[[cohorts.pairs]]\nmentor = "mentor-a"\nmentee = "mentee-b"\n'

KINDS: dict[str, tuple[str | tuple[str, ...], str | tuple[str, ...], list[str]]] = {
    "person added": (
        '\n[[cohorts]]\nid = "pilot"',
        '[[people]]\nid = "mentee-f"\nname = "Mentee F"\ndivision = "Legal"\ngeography = "Africa"\n'
        'role = "mentee"\n\n[[cohorts]]\nid = "pilot"',
        ["Mentee F (mentee-f) joins as mentee (Legal, Africa)."],
    ),
    "person removed": (
        (
            'members = ["mentor-a", "mentor-d", "mentee-e"]',
            EXTRA_PEOPLE[
                EXTRA_PEOPLE.index('[[people]]\nid = "mentee-e"') : EXTRA_PEOPLE.index("[[cohorts]]")
            ],
        ),
        ('members = ["mentor-a", "mentor-d"]', ""),
        ["Mentee E (mentee-e) leaves the program (was mentee).", "Cohort next: Mentee E (mentee-e) leaves."],
    ),
    "members changed": (
        'members = ["mentor-a", "mentee-b"]',
        'members = ["mentor-a", "mentee-b", "mentor-c"]',
        ["Cohort pilot: Mentor C (mentor-c) joins."],
    ),
    "public fields changed": (
        'division = "Operations"\ngeography = "Europe"\nrole = "mentor"',
        'division = "Risk"\ngeography = "Europe"\nrole = "mentor"\ntitle = "Chief Risk Officer"',
        [
            'Mentor A (mentor-a): title from (none) to "Chief Risk Officer"; division from "Operations" to "Risk".'
        ],
    ),
    "pair added": (
        'members = ["mentor-a", "mentor-d", "mentee-e"]\n',
        'members = ["mentor-a", "mentor-d", "mentee-e"]\n\n[[cohorts.pairs]]\nmentor = "mentor-d"\nmentee = "mentee-e"\n',
        ["New pair in next: Mentor D (mentor-d) mentors Mentee E (mentee-e), from 2027-07-05 to 2027-12-17."],
    ),
    "pair ended": (
        PAIR,
        PAIR + 'state = "completed"\n',
        ["Pair ended in pilot: Mentor A and Mentee B completed, on 2027-05-28."],
    ),
    "pair rebalanced": (
        PAIR,
        PAIR + 'state = "rebalanced"\nend = 2027-03-01\nreason = "Mentee B moved to Mentor A\'s division"\n',
        [
            "Pair rebalanced in pilot: Mentee B (mentee-b) stops working with Mentor A (mentor-a) on "
            "2027-03-01: Mentee B moved to Mentor A's division."
        ],
    ),
    "pair's own contract changed": (
        PAIR,
        PAIR + '\n[cohorts.pairs.contract]\nmentor_role = "Coach"\n',
        ['Mentor A and Mentee B (pilot): contract.mentor role from (none) to "Coach".'],
    ),
    "cohort window moved": (
        "start = 2027-01-04",
        "start = 2027-02-01",
        [
            "Cohort pilot now runs 2027-02-01 to 2027-05-28 (was 2027-01-04 to 2027-05-28): the sessions "
            "and due dates of its 1 pair move with it."
        ],
    ),
    "cadence changed": (
        'every = "1 month"',
        'every = "2 months"',
        [
            'Cadence alignment: every from "1 month" to "2 months".',
            "Sessions of cadence alignment change for 1 pair: for Mentor A and Mentee B (pilot), "  # 04-04 is a Sunday
            "2027-02-04, 2027-04-05 are dropped.",
        ],
    ),
    "milestone moved": (
        'due = "4 weeks"',
        'due = "6 weeks"',
        [
            'Milestone plan: due from "4 weeks" to "6 weeks".',
            "Milestone plan due date moves from 2027-02-01 to 2027-02-15 for Mentor A and Mentee B (pilot).",
        ],
    ),
    "guardrail tightened": (
        "[guardrails]\n",
        "[guardrails]\nmax_mentees_per_mentor = 0\n",
        [
            "[guardrails] max mentees per mentor from 2 to 0.",
            "Mentor A (mentor-a) is now over the workload limit: 1 pair at the same time, 0 allowed.",
        ],
    ),
    "contract changed": (
        'mentor_role = "Thinking partner"',
        'mentor_role = "Sparring partner"',
        [
            '[contract] mentor role from "Thinking partner" to "Sparring partner".',
            "Learning contracts of 1 pair change (mentor role): Mentor A and Mentee B (pilot).",
        ],
    ),
    "matching weights changed": (
        "[checks]",
        "[matching.weights]\nskills = 0\nperspective = 3\n\n[checks]",
        [
            "[matching] weights.skills from 3 to 0; weights.perspective from 2 to 3.",
            "The proposal for cohort next would change: Mentee E (mentee-e) with Mentor D (mentor-d) "
            "instead of Mentor A (mentor-a).",
        ],
    ),
    "other settings": (
        'target = "At least 4 per pair"',
        'target = "At least 5 per pair"',
        ['Metric sessions: target from "At least 4 per pair" to "At least 5 per pair".'],
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_of_change_gives_its_sentence(repo: Path, kind: str) -> None:
    old, new, expected = KINDS[kind]
    for before, after in zip(*((x,) if isinstance(x, str) else x for x in (old, new)), strict=True):
        edit(repo, before, after)
    assert sentences(diff(repo)) == expected


def test_a_guardrail_loosened_says_who_is_back_within_the_limit(repo: Path) -> None:
    edit(repo, "[guardrails]\n", "[guardrails]\nmax_mentees_per_mentor = 0\n")
    git(repo, "commit", "-q", "-am", "No mentor takes a mentee")
    edit(repo, "max_mentees_per_mentor = 0\n", "")
    assert sentences(diff(repo, "HEAD"))[-1] == (
        "Mentor A (mentor-a) is back within the workload limit: 1 pair at the same time (was 1), 1 allowed."
    )


def test_two_files_and_two_revisions_compare_the_same_way(repo: Path, tmp_path: Path) -> None:
    edit(repo, 'due = "4 weeks"', 'due = "6 weeks"')
    (tmp_path / "old.toml").write_text(git(repo, "show", "main:program.toml"), encoding="utf-8")
    from_files = diff(repo, str(tmp_path / "old.toml"), "program.toml")
    git(repo, "commit", "-q", "-am", "Later plan")
    from_revisions = diff(repo, "main~1", "main")
    assert sentences(from_files) == sentences(from_revisions) != []
    assert from_revisions.out.startswith("program.toml: changes from main~1 to main\n")


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
@pytest.mark.parametrize("where", ["changed", "new person"])
def test_a_confidential_change_is_named_but_never_shown(repo: Path, fmt: str, where: str) -> None:
    if where == "changed":
        edit(repo, 'notes = "Prefers mornings"', f'notes = "{CANARY}"\nrisk_tolerance = "high"')
        expected = "Mentor D (mentor-d): confidential data changed (not shown)."
    else:
        edit(
            repo,
            '\n[[cohorts]]\nid = "pilot"',
            '[[people]]\nid = "mentee-g"\nname = "Mentee G"\ndivision = "Legal"\ngeography = "Africa"\n'
            f'role = "mentee"\n\n[people.confidential]\nassessment_notes = "{CANARY}"\n\n[[cohorts]]\nid = "pilot"',
        )
        expected = "Mentee G (mentee-g) joins as mentee (Legal, Africa)."
    result = diff(repo, "--format", fmt)
    assert result.code == 0, result.output
    assert CANARY not in result.output
    assert CANARY.lower() not in result.output.lower()
    if fmt == "json":
        changes = json.loads(result.out)["changes"]
        assert [c["sentence"] for c in changes] == [expected]
        assert changes[0]["values"] == {}
    elif fmt == "markdown":
        assert "confidential data changed" in result.out or "joins as mentee" in result.out
    else:
        assert sentences(result) == [expected]


def test_reordering_and_reformatting_is_no_change(repo: Path) -> None:
    program = repo / "program.toml"
    text = program.read_text(encoding="utf-8")
    mentor_a = text[text.index('[[people]]\nid = "mentor-a"') : text.index('[[people]]\nid = "mentee-b"')]
    text = replace_once(text, mentor_a, "")
    text = replace_once(text, '\n[[cohorts]]\nid = "pilot"', "\n" + mentor_a + '[[cohorts]]\nid = "pilot"')
    text = replace_once(
        text, 'owners = [{ name = "Ana Owner" }]', "owners = [ {name='Ana Owner'} ]  # who runs it"
    )
    text = replace_once(text, 'every = "2 months"', "every   =   '2 months'")
    text = replace_once(
        text, 'members = ["mentor-a", "mentee-b"]', 'members = [\n  "mentor-a",\n  "mentee-b",\n]'
    )
    program.write_text("# Reordered and reformatted\n" + text, encoding="utf-8")
    for fmt, expected in (
        ("text", "program.toml: no change from main to the working tree\n"),
        ("json", None),
    ):
        result = diff(repo, "main", "--format", fmt)
        assert result.code == 0, result.output
        if expected is not None:
            assert result.out == expected
        else:
            assert json.loads(result.out)["changes"] == []
    assert "**No change** to the program." in diff(repo, "--format", "markdown").out


def test_the_default_base_is_where_the_branch_left_main(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "longer-plan")
    edit(repo, 'due = "4 weeks"', 'due = "6 weeks"')
    git(repo, "commit", "-q", "-am", "Later plan")
    git(repo, "checkout", "-q", "main")
    edit(repo, 'mentor_role = "Thinking partner"', 'mentor_role = "Sparring partner"')
    git(repo, "commit", "-q", "-am", "Another change on main")
    git(repo, "checkout", "-q", "longer-plan")
    said = sentences(diff(repo))
    assert said[0] == 'Milestone plan: due from "4 weeks" to "6 weeks".'
    assert not any("mentor role" in s for s in said)


def test_markdown_escapes_names_and_lists_each_section(repo: Path) -> None:
    edit(repo, 'name = "Mentor A"', 'name = "Mentor <b>A</b> | *bold*"')
    out = diff(repo, "--format", "markdown").out
    assert out.startswith("### Program changes: program.toml\n\nFrom where this branch left main \\(")
    assert "**People**" in out
    assert "<b>" not in out and "&lt;b&gt;" in out and "\\|" in out and "\\*bold\\*" in out


# ---------------------------------------------------------------------------------------------
# Bad input: located or clear, exit 2 for usage and 1 for a program error, nothing written
# ---------------------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    }


def test_an_unknown_revision_is_a_usage_error(repo: Path) -> None:
    before = snapshot(repo)
    result = diff(repo, "mian")
    assert result.code == 2
    assert result.out == ""
    assert result.err == (
        f"handbook: unknown revision 'mian' in {repo}: name a branch, tag or commit (`git log --oneline` "
        "lists commits; fetch the branch first in a shallow CI checkout)\n"
    )
    assert snapshot(repo) == before


def test_outside_a_git_repository_it_asks_for_two_files(tmp_path: Path, minimal_text: str) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "program.toml").write_text(minimal_text, encoding="utf-8")
    before = snapshot(folder)
    result = diff(folder, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert result.code == 2
    assert result.err == (
        "handbook: program.toml is not in a git repository: compare two files instead "
        "(handbook diff OLD.toml NEW.toml), or run inside a git checkout\n"
    )
    assert snapshot(folder) == before


def test_a_base_that_does_not_parse_is_located(repo: Path) -> None:
    edit(repo, 'name = "Minimal program"', "name = Minimal program")
    git(repo, "commit", "-q", "-am", "A broken quote")
    edit(repo, "name = Minimal program", 'name = "Minimal program"')
    before = snapshot(repo)
    result = diff(repo, "HEAD")
    assert result.code == 1
    assert result.out.startswith(
        "HEAD:program.toml:2:8: TOML syntax error: this value is not valid TOML: quote text"
    )
    assert "\n    name = Minimal program\n           ^\n" in result.out
    assert result.out.endswith(
        "\n1 error in HEAD:program.toml: this version does not load, so it cannot be compared\n"
    )
    assert result.err == ""
    assert snapshot(repo) == before


def test_a_file_that_does_not_exist_is_a_usage_error(repo: Path) -> None:
    result = diff(repo, "old.toml", "program.toml")
    assert result.code == 2
    assert result.err == "handbook: old.toml: no such file: name a program file or a git revision\n"


def test_a_program_missing_at_the_base_is_a_usage_error(repo: Path) -> None:
    result = diff(repo, "main:other.toml")
    assert result.code == 2
    assert result.err == (
        "handbook: other.toml does not exist at main: name a revision that has the program, or "
        "another path with main:PATH\n"
    )


def test_a_working_tree_that_does_not_load_is_located(repo: Path) -> None:
    edit(repo, 'mentee = "mentee-b"\n', 'mentee = "nobody"\n')
    before = snapshot(repo)
    result = diff(repo)
    assert result.code == 1
    assert result.out.startswith("program.toml:")
    assert "'nobody'" in result.out.splitlines()[0]
    assert result.out.endswith(
        "\n1 error in program.toml: this version does not load, so it cannot be compared\n"
    )
    assert snapshot(repo) == before


def test_json_holds_each_public_value_and_whom_it_reaches(repo: Path) -> None:
    edit(
        repo,
        'division = "Operations"\ngeography = "Europe"\nrole = "mentor"',
        'division = "Risk"\ngeography = "Europe"\nrole = "mentor"',
    )
    edit(repo, 'due = "4 weeks"', 'due = "6 weeks"')
    data = json.loads(diff(repo, "--format", "json").out)
    assert data["changed"] is True
    assert data["base"].startswith("where this branch left main (") and data["head"] == "the working tree"
    person, milestone, dates = data["changes"]
    assert (person["section"], person["kind"], person["subject"]) == ("people", "changed", "mentor-a")
    assert person["values"] == {"division": {"before": "Operations", "after": "Risk"}}
    assert (milestone["subject"], milestone["values"]) == (
        "plan",
        {"due": {"before": "4 weeks", "after": "6 weeks"}},
    )
    assert dates["people"] == ["mentor-a", "mentee-b"]
    assert dates["detail"]["moves"] == [
        {"before": "2027-02-01", "after": "2027-02-15", "pairs": ["pilot: mentor-a -> mentee-b"]}
    ]
