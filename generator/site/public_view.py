"""The public view of a program: the only data the site templates ever receive.

It is built from separate dataclasses that have no field for a person's `confidential`
section, so a template cannot show a development gap or an assessment result even by mistake.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from generator.model import Program
from generator.site.schedule import Session, cohort_schedule

_UNSAFE = re.compile(r"[^a-z0-9-]+")


def _digest(value: str, length: int = 6) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:length]


def slug(value: str) -> str:
    """A readable path segment that cannot leave the site folder: ASCII letters, digits and '-'.

    Accents are dropped ("josé" -> "jose"); text with no ASCII form at all ("王芳") becomes
    "item-" and a short hash of it, so two such ids do not share a page.
    """
    ascii_form = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE.sub("-", ascii_form.lower()).strip("-")
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


@dataclass(frozen=True)
class PublicPerson:
    id: str
    name: str
    title: str
    division: str
    geography: str
    role: str
    bio: str
    strengths: list[str]
    experiences: list[str]


@dataclass(frozen=True)
class PublicMilestone:
    title: str
    due: dt.date
    criteria: list[str]


@dataclass(frozen=True)
class PublicPair:
    slug: str
    mentor: PublicPerson
    mentee: PublicPerson
    start: dt.date
    end: dt.date
    state: str
    why: list[str]
    mentor_role: str
    objectives: list[str]
    cadences: list[str]
    sessions: list[Session]
    milestones: list[PublicMilestone]
    confidentiality: list[str]
    feedback_channels: list[str]
    escalation_path: list[str]


@dataclass(frozen=True)
class PublicCohort:
    slug: str
    name: str
    start: dt.date
    end: dt.date
    sponsor: PublicPerson | None
    members: list[PublicPerson]
    pairs: list[PublicPair]
    schedule: list[Session]


@dataclass(frozen=True)
class PublicProgram:
    name: str
    summary: str
    how_to_use: str
    objectives: list[dict[str, str]]
    guardrails: dict[str, object]
    cadences: list[dict[str, object]]
    metrics: list[dict[str, str]]
    mentor_guide: dict[str, object]
    mentee_guide: dict[str, object]
    recognition: list[str]
    templates: dict[str, list[str]]
    cohorts: list[PublicCohort] = field(default_factory=list)


def _person(program: Program, person_id: str) -> PublicPerson:
    p = program.person(person_id)
    return PublicPerson(
        id=p.id,
        name=p.name,
        title=p.title,
        division=p.division,
        geography=p.geography,
        role=p.role,
        bio=p.bio,
        strengths=list(p.strengths),
        experiences=list(p.experiences),
    )


def _why(mentor: PublicPerson, mentee: PublicPerson) -> list[str]:
    """Highlights drawn only from public profile fields (never the mentee's development goals)."""
    reasons = []
    if mentor.strengths:
        reasons.append("Mentor strengths: " + ", ".join(mentor.strengths[:3]))
    if mentor.division != mentee.division:
        reasons.append(f"Across divisions: {mentor.division} and {mentee.division}")
    if mentor.geography != mentee.geography:
        reasons.append(f"Across regions: {mentor.geography} and {mentee.geography}")
    extra = [e for e in mentor.experiences if e not in mentee.experiences]
    if extra:
        reasons.append("Experience the mentor brings: " + ", ".join(extra[:3]))
    return reasons or ["Chosen by the program owners for complementary experience."]


def public_view(program: Program) -> PublicProgram:
    """Copy the publishable parts of a validated program into the public dataclasses."""
    g = program.guardrails
    cohorts = []
    cohort_slugs = unique_slugs([(c.id, c.id) for c in program.cohorts])
    for cohort, cohort_slug in zip(program.cohorts, cohort_slugs, strict=True):
        pairs = []
        pair_slugs = unique_slugs(
            [(f"{p.mentor}\x00{p.mentee}", f"{p.mentor}-{p.mentee}") for p in cohort.pairs]
        )
        for pair, pair_slug in zip(cohort.pairs, pair_slugs, strict=True):
            terms = program.contract_for(pair)
            mentor, mentee = _person(program, pair.mentor), _person(program, pair.mentee)
            start, end = pair.start or cohort.start, pair.end or cohort.end
            cadences = [program.cadence(c) for c in terms.cadences or []]
            pairs.append(
                PublicPair(
                    slug=pair_slug,
                    mentor=mentor,
                    mentee=mentee,
                    start=start,
                    end=end,
                    state=pair.state,
                    why=_why(mentor, mentee),
                    mentor_role=terms.mentor_role or "",
                    objectives=list(terms.mentee_objectives or []),
                    cadences=[c.name for c in cadences],
                    sessions=cohort_schedule(cadences, start, end),
                    milestones=[
                        PublicMilestone(m.title, m.due_date(start), list(m.success_criteria))
                        for m in (program.milestone(i) for i in terms.milestones or [])
                    ],
                    confidentiality=list(terms.confidentiality or []),
                    feedback_channels=list(terms.feedback_channels or []),
                    escalation_path=list(terms.escalation_path or []),
                )
            )
        cohorts.append(
            PublicCohort(
                slug=cohort_slug,
                name=cohort.name,
                start=cohort.start,
                end=cohort.end,
                sponsor=_sponsor(program, cohort.sponsor),
                members=[_person(program, m) for m in cohort.members],
                pairs=pairs,
                schedule=cohort_schedule(program.cadences, cohort.start, cohort.end, cohort.events),
            )
        )
    info = program.program
    return PublicProgram(
        name=info.name,
        summary=info.summary,
        how_to_use=info.how_to_use,
        objectives=[
            {"outcome": o.outcome, "audience": o.audience, "timeframe": o.timeframe, "measure": o.measure}
            for o in info.objectives
        ],
        guardrails={
            "confidentiality": list(g.confidentiality),
            "boundaries": list(g.boundaries),
            "escalation_path": list(g.escalation_path),
            "max_mentees_per_mentor": g.max_mentees_per_mentor,
            "max_hours_per_month": g.max_hours_per_month,
            "feedback_channels": [
                {"name": c.name, "description": c.description, "every": str(c.every or "")}
                for c in g.feedback_channels
            ],
        },
        cadences=[
            {
                "name": c.name,
                "kind": c.kind,
                "when": str(c.every) if c.every else f"at {c.at}",
                "minutes": c.duration_minutes,
                "checklist": list(c.checklist),
            }
            for c in program.cadences
        ],
        metrics=[
            {
                "name": m.name,
                "kind": m.kind,
                "definition": m.definition,
                "target": str(m.target),
                "source": m.source,
            }
            for m in program.metrics
        ],
        mentor_guide={
            "resources": [(r.title, r.description) for r in program.mentor_guide.coaching_resources],
            "protocol": list(program.mentor_guide.conversation_protocol),
            "prompts": [(p.month, p.prompt) for p in program.mentor_guide.reflective_prompts],
            "feedback": list(program.mentor_guide.giving_feedback),
        },
        mentee_guide={
            "preparing": list(program.mentee_guide.preparing),
            "questions": list(program.mentee_guide.better_questions),
            "experiments": list(program.mentee_guide.experiments),
        },
        recognition=list(program.recognition.mentors),
        templates={
            "journaling": list(program.templates.journaling_prompts),
            "aar": list(program.templates.after_action_review),
        },
        cohorts=cohorts,
    )


def _sponsor(program: Program, sponsor_id: str | None) -> PublicPerson | None:
    if not sponsor_id:
        return None
    if any(p.id == sponsor_id for p in program.people):
        return _person(program, sponsor_id)
    for s in program.program.sponsors:
        if s.id == sponsor_id:
            return PublicPerson(s.id, s.name, s.title, "", "", "sponsor", "", [], [])
    return None
