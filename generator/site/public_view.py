"""The public view of a program: the only data the site templates ever receive.

It is built from separate dataclasses that have no field for a person's `confidential`
section, so a template cannot show an assessment result or a private note even by mistake.
Vocabulary ids are turned into their display names here, once, so no page shows a raw id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from generator.model import Activity, Cadence, Cohort, Pair, Person, Program
from generator.policies.pair_quality import covered_goals, different_attributes
from generator.site.addresses import unique_slugs
from generator.site.schedule import (
    ATTENDEE_WORDS,
    KIND_WORDS,
    PAIR_ATTENDEES,
    Session,
    attends,
    cohort_schedule,
)


@dataclass(frozen=True)
class PublicPerson:
    id: str
    name: str
    title: str
    division: str
    geography: str
    role: str
    bio: str
    strengths: list[str]  # display names
    experiences: list[str]  # display names
    slug: str = ""  # the file name of the person's own calendar
    timezone: str = ""  # their own, else their cohort's
    own_timezone: bool = False  # whether `timezone` is their own


@dataclass(frozen=True)
class PublicMilestone:
    id: str
    title: str
    due: dt.date
    criteria: list[str]
    wins: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PublicCadence:
    """A cadence as a participant reads it: how often in words, who attends, how long."""

    id: str
    name: str
    kind: str
    when: str  # "monthly", "every 2 weeks", "at the midpoint"
    attendees: str
    minutes: int
    time: str  # "09:30 Europe/Berlin", or ""
    checklist: list[str]


@dataclass(frozen=True)
class PublicActivity:
    kind: str  # "Joint project", "Shadowing"
    title: str
    description: str
    participants: list[str]  # display names
    participant_ids: list[str]
    dates: str  # "2026-11-02 to 2026-11-03", "2026-11-02" or ""


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
    cadences: list[PublicCadence]
    sessions: list[Session]
    milestones: list[PublicMilestone]
    confidentiality: list[str]
    feedback_channels: list[str]
    escalation_path: list[str]
    reason: str = ""  # why a rebalanced pair stopped: public, shown with its state
    goals: list[str] = field(default_factory=list)  # the mentee's development goals, display names
    matching_strengths: list[str] = field(default_factory=list)  # mentor strengths that meet them
    prompts: list[str] = field(default_factory=list)
    activities: list[PublicActivity] = field(default_factory=list)
    own_cadences: list[PublicCadence] = field(default_factory=list)  # not on the cohort's schedule


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
    timezone: str = ""
    activities: list[PublicActivity] = field(default_factory=list)
    checklists: list[PublicCadence] = field(default_factory=list)

    @property
    def participants(self) -> list[PublicPerson]:
        """Members, anyone in a pair and the sponsor, once each: everyone who gets their own
        calendar (the sponsor's holds the reviews they attend)."""
        found = {p.id: p for p in self.members}
        for pair in self.pairs:
            found.setdefault(pair.mentor.id, pair.mentor)
            found.setdefault(pair.mentee.id, pair.mentee)
        if self.sponsor is not None:
            found.setdefault(self.sponsor.id, self.sponsor)
        return list(found.values())


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
    competencies: list[tuple[str, str]] = field(default_factory=list)  # (name, description)
    experiences: list[tuple[str, str, str]] = field(default_factory=list)  # (name, kind, description)
    url: str = ""
    reminder_days: int = 0


@dataclass(frozen=True)
class _Names:
    """Display names of the vocabulary, people and person slugs: one lookup for every page."""

    competencies: dict[str, str]
    experiences: dict[str, str]
    people: dict[str, str]
    person_slugs: dict[str, str]

    @classmethod
    def of(cls, program: Program) -> _Names:
        return cls(
            competencies={c.id: c.name for c in program.vocabulary.competencies},
            experiences={e.id: e.name for e in program.vocabulary.experiences},
            people={p.id: p.name for p in program.people},
            person_slugs=person_slugs(program),
        )

    def competency(self, ids: Sequence[str]) -> list[str]:
        return [self.competencies.get(i, i) for i in ids]

    def experience(self, ids: Sequence[str]) -> list[str]:
        return [self.experiences.get(i, i) for i in ids]


def person_slugs(program: Program) -> dict[str, str]:
    """Each person's slug (their calendar's file name), by id: unique across the whole program,
    so a person keeps one address in every cohort's handbook."""
    # Sponsors listed under [program] but not among the people get a calendar too.
    ids = list(dict.fromkeys([*(p.id for p in program.people), *(s.id for s in program.program.sponsors)]))
    return dict(zip(ids, unique_slugs([(i, i) for i in ids]), strict=True))


def pair_slugs(cohort: Cohort) -> list[str]:
    """The slug of each pair of a cohort (its learning contract's address), in order."""
    return unique_slugs([(f"{p.mentor}\x00{p.mentee}", f"{p.mentor}-{p.mentee}") for p in cohort.pairs])


def _person(program: Program, person_id: str, names: _Names, cohort_timezone: str = "") -> PublicPerson:
    p = program.person(person_id)
    return PublicPerson(
        id=p.id,
        name=p.name,
        title=p.title,
        division=p.division,
        geography=p.geography,
        role=p.role,
        bio=p.bio,
        strengths=names.competency(p.strengths),
        experiences=names.experience(p.experiences),
        slug=names.person_slugs[p.id],
        timezone=p.timezone or cohort_timezone,
        own_timezone=bool(p.timezone),
    )


def _when(cadence: Cadence) -> str:
    if cadence.every is not None:
        return cadence.every.in_words()
    return {"start": "at the start", "midpoint": "at the midpoint", "end": "at the end"}[
        cadence.at or "start"
    ]


def _cadence(cadence: Cadence, timezone: str) -> PublicCadence:
    time = cadence.time.strftime("%H:%M") if cadence.time is not None else ""
    return PublicCadence(
        id=cadence.id,
        name=cadence.name,
        kind=KIND_WORDS.get(cadence.kind, cadence.kind),
        when=_when(cadence),
        attendees=", ".join(ATTENDEE_WORDS[a] for a in cadence.attendees) or ATTENDEE_WORDS["cohort"],
        minutes=cadence.duration_minutes,
        time=f"{time} {timezone}".strip() if time else "",
        checklist=list(cadence.checklist),
    )


def _activity(activity: Activity, names: _Names) -> PublicActivity:
    days = sorted({d.isoformat() for d in (activity.start, activity.end) if d is not None})
    dates = " to ".join(days)  # "2026-04-27 to 2026-04-28", one date, or none
    return PublicActivity(
        kind={"joint-project": "Joint project", "shadowing": "Shadowing"}[activity.kind],
        title=activity.title,
        description=activity.description,
        participants=[names.people.get(p, p) for p in activity.participants],
        participant_ids=list(activity.participants),
        dates=dates,
    )


_STATES = {"active": "Active", "completed": "Completed", "rebalanced": "Rebalanced"}


def _cohort_cadences(program: Program, pairs: Sequence[Pair]) -> list[Cadence]:
    """The cadences on a cohort's own schedule: every standard (non-optional) one, and an optional
    one only when every pair of the cohort follows it. A cadence only some pairs' contracts list
    appears on those pairs' contracts and calendars, never for the whole cohort."""
    followed = [set(program.contract_for(p).cadences or []) for p in pairs]
    return [c for c in program.cadences if not c.optional or (followed and all(c.id in f for f in followed))]


def _why(mentor: Person, mentee: Person, names: _Names) -> list[str]:
    """Highlights from public profile fields, judged by the pair-quality policy: the mentor's
    strengths that meet the mentee's goals first, then the perspectives they do not share."""
    reasons = []
    if matching := names.competency(covered_goals(mentor, mentee)):
        reasons.append("Mentor strengths that meet the mentee's goals: " + ", ".join(matching))
    different = different_attributes(mentor, mentee, ["division", "geography"])
    if "division" in different:
        reasons.append(f"Across divisions: {mentor.division} and {mentee.division}")
    if "geography" in different:
        reasons.append(f"Across regions: {mentor.geography} and {mentee.geography}")
    extra = [e for e in mentor.experiences if e not in mentee.experiences]
    if extra:
        reasons.append("Experience the mentor brings: " + ", ".join(names.experience(extra[:3])))
    return reasons or ["Chosen by the program owners for complementary experience."]


def cohort_slugs(program: Program) -> dict[str, str]:
    """Each cohort's slug (its pages' folder, and its own site's folder under `--per-cohort`), by id."""
    ids = [c.id for c in program.cohorts]
    return dict(zip(ids, unique_slugs([(i, i) for i in ids]), strict=True))


def public_view(program: Program, only_cohort: str | None = None) -> PublicProgram:
    """Copy the publishable parts of a validated program into the public dataclasses.

    `only_cohort`: the id of the one cohort a cohort's own handbook holds; the others are left out
    whole (their people, pairs, schedules), and the program-wide parts stay."""
    g = program.guardrails
    names = _Names.of(program)
    closed = frozenset(program.calendar.closed_dates)
    cohorts = []
    slugs = cohort_slugs(program)
    for cohort in program.cohorts:
        if only_cohort is not None and cohort.id != only_cohort:
            continue
        cohort_slug = slugs[cohort.id]
        pairs = []
        standard = _cohort_cadences(program, cohort.pairs)
        on_schedule = {c.id for c in standard}
        for pair, pair_slug in zip(cohort.pairs, pair_slugs(cohort), strict=True):
            terms = program.contract_for(pair)
            mentor = _person(program, pair.mentor, names, cohort.timezone)
            mentee = _person(program, pair.mentee, names, cohort.timezone)
            start, end = cohort.window(pair)
            # The pair meets in the mentee's time zone (their own, else the cohort's).
            cadences = [c for c in map(program.cadence, terms.cadences or []) if attends(c, PAIR_ATTENDEES)]
            mentor_profile, mentee_profile = program.person(pair.mentor), program.person(pair.mentee)
            pairs.append(
                PublicPair(
                    slug=pair_slug,
                    mentor=mentor,
                    mentee=mentee,
                    start=start,
                    end=end,
                    state=_STATES[pair.state],
                    why=_why(mentor_profile, mentee_profile, names),
                    mentor_role=terms.mentor_role or "",
                    objectives=list(terms.mentee_objectives or []),
                    cadences=[_cadence(c, mentee.timezone) for c in cadences],
                    sessions=cohort_schedule(cadences, start, end, closed=closed, timezone=mentee.timezone),
                    milestones=[
                        PublicMilestone(
                            m.id,
                            m.title,
                            m.due_date(start),
                            list(m.success_criteria),
                            list(m.incremental_wins),
                        )
                        for m in (program.milestone(i) for i in terms.milestones or [])
                    ],
                    confidentiality=list(terms.confidentiality or []),
                    feedback_channels=list(terms.feedback_channels or []),
                    escalation_path=list(terms.escalation_path or []),
                    reason=pair.reason if pair.state != "active" else "",
                    goals=names.competency(mentee_profile.development_goals),
                    matching_strengths=names.competency(covered_goals(mentor_profile, mentee_profile)),
                    prompts=list(terms.session_prompts or []),
                    activities=[_activity(a, names) for a in pair.activities],
                    own_cadences=[_cadence(c, mentee.timezone) for c in cadences if c.id not in on_schedule],
                )
            )
        cohorts.append(
            PublicCohort(
                slug=cohort_slug,
                name=cohort.name,
                start=cohort.start,
                end=cohort.end,
                sponsor=_sponsor(program, cohort.sponsor, names),
                members=[_person(program, m, names, cohort.timezone) for m in cohort.members],
                pairs=pairs,
                schedule=cohort_schedule(
                    standard, cohort.start, cohort.end, cohort.events, closed=closed, timezone=cohort.timezone
                ),
                timezone=cohort.timezone,
                activities=[_activity(a, names) for a in cohort.activities],
                checklists=[_cadence(c, cohort.timezone) for c in standard if c.checklist],
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
                {"name": c.name, "description": c.description, "every": c.every.in_words() if c.every else ""}
                for c in g.feedback_channels
            ],
        },
        cadences=[
            {
                "name": c.name,
                "kind": KIND_WORDS.get(c.kind, c.kind),
                "when": _when(c),
                "attendees": _cadence(c, "").attendees,
                "time": c.time.strftime("%H:%M") if c.time is not None else "",
                "minutes": c.duration_minutes,
                "checklist": list(c.checklist),
                "optional": c.optional,
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
        competencies=[(c.name, c.description) for c in program.vocabulary.competencies],
        experiences=[(e.name, e.kind, e.description) for e in program.vocabulary.experiences],
        url=program.site.url,
        reminder_days=program.calendar.reminder_days,
    )


def _sponsor(program: Program, sponsor_id: str | None, names: _Names) -> PublicPerson | None:
    if not sponsor_id:
        return None
    if sponsor_id in names.people:
        return _person(program, sponsor_id, names)
    for s in program.program.sponsors:
        if s.id == sponsor_id:
            return PublicPerson(
                s.id, s.name, s.title, "", "", "sponsor", "", [], [], slug=names.person_slugs[s.id]
            )
    return None
