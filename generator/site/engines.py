"""The site engines `handbook build` and `serve` can use: one list for `[site] engine` in the
model and for `--engine` on the command line. Kept apart from the model so that `handbook --help`
lists them without importing it."""

from __future__ import annotations

import typing
from typing import Literal

Engine = Literal["mkdocs", "zensical"]
ENGINES: tuple[str, ...] = typing.get_args(Engine)
NAMES = {"mkdocs": "MkDocs", "zensical": "Zensical"}
"""How each engine is named in what `handbook` prints."""
