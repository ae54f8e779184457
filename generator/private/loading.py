"""Read the private file named by `[private] file` and give each person their confidential section.

The file is optional where it cannot be read: an outside contributor's pull request and CI have
no copy (it is git-ignored) or no identity to decrypt it, and `check` must still work there, so
a missing file or identity is a note, not an error. A file that is there but invalid, or that
does not decrypt with the identity given, is an error: the owner meant it to be read.

An encrypted file (a name ending in `.age`) is decrypted with pyrage, using the identities in
the file named by HANDBOOK_AGE_IDENTITY_FILE (age-keygen's output) or the identity in
HANDBOOK_AGE_IDENTITY (`AGE-SECRET-KEY-1...`, for CI secrets).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import Problem, ProgramError
from generator.errors import UsageError
from generator.loader import validate_against
from generator.model import Confidential, PrivateFile, Program
from generator.references import check_private_choices, did_you_mean
from generator.source import Source, parse_source

IDENTITY_FILE = "HANDBOOK_AGE_IDENTITY_FILE"
IDENTITY = "HANDBOOK_AGE_IDENTITY"


class PrivateUnreadable(UsageError):
    """The private file is there but cannot be decrypted or read: nothing was done."""


@dataclass
class PrivateData:
    path: Path
    display: str
    source: Source
    people: dict[str, Confidential]


def private_place(program: Program, source: Source, root: Path) -> tuple[Path, str]:
    """The private file on disk and as messages show it (beside the program's path)."""
    name = program.private.file
    parent = Path(source.display).parent
    shown = (parent / name).as_posix() if str(parent) != "." else name
    return root / name, shown


def encrypted(program: Program) -> bool:
    return program.private.file.endswith(".age")


def read_private(program: Program, source: Source, root: Path) -> tuple[PrivateData | None, str]:
    """The private data, or None and why it could not be read (no file, no identity).

    Raises ProgramError for an invalid file and PrivateUnreadable for one that does not decrypt.
    """
    path, shown = private_place(program, source, root)
    if path.resolve() == (root / Path(source.display).name).resolve():
        raise ProgramError(
            [
                source.problem(
                    ("private", "file"),
                    "the private file cannot be the program file itself: name a file of its own, "
                    "such as 'private.toml'",
                )
            ]
        )
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, f"the private file {shown} is not here"
    except OSError as exc:
        return None, f"the private file {shown} cannot be read ({exc.strerror or exc})"
    if encrypted(program):
        identities = load_identities()
        if identities is None:
            return None, f"no age identity to decrypt {shown} (set {IDENTITY_FILE} or {IDENTITY})"
        raw = decrypt(raw, identities, shown)
    private_source = parse_source(raw, shown)
    found, problems = validate_against(PrivateFile, private_source)
    known = {p.id for p in program.people}
    sections = private_source.data.get("people")
    for person_id in sections if isinstance(sections, dict) else ():  # another shape: validation says
        if person_id not in known:
            hint = did_you_mean(person_id, known)
            problems.append(
                private_source.problem(
                    ("people", person_id),
                    f"unknown person {person_id!r}{hint}: the private file holds sections of people in "
                    f"{Path(source.display).name} only; rename or remove it",
                    at_key=True,
                )
            )
    if not problems:
        problems = check_private_choices(private_source, {p.id: p.role for p in program.people})
    if problems or found is None:
        raise ProgramError(problems)
    return PrivateData(path, shown, private_source, dict(found.people)), ""


def attach_private(program: Program, source: Source, root: Path) -> tuple[list[Problem], str]:
    """Give each person their section from the private file (it replaces one left in the program).

    Returns the file's problems and, when it could not be read, a note saying what ran without it.
    """
    try:
        data, missing = read_private(program, source, root)
    except ProgramError as exc:
        return exc.problems, ""
    if data is None:
        return [], (
            f"{missing}: ran without the people's confidential sections — the confidentiality rule "
            "(HB201) did not search public text for confidential values, and matching cannot use "
            "confidential risk tolerance, mentee preferences or mentor declines"
        )
    for person in program.people:
        section = data.people.get(person.id)
        if section is not None:
            person.confidential = section
    return [], ""


def load_identities() -> list[object] | None:
    """The age identities named in the environment, or None when none is named."""
    from pyrage import IdentityError, x25519

    file = os.environ.get(IDENTITY_FILE)
    if file:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise PrivateUnreadable(
                f"{IDENTITY_FILE}={file}: cannot be read: {exc.strerror or exc}"
            ) from None
        where = f"{IDENTITY_FILE}={file}"
    elif os.environ.get(IDENTITY):
        text, where = os.environ[IDENTITY], IDENTITY
    else:
        return None
    keys = [line.strip() for line in text.splitlines() if line.strip().startswith("AGE-SECRET-KEY-")]
    try:
        identities = [x25519.Identity.from_str(key) for key in keys]
    except IdentityError:
        identities = []
    if not identities:
        raise PrivateUnreadable(
            f"{where} holds no age identity (a line AGE-SECRET-KEY-1...): use the key file age-keygen wrote"
        )
    return identities


def decrypt(raw: bytes, identities: list[object], shown: str) -> bytes:
    import pyrage

    try:
        return pyrage.decrypt(raw, identities)
    except pyrage.DecryptError as exc:
        raise PrivateUnreadable(
            f"{shown}: does not decrypt with the age identity given ({exc}): set {IDENTITY_FILE} to the "
            "key file of one of the [private] recipients"
        ) from None


def encrypt(text: str, program: Program) -> bytes:
    """The private text encrypted to every `[private] recipients` key."""
    import pyrage
    from pyrage import RecipientError, x25519

    try:
        recipients = [x25519.Recipient.from_str(key) for key in program.private.recipients]
    except RecipientError as exc:
        raise PrivateUnreadable(
            f"[private] recipients: not an age public key ({exc}): write age1..."
        ) from None
    if not recipients:
        raise PrivateUnreadable(
            f"[private] file {program.private.file!r} is encrypted, but [private] recipients lists no "
            "age public key to encrypt it to: add yours (age-keygen -y KEYFILE prints it)"
        )
    return bytes(pyrage.encrypt(text.encode("utf-8"), recipients))
