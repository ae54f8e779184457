"""One Markdown escaper for every site page, and sandboxed templates (`generator.templating`)."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import jinja2
import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.bccache import bc_magic
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator.diagnostics import relative
from generator.project import open_project
from generator.site import dashboards
from generator.site.pages import Page, site_pages
from generator.templating import (
    CompiledTemplates,
    Sandbox,
    describe_template_error,
    escape_markdown,
    markdown_environment,
    report_environment,
)
from tests.conftest import ROOT, copy_example, edit_once, run_handbook, use_theme_overrides
from tests.test_records_aggregates import write_program

MARKDOWN_NAME = "# x [a](javascript:x) | *y* <b>z</b>"
ESCAPED_NAME = r"\# x \[a\]\(javascript:x\) \| \*y\* &lt;b&gt;z&lt;/b&gt;"


def _to_html(text: str) -> str:
    """A page as the site renders it, with the Markdown extensions of the example mkdocs.yml."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    return markdown.markdown(text, extensions=names)


def _headings(page: str) -> list[str]:
    """The text of each heading of a rendered page, without the permalink the toc adds."""
    found = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", page)
    return [html.unescape(re.sub(r"<a class=\"headerlink\".*?</a>|<[^>]+>", "", h)) for h in found]


# --- the escaper ------------------------------------------------------------------------------


def test_the_escaper_neutralises_markdown_and_html() -> None:
    assert escape_markdown(MARKDOWN_NAME) == ESCAPED_NAME
    assert escape_markdown("<script>alert(1)</script> & {{ x }}") == (
        r"&lt;script&gt;alert\(1\)&lt;/script&gt; &amp; \{\{ x \}\}"
    )
    assert escape_markdown(None) == ""


def test_a_value_stays_on_its_line() -> None:
    # a line break of any kind would let the rest of a value start a heading, a list or a table row
    assert escape_markdown("a\nb\r# c\u2028- d\t\te") == r"a b \# c - d e"
    assert escape_markdown("A | B\nC") == r"A \| B C"


def test_escaping_twice_changes_nothing() -> None:
    once = escape_markdown(MARKDOWN_NAME)
    assert escape_markdown(once) == once
    env = markdown_environment()
    assert env.from_string("{{ name | md }}|{{ name }}").render(name=MARKDOWN_NAME) == f"{once}|{once}"


def test_pages_and_dashboards_share_the_one_escaper() -> None:
    env = markdown_environment()
    assert env.finalize is escape_markdown and env.filters["md"] is escape_markdown
    assert dashboards.markdown_text is escape_markdown


def test_a_cohort_name_reads_the_same_on_its_page_and_its_progress_dashboard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDBOOK_TODAY", "2027-12-31")
    program = write_program(tmp_path, {"big": 8})
    edit_once(program, 'name = "big"', f"name = {MARKDOWN_NAME!r}")
    pages = {p.path: p.content for p in site_pages(open_project(program))}
    site_page, dashboard = pages["cohorts/big/index.md"], pages["cohorts/big/progress.md"]
    milestones = pages["progress/milestones.md"]
    assert isinstance(site_page, str) and isinstance(dashboard, str) and isinstance(milestones, str)
    assert site_page.startswith(f"# {ESCAPED_NAME}\n")
    assert dashboard.startswith(f"# {ESCAPED_NAME}: progress\n")
    assert f"\n## {ESCAPED_NAME}\n" in milestones
    for text in (site_page, dashboard, milestones):
        rendered = _to_html(text)
        assert "<b>" not in rendered and 'href="javascript' not in rendered
        # the name is one heading, whole and as text: no new heading, link, table cell or emphasis
        assert [h for h in _headings(rendered) if MARKDOWN_NAME in h] in (
            [MARKDOWN_NAME],
            [f"{MARKDOWN_NAME}: progress"],
        )


# --- the sandbox ----------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [markdown_environment, report_environment])
def test_templates_cannot_reach_python_internals(make: Callable[[], jinja2.Environment]) -> None:
    env = make()
    with pytest.raises(SecurityError):
        env.from_string("{{ ''.__class__.__mro__ }}").render()
    with pytest.raises(SecurityError):
        env.from_string("{{ cycler.__init__.__globals__ }}").render()


def _project_with_overrides(tmp_path: Path) -> Path:
    project = copy_example(tmp_path / "project")
    program = project / "program.toml"
    assert "\n[site]" not in program.read_text(encoding="utf-8")
    with program.open("a", encoding="utf-8") as f:
        f.write('\n[site]\ntemplates = "overrides"\n')
    (project / "overrides" / "progress").mkdir(parents=True)
    return project


