"""One handbook per cohort: which cohort a build holds, who belongs to it, and the owners' index
of a `--per-cohort` site.

Organisations host each cohort's handbook behind that cohort's access group, so a cohort's
handbook holds the program's pages (guides, templates, cadences, rules) and that cohort's own
pages, never anything of another cohort. A person who takes part in several cohorts (a mentor
in two, a mentee who comes back) belongs to each: they appear in each of those handbooks, with
that cohort's pairs, schedule and calendar only.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass

from generator.errors import UsageError
from generator.model import Cohort, Program
from generator.references import did_you_mean
from generator.site.pages import cohort_status
from generator.site.public_view import cohort_slugs
from generator.templating import report_environment

OWNERS_INDEX = "index.html"
"""The page a `--per-cohort` site has at its root, for program owners: links to each cohort."""


def require_cohort(program: Program, cohort_id: str, shown: str) -> None:
    """A usage error that lists the ids there are, unless the cohort `--cohort` names exists."""
    ids = [c.id for c in program.cohorts]
    if cohort_id in ids:
        return
    if not ids:
        raise UsageError(
            f"--cohort {cohort_id}: {shown} has no [[cohorts]] yet; add one, or build without --cohort"
        )
    raise UsageError(
        f"--cohort {cohort_id}: {shown} has no such cohort; its cohorts are {', '.join(ids)}"
        f"{did_you_mean(cohort_id, ids)}"
    )


def require_cohorts(program: Program, shown: str) -> None:
    """A usage error when there is no cohort for `--per-cohort` to build."""
    if not program.cohorts:
        raise UsageError(
            f"--per-cohort: {shown} has no [[cohorts]] yet; add one, or build without --per-cohort"
        )


def cohort_people(program: Program, cohort: Cohort) -> set[str]:
    """Ids of everyone who belongs to a cohort: its members, both sides of each pair, its sponsor
    (when a person of the program) and everyone taking part in its activities."""
    people = set(cohort.members)
    for pair in cohort.pairs:
        people |= {pair.mentor, pair.mentee}
        for activity in pair.activities:
            people |= set(activity.participants)
    for activity in cohort.activities:
        people |= set(activity.participants)
    known = {p.id for p in program.people}
    if cohort.sponsor in known:
        people.add(cohort.sponsor)
    return people & known


_LINK = re.compile(
    r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*<?([^)\s>]+)>?"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"
)
"""An inline Markdown link or image: `[text](target "title")`, the title in double or single
quotes or in parentheses, the text holding brackets one level deep (`[see [the] pairs](...)`)."""
_DEFINITION = re.compile(r"(?m)^ {0,3}\[([^\]\n]+)\]:[ \t]*<?([^\s>]+)>?(?:[ \t]+[\"'(].*)?[ \t]*\n?")
"""A reference link's definition: `[label]: target "title"`, on a line of its own."""


def _into_other_cohort(target: str, page: str, others: set[str]) -> bool:
    """Whether a link's target, from `page` in the docs folder, is a page of another cohort."""
    target = target.split("#", 1)[0].split("?", 1)[0]
    if "://" in target or not target or target.startswith("mailto:"):
        return False
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(posixpath.dirname(page), target)
    parts = posixpath.normpath(path).split("/")
    return len(parts) >= 2 and parts[0] == "cohorts" and parts[1] in others


def unlink_other_cohorts(markdown: str, page: str, own_slug: str, slugs: set[str]) -> str:
    """A hand-written page in one cohort's handbook: each link into another cohort's pages
    becomes its plain text (such pages are not in this handbook, and must not be reachable from
    it); inline links and reference links alike. `page` is the page's path in the docs folder;
    `slugs`, every cohort's slug. Images are left alone."""
    others = slugs - {own_slug}

    def inline(match: re.Match[str]) -> str:
        if match.group(1) or not _into_other_cohort(match.group(3), page, others):
            return match.group(0)
        return match.group(2)

    markdown = _LINK.sub(inline, markdown)
    labels = {
        m.group(1).casefold()
        for m in _DEFINITION.finditer(markdown)
        if _into_other_cohort(m.group(2), page, others)
    }
    if not labels:
        return markdown
    markdown = _DEFINITION.sub(lambda m: "" if m.group(1).casefold() in labels else m.group(0), markdown)

    def reference(match: re.Match[str]) -> str:
        label = (match.group(3) or match.group(2)).casefold()
        if match.group(1) or label not in labels:
            return match.group(0)
        return match.group(2)

    # [text][label], [label][] and [label]
    return re.sub(r"(!?)\[([^\]\n]+)\](?:\[([^\]\n]*)\])?(?![(:])", reference, markdown)


@dataclass(frozen=True)
class IndexRow:
    name: str
    link: str  # relative: the site works from any sub-path
    start: dt.date
    end: dt.date
    status: str
    pairs: int


def owners_index(program: Program, as_of: dt.date) -> str:
    """The root page of a `--per-cohort` site: each cohort's handbook, linked by a relative
    address. Self-contained (no script, style sheet or font from anywhere)."""
    slugs = cohort_slugs(program)
    rows = [
        IndexRow(
            c.name, f"{slugs[c.id]}/", c.start, c.end, cohort_status(c.start, c.end, as_of), len(c.pairs)
        )
        for c in program.cohorts
    ]
    template = report_environment().get_template("cohort_index.html.j2")
    return template.render(name=program.program.name, rows=rows, as_of=as_of.isoformat())
