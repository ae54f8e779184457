"""The MkDocs docs and site folders of a project, and what may not be in the docs folder.

MkDocs publishes every file in the docs folder, following symbolic links, so a link to a file
outside the project publishes that file (`handbook/notes.md -> /etc/passwd`). The project's own
settings (the records folder, plugin files) must stay out of both folders: that check lives in
`generator.project`, with the folders read here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from generator.errors import DataError

DEFAULT_DOCS = "docs"
DEFAULT_SITE = "site"


def mkdocs_folders(root: Path) -> tuple[tuple[Path, str], tuple[Path, str]]:
    """The docs and site folders (resolved, and as written) of the `mkdocs.yml` in `root`;
    MkDocs' defaults, `docs` and `site`, when there is none or it does not say."""
    return configured_folders(root / "mkdocs.yml")


def configured_folders(config: Path) -> tuple[tuple[Path, str], tuple[Path, str]]:
    """The docs and site folders a MkDocs configuration names, relative to its own folder: the
    one reader of mkdocs.yml for the checks, the writes and the export."""
    settings = read_configuration(config)
    folders = []
    for key, default in (("docs_dir", DEFAULT_DOCS), ("site_dir", DEFAULT_SITE)):
        value = settings.get(key)
        name = value if isinstance(value, str) and value.strip() else default
        folders.append((resolved(config.parent / name), name))
    return folders[0], folders[1]


def resolved(path: Path) -> Path:
    """`path` with every link followed; when a link loops, the path as written (absolute and
    normalised), so a loop is judged by where it stands instead of crashing the check."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python 3.11)
        return Path(os.path.normpath(path.absolute()))


def read_configuration(path: Path) -> dict[str, Any]:
    """The configuration as a mapping, or {} when it is missing or unreadable (the build then
    reports it). MkDocs' tags are tolerated: `!ENV` gives the variable's value, or its default,
    and any other tag (`!relative`, `!!python/name:...`) gives nothing."""
    if not path.is_file():
        return {}
    import yaml  # type: ignore[import-untyped]  # only when there is a configuration

    class Loader(yaml.SafeLoader):
        """A safe loader that knows MkDocs' tags without running anything."""

    def env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            names, default = [loader.construct_scalar(node)], None
        elif isinstance(node, yaml.SequenceNode):
            items = loader.construct_sequence(node)
            names, default = items[:-1], items[-1] if items else None
        else:
            return None
        return next((os.environ[str(n)] for n in names if str(n) in os.environ), default)

    def other(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
        return None

    Loader.add_constructor("!ENV", env)
    Loader.add_multi_constructor("!", other)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", other)
    try:
        with path.open("rb") as f:
            data = yaml.load(f, Loader=Loader)
    except (OSError, yaml.YAMLError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class DocsFolderRefused(DataError):
    """The docs folder links to files outside the project: they would be published."""


def refused_links(docs_dir: Path, project_root: Path) -> list[str]:
    """One message per symbolic link in `docs_dir` (at any depth) whose target lies outside
    `project_root`: MkDocs would publish the target's content as if it were a page."""
    root = resolved(project_root)
    messages: list[str] = []
    for folder, dirs, files in os.walk(docs_dir, followlinks=False):
        for name in sorted(dirs + files):
            link = Path(folder) / name
            if not link.is_symlink():
                continue
            target = resolved(link)
            if target.is_relative_to(root):
                continue
            messages.append(
                f"{_shown(link, project_root)} is a link to {target}, outside the project: "
                "copy the page into the docs folder instead"
            )
        dirs.sort()
    return sorted(messages)


def _shown(path: Path, root: Path) -> str:
    """A path relative to the project as messages show it, else as given."""
    for base in (root, root.resolve()):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()
