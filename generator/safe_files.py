"""Every file and folder the tool writes goes through here: never half-written, never over a
file the tool did not write.

A file is written to a temporary file in the same folder and renamed over the target, so a
reader (or a killed process) sees the old file or the new one, nothing in between; it keeps the
mode (and, as root, the owner) of the file it replaces, and a new file follows the umask. A
symlink is written through (its target is replaced, the link stays) and a special file such as
`/dev/stdout` or a FIFO is opened and written, never replaced.

A folder (the site, an export) is filled in a staging folder beside the target and exchanged
with it in one `renameat2(RENAME_EXCHANGE)` on Linux, so at every instant the target holds the
old complete folder or the new one. (A symlink flipped over would be atomic too, but it would
turn `site/` into a link, which deploy steps that upload or rsync the folder handle differently;
the exchange keeps a plain folder.) Where the exchange is not available, two renames leave the
target missing for an instant, never half-filled.

Commands never decide what may be replaced: the rules live here, in `check_output_target`,
`check_site_target` and `check_folder_owned`, and each command only says who it is.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import relative
from generator.errors import UsageError

if TYPE_CHECKING:
    from generator.project import Project

STDOUT = "-"
"""An output path that means standard output."""

SITE_MARKER = ".handbook-site"
"""Lists the files a build wrote, so the next build may replace its own site and nothing else."""

_STAGING_SUFFIX = ".staging"
_MODULE_LOADED = time.time()


class CannotWrite(UsageError):
    """The file system refused a write (no permission, no space, a folder in the way)."""


class WriteRefused(UsageError):
    """Writing there would replace something the tool did not write; nothing was written."""


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def current_umask() -> int:
    """The process's umask (read by setting and restoring it: there is no getter)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text_atomically(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` through a temporary file and one rename."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and one rename.

    The new file gets the replaced file's mode (and owner, as root) or, for a new file, the
    umask's usual mode: a temporary file's private 0600 would otherwise stick.
    """
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            old = os.stat(path)
        except FileNotFoundError:
            old = None
        with tempfile.NamedTemporaryFile(
            "wb", dir=path.parent, delete=False, prefix=f".{path.name}.", suffix=".tmp"
        ) as tmp:
            temporary = Path(tmp.name)
            tmp.write(data)
            tmp.flush()
            if old is None:
                os.fchmod(tmp.fileno(), 0o666 & ~current_umask())
            else:
                os.fchmod(tmp.fileno(), stat.S_IMODE(old.st_mode))
                if os.geteuid() == 0 and (old.st_uid, old.st_gid) != (0, 0):
                    os.fchown(tmp.fileno(), old.st_uid, old.st_gid)
                    os.fchmod(tmp.fileno(), stat.S_IMODE(old.st_mode))  # chown clears set-id bits
        os.replace(temporary, path)
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise CannotWrite(f"cannot write {path}: {exc.strerror or exc}") from None


def replace_in_place(path: Path, text: str, shown: str, command: str) -> None:
    """Replace a file the owner edits (program.toml) atomically, keeping its mode and owner;
    a read-only file is refused, as a text editor would warn, rather than silently made writable."""
    check_editable(path, shown, command)
    write_text_atomically(Path(os.path.realpath(path)), text)


def check_editable(path: Path, shown: str, command: str) -> None:
    """Raise WriteRefused when `path` is read-only (no write bit, or no write access for us)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise CannotWrite(f"cannot write {shown}: {exc.strerror or exc}") from None
    if not mode & 0o222 or not os.access(path, os.W_OK):
        raise WriteRefused(
            f"{shown} is read-only, so `{command}` leaves it unchanged: make it writable "
            f"(chmod u+w {shown}) and run again"
        )


# --------------------------------------------------------------------------------------------
# Outputs: --output, --report, --html
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Protected:
    """What no output may replace: the program, its records and the docs folder's pages."""

    program: Path
    records: Path | None = None
    docs: Path | None = None

    @classmethod
    def around(cls, program: Path, records: Path | None = None, config: Path | None = None) -> Protected:
        """The program's protected paths; the records folder defaults to `records/` beside it and
        the docs folder comes from the `mkdocs.yml` beside it (or `config`)."""
        program = Path(os.path.realpath(program))
        records = Path(os.path.realpath(records if records is not None else program.parent / "records"))
        return cls(program, records, docs_folder(config or program.parent / "mkdocs.yml"))

    @classmethod
    def of(cls, project: Project) -> Protected:
        """A loaded project's protected paths, its `[records] folder` included."""
        from generator.records import records_folder

        return cls.around(project.path, records_folder(project.program, project.source, project.root)[0])


def docs_folder(config: Path) -> Path | None:
    """The docs folder a MkDocs configuration names (default `docs`), if the configuration exists."""
    if not config.is_file():
        return None
    from generator.site.docs_folder import configured_folders

    return configured_folders(config)[0][0]


