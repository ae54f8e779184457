"""`python -m generator` is the same as the `handbook` command."""

from generator.cli import main

raise SystemExit(main())
