"""The publish gate of a cohort's own handbook: no other cohort's people, pairs or contracts.

A cohort's handbook (`handbook build --cohort`, each folder of `--per-cohort`) is read by that
cohort's participants only. Its generated pages hold nothing of other cohorts by construction
(`public_view(program, cohort)`); this scan checks every built file as the confidential scan
does (`generator.site.scan`: same decoding, same normal form, same idea of a searchable value),
so a hand-written page, a template override or program text shared by every cohort that names
another cohort's person is caught before it is published.

Searched for, in every other cohort: its id and name; the ids, names and calendar slugs of its
people who do not belong to this cohort too (people in both appear in both); the slugs of its
pairs that this cohort does not have; and the text its pairs' learning contracts set for
themselves (a rebalanced pair's reason, its activities too), unless this cohort shows the same
text. A match counts only as a whole word, so "kim" is not found in "grace-kim".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ahocorasick

from generator.model import Cohort, ContractTerms, Pair, Program
from generator.site.cohorts import cohort_people
from generator.site.public_view import pair_slugs, person_slugs
from generator.site.scan import _spellings, files_under, normalise, readable_text


@dataclass(frozen=True)
class CrossCohortHit:
    file: str  # relative to the cohort's site folder
    what: str  # what of which other cohort: names the id, never text from a contract

    def message(self) -> str:
        return f"{self.file}: {self.what}"


def _words(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


_REFERENCES = frozenset({"cadences", "milestones", "feedback_channels"})
"""Contract fields that name the program's cadences, milestones and feedback channels: shared by
every cohort, never a pair's own text."""


def _pair_texts(pair: Pair) -> list[str]:
    """The text a pair's learning contract shows of its own: the terms it sets itself, the
    reason it was rebalanced, its activities."""
    fields = pair.contract.model_fields_set - _REFERENCES
    texts = [t for name in sorted(fields) for t in _words(getattr(pair.contract, name))]
    texts += [pair.reason] if pair.reason else []
    return texts + [t for a in pair.activities for t in (a.title, a.description) if t]


def _shown_texts(program: Program, cohort: Cohort) -> set[str]:
    """Every text a cohort's handbook shows in contracts and activities: what another cohort may
    share with it."""
    texts = [*program.guardrails.confidentiality, *program.guardrails.escalation_path]
    texts += [t for name in ContractTerms.model_fields for t in _words(getattr(program.contract, name))]
    texts += [t for a in cohort.activities for t in (a.title, a.description)]
    texts += [t for e in cohort.events for t in (e.title, e.description)]
    for pair in cohort.pairs:
        terms = program.contract_for(pair)
        texts += [t for name in ContractTerms.model_fields for t in _words(getattr(terms, name))]
        texts += _pair_texts(pair)
    return {normalise(t) for t in texts}


def other_cohorts_terms(program: Program, cohort_id: str) -> dict[str, str]:
    """What must not appear in the handbook of `cohort_id`: each value (as written in
    program.toml) with the words a message uses for it."""
    own = next(c for c in program.cohorts if c.id == cohort_id)
    mine = cohort_people(program, own)
    my_pairs = set(pair_slugs(own))
    slugs = person_slugs(program)
    names = {p.id: p.name for p in program.people}
    allowed = {normalise(v) for v in (own.id, own.name)}
    allowed |= {normalise(v) for p in mine for v in (p, names[p], slugs[p])}
    shared = _shown_texts(program, own)
    found: dict[str, str] = {}
    for other in program.cohorts:
        if other.id == cohort_id:
            continue
        found.setdefault(other.id, f"the id of cohort {other.id}")
        found.setdefault(other.name, f"the name of cohort {other.id}")
        for person in sorted(cohort_people(program, other) - mine):
            about = f"{names[person]} ({person}), who takes part in {other.id}, not in {cohort_id}"
            for value in (person, names[person], slugs[person]):
                found.setdefault(value, about)
        for pair, pair_slug in zip(other.pairs, pair_slugs(other), strict=True):
            if pair_slug not in my_pairs:
                found.setdefault(pair_slug, f"the pair {pair_slug} of cohort {other.id}")
            for text in _pair_texts(pair):
                if normalise(text) not in shared:
                    found.setdefault(
                        text, f"text of the learning contract of {pair_slug} in cohort {other.id}"
                    )
    return {value: what for value, what in found.items() if normalise(value) not in allowed}


_ID_CHARACTERS = "-_"


def _whole_word(text: str, start: int, end: int, spelling: str) -> bool:
    """Whether text[start:end] stands alone: no letter or digit beside it (and, for an id or
    slug, no '-' or '_' either, which would make it part of a longer id)."""
    joined = "" if " " in spelling else _ID_CHARACTERS
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before in joined or after.isalnum() or after in joined)


@dataclass
class OtherCohortsScanner:
    """One automaton of every spelling of every other cohort's value, built once per cohort."""

    terms: dict[str, str]
    _automaton: Any = field(default=None, repr=False)
    _what: dict[str, list[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def for_cohort(cls, program: Program, cohort_id: str) -> OtherCohortsScanner:
        return cls(other_cohorts_terms(program, cohort_id))

    def __post_init__(self) -> None:
        if not self.terms:
            return
        automaton = ahocorasick.Automaton()
        for value, what in self.terms.items():
            for spelling in _spellings(value):
                if spelling not in self._what:
                    self._what[spelling] = []
                    automaton.add_word(spelling, spelling)
                self._what[spelling].append(what)
        automaton.make_automaton()
        self._automaton = automaton

    def scan_text(self, name: str, text: str) -> list[CrossCohortHit]:
        """What of other cohorts one file's address or readable text holds, each once."""
        if self._automaton is None:
            return []
        found: dict[CrossCohortHit, None] = {}
        for searched in (normalise(text), normalise(name)):
            for end, spelling in self._automaton.iter(searched):
                start = end - len(spelling) + 1
                if _whole_word(searched, start, end + 1, spelling):
                    for what in self._what[spelling]:
                        found.setdefault(CrossCohortHit(name, what), None)
        return list(found)

    def scan_folder(
        self, folder: Path, skip: set[str] | frozenset[str] = frozenset(), shown: str = ""
    ) -> list[CrossCohortHit]:
        """Every hit in every file under `folder` (HTML, search index, sitemap, calendars, ...)
        but those in `skip` (relative names of files known to hold nothing from the program).
        `shown`: the folder's place in the whole site, put before each file's name."""
        hits: list[CrossCohortHit] = []
        if self._automaton is None:
            return hits
        for name, path in files_under(folder):
            if name not in skip:
                with open(path, "rb") as file:
                    found = self.scan_text(name, readable_text(name, file.read()))
                hits += [CrossCohortHit(shown + hit.file, hit.what) for hit in found]
        return hits


def cross_cohort_report(hits: list[CrossCohortHit], cohorts: list[str]) -> str:
    """Why cohorts' handbooks were not published: each file and what of which cohort it shows."""
    lines = [f"  {hit.message()}" for hit in hits[:20]]
    more = [f"  and {len(hits) - 20} more"] if len(hits) > 20 else []
    whose = (
        f"the handbook of cohort {cohorts[0]} shows"
        if len(cohorts) == 1
        else (f"the handbooks of cohorts {', '.join(cohorts)} show")
    )
    return "\n".join(
        [
            f"{whose} other cohorts' people, pairs or contracts; the previous site is kept:",
            *lines,
            *more,
            "Every cohort's handbook holds the hand-written pages and the program's text: remove the "
            "mention from the page, template or program text that shows it, or build the whole "
            "handbook without --cohort / --per-cohort.",
        ]
    )
