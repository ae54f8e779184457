"""Generate large, valid program.toml files for benchmarks and scale tests.

The generated program is deterministic for a given size and seed, uses every section of the
model, and keeps each mentor within the guardrails so that rules report realistic findings.
"""

from __future__ import annotations

import datetime as dt
import random

DIVISIONS = ["Retail", "Wealth", "Operations", "Risk", "Markets", "Technology", "People", "Legal"]
GEOGRAPHIES = ["Europe", "North America", "Asia Pacific", "Middle East", "Latin America", "Africa"]
ZONES = {
    "Europe": ["Europe/London", "Europe/Berlin", "Europe/Madrid", "Europe/Warsaw"],
    "North America": ["America/New_York", "America/Chicago", "America/Toronto", "America/Los_Angeles"],
    "Asia Pacific": ["Asia/Singapore", "Asia/Tokyo", "Asia/Hong_Kong", "Australia/Sydney"],
    "Middle East": ["Asia/Dubai", "Asia/Riyadh"],
    "Latin America": ["America/Sao_Paulo", "America/Mexico_City"],
    "Africa": ["Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi"],
}
LANGUAGES = {
    "Europe": ["German", "Spanish", "French", "Polish"],
    "North America": ["Spanish", "French"],
    "Asia Pacific": ["Mandarin", "Japanese", "Cantonese"],
    "Middle East": ["Arabic"],
    "Latin America": ["Portuguese", "Spanish"],
    "Africa": ["French", "Swahili", "Zulu"],
}
GENERATIONS = ["Baby Boomer", "Gen X", "Millennial", "Gen Z"]
STYLES = ["risk-aware", "methodical", "improvisational", "big-picture", "balanced"]
LEARNING = ["reflective", "experiential", "conversational", "structured", "observational"]
COMPETENCIES = [f"competency-{i:02d}" for i in range(24)]
EXPERIENCES = [f"experience-{i:02d}" for i in range(30)]


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _list(items: list[str]) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"