def test_an_override_template_reaching_for_internals_stops_the_build(tmp_path: Path) -> None:
    project = _project_with_overrides(tmp_path)
    (project / "overrides" / "mentee_guide.md.j2").write_text(
        "# Mentee guide\n\n{{ ''.__class__.__mro__ }}\n", encoding="utf-8"
    )
    result = run_handbook("build", "program.toml", cwd=project)
    assert result.code == 1
    assert (
        "overrides/mentee_guide.md.j2:3: access to attribute '__class__' of 'str' object is unsafe "
        "(templates run in a sandbox: use the values a page is given); fix the template, or remove it "
        "to use the built-in one"
    ) in result.err
    assert "Traceback" not in result.output and "internal error" not in result.err
    assert not (project / "site").exists()


def test_an_error_in_an_override_dashboard_names_the_template(tmp_path: Path) -> None:
    project = _project_with_overrides(tmp_path)
    (project / "overrides" / "progress" / "dashboard.md.j2").write_text(
        "# {{ board.title | md }}\n\n{{ board.__class__.__mro__ }}\n", encoding="utf-8"
    )
    result = run_handbook("export", "out", cwd=project)
    assert result.code == 2
    assert (
        "overrides/progress/dashboard.md.j2:3: access to attribute '__class__' of 'Dashboard' object"
        in result.err
    )
    assert "Traceback" not in result.output
    assert not (project / "out").exists()


def test_a_mistake_in_an_override_template_names_its_line(tmp_path: Path) -> None:
    project = _project_with_overrides(tmp_path)
    guide = project / "overrides" / "mentee_guide.md.j2"
    for text, message in (
        ("# Guide\n\n{% if %}\n", "overrides/mentee_guide.md.j2:3: Expected an expression"),
        (
            "# Guide\n\n\n{{ no_such_value }}\n",
            "overrides/mentee_guide.md.j2:4: 'no_such_value' is undefined",
        ),
        (
            '# Guide\n{% include "gone.md.j2" %}\n',
            "overrides/mentee_guide.md.j2:2: no template named 'gone.md.j2'",
        ),
    ):
        guide.write_text(text, encoding="utf-8")
        result = run_handbook("export", "out", cwd=project)
        assert result.code == 2, result.output
        assert message in result.err
        assert "internal error" not in result.err


# --- compiled templates kept between runs ---------------------------------------------------------


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own, as `$XDG_CACHE_HOME`; returns where templates go."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("HANDBOOK_NO_CACHE", raising=False)
    return tmp_path / "cache" / "mentorship-handbook" / "templates"


def _no_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a template was compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", refuse)


def test_a_template_is_compiled_once_and_again_when_it_changes(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "note.md.j2").write_text("Note: {{ text }}\n", encoding="utf-8")
    assert markdown_environment(overrides).get_template("note.md.j2").render(text="*a*") == "Note: \\*a\\*\n"
    assert len(list(cache_home.iterdir())) == 1
    assert cache_home.stat().st_mode & 0o077 == 0
    with monkeypatch.context() as patched:
        _no_compiling(patched)
        # A new run renders from the kept code, escaping and sandbox included.
        env = markdown_environment(overrides)
        assert env.get_template("note.md.j2").render(text="*a*") == "Note: \\*a\\*\n"
    (overrides / "note.md.j2").write_text("Changed: {{ text.__class__ }}\n", encoding="utf-8")
    with pytest.raises(SecurityError):
        markdown_environment(overrides).get_template("note.md.j2").render(text="a")
    with monkeypatch.context() as patched:
        _no_compiling(patched)
        with pytest.raises(SecurityError) as raised:
            markdown_environment(overrides).get_template("note.md.j2").render(text="a")
    assert describe_template_error(raised.value, overrides) == (
        f"{relative(str(overrides / 'note.md.j2'))}:1: access to attribute '__class__' of 'str' object is "
        "unsafe (templates run in a sandbox: use the values a page is given)"
    )


def test_the_site_and_the_reports_keep_their_templates_apart(cache_home: Path) -> None:
    """The same source compiles differently with HTML escaping and with Markdown escaping."""
    site, report = markdown_environment(), report_environment()
    assert site.bytecode_cache is not None and report.bytecode_cache is not None
    assert site.get_template("home.md.j2") and report.get_template("match.html.j2")
    prefixes = {path.name.split("-")[0] for path in cache_home.iterdir()}
    assert len(prefixes) == 2


@pytest.mark.parametrize("problem", ["writable by others", "a file", "turned off"])
def test_templates_render_without_a_safe_cache_folder(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch, problem: str
) -> None:
    if problem == "writable by others":
        cache_home.mkdir(parents=True)
        cache_home.chmod(0o777)
    elif problem == "a file":
        cache_home.parent.mkdir(parents=True)
        cache_home.write_text("not a folder", encoding="utf-8")
    else:
        monkeypatch.setenv("HANDBOOK_NO_CACHE", "1")
    env = markdown_environment()
    assert env.bytecode_cache is None
    assert env.get_template("home.md.j2")
    assert not cache_home.is_dir() or list(cache_home.iterdir()) == []


