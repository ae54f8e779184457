"""`handbook schema`: the JSON Schema of program.toml, for editors (taplo's `#:schema`)."""

from __future__ import annotations

import argparse
import json

from generator.model import Program

SCHEMA_ID = "program.schema.json"


def program_schema() -> dict[str, object]:
    schema = Program.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "description": "An executive mentorship program, described in program.toml.",
        **schema,
    }


def schema_text() -> str:
    return json.dumps(program_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("schema", help="print the JSON Schema of program.toml")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print(schema_text(), end="")
    return 0
