"""`handbook check` on bad program files: every message is located, exact and traceback-free."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Result, replace_once, run_handbook


def check(tmp_path: Path, content: str | bytes, name: str = "program.toml") -> Result:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = run_handbook("check", name, cwd=tmp_path)
    assert "Traceback" not in result.output
    return result


def first_error(result: Result) -> str:
    return result.out.splitlines()[0]


def test_minimal_program_is_clean(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, minimal_text)
    assert result.code == 0, result.output
    assert result.out.strip() == "program.toml: no findings from 19 rules"


def test_empty_file(tmp_path: Path) -> None:
    result = check(tmp_path, "")
    assert result.code == 1
    assert first_error(result) == (
        "program.toml:1:1: the file is empty: a program starts with a [program] table "
        "(run `handbook init` for a commented starter)"
    )


def test_not_toml(tmp_path: Path) -> None:
    result = check(tmp_path, "Mentorship program, draft 3\n")
    assert result.code == 1
    assert first_error(result) == (
        "program.toml:1:12: TOML syntax error: expected '=' after the key: "
        "write `key = value` (quote keys that contain spaces)"
    )
    # the source line and a caret under the offending character
    assert result.out.splitlines()[1:3] == [
        "    Mentorship program, draft 3",
        "               ^",
    ]


def test_binary_bytes(tmp_path: Path) -> None:
    result = check(tmp_path, b'[program]\nname = "x\x00\x01\x02"\n')
    assert result.code == 1
    assert first_error(result) == (
        "program.toml:2:10: this is a binary file (it contains a NUL byte), not TOML text: "
        "program.toml must be UTF-8 text"
    )


def test_invalid_utf8(tmp_path: Path, minimal_text: str) -> None:
    raw = replace_once(minimal_text, 'name = "Mentor A"', 'name = "Mentor \xff"').encode("latin-1")
    result = check(tmp_path, raw)
    assert result.code == 1
    assert first_error(result) == (
        "program.toml:21:16: invalid UTF-8 (byte 0xff): save the file with UTF-8 encoding"
    )


def test_wrong_type(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, replace_once(minimal_text, "hours_per_month = 4", 'hours_per_month = "4h"'))
    assert result.code == 1
    assert first_error(result) == "program.toml:26:19: hours_per_month must be a number, not '4h'"
    assert result.out.splitlines()[1:3] == [
        '    hours_per_month = "4h"',
        "                      ^^^^",
    ]


def test_wrong_type_date(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, replace_once(minimal_text, "start = 2027-01-04", 'start = "next spring"'))
    assert result.code == 1
    assert first_error(result) == (
        "program.toml:47:9: start must be a date such as 2027-01-15, not 'next spring'"
    )


def test_time_zone_must_be_an_iana_name(tmp_path: Path, minimal_text: str) -> None:
    program = replace_once(minimal_text, "hours_per_month = 4", 'hours_per_month = 4\ntimezone = "CET+1"')
    before = program.encode()
    result = check(tmp_path, program)
    assert result.code == 1
    assert first_error(result) == (
        "program.toml:27:12: timezone: 'CET+1' is not an IANA time zone: write a name such as "
        "'Europe/Berlin', 'America/New_York' or 'Asia/Singapore' (got 'CET+1')"
    )
    assert (tmp_path / "program.toml").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["program.toml"]


def test_time_zone_accepted(tmp_path: Path, minimal_text: str) -> None:
    program = replace_once(
        minimal_text, "hours_per_month = 4", 'hours_per_month = 4\ntimezone = "Asia/Singapore"'
    )
    result = check(tmp_path, program)
    assert result.code == 0, result.output


def test_unknown_key_did_you_mean(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, replace_once(minimal_text, "strengths = [", "strenghts = ["))
    assert result.code == 1
    assert first_error(result) == (
        "program.toml:25:1: unknown key 'strenghts' in person 'mentor-a'; did you mean 'strengths'?"
    )


def test_unknown_table_did_you_mean(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, minimal_text + "\n[guardrail]\nmax_mentees_per_mentor = 2\n")
    assert result.code == 1
    assert first_error(result) == (
        "program.toml:123:2: unknown key 'guardrail' in the top level; did you mean 'guardrails'?"
    )


def test_unknown_value_did_you_mean(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, replace_once(minimal_text, 'role = "mentee"', 'role = "menteee"'))
    assert result.code == 1
    assert first_error(result) == (
        "program.toml:33:8: 'menteee' is not a valid role; did you mean 'mentee'? "
        "(expected one of: 'mentor', 'mentee', 'both')"
    )


def test_missing_key_points_at_table_header(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, replace_once(minimal_text, 'geography = "Europe"\n', ""))
    assert result.code == 1
    assert first_error(result) == (
        "program.toml:19:3: missing key 'geography' in person 'mentor-a': add `geography = ...` to this table"
    )


def test_duplicate_id(tmp_path: Path, minimal_text: str) -> None:
    text = minimal_text + '\n[[milestones]]\nid = "plan"\ntitle = "Plan again"\ndue = "6 weeks"\n'
    result = check(tmp_path, text)
    assert result.code == 1
    assert result.out.splitlines()[:4] == [
        "program.toml:124:6: duplicate milestone id 'plan': ids must be unique (first used on line 63)",
        '    id = "plan"',
        "         ^^^^^^",
        "    related: program.toml:63:6: milestone id 'plan' first used here",
    ]


def test_dangling_reference(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, replace_once(minimal_text, 'mentee = "mentee-b"', 'mentee = "mentee-d"'))
    assert result.code == 1
    assert first_error(result) == (
        "program.toml:54:10: unknown person 'mentee-d'; did you mean 'mentee-b'? "
        "(person ids are declared in [[people]])"
    )


def test_a_paired_person_outside_the_cohorts_members(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'mentee = "mentee-b"', 'mentee = "mentor-c"')
    result = check(tmp_path, text)
    assert result.code == 1
    assert result.out.splitlines()[:2] == [
        "program.toml:54:10: 'mentor-c' is paired here but is not in this cohort's members: "
        "add 'mentor-c' to members",
        '    mentee = "mentor-c"',
    ]
    assert result.out.count("program.toml:") == 1
    assert (tmp_path / "program.toml").read_text(encoding="utf-8") == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["program.toml"]


def test_a_pair_with_its_sides_swapped(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(
        minimal_text, 'mentor = "mentor-a"\nmentee = "mentee-b"', 'mentor = "mentee-b"\nmentee = "mentor-a"'
    )
    result = check(tmp_path, text)
    assert result.code == 1
    assert [line for line in result.out.splitlines() if line.startswith("program.toml:")] == [
        "program.toml:53:10: 'mentee-b' is paired as mentor but their role is 'mentee': "
        "set their role to 'mentor' or 'both', or swap the pair",
        "program.toml:54:10: 'mentor-a' is paired as mentee but their role is 'mentor': "
        "set their role to 'mentee' or 'both', or swap the pair",
    ]


def test_a_pair_side_that_is_not_text(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, replace_once(minimal_text, 'mentor = "mentor-a"', 'mentor = ["mentor-a"]'))
    assert result.code == 1
    assert [line for line in result.out.splitlines() if line.startswith("program.toml:")] == [
        "program.toml:53:10: mentor must be text (a quoted string), not a list"
    ]


def test_unknown_tag_did_you_mean(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(
        minimal_text,
        'development_goals = ["strategic-foresight"]',
        'development_goals = ["stakeholder-diplomcy"]',
    )
    result = check(tmp_path, text)
    assert result.code == 1
    assert first_error(result) == (
        "program.toml:34:22: unknown competency 'stakeholder-diplomcy'; "
        "did you mean 'stakeholder-diplomacy'? "
        "(competency ids are declared in [[vocabulary.competencies]])"
    )


def test_end_before_start(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, replace_once(minimal_text, "end = 2027-05-28", "end = 2026-12-18"))
    assert result.code == 1
    assert first_error(result) == (
        "program.toml:48:7: cohort ends on 2026-12-18 but starts on 2027-01-04: "
        "the end date must be after the start"
    )


def test_person_paired_with_themself(tmp_path: Path, minimal_text: str) -> None:
    result = check(tmp_path, replace_once(minimal_text, 'mentee = "mentee-b"', 'mentee = "mentor-a"'))
    assert result.code == 1
    assert result.out.count("program.toml:") == 1
    assert first_error(result) == (
        "program.toml:54:10: 'mentor-a' is paired with themself: choose a different mentor or mentee"
    )


@pytest.mark.parametrize(
    ("cohort_id", "message"),
    [
        (
            "../pilot",
            "id '../pilot' contains a path separator or '..', so it could point outside "
            "the site: use letters, digits, '-', '_' and '.' only",
        ),
        (
            "a/b",
            "id 'a/b' contains a path separator or '..', so it could point outside the site: "
            "use letters, digits, '-', '_' and '.' only",
        ),
        (
            "a\\\\b",
            "id 'a\\b' contains a path separator or '..', so it could point outside the "
            "site: use letters, digits, '-', '_' and '.' only",
        ),
        (
            ".pilot",
            "id '.pilot' starts with a dot, which hides files and breaks page addresses: "
            "start it with a letter or digit",
        ),
        (
            "pi\\u0007lot",
            "id 'pi\\x07lot' contains a control character: use letters, digits, '-', '_' and '.' only",
        ),
        (
            "pilot 2027",
            "id 'pilot 2027' is not safe as a file name or URL: use letters, digits, '-', '_' and '.' only",
        ),
    ],
)
def test_unsafe_ids(tmp_path: Path, minimal_text: str, cohort_id: str, message: str) -> None:
    result = check(tmp_path, replace_once(minimal_text, 'id = "pilot"', f'id = "{cohort_id}"'))
    assert result.code == 1
    assert first_error(result) == f"program.toml:45:6: {message}"
    assert "\x07" not in result.out


def test_every_error_in_one_run_sorted_by_position(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'geography = "Europe"', 'geograpy = "Europe"')
    text = replace_once(text, "end = 2027-05-28", "end = 2026-01-01")
    text = replace_once(text, 'mentee = "mentee-b"', 'mentee = "nobody"')
    result = check(tmp_path, text)
    assert result.code == 1
    locations = [line.split(": ")[0] for line in result.out.splitlines() if line.startswith("prog")]
    assert locations == [
        "program.toml:19:3",  # missing geography (the table header)
        "program.toml:23:1",  # the misspelt key
        "program.toml:48:7",  # end before start
        "program.toml:54:10",  # dangling mentee
    ]
    assert result.out.rstrip().endswith("4 errors in program.toml")


def test_unicode_names_are_accepted(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'name = "Mentor A"', 'name = "Zoë Müller-Ábalos"')
    text = replace_once(text, 'name = "Mentee B"', 'name = "王芳 (Wang Fang)"')
    text = replace_once(text, 'name = "Mentor C"', 'name = "ליאור כהן"')
    assert check(tmp_path, text).code == 0


def test_columns_count_characters_not_bytes(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(
        minimal_text, 'owners = [{ name = "Ana Owner" }]', 'owners = [{ name = "王芳", role = 5 }]'
    )
    result = check(tmp_path, text)
    assert first_error(result) == "program.toml:3:33: role must be text (a quoted string), not 5"
    # the caret sits under the 5, after two double-width characters
    assert result.out.splitlines()[2] == " " * 4 + " " * 34 + "^"


def test_duplicate_key_is_a_toml_error(tmp_path: Path, minimal_text: str) -> None:
    text = replace_once(minimal_text, 'geography = "Europe"', 'geography = "Europe"\ngeography = "Asia"')
    result = check(tmp_path, text)
    assert result.code == 1
    assert first_error(result) == (
        "program.toml:24:1: TOML syntax error: a key or table is defined twice: keep one of them"
    )


def test_directory_passed_as_program(tmp_path: Path) -> None:
    (tmp_path / "programs").mkdir()
    result = run_handbook("check", "programs", cwd=tmp_path)
    assert result.code == 2
    assert result.err.strip() == (
        "handbook: programs: is a directory: pass the program file inside it, e.g. programs/program.toml"
    )
    assert "Traceback" not in result.output


def test_missing_file(tmp_path: Path) -> None:
    result = run_handbook("check", "nowhere.toml", cwd=tmp_path)
    assert result.code == 2
    assert result.err.strip() == (
        "handbook: nowhere.toml: no such file: pass the path to your program.toml "
        "(or run `handbook init` to start one)"
    )
    assert "Traceback" not in result.output


def test_default_program_is_program_toml_in_the_current_folder(tmp_path: Path) -> None:
    result = run_handbook("check", cwd=tmp_path)
    assert result.code == 2
    assert result.err.startswith("handbook: program.toml: no such file")


def test_usage_error_exit_code(tmp_path: Path) -> None:
    result = run_handbook("check", "--no-such-flag", cwd=tmp_path)
    assert result.code == 2
    assert "unrecognized arguments: --no-such-flag" in result.err
    assert "Traceback" not in result.output


def test_ten_megabyte_program_is_handled(tmp_path: Path) -> None:
    from benchmarks.generate import generate_program_text

    text = generate_program_text(people=10_000, pairs=5_000)
    assert len(text.encode()) > 9_500_000
    from generator.loader import load_program_text

    program = load_program_text(text)
    assert len(program.people) == 10_000
    assert sum(len(c.pairs) for c in program.cohorts) == 5_000


def test_a_table_left_out_equals_the_same_table_written_empty(tmp_path: Path, minimal_text: str) -> None:
    """Tables a program leaves out get their defaults without validation; each must be exactly
    what validating an empty table gives, as a later step cannot tell the two apart."""
    from pydantic import BaseModel

    from generator.loader import load_program_text
    from generator.model import Program

    left_out = load_program_text(minimal_text)
    tables = [
        name
        for name, field in Program.model_fields.items()
        if isinstance(field.annotation, type)
        and issubclass(field.annotation, BaseModel)
        and name not in left_out.model_fields_set
    ]
    assert {"site", "matching", "intake", "private", "mentor_guide"} <= set(tables)
    written = load_program_text(minimal_text + "".join(f"\n[{name}]\n" for name in tables))
    for name in tables:
        default, empty = getattr(left_out, name), getattr(written, name)
        assert default == empty, name
        assert default.model_fields_set == empty.model_fields_set == set(), name
        assert default.model_extra == empty.model_extra, name