def test_the_theme_templates_compile_once_and_again_when_an_override_changes(
    tmp_path: Path, cache_home: Path
) -> None:
    """MkDocs' theme environment keeps its compiled templates too, under its own kind of entry:
    a second build compiles nothing, and an edited theme override shows at once."""
    project = copy_example(tmp_path / "project")
    override = use_theme_overrides(
        project, "theme", '{% extends "base.html" %}{% block footer %}<p>First footer</p>{% endblock %}'
    )

    def build(hash_seed: int) -> str:
        """A build in a process of its own; entries are shared across string hash seeds."""
        environment = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONHASHSEED": str(hash_seed)}
        result = run_handbook("build", "program.toml", cwd=project, env=environment)
        assert result.code == 0, result.output
        return (project / "site" / "index.html").read_text(encoding="utf-8")

    def kept() -> dict[str, int]:
        return {path.name: path.stat().st_mtime_ns for path in cache_home.iterdir()}

    assert "First footer" in build(1)
    first = kept()
    env = markdown_environment()
    assert isinstance(env.bytecode_cache, CompiledTemplates)
    pages = env.bytecode_cache.environment_key(env)
    (theme,) = {name.split("-")[0] for name in first} - {pages}
    assert len([name for name in first if name.startswith(theme)]) > 10  # Material's templates
    site = {path: path.read_bytes() for path in (project / "site").rglob("*.html")}
    build(2)
    assert kept() == first  # nothing compiled, so nothing written again
    assert {path: path.read_bytes() for path in (project / "site").rglob("*.html")} == site
    override.write_text(
        '{% extends "base.html" %}{% block footer %}<p>Second footer</p>{% endblock %}', encoding="utf-8"
    )
    page = build(3)
    assert "Second footer" in page and "First footer" not in page


class _Proxy:
    """A value that claims another class: `isinstance` believes its `__class__`."""

    def __init__(self, target: object) -> None:
        self._target = target

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return type(self._target)


def _sample_values() -> list[object]:
    def function() -> None:
        return None

    def generator() -> Iterator[int]:
        yield 1

    page = Page("index.md", "# Home\n")
    return [
        "text", 3, 2.5, None, [1], (1,), {"a": 1}, {1}, frozenset({1}), deque([1]), dt.date(2027, 1, 1),
        function, page.__str__, "x".upper, str, type, page, generator(), function.__code__,
        _Proxy(function), _Proxy([1]), _Proxy({"a": 1}), _Proxy("text"),
        SimpleNamespace(title="{0.__class__}".format), SimpleNamespace(title="Plain", year=2027),
    ]  # fmt: skip


_ATTRIBUTES = sorted(
    {"append", "pop", "update", "clear", "add", "keys", "items", "get", "upper", "format", "mro",
     "__class__", "__globals__", "__code__", "__self__", "__func__", "gi_frame", "gi_code",
     "f_locals", "co_code", "func_globals", "_private", "year", "path", "content", "title"}
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 24), st.sampled_from(_ATTRIBUTES)), max_size=60))
def test_the_sandbox_decides_every_attribute_as_jinja_does(asked: list[tuple[int, str]]) -> None:
    """The sandbox keeps its answer per type and name; in any order of questions it gives
    Jinja's own answer and value, for proxies too (which it never keeps), and wraps a string's
    `format` method found under any name, as Jinja does. Each question is asked twice: the
    second time the kept answer is used."""
    values = _sample_values()
    ours, jinjas = Sandbox(), ImmutableSandboxedEnvironment()
    for index, name in asked:
        value = values[index]
        for _ in range(2):
            assert ours.is_safe_attribute(value, name, None) == jinjas.is_safe_attribute(value, name, None)
            assert _outcome(ours, value, name) == _outcome(jinjas, value, name), (value, name)


def _outcome(env: jinja2.Environment, value: object, name: str) -> object:
    """What a template gets for `value.name`: the value, or which undefined (and why)."""
    got = env.getattr(value, name)
    if isinstance(got, jinja2.Undefined):
        return type(got), got._undefined_hint, got._undefined_exception
    if getattr(got, "__name__", "") in ("format", "format_map"):
        return "string format", type(got)  # Jinja wraps it in a new function on every access
    return got


def _upper_filter(env: jinja2.Environment) -> jinja2.Environment:
    env.filters["shout"] = str.upper
    return env


