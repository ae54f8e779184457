"""`handbook intake-form` and `handbook import people`: form exports in, program.toml edited in place."""

from __future__ import annotations

import csv
import io
import os
import pty
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.intake import cells
from generator.intake.cells import CellError
from generator.intake.editing import toml_value
from generator.intake.questions import Choice
from tests.conftest import FIXTURES, ROOT, copy_example, replace_once, run_handbook

EXAMPLE = ROOT / "examples" / "intake"
HEADER = "Email,Name,Division,Geography,Role,Strengths,Hours per month\r\n"


@pytest.fixture
def program(tmp_path: Path) -> Path:
    """The minimal program in its own folder (three people, no emails)."""
    path = tmp_path / "program.toml"
    shutil.copy(FIXTURES / "program" / "minimal.toml", path)
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(folder: Path, file: str, data: bytes, *args: str) -> tuple[int, str, str]:
    """Write the export, import it with --write, and check that nothing changed on disk."""
    (folder / file).write_bytes(data)
    before = snapshot(folder)
    result = run_handbook("import", "people", file, "program.toml", "--write", *args, cwd=folder)
    assert "Traceback" not in result.output
    assert snapshot(folder) == before, "an import with problems changed or added a file"
    return result.code, result.out, result.err


# -- intake-form ------------------------------------------------------------------------------


def test_intake_form_lists_every_question_with_the_programs_choices():
    result = run_handbook("intake-form")
    assert result.code == 0, result.err
    assert "## Role (required)" in result.out
    assert "## Strengths\n\nWhat colleagues come to you for.\n\nAnswer: choose any" in result.out
    assert "- Strategic foresight\n- Stakeholder diplomacy\n" in result.out
    assert "## Leadership style\n" in result.out and "- Risk-aware\n" in result.out
    assert "confidential" not in result.out.lower() and "Communication tone" not in result.out


def test_intake_form_csv_is_the_header_row_import_reads(program: Path):
    result = run_handbook("intake-form", "program.toml", "--format", "csv", cwd=program.parent)
    headers = next(csv.reader(io.StringIO(result.out)))
    assert headers[:3] == ["Id", "Name", "Email"]
    assert {"Division", "Geography", "Role", "Development goals", "Hours per month", "Manager"} <= set(
        headers
    )


def test_intake_form_html_escapes_the_programs_text(program: Path):
    text = replace_once(program.read_text(), 'name = "Strategic foresight"', 'name = "Foresight <b>&</b>"')
    program.write_text(text)
    result = run_handbook("intake-form", "program.toml", "--format", "html", cwd=program.parent)
    assert "<li>Foresight &lt;b&gt;&amp;&lt;/b&gt;</li>" in result.out


def test_intake_form_xlsx_has_drop_downs_and_imports_back(program: Path):
    folder = program.parent
    result = run_handbook(
        "intake-form", "program.toml", "--format", "xlsx", "--output", "form.xlsx", cwd=folder
    )
    assert result.code == 0, result.err
    book = openpyxl.load_workbook(folder / "form.xlsx")
    sheet = book["Answers"]
    headers = [c.value for c in sheet[1]]
    role = headers.index("Role") + 1
    lists = {next(iter(v.sqref.ranges)).min_col: v for v in sheet.data_validations.dataValidation}
    assert lists[role].type == "list" and lists[role].showErrorMessage
    # the drop-down's range on the hidden sheet holds exactly the role choices
    assert lists[role].formula1 == "=Choices!$A$2:$A$4"
    assert [c.value for c in book["Choices"]["A"] if c.value] == ["Role", "Mentor", "Mentee", "Both"]
    assert book["Choices"].sheet_state == "hidden"
    strengths = lists[headers.index("Strengths") + 1]
    assert not strengths.showErrorMessage  # several answers are typed with ';'
    # fill one row as a person would, then import it
    answers = {"Name": "Dana Example", "Email": "dana@example.org", "Division": "Sales", "Geography": "Asia"}
    answers |= {"Role": "Mentee", "Development goals": "Stakeholder diplomacy"}
    for header, value in answers.items():
        sheet.cell(row=2, column=headers.index(header) + 1, value=value)
    book.save(folder / "filled.xlsx")
    imported = run_handbook("import", "people", "filled.xlsx", "program.toml", "--write", cwd=folder)
    assert imported.code == 0, imported.output
    person = tomllib.loads(program.read_text())["people"][-1]
    assert person == {
        "id": "dana-example",
        "name": "Dana Example",
        "email": "dana@example.org",
        "division": "Sales",
        "geography": "Asia",
        "role": "mentee",
        "development_goals": ["stakeholder-diplomacy"],
    }


