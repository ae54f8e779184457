"""The one place that loads plugins and calls their code.

Built-in rules (the modules in `DEFAULT_PLUGINS`), installed plugins (the `handbook` entry-point
group) and local modules named in `[checks] plugins` are registered the same way and their
hooks are called the same way: one implementation at a time, in isolation. A plugin that fails
to import, raises (even `SystemExit` or `KeyboardInterrupt`), or prints to standard output is
reported by name and file as a `PluginProblem`; the other plugins still run, and nothing a
plugin prints can corrupt a JSON or SARIF report on stdout.

pluggy's own hook call stops at the first exception and cannot say which plugin raised, so
`register_all` walks the hook's implementations itself, in pluggy's order.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import importlib.util
import inspect
import io
import os
import sys
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from generator import hookspecs
from generator.diagnostics import Location, relative

DEFAULT_PLUGINS: tuple[str, ...] = (
    "plugins.suppressions",
    "plugins.workload",
    "plugins.confidentiality",
    "plugins.pairing",
    "plugins.program_design",
    "plugins.progress",
    "plugins.scores",
)
AUTOLOAD_OFF = "HANDBOOK_DISABLE_PLUGIN_AUTOLOAD"
"""Set (to anything) to load no installed plugins: only the built-ins and local modules."""
NO_PLUGINS = "HANDBOOK_NO_PLUGINS"
"""Set to 1 (or any value but 0 or empty) to run no plugin code at all: neither installed plugins
nor the program's `[checks] plugins` files, only the built-ins. For untrusted pull requests, whose
program.toml could name a file of their own."""


def plugins_off() -> bool:
    """Whether HANDBOOK_NO_PLUGINS asks for the built-ins only."""
    return os.environ.get(NO_PLUGINS, "").strip() not in ("", "0")


@dataclass(frozen=True)
class PluginProblem:
    """A plugin misbehaved: which plugin, in which file, doing what, and what happened."""

    plugin: str
    file: str
    doing: str
    error: str
    location: Location | None = None
    """Where in the plugin's own file, when that is known (a syntax error)."""

    def __str__(self) -> str:
        where = str(self.location) if self.location else relative(self.file)
        return f"{where}: plugin {self.plugin} failed {self.doing}: {self.error}"


@dataclass
class PluginHost:
    """A pluggy manager with every plugin registered, and the problems met while loading them."""

    manager: pluggy.PluginManager
    problems: list[PluginProblem] = field(default_factory=list)

    def name_of(self, plugin: object) -> str:
        return self.manager.get_name(plugin) or repr(plugin)

    def file_of(self, plugin: object) -> str:
        return _file_of(plugin)

    def register_all(self, hook: str, doing: str) -> Iterator[tuple[str, list[Any]]]:
        """Call a `register`-style hook on each plugin in turn, in isolation: (plugin name, what
        it registered). A plugin that fails part-way registers nothing."""
        for impl in getattr(self.manager.hook, hook).get_hookimpls():
            plugin = self.name_of(impl.plugin)
            found: list[Any] = []
            before = len(self.problems)
            with self.guard(plugin, doing):
                impl.function(**({"register": found.append} if "register" in impl.argnames else {}))
            yield plugin, found if len(self.problems) == before else []

    @contextlib.contextmanager
    def guard(self, plugin: str, doing: str, file: str = "") -> Iterator[io.StringIO]:
        """Run plugin code: catch everything it raises and everything it prints to stdout."""
        printed = io.StringIO()
        module = self.manager.get_plugin(plugin)
        file = file or (_file_of(module) if module is not None else plugin)
        try:
            with contextlib.redirect_stdout(printed):
                yield printed
        except (Exception, SystemExit, KeyboardInterrupt) as exc:
            self.problems.append(PluginProblem(plugin, file, doing, _describe(exc)))
        if printed.getvalue():
            first = printed.getvalue().strip().splitlines()[0] if printed.getvalue().strip() else ""
            self.problems.append(
                PluginProblem(
                    plugin,
                    file,
                    doing,
                    f"printed to standard output ({first[:60]!r}); a plugin reports through what "
                    "it returns, never by printing",
                )
            )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"called sys.exit({exc.code!r})"
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    text = str(exc)
    return f"{type(exc).__name__}{': ' + text if text else ''}{where}"


def _file_of(plugin: object) -> str:
    try:
        return inspect.getsourcefile(plugin) or getattr(plugin, "__file__", "") or repr(plugin)  # type: ignore[arg-type]
    except TypeError:
        return getattr(plugin, "__file__", "") or repr(plugin)


def load_plugins(
    local: Iterable[Path] = (), disabled: Iterable[str] = (), *, autoload: bool = True
) -> PluginHost:
    """Register the built-ins, then installed plugins (unless `autoload` is off), then local
    modules; a plugin that cannot be imported becomes a problem, not a crash.

    With HANDBOOK_NO_PLUGINS set only the built-ins load, whatever the caller asks: every
    command goes through here, so none can run plugin code by mistake.
    """
    if plugins_off():
        autoload, local = False, ()
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    host = PluginHost(manager)
    for name in disabled:
        manager.set_blocked(name)
    for module_name in DEFAULT_PLUGINS:
        if not manager.is_blocked(module_name):
            manager.register(importlib.import_module(module_name), name=module_name)
    if autoload:
        for entry in importlib.metadata.entry_points(group=hookspecs.PROJECT):
            if manager.is_blocked(entry.name) or manager.has_plugin(entry.name):
                continue
            with host.guard(entry.name, "to load", entry.value):
                manager.register(entry.load(), name=entry.name)
    for path in local:
        name = path.stem
        if manager.is_blocked(name):
            continue
        module = _import_local(host, name, path)
        if module is not None:
            manager.register(module, name=name)
    return host


def _import_local(host: PluginHost, name: str, path: Path) -> ModuleType | None:
    """Import a plugin file; a syntax error is located in that file, like any program error."""
    module_name = f"handbook_local_{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        host.problems.append(PluginProblem(name, str(path), "to load", "not a Python module"))
        return None
    module = importlib.util.module_from_spec(spec)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            spec.loader.exec_module(module)
    except SyntaxError as exc:
        line, column = exc.lineno or 1, exc.offset or 1
        host.problems.append(
            PluginProblem(
                name,
                str(path),
                "to load",
                f"{type(exc).__name__}: {exc.msg}: fix the plugin file",
                Location(relative(str(path)), line, column),
            )
        )
        return None
    except (Exception, SystemExit, KeyboardInterrupt) as exc:
        host.problems.append(PluginProblem(name, str(path), "to load", _describe(exc)))
        return None
    sys.modules[module_name] = module
    return module