def _lower_filter(env: jinja2.Environment) -> jinja2.Environment:
    env.filters["shout"] = str.lower
    return env


def _i18n(trimmed: bool, newstyle: bool) -> Callable[[Path], jinja2.Environment]:
    def make(folder: Path) -> jinja2.Environment:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), extensions=["jinja2.ext.i18n"])
        env.install_null_translations(newstyle=newstyle)  # type: ignore[attr-defined]
        env.policies["ext.i18n.trimmed"] = trimmed
        return env

    return make


class _NoPowers(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset(["**"])

    def call_binop(self, context: object, operator: str, left: object, right: object) -> object:
        return "no powers"


def _loaded(
    make: Callable[..., jinja2.Environment], **settings: object
) -> Callable[[Path], jinja2.Environment]:
    return lambda folder: make(loader=jinja2.FileSystemLoader(str(folder)), **settings)


_DIFFERENT_COMPILERS = {
    "autoescape for other file types": (
        _loaded(jinja2.Environment, autoescape=jinja2.select_autoescape(["xml"])),
        _loaded(jinja2.Environment, autoescape=jinja2.select_autoescape(["html"])),
        "{{ x }}",
    ),
    "another finalize": (
        _loaded(Sandbox, finalize=lambda v: f"[{v}]"),
        _loaded(Sandbox, finalize=lambda v: v),
        '{{ "constant" }}',
    ),
    "a filter of the same name": (
        lambda folder: _upper_filter(jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)))),
        lambda folder: _lower_filter(jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)))),
        '{{ "Constant" | shout }}',
    ),
    "whitespace trimmed in translations": (
        _i18n(True, False),
        _i18n(False, False),
        "{% trans %}a\n   b{% endtrans %}",
    ),
    "new-style gettext": (_i18n(False, True), _i18n(False, False), "{% trans %}100%{% endtrans %}"),
    "an intercepted operator": (_loaded(_NoPowers), _loaded(Sandbox), "{{ n ** 2 }}"),
}


@pytest.mark.parametrize("case", sorted(_DIFFERENT_COMPILERS))
def test_environments_that_compile_differently_never_share_kept_templates(
    tmp_path: Path, cache_home: Path, case: str
) -> None:
    """Two environments whose compiled code differs (by a setting, a filter, a policy or an
    extension) each render as they would with no cache, whichever compiled first."""
    first, second, source = _DIFFERENT_COMPILERS[case]
    (tmp_path / "page.html").write_text(source, encoding="utf-8")

    def rendered(make: Callable[[Path], jinja2.Environment], kept: bool) -> str:
        env = make(tmp_path)
        env.bytecode_cache = CompiledTemplates.in_folder(cache_home) if kept else None
        return env.get_template("page.html").render(x="<b>", n=3)

    compiled = [make(tmp_path).compile(source, "page.html", raw=True) for make in (first, second)]
    assert compiled[0] != compiled[1]
    expected = rendered(second, kept=False)
    rendered(first, kept=True)
    assert rendered(second, kept=True) == expected
    assert len(list(cache_home.iterdir())) == 2


def test_a_filter_added_after_the_cache_is_attached_counts(tmp_path: Path, cache_home: Path) -> None:
    """MkDocs plugins add filters to the theme's environment after the handbook attaches the
    cache: the key is read when a template is loaded."""
    (tmp_path / "page.html").write_text('{{ "Constant" | shout }}', encoding="utf-8")
    (tmp_path / "other.html").write_text("Other", encoding="utf-8")
    outputs = []
    for change in (_upper_filter, _lower_filter):
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)))
        env.bytecode_cache = CompiledTemplates.in_folder(cache_home)
        assert env.get_template("other.html").render() == "Other"  # a template loaded before
        outputs.append(change(env).get_template("page.html").render())
    assert outputs == ["CONSTANT", "constant"]


@pytest.mark.parametrize("damage", ["cut short", "garbage after the header"])
def test_a_damaged_kept_template_is_compiled_again(tmp_path: Path, damage: str) -> None:
    """A kept entry a full disk or a killed run damaged is as if missing: the build works, and
    the entry is written again whole."""
    project = copy_example(tmp_path / "project", records=False)
    environment = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert run_handbook("build", "program.toml", cwd=project, env=environment).code == 0
    kept = sorted((tmp_path / "cache" / "mentorship-handbook" / "templates").iterdir())
    whole = {path: path.read_bytes() for path in kept}
    for path, data in whole.items():
        header = data[: len(bc_magic)]
        path.write_bytes(header + (b"\x80\x04" if damage == "cut short" else b"not a pickle at all"))
    result = run_handbook("build", "program.toml", cwd=project, env=environment)
    assert result.code == 0, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert {path: path.read_bytes() for path in kept} == whole