def test_intake_form_never_replaces_a_file(program: Path):
    (program.parent / "form.xlsx").write_bytes(b"mine")
    result = run_handbook(
        "intake-form", "program.toml", "--format", "xlsx", "--output", "form.xlsx", cwd=program.parent
    )
    assert result.code == 2
    assert "form.xlsx exists and was not written by `handbook intake-form`" in result.err
    assert (program.parent / "form.xlsx").read_bytes() == b"mine"


# -- round trip with the example export ---------------------------------------------------------


def test_example_intake_round_trip(tmp_path: Path):
    shutil.copytree(EXAMPLE, tmp_path / "intake")
    folder = tmp_path / "intake"
    raw = (folder / "intake-answers.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b'"Leads' in raw and b"\n" in raw.split(b'"')[3] + raw

    dry = run_handbook("import", "people", "intake-answers.csv", cwd=folder)
    assert dry.code == 0, dry.output
    assert "intake-answers.csv: 30 added, 0 updated, 0 unchanged, 0 rejected" in dry.out
    assert "+[[people]]" in dry.out
    assert (folder / "program.toml").read_bytes() == (EXAMPLE / "program.toml").read_bytes()

    wrote = run_handbook("import", "people", "intake-answers.csv", "--write", cwd=folder)
    assert wrote.code == 0, wrote.output
    text = (folder / "program.toml").read_text()
    old = (EXAMPLE / "program.toml").read_text()
    assert text.startswith(old.rstrip("\n")), "the import changed a line it should have kept"
    people = tomllib.loads(text)["people"]
    assert len(people) == 30
    by_id = {p["id"]: p for p in people}
    assert by_id["mateo-ruiz"]["name"] == "Mateo Ruiz"  # trailing spaces trimmed
    assert "\n" in by_id["chloe-bernard"]["bio"]  # a quoted answer with a line break
    assert [p["role"] for p in people].count("mentor") == 12  # 'Méntor', 'MENTOR' ...
    assert by_id["hannah-kowalski"]["strengths"] == ["stakeholder-diplomacy", "commercial-judgement"]
    assert "2026/11/01 09:00:13" in raw.decode() and "2026/11/01" not in text  # the ignored column
    assert run_handbook("check", "program.toml", cwd=folder).code == 0

    again = run_handbook("import", "people", "intake-answers.csv", "--write", cwd=folder)
    assert "0 added, 0 updated, 30 unchanged, 0 rejected" in again.out
    assert (folder / "program.toml").read_text() == text

    # three edited cells change exactly those three fields
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    rows[3][header.index("Division")] = "Risk & Compliance"
    rows[5][header.index("Hours per month")] = "6"
    rows[7][header.index("Learning style")] = "Structured"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    (folder / "edited.csv").write_text(out.getvalue(), encoding="utf-8-sig")
    edited = run_handbook("import", "people", "edited.csv", "--write", cwd=folder)
    assert "0 added, 3 updated, 27 unchanged, 0 rejected" in edited.out, edited.output
    after = (folder / "program.toml").read_text()
    changed = [(a, b) for a, b in zip(text.splitlines(), after.splitlines(), strict=True) if a != b]
    assert [b for _, b in changed] == [
        'division = "Risk & Compliance"',
        "hours_per_month = 6",
        'learning_style = "structured"',
    ]


def test_update_keeps_comments_and_adds_missing_fields_before_subtables(tmp_path: Path):
    folder = copy_example(tmp_path / "example", records=False)
    program = folder / "program.toml"
    before = program.read_text()
    data = "Id,Email,Hours per month,Timezone\r\nzoe-muller,zoe@northbridge.example,6,Europe/Berlin\r\n"
    (folder / "update.csv").write_text(data)
    result = run_handbook("import", "people", "update.csv", "--write", cwd=folder)
    assert result.code == 0, result.output
    assert "0 added, 1 updated, 0 unchanged, 0 rejected" in result.out
    after = program.read_text()
    zoe = tomllib.loads(after)["people"][0]
    assert (zoe["email"], zoe["hours_per_month"], zoe["timezone"]) == (
        "zoe@northbridge.example",
        6,
        "Europe/Berlin",
    )
    assert zoe["confidential"]["risk_tolerance"] == "low"
    lost = [line for line in before.splitlines() if line not in after.splitlines()]
    assert lost == ["hours_per_month = 8"] or lost == []
    # matched by email from now on, whatever case the form writes
    (folder / "again.csv").write_text("Email,Title\r\nZOE@Northbridge.example,Group Head of Retail\r\n")
    again = run_handbook("import", "people", "again.csv", cwd=folder)
    assert '-title = "Managing Director, Head of Retail Banking Europe"' in again.out
    assert '+title = "Group Head of Retail"' in again.out


def test_delimiters_and_encodings(program: Path):
    rows = [
        ["Email", "Name", "Division", "Geography", "Role"],
        ["a@x.org", "Åsa Berg", "Sales", "Europe", "mentee"],
    ]
    for delimiter, encoding in ((";", "utf-8"), ("\t", "utf-16"), ("|", "utf-8-sig")):
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
        (program.parent / "in.csv").write_bytes(out.getvalue().encode(encoding))
        result = run_handbook("import", "people", "in.csv", "program.toml", cwd=program.parent)
        assert result.code == 0, (delimiter, encoding, result.output)
        assert '+name = "Åsa Berg"' in result.out


# -- bad input: each located, exit code, nothing written --------------------------------------------


def test_unknown_column(program: Path):
    code, _, err = refused(program.parent, "in.csv", b"Email,Name,Divison,Geography,Role\r\n")
    assert code == 1
    assert (
        "in.csv:1:3: column 'Divison' is not an intake question; did you mean 'Division'? Otherwise map it "
        "to a field in [intake.columns] or list it in [intake] ignore_columns"
    ) in err
    assert "handbook: 1 problem in in.csv" in err


def test_missing_required_column(program: Path):
    code, _, err = refused(
        program.parent, "in.csv", b"Email,Name,Division,Role\r\na@x.org,A,Sales,mentee\r\n"
    )
    assert code == 1
    assert (
        "in.csv:1:1: missing required column 'Geography': new people need it (row 2 matches nobody in the "
        "program); add it, or name the column that holds geography in [intake.columns]"
    ) in err


def test_empty_required_cell_and_every_other_problem_in_one_run(program: Path):
    data = HEADER + "a@x.org,,Sales,Asia,mentee,,\r\nb@x.org,B,Sales,Asia,mentr,foresight,500\r\n"
    code, _, err = refused(program.parent, "in.csv", data.encode())
    assert code == 1
    assert "in.csv:2:2: Name is empty: every new person needs one; fill it in" in err
    assert (
        "in.csv:3:5: Role 'mentr' is not one of the choices; did you mean 'Mentor'? "
        "(choices: Mentor, Mentee, Both)"
    ) in err
    assert (
        "in.csv:3:6: Strengths 'foresight' is not one of the choices; did you mean 'Strategic foresight'? "
        "(choices: Strategic foresight, Stakeholder diplomacy)"
    ) in err
    assert "in.csv:3:7: Hours per month '500' is outside 0-200: write a number in that range" in err
    assert "handbook: 4 problems in in.csv (0 added, 0 updated, 0 unchanged, 2 rejected)" in err


def test_duplicate_emails_and_ids_in_the_file(program: Path):
    data = HEADER + "a@x.org,A,Sales,Asia,mentee,,\r\nA@X.org,A2,Sales,Asia,mentee,,\r\n"
    code, _, err = refused(program.parent, "in.csv", data.encode())
    assert code == 1
    assert "in.csv:3:1: email A@X.org is also on row 2: keep one row per person" in err
    data = "Id,Name,Division,Geography,Role\r\nnew-one,A,Sales,Asia,mentee\r\nnew-one,B,Sales,Asia,mentee\r\n"
    code, _, err = refused(program.parent, "ids.csv", data.encode())
    assert code == 1
    assert "ids.csv:3:1: id new-one is also on row 2: keep one row per person" in err


def test_two_new_people_with_the_same_name(program: Path):
    data = HEADER + "a@x.org,Sam Lee,Sales,Asia,mentee,,\r\nb@x.org,Sam  Lee,Sales,Asia,mentee,,\r\n"
    code, _, err = refused(program.parent, "in.csv", data.encode())
    assert code == 1
    assert (
        "in.csv:3:2: new person 'Sam  Lee' would get the id 'sam-lee', as the person on row 2 does: if they "
        "are one person keep one row, else give one an id in the Id column"
    ) in err


def test_a_row_matching_two_people(program: Path):
    text = replace_once(program.read_text(), 'name = "Mentor A"\n', 'name = "Mentor A"\nemail = "a@x.org"\n')
    program.write_text(text)
    data = "Id,Email,Name,Division,Geography,Role\r\nmentee-b,a@x.org,B,Sales,Asia,mentee\r\n"
    code, _, err = refused(program.parent, "in.csv", data.encode())
    assert code == 1
    assert (
        "in.csv:2:1: this row matches two people: id 'mentee-b' is Mentee B but email a@x.org is Mentor A's: "
        "correct the id or the email"
    ) in err


def test_formulas_and_error_cells_in_a_workbook(program: Path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Email", "Name", "Division", "Geography", "Role", "Hours per month"])
    sheet.append(["a@x.org", "A", "Sales", "Asia", "mentee", "=2*3"])
    sheet.append(["b@x.org", "B", "Sales", "Asia", "mentee", "#N/A"])
    sheet["F3"].data_type = "e"
    out = io.BytesIO()
    book.save(out)
    code, _, err = refused(program.parent, "in.xlsx", out.getvalue())
    assert code == 1
    assert (
        "in.xlsx:2:6: cell F2 holds a formula (=2*3): export values only (copy the sheet and paste as values)"
        in err
    )
    assert "in.xlsx:3:6: cell F3 holds the error #N/A: fix or clear it in the spreadsheet" in err


def test_merged_header_cells(program: Path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Email", "Name", "Division", None, "Geography", "Role"])
    sheet.merge_cells("C1:D1")
    sheet.append(["a@x.org", "A", "Sales", None, "Asia", "mentee"])
    out = io.BytesIO()
    book.save(out)
    code, _, err = refused(program.parent, "in.xlsx", out.getvalue())
    assert code == 1
    assert (
        "in.xlsx:1:3: header cells C1:D1 are merged: unmerge them and give each column its own header" in err
    )


def test_empty_file(program: Path):
    code, _, err = refused(program.parent, "in.csv", b"")
    assert code == 1
    assert "in.csv:1:1: the file is empty: export the answers with their header row" in err


def test_binary_file_named_csv(program: Path):
    code, _, err = refused(program.parent, "in.csv", bytes(range(256)) * 4)
    assert code == 2
    assert (
        "handbook: in.csv: holds binary data, not CSV text: export the answers as CSV (UTF-8) or as an .xlsx "
        "workbook"
    ) in err


def test_text_that_is_not_utf8(program: Path):
    code, _, err = refused(program.parent, "in.csv", HEADER.encode() + "a@x.org,Zoë".encode("latin-1"))
    assert code == 2
    assert "handbook: in.csv:2: is not UTF-8 text (byte 0xeb): export it as 'CSV UTF-8'" in err


def test_read_only_program_is_refused_before_reading(program: Path):
    program.chmod(0o444)
    try:
        code, _, err = refused(
            program.parent, "in.csv", (HEADER + "a@x.org,A,Sales,Asia,mentee,,\r\n").encode()
        )
    finally:
        program.chmod(0o644)
    assert code == 2
    assert "program.toml is read-only, so `handbook import people --write` leaves it unchanged" in err


def test_fifty_thousand_rows(program: Path):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Email", "Name", "Division", "Geography", "Role"])
    writer.writerows([f"p{i}@x.org", f"Person {i}", "Sales", "Asia", "mentee"] for i in range(50_000))
    writer.writerow(["bad@x.org", "Bad", "Sales", "Asia", "mentr"])
    code, _, err = refused(program.parent, "big.csv", out.getvalue().encode())
    assert code == 1
    assert "big.csv:50002:5: Role 'mentr' is not one of the choices" in err
    assert "(50000 added, 0 updated, 0 unchanged, 1 rejected)" in err


def test_a_value_the_program_refuses_is_located_at_its_cell(program: Path):
    data = "Email,Name,Division,Geography,Role,Timezone\r\na@x.org,A,Sales,Asia,mentee,Mars/Base\r\n"
    data += "b@x.org,B,Sales,Asia,mentee,Asia/Tokyo\r\n"
    code, _, err = refused(program.parent, "in.csv", data.encode())
    assert code == 1
    assert (
        "in.csv:2:6: timezone: 'Mars/Base' is not an IANA time zone: write a name such as 'Europe/Berlin', "
        "'America/New_York' or 'Asia/Singapore' (got 'Mars/Base')"
    ) in err
    assert "(1 added, 0 updated, 0 unchanged, 1 rejected)" in err


def test_a_large_file_shows_a_row_counter_on_a_terminal(program: Path):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Email", "Name", "Division", "Geography", "Role"])
    writer.writerows([f"p{i}@x.org", f"Person {i}", "Sales", "Asia", "mentee"] for i in range(12_000))
    (program.parent / "big.csv").write_text(out.getvalue())
    leader, follower = pty.openpty()
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "import", "people", "big.csv", "program.toml"],
        cwd=program.parent,
        stdout=subprocess.DEVNULL,
        stderr=follower,
        timeout=600,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: everything has been read
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert proc.returncode == 0
    assert b"\rReading big.csv: 10,000 rows" in shown
    piped = run_handbook("import", "people", "big.csv", "program.toml", cwd=program.parent)
    assert "Reading big.csv" not in piped.err  # not on a pipe


# -- cells ---------------------------------------------------------------------------------------

CHOICES = [
    Choice("risk-aware", "Risk-aware"),
    Choice("big-picture", "Big-picture"),
    Choice("ops", "Opérations"),
]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(CHOICES), st.sampled_from([str.upper, str.lower, str.title, lambda s: s]), st.booleans()
)
def test_a_choice_matches_whatever_the_case_accents_and_dashes(choice: Choice, case, spaced: bool):
    written = case(choice.name.replace("-", " ") if spaced else choice.name)
    assert cells.choice(written, CHOICES, "Style") == choice.id
    assert cells.choice(f"  {choice.id.upper()} ", CHOICES, "Style") == choice.id
    assert cells.choice("operations", CHOICES, "Style") == "ops"


@given(st.dates())
def test_dates_iso_and_spreadsheet_serials(day):
    assert cells.date(day.isoformat(), "Date", "") == day if day.year >= 1000 else True
    serial = (day - cells._EXCEL_EPOCH).days
    if 1 <= serial < 2958466:
        assert cells.date(serial, "Date", "") == day
        assert cells.date(float(serial), "Date", "") == day


def test_ambiguous_date_is_refused_without_a_declared_format():
    with pytest.raises(CellError) as error:
        cells.date("03/04/2027", "Date", "")
    assert str(error.value) == (
        "Date '03/04/2027' could be 3 April or 4 March: write it as year-month-day (e.g. 2027-04-03), or "
        'declare how dates are written with [intake] date_format = "DD/MM/YYYY" (or "MM/DD/YYYY") in program.toml'
    )
    assert cells.date("03/04/2027", "Date", "DD/MM/YYYY").isoformat() == "2027-04-03"
    assert cells.date("03.04.2027", "Date", "MM/DD/YYYY").isoformat() == "2027-03-04"


@given(st.text() | st.lists(st.text(), max_size=3) | st.integers(0, 10**6) | st.floats(0, 10**6))
def test_every_imported_value_reads_back_unchanged_in_toml(value):
    assert tomllib.loads(f"x = {toml_value(value)}")["x"] == value


_TEXT_FIELDS = ("name", "email", "title", "division", "bio", "timezone", "manager")
_LIST_FIELDS = ("strengths", "development_goals", "past_challenges")
_PERSON_VALUES = st.fixed_dictionaries(
    {},
    optional={
        **{name: st.text(max_size=8) for name in _TEXT_FIELDS},
        **{name: st.lists(st.text(max_size=8), max_size=3) for name in _LIST_FIELDS},
        "hours_per_month": st.integers(0, 40) | st.floats(0, 40),
    },
)


def _people_program() -> str:
    """The minimal program with a commented person who has a [people.confidential] table."""
    text = (FIXTURES / "program" / "minimal.toml").read_text(encoding="utf-8")
    text = replace_once(text, 'id = "mentor-a"\n', '# the first mentor\nid = "mentor-a"  # stays\n')
    return replace_once(
        text, "hours_per_month = 4\n", 'hours_per_month = 4\n\n[people.confidential]\nnotes = "private"\n'
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.integers(0, 2), _PERSON_VALUES, max_size=3),
    st.lists(_PERSON_VALUES, max_size=3),
    st.booleans(),
    st.booleans(),
)
@example(
    {0: {"name": 'M "A"\x7f\n'}},
    [{"bio": "\x7f\\", "strengths": ["\x7f"], "hours_per_month": 7.5}],
    False,
    True,
)
def test_the_validated_data_is_what_the_written_program_parses_to(updates, added, into_empty, crlf):
    """The import validates the data it builds beside the text, not a re-parse of the text:
    that is only the same check if the text parses to exactly that data."""
    from generator.intake.editing import people_text
    from generator.intake.people import PeoplePlan, PersonChange
    from generator.matching.writing import check_nothing_lost
    from generator.source import parse_source

    text = (EXAMPLE / "program.toml").read_text(encoding="utf-8") if into_empty else _people_program()
    if crlf:  # a program last saved on Windows
        text = text.replace("\n", "\r\n")
    source = parse_source(text.encode("utf-8"), "program.toml")
    people = source.data.get("people", [])
    plan = PeoplePlan()
    for index, values in updates.items():
        if index < len(people):
            old = {k: people[index][k] for k in values if k in people[index]}
            plan.updated.append(PersonChange(2 + index, people[index]["id"], index, values, old))
    for k, values in enumerate(added):
        plan.added.append(PersonChange(10 + k, f"new-{k}", None, {"id": f"new-{k}", **values}))

    edited = people_text(source, plan)

    assert tomllib.loads(edited.text) == edited.data
    check_nothing_lost(text, edited.text, edited.replaced_lines)
    assert "# the first mentor" in edited.text or into_empty
    assert ("\r\n" in edited.text) == crlf and ("\n" not in edited.text.replace("\r\n", "")) == crlf


