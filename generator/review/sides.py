"""The two versions of a program a review compares: git revisions or plain files.

A name that is an existing file is that file; anything else is a git revision, read from the
repository that holds the program (`REV:path` names another path at that revision). Without a
base, the base is where the current branch left the default branch (`git merge-base`), as a
pull request's reviewer sees it. Nothing is written to the repository; `checkout` extracts a
revision's program folder into a temporary folder the caller owns.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from generator.errors import UsageError

WORKING_TREE = "the working tree"
TWO_FILES = "compare two files instead (handbook diff OLD.toml NEW.toml), or run inside a git checkout"


@dataclass(frozen=True)
class Side:
    """One version of the program: its bytes and how messages name it."""

    label: str
    """How the review names this side: 'main', 'a1b2c3d' or a file name."""
    display: str
    """How located messages name the file: 'main:program.toml', or the file's path."""
    raw: bytes


class Repository:
    """The git repository holding the program, asked through the `git` command."""

    def __init__(self, program: Path, hint: str = TWO_FILES) -> None:
        self.program = program
        folder = program.resolve().parent
        top = _git(folder, "rev-parse", "--show-toplevel", fail=None)
        if top is None:
            raise UsageError(f"{program} is not in a git repository: {hint}")
        self.root = Path(top.strip())
        self.path = program.resolve().relative_to(self.root.resolve()).as_posix()
        """The program's path inside the repository."""

    def commit(self, revision: str) -> str:
        """The commit a revision names; a usage error naming it when there is none."""
        if revision.startswith("-"):
            raise UsageError(f"unknown revision {revision!r}: name a branch, tag or commit")
        found = _git(self.root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", fail=None)
        if not found:
            raise UsageError(
                f"unknown revision {revision!r} in {self.root}: name a branch, tag or commit "
                "(`git log --oneline` lists commits; fetch the branch first in a shallow CI checkout)"
            )
        return found.strip()

    def default_base(self) -> tuple[str, str]:
        """Where HEAD left the default branch: the pull request's base (GITHUB_BASE_REF), else
        origin's default branch, else main or master."""
        candidates = []
        if base_ref := os.environ.get("GITHUB_BASE_REF"):
            candidates += [f"origin/{base_ref}", base_ref]
        head = _git(self.root, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD", fail=None)
        if head:
            candidates.append(head.strip())
        candidates += ["main", "master", "origin/main", "origin/master"]
        for branch in candidates:
            if _git(self.root, "rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}", fail=None):
                base = _git(self.root, "merge-base", "HEAD", branch, fail=None)
                if base:
                    return base.strip(), branch
        raise UsageError(
            "no default branch to compare with (tried main, master and origin's default branch): "
            "name the base, e.g. `handbook diff origin/main`"
        )

    def read(self, revision: str) -> Side:
        """The program at a revision (`REV` or `REV:path`)."""
        rev, _, path = revision.partition(":")
        path = path or self.path
        commit = self.commit(rev)
        try:
            raw = subprocess.run(
                ["git", "show", f"{commit}:{path}"], cwd=self.root, capture_output=True, check=True
            ).stdout
        except subprocess.CalledProcessError:
            raise UsageError(
                f"{path} does not exist at {rev}: name a revision that has the program, "
                f"or another path with {rev}:PATH"
            ) from None
        return Side(rev, f"{rev}:{path}", raw)

    def checkout(self, revision: str, into: Path) -> Path | None:
        """Extract the program's folder (program, records, local plugins) at a revision into
        `into`; returns the program's path there, or None when it did not exist then."""
        commit = self.commit(revision)
        folder = str(Path(self.path).parent.as_posix())
        archive = subprocess.run(
            ["git", "archive", "--format=tar", commit, "--", folder if folder != "." else "."],
            cwd=self.root,
            capture_output=True,
        )
        if archive.returncode != 0:
            return None
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(into, filter="data")
        path = into / self.path
        return path if path.is_file() else None


def _git(cwd: Path, *args: str, fail: str | None) -> str | None:
    """git's output, or `fail` when it exits with an error (or is not installed)."""
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(
            "git is not installed: compare two files instead (handbook diff OLD.toml NEW.toml)"
        ) from None
    except NotADirectoryError:
        return fail
    return proc.stdout if proc.returncode == 0 else fail


def is_file(name: str) -> bool:
    return Path(name).is_file()


def read_file(name: str) -> Side:
    path = Path(name)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{name}: cannot be read: {exc.strerror or exc}") from None
    return Side(name, name, raw)


def sides(program: Path, base: str | None, head: str | None) -> tuple[Side, Side]:
    """The base and head a review compares; the head defaults to the working tree's program."""
    repository: Repository | None = None

    def repo() -> Repository:
        nonlocal repository
        if repository is None:
            repository = Repository(program)
        return repository

    def side(name: str) -> Side:
        if is_file(name):
            return read_file(name)
        if ":" not in name and name.endswith(".toml"):
            raise UsageError(f"{name}: no such file: name a program file or a git revision")
        return repo().read(name)

    if head is None:
        if not program.is_file():
            raise UsageError(f"{program}: no such file: name the program with --program")
        head_side = Side(WORKING_TREE, str(program), read_file(str(program)).raw)
    else:
        head_side = side(head)
    if base is None:
        commit, branch = repo().default_base()
        read = repo().read(commit[:12])
        base_side = Side(f"where this branch left {branch} ({commit[:7]})", read.display, read.raw)
    else:
        base_side = side(base)
    return base_side, head_side
