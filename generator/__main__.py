"""`python -m generator` is the same as the `handbook` command."""

from generator.cli import run

run()
