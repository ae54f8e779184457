"""The committed JSON Schema that editors use must match the model."""

from __future__ import annotations

import json
import tomllib

import jsonschema

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
