"""The Jinja environments of the tool and its one Markdown escaper.

Every template the tool renders comes from an environment made here: the Markdown pages of the
site (built-in templates, which a program may override file by file with `[site] templates`)
and the owner's HTML reports. Both environments are sandboxed: override templates are written
by a program's authors, and a template has no business reaching Python's internals.

An environment is made by a call and handed to whatever renders with it. What a template
compiles to is kept in the user's cache folder (`template_cache_folder`), so a build does not
compile the same templates again: only a template whose source changed is compiled. The theme's
environment (MkDocs renders the HTML pages with it) keeps its compiled templates there too.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
import sys
import types
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator.diagnostics import relative
from generator.safe_files import CannotWrite, write_bytes_atomically

TEMPLATES = Path(__file__).resolve().parent / "templates"
SITE_TEMPLATES = TEMPLATES / "site"
"""The built-in Markdown page templates; `progress/` holds the progress dashboards."""
REPORT_TEMPLATES = TEMPLATES / "reports"
"""The owner's HTML reports and their SVG chart macros."""


class Markdown(str):
    """Markdown source to print as is: text already escaped, or markup the tool wrote itself.

    The escaper passes it through unchanged, so a value escaped once (`{{ x | md }}` under the
    environment's `finalize`) is never escaped twice. Anything built by concatenating it with a
    plain `str` is a plain `str` again, and is escaped.
    """

    __slots__ = ()


_BREAKS = "".join(map(chr, (*range(0x20), 0x7F, *range(0x80, 0xA0)))) + "\u2028\u2029"
"""Line breaks and every other control character (C0, DEL, C1), and the line and paragraph
separators: a value must stay on the line it is printed on, or it could start a heading, a list
or a new table row, and a control character has no business on a page."""
_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "~": "&#126;",  # not `\~`: Python-Markdown prints that backslash unless an extension reads `~`
        **dict.fromkeys(_BREAKS, " "),
        **{c: "\\" + c for c in "\\`*_{}[]()#+!|"},
    }
)
_SPACES = re.compile(" {2,}")


def escape_markdown(value: object) -> Markdown:
    """Plain text in Markdown: HTML characters become entities, Markdown syntax is backslashed,
    and whitespace becomes single spaces, so a value cannot start a block or break a table row.

    Entities rather than backslashes for `<` and `>`: Python-Markdown does not treat `\\<` as an
    escape. One `str.translate` per value, as templates print tens of thousands of values.
    """
    if isinstance(value, Markdown):
        return value
    if value is None:
        return Markdown("")
    text = str(value).translate(_ESCAPES)
    if "  " in text:
        text = _SPACES.sub(" ", text)
    return Markdown(text)


