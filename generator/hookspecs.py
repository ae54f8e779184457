"""Every hook a handbook plugin can implement, in one place.

Plugins are ordinary modules or packages. A package declares one in its pyproject.toml:

    [project.entry-points.handbook]
    our_rules = "our_package.rules"

or a program names a local module in program.toml: `[checks] plugins = ["./rules/our_rules.py"]`.
Implement a hook with `@hookimpl` from `generator.hookspecs`. The built-in rules and score
components (`plugins/`) are registered exactly the same way.

What a plugin's code receives is the `generator.project.Project` of the command: the validated
program (`project.program`), its folder (`project.root`), the date findings are judged on
(`project.today`, from HANDBOOK_TODAY in CI), the progress records (`project.records`, read on
first use) and the configured rules (`project.rules`). Nothing else is shared: no module-level
state carries the program, the records or the date.

Plugin code runs in isolation (`generator.plugin_host`): whatever it raises, and anything it
prints to standard output, is reported against the plugin by name and file, and the other
plugins still run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from generator.matching.components import Component
    from generator.rules import Rule

PROJECT = "handbook"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# -- Rules ----------------------------------------------------------------------------------


@hookspec
def handbook_register_rules(register: Callable[[Rule], None]) -> None:
    """Add rules to `handbook check`.

    Call `register(rule)` once per `generator.rules.Rule`. The rule's code (e.g. `ACME101`)
    and kebab-case name must be unique across all plugins; built-in rules use codes `HB…`.
    A rule's `check(project, options)` yields `generator.findings.Violation`s; `options` is an
    instance of the rule's `options` model (a `generator.rules.RuleOptions`), validated from
    `[checks.<rule-name>]` when the program loads.
    """


# -- Matching --------------------------------------------------------------------------------


@hookspec
def handbook_match_components(register: Callable[[Component], None]) -> None:
    """Add score components to `handbook match`.

    Call `register(component)` once per `generator.matching.components.Component`. Its `id` is
    the key of its weight in `[matching.weights]` (else its `default_weight`, 0 unless the plugin
    says otherwise, so a program opts in); its `score` function takes the `Sides` being matched
    and returns a mentors x mentees numpy array of values in [0, 1].
    """
