"""`handbook import records`: session logs and pulse surveys into a cohort's records file."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tomllib
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import ROOT, copy_example, replace_once, run_handbook

PULSE = ROOT / "examples" / "intake" / "pulse-2026-autumn.xlsx"
HEADER = "Mentor,Mentee,Date,By,Clarity,Confidence,Influence,Relationship,Kind,Minutes\r\n"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "example")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(folder: Path, data: str, *args: str) -> tuple[int, str]:
    (folder / "log.csv").write_text(data, encoding="utf-8")
    before = snapshot(folder)
    result = run_handbook(
        "import", "records", "log.csv", "--cohort", "2026-autumn", "--write", *args, cwd=folder
    )
    assert "Traceback" not in result.output
    assert snapshot(folder) == before, "an import with problems changed or added a file"
    return result.code, result.err


def test_pulse_export_imported_twice_adds_its_rows_once(example: Path):
    shutil.copy(PULSE, example / "pulse.xlsx")
    records = example / "records" / "2026-autumn.toml"
    before = records.read_text()
    dry = run_handbook("import", "records", "pulse.xlsx", "--cohort", "2026-autumn", cwd=example)
    assert dry.code == 0, dry.output
    assert "pulse.xlsx: 22 added, 0 already recorded, 0 rows rejected" in dry.out
    assert records.read_text() == before

    wrote = run_handbook("import", "records", "pulse.xlsx", "--cohort", "2026-autumn", "--write", cwd=example)
    assert wrote.code == 0, wrote.output
    after = records.read_text()
    assert all(line in after.splitlines() for line in before.splitlines())  # comments and entries kept
    pairs = tomllib.loads(after)["pairs"]
    old_pairs = tomllib.loads(before)["pairs"]
    added = sum(len(p["feedback"]) for p in pairs) - sum(len(p.get("feedback", [])) for p in old_pairs)
    assert added == 22
    # read as the workbook has it: Wang Fang's mentee rates on the survey's own scale headers
    book = openpyxl.load_workbook(PULSE)
    first = [c.value for c in next(book.active.iter_rows(min_row=2, max_row=2))]
    ingrid = next(p for p in pairs if p["mentee"] == "ingrid-solberg")
    assert {
        "date": first[2].date(),
        "by": "mentee",
        "clarity": first[8],
        "confidence": first[9],
        "influence": first[10],
        "relationship": first[11],
    } in ingrid["feedback"]
    assert run_handbook("check", cwd=example).code == 0

    again = run_handbook("import", "records", "pulse.xlsx", "--cohort", "2026-autumn", "--write", cwd=example)
    assert "pulse.xlsx: 0 added, 22 already recorded, 0 rows rejected" in again.out
    assert records.read_text() == after


def test_a_later_export_adds_only_its_new_rows_and_sessions(example: Path):
    rows = "james-okafor,Ingrid Solberg,2026-11-21,,,,,,alignment check,60\r\n"
    (example / "log.csv").write_text(HEADER + rows)
    first = run_handbook("import", "records", "log.csv", "--cohort", "2026-autumn", "--write", cwd=example)
    assert "1 added, 0 already recorded" in first.out, first.output
    (example / "log.csv").write_text(HEADER + rows + "James Okafor,ingrid-solberg,2026-11-24,,,,,,,45\r\n")
    second = run_handbook("import", "records", "log.csv", "--cohort", "2026-autumn", "--write", cwd=example)
    assert "1 added, 1 already recorded" in second.out, second.output
    sessions = tomllib.loads((example / "records" / "2026-autumn.toml").read_text())["pairs"][0]["sessions"]
    assert sessions[-2:] == [
        {"date": dt.date(2026, 11, 21), "kind": "alignment-check", "minutes": 60},
        {"date": dt.date(2026, 11, 24), "kind": "session", "minutes": 45},
    ]


def test_a_cohort_without_records_gets_a_new_file(example: Path):
    (example / "records" / "2026-autumn.toml").unlink()
    (example / "log.csv").write_text(HEADER + "thabo-nkosi,aisha-bello,2026-11-02,,,,,,,50\r\n")
    result = run_handbook("import", "records", "log.csv", "--cohort", "2026-autumn", "--write", cwd=example)
    assert result.code == 0, result.output
    data = tomllib.loads((example / "records" / "2026-autumn.toml").read_text())
    assert data["cohort"] == "2026-autumn"
    assert data["pairs"][0]["mentor"] == "thabo-nkosi"
    assert run_handbook("check", cwd=example).code == 0


# -- bad input -------------------------------------------------------------------------------------


def test_ambiguous_dates(example: Path):
    code, err = refused(example, HEADER + "james-okafor,ingrid-solberg,03/11/2026,,,,,,,60\r\n")
    assert code == 1
    assert (
        "log.csv:2:3: Date '03/11/2026' could be 3 November or 11 March: write it as year-month-day "
        '(e.g. 2027-04-03), or declare how dates are written with [intake] date_format = "DD/MM/YYYY" '
        '(or "MM/DD/YYYY") in program.toml'
    ) in err


def test_declared_date_format_reads_the_same_cell(example: Path):
    program = example / "program.toml"
    program.write_text(
        replace_once(program.read_text(), "[intake]\n", '[intake]\ndate_format = "DD/MM/YYYY"\n')
    )
    (example / "log.csv").write_text(HEADER + "james-okafor,ingrid-solberg,03/11/2026,,,,,,,60\r\n")
    result = run_handbook("import", "records", "log.csv", "--cohort", "2026-autumn", cwd=example)
    assert result.code == 0, result.output
    assert '+  { date = 2026-11-03, kind = "session", minutes = 60 },' in result.out


def test_dates_outside_the_cohort_and_ratings_outside_1_to_5(example: Path):
    data = HEADER + "james-okafor,ingrid-solberg,2027-06-01,mentee,7,3,0,4,,\r\n"
    code, err = refused(example, data)
    assert code == 1
    assert (
        "log.csv:2:3: Date '2027-06-01' is outside the pair's window, 2026-10-05 to 2027-03-26: check the "
        "date, or the row belongs to another cohort"
    ) in err
    assert "log.csv:2:5: Clarity '7' is outside 1-5: write a number in that range" in err
    assert "log.csv:2:7: Influence '0' is outside 1-5: write a number in that range" in err
    assert "handbook: 3 problems in log.csv (0 added, 0 already recorded, 1 row rejected)" in err


def test_unknown_pair_and_unknown_choice(example: Path):
    data = (
        HEADER
        + "james-okafor,tom-fischer,2026-11-02,,,,,,,60\r\njames-okafor,ingrid-solberg,2026-11-02,,,,,,allignment check,\r\n"
    )
    code, err = refused(example, data)
    assert code == 1
    assert (
        "log.csv:2:2: james-okafor and tom-fischer are not a pair in cohort '2026-autumn'; did you mean "
        "'james-okafor -> ingrid-solberg'? Otherwise check the names, or import into the cohort they are paired in"
    ) in err
    assert (
        "log.csv:3:9: Kind 'allignment check' is not one of the choices; did you mean 'Session'?" not in err
    )
    assert "log.csv:3:9: Kind 'allignment check' is not one of the choices" in err


def test_feedback_without_all_ratings(example: Path):
    code, err = refused(example, HEADER + "james-okafor,ingrid-solberg,2026-11-02,mentee,4,,3,4,,\r\n")
    assert code == 1
    assert "log.csv:2:6: Confidence is empty: feedback has all four ratings, each 1 to 5; fill it in" in err


def test_unknown_cohort_is_a_usage_error(example: Path):
    (example / "log.csv").write_text(HEADER)
    result = run_handbook("import", "records", "log.csv", "--cohort", "2026-autum", cwd=example)
    assert result.code == 2
    assert "handbook: unknown cohort '2026-autum'; did you mean '2026-autumn'?" in result.err


def test_records_from_a_workbook_with_an_error_cell(example: Path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mentor", "Mentee", "Date", "Minutes"])
    sheet.append(["james-okafor", "ingrid-solberg", "#N/A", 30])
    sheet["C2"].data_type = "e"
    out = io.BytesIO()
    book.save(out)
    (example / "log.xlsx").write_bytes(out.getvalue())
    before = snapshot(example)
    result = run_handbook("import", "records", "log.xlsx", "--cohort", "2026-autumn", "--write", cwd=example)
    assert result.code == 1
    assert "log.xlsx:2:3: cell C2 holds the error #N/A: fix or clear it in the spreadsheet" in result.err
    assert snapshot(example) == before