def site_folder(config: Path) -> Path:
    """The site folder a MkDocs configuration names (default `site`), read before MkDocs loads
    it, so the rules here are applied before MkDocs' own checks (which end in a bare abort)."""
    from generator.site.docs_folder import configured_folders

    return configured_folders(config)[1][0]


def html_marker(command: str) -> str:
    """The `<meta>` line that marks an HTML report as written by `command` (`handbook match`)."""
    return f'<meta name="generator" content="{command}">'


def html_report_of(command: str) -> Callable[[str], bool]:
    """Recognises a previous HTML report of `command` by its marker near the top."""
    marker = html_marker(command)
    return lambda text: marker in text[:2000]


_TEXT_SUMMARY = re.compile(
    r"^(?:.*: )?(?:no findings|no new findings|\d+ errors?, \d+ warnings?, \d+ info)(?: \(\d+ suppressed\))? "
    r"from \d+ rules(?: \(new since .+; \d+ unchanged, \d+ fixed\))?$"
    r"|^\d+ errors? in .+$"
)
_LOCATED = re.compile(r"^(?:.+:\d+:\d+: |::(?:error|warning|notice) )")


def is_check_report(text: str) -> bool:
    """A previous `handbook check` report in any format: SARIF whose tool is handbook, the JSON
    report's four keys, or text / GitHub output ending with the check's summary line."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            return False
        if not isinstance(data, dict):
            return False
        if {"findings", "summary", "plugin_errors", "errors"} <= data.keys():
            return True
        try:
            return "sarif" in str(data["$schema"]) and data["runs"][0]["tool"]["driver"]["name"] == "handbook"
        except (KeyError, IndexError, TypeError):
            return False
    lines = stripped.splitlines()
    if len(lines) == 1 and lines[0].startswith("handbook: "):
        return True  # the text report of a program that could not be read
    if not lines or _TEXT_SUMMARY.match(lines[-1]) is None:
        return False
    # every other unindented line is a located message (text) or an annotation (github)
    return all(_LOCATED.match(line) for line in lines[:-1] if line.strip() and not line[0].isspace())


def check_output_target(
    where: str, option: str, command: str, ours: Callable[[str], bool], protected: Protected
) -> None:
    """Raise WriteRefused unless writing to `where` is safe: stdout, a special file, a new path,
    or a regular file (a symlink's target) that `ours` recognises as this command's output and
    that is not the program, a records file or in the docs folder."""
    if where == STDOUT:
        return
    path = Path(where)
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise CannotWrite(f"{option} {where}: cannot write it: {exc.strerror or exc}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise WriteRefused(f"{where} is a folder: name a file for {option}")
    if _written_through(path, st):
        return
    real = Path(os.path.realpath(path))
    if real == protected.program:
        raise WriteRefused(f"{where} is the program file: `{command}` never replaces it; choose another path")
    if protected.records is not None and _within(real, protected.records):
        raise WriteRefused(
            f"{where} is in the records folder: `{command}` never replaces a records file; "
            "choose another path"
        )
    if protected.docs is not None and _within(real, protected.docs):
        raise WriteRefused(
            f"{where} is in the docs folder, where hand-written pages live: `{command}` never writes "
            "there; choose another path"
        )
    if st is not None and not ours(_head(real)):
        raise WriteRefused(f"{where} exists and was not written by `{command}`: choose another path")


def write_output(
    where: str, text: str, option: str, command: str, ours: Callable[[str], bool], protected: Protected
) -> None:
    """Write a command's report to `where` under the rules of `check_output_target`: `-` is
    stdout, a special file is written through, a regular file is replaced atomically."""
    check_output_target(where, option, command, ours, protected)
    if where == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(where)
    if _written_through(path, _stat(path)):
        try:
            with open(path, "w", encoding="utf-8") as special:
                special.write(text)
        except OSError as exc:
            raise CannotWrite(f"cannot write {where}: {exc.strerror or exc}") from None
        return
    write_text_atomically(Path(os.path.realpath(path)), text)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _written_through(path: Path, st: os.stat_result | None) -> bool:
    """A device, FIFO or socket, or a path named under /dev or /proc (`/dev/stdout` redirected to
    a file is a regular file to stat): opened and written, never replaced."""
    if st is not None and not stat.S_ISREG(st.st_mode):
        return True
    return os.path.abspath(path).startswith(("/dev/", "/proc/"))


def _head(path: Path, limit: int = 64 * 1024 * 1024) -> str:
    """The file's text for recognising it; a file too large or unreadable is nobody's report."""
    try:
        if path.stat().st_size > limit:
            return ""
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


# --------------------------------------------------------------------------------------------
# Folders: the site and exports
# --------------------------------------------------------------------------------------------


def check_site_target(target: Path, shown: str, *, program: Path, docs: Path | None) -> None:
    """Raise WriteRefused when `target` can never be a site folder: the project folder or one
    holding it, the docs folder or inside it, or an existing file (the program included).

    Whether an existing folder holds only a previous build is checked later, by
    `check_folder_owned`, right before the swap."""
    real = Path(os.path.realpath(target))
    project = Path(os.path.realpath(program)).parent
    if real == project:
        raise WriteRefused(
            f"build: {shown} is the project folder (it holds {program.name}); a build replaces the "
            "whole site folder: choose a folder of its own, such as site/"
        )
    if real in project.parents:
        raise WriteRefused(
            f"build: {shown} holds the project folder (and {program.name}); a build replaces the "
            "whole site folder: choose a folder of its own, such as site/"
        )
    if docs is not None and _within(real, docs):
        raise WriteRefused(
            f"build: {shown} is the docs folder (or inside it), where hand-written pages live: "
            "choose another folder, such as site/"
        )
    if os.path.lexists(target) and not real.is_dir():
        raise WriteRefused(
            f"build: {shown} is a file, not a folder: choose a new or empty folder, such as site/"
        )
    refuse_file_on_the_way(target, f"build: {shown}", ", such as site/")


def refuse_file_on_the_way(target: Path, shown: str, example: str = "") -> None:
    """Raise WriteRefused when a folder `target` would go in is an existing file (a path such as
    `program.toml/site`): no folder can be made there, and the file is never touched."""
    for parent in Path(os.path.abspath(target)).parents:
        if os.path.lexists(parent) and not parent.is_dir():
            raise WriteRefused(
                f"{shown} would be inside {relative(str(parent))}, which is a file, not a folder: "
                f"choose a new or empty folder{example}"
            )


def written_before(folder: Path, marker: str) -> set[str]:
    """The files `marker` in `folder` lists (what the tool wrote there last time)."""
    path = folder / marker
    if not path.is_file() or path.is_symlink():
        return set()
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def check_folder_owned(folder: Path, shown: str, marker: str, command: str) -> None:
    """Raise WriteRefused when `folder` holds a file its marker does not list: a file the tool did
    not write is never replaced. A missing or empty folder is fine."""
    if not folder.is_dir():
        return
    present = {
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir() or p.is_symlink()
    }
    present.discard(marker)
    foreign = sorted(present - written_before(folder, marker))
    if foreign:
        listed = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise WriteRefused(
            f"{shown} holds files that `{command}` did not write ({listed}); it never replaces "
            "them: choose a new or empty folder"
        )


def mark_written(folder: Path, marker: str, command: str) -> None:
    """List every file in `folder` in `marker`, so the next run may replace exactly these."""
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    (folder / marker).write_text(
        f"# Written by `{command}`; the next run replaces exactly these files.\n" + "\n".join(files) + "\n",
        encoding="utf-8",
    )


@contextlib.contextmanager
def replaced_atomically(target: Path, before_swap: Callable[[], None] | None = None) -> Iterator[Path]:
    """A staging folder beside `target` to fill. When the block ends without an error,
    `before_swap` runs (a last check, as late as possible) and the staging folder takes
    `target`'s place atomically; otherwise it is removed and `target` is left as it was.

    Staging folders that a killed run left behind are removed first."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(target)
    staging = _staging_folder(target.parent, target.name)
    try:
        os.chmod(staging, 0o777 & ~current_umask())  # mkdtemp's 0700 would stick to the published folder
        yield staging
        if before_swap is not None:
            before_swap()
        try:
            _swap(staging, target)
        except OSError as exc:
            raise CannotWrite(f"cannot replace {target}: {exc.strerror or exc}") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, target: Path) -> None:
    """Put `staging` in `target`'s place; the old folder is removed afterwards."""
    if not os.path.lexists(target):
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now the old folder
        return
    old = staging.with_name(staging.name[: -len(_STAGING_SUFFIX)] + ".old")
    os.rename(target, old)
    os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Exchange two paths in one step (Linux `renameat2(RENAME_EXCHANGE)`); False where the
    system or the file system does not offer it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def process_started() -> float:
    """When this process started (epoch seconds): from /proc on Linux, else when this module
    loaded, which is later and so never counts a newer run's folder as stale."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[19])  # field 22, starttime, counted after the ") state" split
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime")
        )
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return _MODULE_LOADED


def work_folder_beside(staging: Path) -> Path:
    """A new folder beside a staging folder of `replaced_atomically`, for a build's own work
    before it fills the staging folder; named as staging folders are, so one a killed run left
    behind is removed with them (`remove_stale_staging`)."""
    return _staging_folder(staging.parent, staging.name[1:].rsplit("-", 1)[0])


def _staging_folder(parent: Path, target_name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f".{target_name}-", suffix=_STAGING_SUFFIX, dir=parent))


def remove_stale_staging(target: Path) -> None:
    """Remove staging folders beside `target` that a killed run left behind: only folders named
    as this module names them (`.site-XXXXXXXX.staging`, or `.old`) and last changed before this
    process started, so a build running alongside keeps its own."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}-[a-z0-9_]{{8}}\.(?:staging|old)$")
    started = process_started()
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in entries:
        if not pattern.match(entry.name) or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_mtime < started:
                shutil.rmtree(entry.path, ignore_errors=True)
        except OSError:
            continue