def generate_program_text(people: int = 10_000, pairs: int = 5_000, cohorts: int = 10, seed: int = 7) -> str:
    """A program with `people` people, `pairs` pairs spread over `cohorts` cohorts."""
    rnd = random.Random(seed)
    out: list[str] = [
        "#:schema ./program.schema.json",
        "[program]",
        'name = "Generated program"',
        'summary = "A large generated program for measuring the tool."',
        'owners = [{ name = "Owner", role = "Talent", contact = "talent@example.com" }]',
        'sponsors = [{ id = "sponsor", name = "Sponsor", title = "COO" }]',
        "",
        "[[program.objectives]]",
        'id = "growth"',
        'outcome = "Leaders grow"',
        'audience = "Vice presidents"',
        'timeframe = "Four months"',
        'measure = "Sponsor review"',
        'metrics = ["sessions"]',
    ]
    for c in COMPETENCIES:
        out += ["", "[[vocabulary.competencies]]", f"id = {_q(c)}", f"name = {_q(c.title())}"]
    kinds = ["market", "function", "crisis", "industry"]
    for i, e in enumerate(EXPERIENCES):
        out += [
            "",
            "[[vocabulary.experiences]]",
            f"id = {_q(e)}",
            f"name = {_q(e.title())}",
            f"kind = {_q(kinds[i % 4])}",
        ]
    n_mentors = max(pairs // 2, 1)
    ids = [f"person-{i:05d}" for i in range(people)]
    for i, pid in enumerate(ids):
        role = "mentor" if i < n_mentors else "mentee"
        strengths = rnd.sample(COMPETENCIES, 3)
        goals = rnd.sample([c for c in COMPETENCIES if c not in strengths], 2)
        manager = f"\nmanager = {_q(ids[rnd.randrange(i)])}" if i > 0 and rnd.random() < 0.7 else ""
        out += [
            "",
            "[[people]]",
            f"id = {_q(pid)}",
            f'name = "Person {i}"',
            f'title = "Vice President {i % 40}"',
            f"division = {_q(rnd.choice(DIVISIONS))}",
            f'function = "Function {i % 12}"',
            f"geography = {_q(rnd.choice(GEOGRAPHIES))}",
            f"generation = {_q(rnd.choice(GENERATIONS))}",
            'career_stage = "Senior leader"',
            f'industry = "Industry {i % 9}"',
            f"role = {_q(role)}",
            f'bio = "Leads a team of {10 + i % 90} people and cares about clear decisions."',
            f"strengths = {_list(strengths)}",
            f"development_goals = {_list(goals)}",
            f"experiences = {_list(rnd.sample(EXPERIENCES, 4))}",
            f"leadership_style = {_q(rnd.choice(STYLES))}",
            f"learning_style = {_q(rnd.choice(LEARNING))}",
            'leadership_goals = ["Lead across divisions", "Build a successor"]',
            'past_challenges = ["A market exit", "A system migration"]',
            f"hours_per_month = {4 + i % 5}{manager}",
            "",
            "[people.confidential]",
            f'communication_tone = "Tone note {i}"',
            f"risk_tolerance = {_q(rnd.choice(['low', 'moderate', 'high']))}",
            f"political_sensitivity = {_q(rnd.choice(['low', 'moderate', 'high']))}",
            f'assessment_notes = "Assessment note {i}"',
            f'feedback_360 = "360 summary {i}"',
            f'notes = "Private note {i}"',
        ]
    mentees = ids[n_mentors:]
    per_cohort = max(pairs // cohorts, 1)
    made = 0
    for c in range(cohorts):
        start = dt.date(2026, 1, 5) + dt.timedelta(days=30 * c)
        end = start + dt.timedelta(days=140)
        out += [
            "",
            "[[cohorts]]",
            f'id = "cohort-{c:03d}"',
            f'name = "Cohort {c}"',
            f"start = {start.isoformat()}",
            f"end = {end.isoformat()}",
            'sponsor = "sponsor"',
            "",
            "[[cohorts.events]]",
            f'id = "roundtable-{c}"',
            'kind = "roundtable"',
            'title = "Roundtable"',
            f"date = {(start + dt.timedelta(days=30)).isoformat()}",
        ]
        for k in range(per_cohort if c < cohorts - 1 else pairs - made):
            mentor = ids[(made + k) % n_mentors]
            mentee = mentees[(made + k) % len(mentees)]
            out += ["", "[[cohorts.pairs]]", f"mentor = {_q(mentor)}", f"mentee = {_q(mentee)}"]
        made += per_cohort
    out += [
        "",
        "[[cadences]]",
        'id = "alignment"',
        'name = "Monthly alignment check"',
        'kind = "alignment-check"',
        'every = "1 month"',
        'attendees = ["mentor", "mentee"]',
        "",
        "[[cadences]]",
        'id = "mid-course"',
        'name = "Mid-course correction"',
        'kind = "mid-course-correction"',
        'at = "midpoint"',
        "",
        "[[cadences]]",
        'id = "sponsor-review"',
        'name = "Sponsor review"',
        'kind = "sponsor-review"',
        'every = "2 months"',
        "",
        "[[cadences]]",
        'id = "end-review"',
        'name = "End review"',
        'kind = "end-review"',
        'at = "end"',
        "",
        "[guardrails]",
        "max_mentees_per_mentor = 2",
        "max_hours_per_month = 8",
        'confidentiality = ["Sessions stay private"]',
        'boundaries = ["No line decisions"]',
        'escalation_path = ["Partner", "Program owner"]',
        'feedback_channels = [{ name = "Pulse survey", every = "1 month" }]',
        "",
        "[[milestones]]",
        'id = "plan"',
        'title = "Development plan agreed"',
        'success_criteria = ["A written plan with three goals"]',
        'due = "4 weeks"',
        "",
        "[[metrics]]",
        'id = "sessions"',
        'name = "Sessions held"',
        'kind = "quantitative"',
        'definition = "Sessions held per pair"',
        'target = "One a month"',
        'source = "Progress log"',
        "",
        "[[metrics]]",
        'id = "confidence"',
        'name = "Confidence"',
        'kind = "qualitative"',
        'definition = "Self-rated confidence"',
        'target = "Up by one point"',
        'source = "Survey"',
        "",
        "[contract]",
        'mentor_role = "Thinking partner"',
        'mentee_objectives = ["What will you be able to do?"]',
    ]
    return "\n".join(out) + "\n"


INDUSTRIES = [
    "Banking",
    "Insurance",
    "Consulting",
    "Retail",
    "Energy",
    "Healthcare",
    "Telecom",
    "Public sector",
]


def generate_matching_program_text(mentees: int = 8_000, mentors: int = 3_000, seed: int = 11) -> str:
    """One cohort of unmatched mentors and mentees with varied profiles, for `handbook match` at scale.

    Mentors have 12 hours a month and mentees 6, so the workload guardrail (3 mentees, 12 hours,
    4 hours a pair) gives every mentor 3 places; a few manager links add reporting-line constraints.
    """
    rnd = random.Random(seed)
    out: list[str] = [
        "[program]",
        'name = "Matching at scale"',
        'summary = "A generated cohort for measuring handbook match."',
        'owners = [{ name = "Owner", role = "Talent", contact = "talent@example.com" }]',
        "",
        "[[program.objectives]]",
        'id = "growth"',
        'outcome = "Leaders grow"',
        'audience = "Vice presidents"',
        'timeframe = "Six months"',
        'measure = "Sponsor review"',
        'metrics = ["sessions", "confidence"]',
        "",
        "[[metrics]]",
        'id = "sessions"',
        'name = "Sessions held"',
        'kind = "quantitative"',
        "",
        "[[metrics]]",
        'id = "confidence"',
        'name = "Confidence"',
        'kind = "qualitative"',
    ]
    cadences = [
        ("alignment", "alignment-check", 'every = "1 month"'),
        ("mid-course", "mid-course-correction", 'at = "midpoint"'),
        ("sponsor-review", "sponsor-review", 'every = "2 months"'),
        ("end-review", "end-review", 'at = "end"'),
    ]
    for cid, kind, when in cadences:
        out += ["", "[[cadences]]", f"id = {_q(cid)}", f"name = {_q(cid.title())}", f"kind = {_q(kind)}"]
        out.append(when)
    for c in COMPETENCIES:
        out += ["", "[[vocabulary.competencies]]", f"id = {_q(c)}", f"name = {_q(c.title())}"]
    for e in EXPERIENCES:
        out += ["", "[[vocabulary.experiences]]", f"id = {_q(e)}", f"name = {_q(e.title())}"]
    mentor_ids = [f"mentor-{i:05d}" for i in range(mentors)]
    mentee_ids = [f"mentee-{i:05d}" for i in range(mentees)]
    for role, ids, monthly in (("mentor", mentor_ids, 12), ("mentee", mentee_ids, 6)):
        for pid in ids:
            strengths = rnd.sample(COMPETENCIES, rnd.randint(2, 5))
            goals = rnd.sample([c for c in COMPETENCIES if c not in strengths], rnd.randint(1, 4))
            boss = role == "mentee" and rnd.random() < 0.03
            manager = f"manager = {_q(rnd.choice(mentor_ids))}" if boss else ""
            geography = rnd.choice(GEOGRAPHIES)
            # Most speak English; a few only their regional language, so the shared-language rule bites.
            regional = rnd.choice(LANGUAGES[geography])
            languages = [regional] if rnd.random() < 0.05 else ["English", regional]
            hours = rnd.choice(["08:00-16:00", "09:00-17:00", "10:00-18:00", "07:00-15:00"])
            prefers = role == "mentee" and rnd.random() < 0.3
            private = (
                f"[people.confidential]\npreferences = {_list(rnd.sample(mentor_ids, rnd.randint(1, 3)))}"
                if prefers
                else ""
            )
            out += [
                "",
                "[[people]]",
                f"id = {_q(pid)}",
                f"name = {_q(pid.replace('-', ' ').title())}",
                f"division = {_q(rnd.choice(DIVISIONS))}",
                f"geography = {_q(geography)}",
                f"generation = {_q(rnd.choice(GENERATIONS))}",
                f"industry = {_q(rnd.choice(INDUSTRIES))}",
                f"role = {_q(role)}",
                f"timezone = {_q(rnd.choice(ZONES[geography]))}",
                f"working_hours = {_q(hours)}",
                f"languages = {_list(languages)}",
                f"strengths = {_list(strengths)}",
                f"development_goals = {_list(goals)}",
                f"experiences = {_list(rnd.sample(EXPERIENCES, rnd.randint(2, 8)))}",
                f"leadership_style = {_q(rnd.choice(STYLES))}",
                f"learning_style = {_q(rnd.choice(LEARNING))}",
                'leadership_goals = ["Lead across divisions"]',
                'past_challenges = ["A system migration"]',
                f"hours_per_month = {monthly}",
                manager,
                private,
            ]
    out += [
        "",
        "[[cohorts]]",
        'id = "scale"',
        'name = "Cohort at scale"',
        "start = 2026-01-05",
        "end = 2026-06-30",
        f"members = {_list(mentor_ids + mentee_ids)}",
        "",
        "[guardrails]",
        "max_mentees_per_mentor = 3",
        "max_hours_per_month = 12",
        "hours_per_pair_per_month = 4",
        "",
        "[matching]",
        "min_overlap_hours = 1",
    ]
    return "\n".join(out) + "\n"