def _longest_common(a: list[str], b: list[str]) -> int:
    lengths = [0] * (len(b) + 1)
    for x in a:
        previous = 0
        for j, y in enumerate(b):
            previous, lengths[j + 1] = (
                lengths[j + 1],
                (previous + 1 if x == y else max(lengths[j + 1], lengths[j])),
            )
    return lengths[-1]


@given(st.lists(st.sampled_from("abc"), max_size=12), st.lists(st.sampled_from("abcd"), max_size=12))
def test_lines_kept_in_order_are_never_more_than_a_diff_keeps(old, new):
    """The quick check that an edit lost no line counts a common subsequence: never more lines
    than a diff finds kept, and every line when the edit only added lines."""
    from generator.matching.writing import _kept_in_order

    assert _kept_in_order(old, new) <= _longest_common(old, new)
    merged = sorted([(2 * i, x) for i, x in enumerate(old)] + [(2 * i + 1, y) for i, y in enumerate(new)])
    assert _kept_in_order(old, [line for _, line in merged]) == len(old)


def test_an_edit_that_drops_a_line_is_still_refused():
    from generator.matching.writing import WriteRefused, check_nothing_lost

    old = "# keep me\n[program]\nname = 'x'\n"
    with pytest.raises(WriteRefused):
        check_nothing_lost(old, "[program]\nname = 'x'\n[[people]]\nid = 'a'\n")
    check_nothing_lost(old, "# keep me\n[program]\nname = 'y'\n", 1)


def test_thousands_of_unknown_managers_are_each_located_and_only_the_first_get_a_hint(program: Path):
    """A did-you-mean compares a name with every id; past a fixed amount of that work the
    remaining unknown managers are reported without one, so a large bad file fails in seconds."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Email", "Name", "Division", "Geography", "Role", "Manager"])
    writer.writerows(
        [f"p{i}@x.org", f"Person {i}", "Sales", "Asia", "mentee", f"mentor-x{i}"] for i in range(600)
    )
    code, _, err = refused(program.parent, "big.csv", out.getvalue().encode())
    assert code == 1
    assert err.count("is not a person in the program or this file") == 600
    assert "big.csv:2:6: Manager 'mentor-x0' is not a person in the program or this file; did you mean" in err
    assert (
        "big.csv:601:6: Manager 'mentor-x599' is not a person in the program or this file: write their "
        "email or id, or leave it empty"
    ) in err
