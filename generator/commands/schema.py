"""`handbook schema [--records]`: the JSON Schema of program.toml or of a records file, for editors.

Editors with TOML support (Even Better TOML, i.e. taplo) read it through a first line such as
`#:schema ./program.schema.json`. The schema has no `$id`: taplo rejects a relative one as an
invalid schema, and an absolute one would name an address nobody serves. Editors find the
schema by the file path in `#:schema`, which is all they need.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _schema(model: type[BaseModel]) -> dict[str, object]:
    """The model's schema (its docstring is the description editors show), with its dialect."""
    return {"$schema": JSON_SCHEMA_DIALECT, **model.model_json_schema()}


def program_schema() -> dict[str, object]:
    from generator.model import Program

    return _schema(Program)


def records_schema() -> dict[str, object]:
    from generator.records.model import RecordFile

    return _schema(RecordFile)


def private_schema() -> dict[str, object]:
    from generator.model import PrivateFile

    return _schema(PrivateFile)


def schema_text(records: bool = False, private: bool = False) -> str:
    """The schema as committed (program.schema.json, records.schema.json, private.schema.json) and
    as `init` writes it."""
    schema = private_schema() if private else records_schema() if records else program_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("schema", help="print the JSON Schema of program.toml or a records file")
    parser.add_argument(
        "--records", action="store_true", help="the schema of a records file (records/<cohort>.toml)"
    )
    parser.add_argument(
        "--private", action="store_true", help="the schema of the private file ([private] file)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print(schema_text(records=args.records, private=args.private), end="")
    return 0
