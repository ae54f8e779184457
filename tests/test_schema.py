"""The committed JSON Schemas that editors use (program, records) must match the models."""

from __future__ import annotations

import json
import tomllib

import jsonschema
import pytest

from generator.commands.schema import schema_text
from tests.conftest import FIXTURES, ROOT, run_handbook


def test_committed_schema_matches_the_model() -> None:
    committed = (ROOT / "program.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), (
        "program.schema.json is out of date: run `handbook schema > program.schema.json`"
    )


def test_schema_command_prints_the_schema() -> None:
    result = run_handbook("schema")
    assert result.code == 0
    schema = json.loads(result.out)
    assert schema["title"] == "Program"
    assert "people" in schema["properties"]


def test_schema_accepts_a_valid_program_and_flags_a_typo() -> None:
    schema = json.loads(schema_text())
    data = tomllib.loads((FIXTURES / "program" / "minimal.toml").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)
    data["people"][0]["strenghts"] = []
    errors = list(
        jsonschema.Draft202012Validator(schema).iter_errors(json.loads(json.dumps(data, default=str)))
    )
    assert any("strenghts" in e.message for e in errors)


def test_committed_records_schema_matches_the_model() -> None:
    committed = (ROOT / "records.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(records=True), (
        "records.schema.json is out of date: run `handbook schema --records > records.schema.json`"
    )


def test_schema_records_prints_the_schema_of_a_records_file() -> None:
    result = run_handbook("schema", "--records")
    assert result.code == 0
    assert result.out == schema_text(records=True)
    schema = json.loads(result.out)
    assert schema["title"] == "RecordFile"
    assert schema["required"] == ["cohort"]


@pytest.mark.parametrize("records", [False, True], ids=["program", "records"])
def test_schemas_have_no_relative_id(records: bool) -> None:
    """taplo (Even Better TOML) rejects a schema whose `$id` is relative as invalid."""
    schema = json.loads(schema_text(records=records))
    assert "$id" not in schema or "://" in schema["$id"]


def test_records_schema_accepts_the_records_and_flags_a_typo() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(schema_text(records=True)))
    files = sorted((ROOT / "records").glob("*.toml"))
    assert files
    for path in files:
        data = json.loads(json.dumps(tomllib.loads(path.read_text(encoding="utf-8")), default=str))
        assert not list(validator.iter_errors(data)), path.name
    data["pairs"][0]["sesions"] = []
    assert any("sesions" in e.message for e in validator.iter_errors(data))


def test_committed_private_schema_matches_the_model() -> None:
    committed = (ROOT / "private.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(private=True), (
        "private.schema.json is out of date: run `handbook schema --private > private.schema.json`"
    )
    assert run_handbook("schema", "--private").out == committed
