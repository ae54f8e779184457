"""Page addresses: the one way an id or a title becomes part of a URL or a file name.

Kept apart from the public view so that `handbook check`, whose confidentiality rule compares
ids in their address form, does not load the site's data classes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

_UNSAFE = re.compile(r"[^a-z0-9-]+")
MAX_SLUG = 80
"""Longer slugs are cut and end in a short hash of the whole: a file name stays far below the
255 bytes file systems allow, however long the ids of a pair are."""


def _digest(value: str, length: int = 6) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:length]


def slug(value: str) -> str:
    """A readable path segment that cannot leave the site folder: ASCII letters, digits and '-'.

    Accents are dropped ("josé" -> "jose"); text with no ASCII form at all ("王芳") becomes
    "item-" and a short hash of it, so two such ids do not share a page. A slug longer than
    `MAX_SLUG` keeps its beginning and ends in a hash of the whole value.
    """
    if value.isascii():  # most ids and titles: decomposing them would change nothing
        ascii_form = value
    else:
        ascii_form = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE.sub("-", ascii_form.lower()).strip("-")
    if len(cleaned) > MAX_SLUG:
        return f"{cleaned[: MAX_SLUG - 7].rstrip('-')}-{_digest(value)}"
    return cleaned or f"item-{_digest(value)}"


def unique_slugs(names: Sequence[tuple[str, str]]) -> list[str]:
    """A slug for each (identity, readable text), unique among them, in the same order.

    Where several share a readable slug, the one whose text already is that slug keeps it and
    the others get a short hash of their identity ("josé" -> "jose-1a2b3c" beside "jose"). The
    choice never depends on the order of the program, so addresses stay put when it is edited.
    """
    bases = [slug(readable) for _, readable in names]
    groups: dict[str, list[int]] = {}
    for i, base in enumerate(bases):
        groups.setdefault(base, []).append(i)
    chosen = list(bases)
    for base, members in groups.items():
        if len({names[i][0] for i in members}) < 2:
            continue
        keeper = min(members, key=lambda i: (names[i][1] != base, names[i][0]))
        for i in members:
            if names[i][0] != names[keeper][0]:
                chosen[i] = f"{base}-{_digest(names[i][0])}"
    length = 6
    while len({chosen[i] for i in range(len(names))}) < len({n[0] for n in names}) and length < 64:
        length += 4  # a hash suffix met another id's slug: lengthen every suffix until none do
        for i, value in enumerate(chosen):
            if value != bases[i]:
                chosen[i] = f"{bases[i]}-{_digest(names[i][0], length)}"
    return chosen