def markdown_environment(overrides: Path | None = None) -> Sandbox:
    """Templates for the site's Markdown pages: the program's override folder first, then ours.

    Every printed value goes through `escape_markdown` (`finalize`), so text from program.toml
    shows as text whatever a template does; `md` is the same escaper as a filter, for templates
    that say so where they print a value. Undefined names are errors, not empty text.
    """
    folders = [str(overrides)] if overrides is not None else []
    env = Sandbox(
        loader=jinja2.FileSystemLoader([*folders, str(SITE_TEMPLATES)]),
        bytecode_cache=compiled_templates(),
        finalize=escape_markdown,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = escape_markdown
    return env


def report_environment() -> Sandbox:
    """Templates for the owner's HTML reports: every printed value is HTML-escaped (autoescape)."""
    return Sandbox(
        loader=jinja2.FileSystemLoader(str(REPORT_TEMPLATES)),
        bytecode_cache=compiled_templates(),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


_METHODS = (types.MethodType, types.BuiltinMethodType)


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, which decides once per kind of value and attribute name.

    The sandbox asks whether an attribute is safe on every `x.y` a template evaluates, tens of
    thousands of times per build, and Jinja's answer depends only on the value's type and the
    name (internal names, function and frame internals, methods that change a list or a dict).
    So the answer for a type and a name is worked out by Jinja once and kept for the
    environment's life. A value whose `__class__` is not its type (a proxy) is asked every time.
    (A type registered with one of `collections.abc`'s mutable kinds while an environment is in
    use would keep its earlier answer; the tool registers none, and a template cannot.)
    """

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self._safe_attributes: dict[tuple[type, str], bool] = {}

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja's `getattr`, with the common case decided first: an attribute known safe on
        the value's type, whose value is no method (Jinja wraps `str.format` methods)."""
        kind = type(obj)
        if self._safe_attributes.get((kind, attribute)) and obj.__class__ is kind:
            try:
                value = getattr(obj, attribute)
            except AttributeError:
                return super().getattr(obj, attribute)
            if not isinstance(value, _METHODS):
                return value
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        kind = type(obj)
        if obj.__class__ is not kind:
            return super().is_safe_attribute(obj, attr, value)
        safe = self._safe_attributes.get((kind, attr))
        if safe is None:
            safe = self._safe_attributes[(kind, attr)] = super().is_safe_attribute(obj, attr, value)
        return safe


def compiled_templates() -> CompiledTemplates | None:
    """The user's cache of compiled templates, for any environment (entries are keyed by it),
    or None when there is none to use (`template_cache_folder`)."""
    return CompiledTemplates.in_folder(template_cache_folder())


def template_cache_folder() -> Path | None:
    """Where compiled templates are kept: `$XDG_CACHE_HOME/mentorship-handbook/templates`
    (by default under `~/.cache`); None when `HANDBOOK_NO_CACHE` is set or there is no home."""
    if os.environ.get("HANDBOOK_NO_CACHE"):
        return None
    root = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(root):
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        root = os.path.join(home, ".cache")
    return Path(root) / "mentorship-handbook" / "templates"


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, kept between runs in a folder only the user can write.

    Jinja checks each entry against the template's source and recompiles one that changed. What
    a template compiles to also depends on its environment (`environment_key`), so entries are
    kept apart by that too. A cached entry is code the tool runs: a folder that another user
    could write to is not used, nor is anything in it. A cache that cannot be written is no
    error; templates are then compiled as without one.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._file_digests: dict[str, str] = {}
        self._keys: dict[int, tuple[tuple[object, ...], str]] = {}

    @classmethod
    def in_folder(cls, folder: Path | None) -> CompiledTemplates | None:
        """The cache in `folder`, or None where there is no folder or it is not safe."""
        if folder is None or not _private_folder(folder):
            return None
        return cls(folder)

    def environment_key(self, env: jinja2.Environment) -> str:
        """What a template's compiled code depends on besides its source, as a short digest:
        the Jinja and Python versions, the kind of environment (sandboxed or not, intercepted
        operators), its syntax, whitespace and escaping settings, extensions and policies, and
        every function the compiler may call, named with a digest of the file defining it and
        what it closes over: constant expressions are filtered, tested and finalized at compile
        time (an upgraded escaper must not leave old escaping in kept templates).

        Read when an entry is loaded or written, not when the cache is attached: a plugin may
        add filters to the theme's environment later. Worked out again only when one of the
        environment's tables changed."""
        state = (
            type(env),
            tuple(env.filters.items()),
            tuple(env.tests.items()),
            tuple(env.policies.items()),
            *(getattr(env, name) for name in _COMPILE_SETTINGS),
            tuple(env.extensions),
            getattr(env, "newstyle_gettext", None),
        )
        known = self._keys.get(id(env))
        if known is not None and known[0] == state:
            return known[1]
        kind = type(env)
        described = [
            jinja2.__version__,
            sys.implementation.cache_tag,
            f"{kind.__module__}.{kind.__qualname__} sandboxed={env.sandboxed}",
            f"binary operators={sorted(getattr(env, 'intercepted_binops', ()))}",
            f"unary operators={sorted(getattr(env, 'intercepted_unops', ()))}",
            f"extensions={sorted(env.extensions)!r}",
            f"newstyle_gettext={getattr(env, 'newstyle_gettext', None)!r}",
        ]
        described += [f"{name}={self._described(getattr(env, name))}" for name in _COMPILE_SETTINGS]
        for table in ("policies", "filters", "tests"):
            items = sorted(getattr(env, table).items())
            described += [f"{table}.{name}={self._described(value)}" for name, value in items]
        key = hashlib.sha256("\n".join(described).encode()).hexdigest()[:16]
        self._keys[id(env)] = (state, key)
        return key

    def _described(self, value: Any, seen: frozenset[int] = frozenset()) -> str:
        """A setting or function in words that change when it does. A function: its name, a
        digest of its file and what it closes over (`select_autoescape(["xml"])` is not
        `select_autoescape(["html"])`). Anything else by `repr`, which for an object without a
        meaningful one names its address: never equal in another run, so never reused."""
        if isinstance(value, functools.partial):
            return f"partial({self._described(value.func, seen)}, {value.args!r}, {value.keywords!r})"
        function = getattr(value, "__func__", value)
        code = getattr(function, "__code__", None)
        if code is None or id(function) in seen:
            if isinstance(value, type):
                return f"{value.__module__}.{value.__qualname__}"
            if isinstance(value, types.BuiltinFunctionType):  # a method of an object, or not
                owner = value.__self__
                bound = "" if owner is None or isinstance(owner, types.ModuleType) else f" of {owner!r}"
                return f"{value.__module__}.{value.__qualname__}{bound}"
            return repr(value)
        inner = seen | {id(function)}
        closed = []
        for cell in getattr(function, "__closure__", None) or ():
            try:
                closed.append(self._described(cell.cell_contents, inner))
            except ValueError:  # a cell not yet filled
                closed.append("empty")
        bound = f" of {value.__self__!r}" if function is not value else ""
        name = f"{function.__module__}.{function.__qualname__}:{code.co_firstlineno}"
        return (
            f"{name}@{self._file_digest(code.co_filename)}/{_code_digest(code)}({', '.join(closed)}){bound}"
        )

    def _file_digest(self, filename: str) -> str:
        digest = self._file_digests.get(filename)
        if digest is None:
            try:
                digest = hashlib.sha256(Path(filename).read_bytes()).hexdigest()[:16]
            except OSError:  # unknown source: a key no other run shares
                digest = f"unread-{id(self)}"
            self._file_digests[filename] = digest
        return digest

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{self.environment_key(bucket.environment)}-{bucket.key}.cache"

    def load_bytecode(self, bucket: Bucket) -> None:
        """The kept code, if it can be read; an entry cut short or damaged (a full disk, a
        killed run) is as if missing: the template is compiled and the entry written again."""
        try:
            with open(self._path(bucket), "rb") as cached:
                if os.fstat(cached.fileno()).st_uid == os.getuid():
                    bucket.load_bytecode(cached)
        except OSError:
            return
        except Exception:  # pickle and marshal raise many kinds of error on damaged data
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            write_bytes_atomically(self._path(bucket), bucket.bytecode_to_string())
        except CannotWrite:
            return


def _code_digest(code: types.CodeType) -> str:
    """A function's own code: two lambdas of one file differ by it (their names do not)."""
    constants = [_constant(c) for c in code.co_consts if not isinstance(c, types.CodeType)]
    return hashlib.sha256(code.co_code + repr((constants, code.co_names)).encode()).hexdigest()[:12]


def _constant(value: object) -> object:
    """A code constant as the same text in every run: a set's order depends on string hashing,
    which differs from one process to the next."""
    if isinstance(value, frozenset):
        return sorted(repr(_constant(item)) for item in value)
    if isinstance(value, tuple):
        return tuple(_constant(item) for item in value)
    return value


_COMPILE_SETTINGS = (
    *("block_start_string", "block_end_string", "variable_start_string", "variable_end_string"),
    *("comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix"),
    *("trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized"),
    *("autoescape", "finalize", "is_async", "code_generator_class"),
)
"""The settings of an environment that Jinja's lexer and compiler read (`jinja2.lexer`,
`jinja2.compiler`); policies, filters and tests are read from their tables."""


def _private_folder(folder: Path) -> bool:
    """Create `folder` (only the user may enter it) if it is missing; True if it is a folder of
    the user's that nobody else can write to, along with the folder that holds it (where owners
    cannot be told, as on Windows, no folder is)."""
    if not hasattr(os, "getuid"):
        return False
    try:
        folder.parent.mkdir(mode=stat.S_IRWXU, parents=True, exist_ok=True)
        folder.mkdir(mode=stat.S_IRWXU, exist_ok=True)
        for each in (folder, folder.parent):
            info = os.lstat(each)
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
                return False
    except OSError:
        return False
    return True


def _template_frames(error: jinja2.TemplateError) -> list[tuple[Path, int]]:
    """The template files and lines an error arose in, innermost first.

    Jinja rewrites a rendering error's traceback so that its frames name template files; a syntax
    error names its file itself.
    """
    frames: list[tuple[Path, int]] = []
    tb: TracebackType | None = error.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            frames.append((Path(tb.tb_frame.f_code.co_filename), tb.tb_lineno))
        tb = tb.tb_next
    frames.reverse()
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        where = (Path(error.filename), error.lineno)
        if where not in frames:
            frames.insert(0, where)
    return frames


def describe_template_error(error: jinja2.TemplateError, folder: Path) -> str | None:
    """`file:line: what went wrong` for an error in a template of `folder`; None if none is.

    The file is the innermost template of `folder` the error passed through, as a path relative
    to the working folder when it is inside it, like the other paths the tool prints.
    """
    root = folder.resolve()
    for path, line in _template_frames(error):
        if path.resolve().is_relative_to(root):
            what = (error.message or type(error).__name__).rstrip(".")
            if isinstance(error, jinja2.TemplateNotFound):
                shown = relative(str(folder.resolve()))
                what = f"no template named {error.name!r} in {shown} or the built-in ones"
            elif isinstance(error, jinja2.exceptions.SecurityError):
                what = f"{what} (templates run in a sandbox: use the values a page is given)"
            return f"{relative(str(path.resolve()))}:{line}: {what}"
    return None
