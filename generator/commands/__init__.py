"""Subcommands of `handbook`; each module adds its own parser (see `generator.cli`)."""
