"""Program design (P01, P05, P07, P08, P16, P18-P20, P24, P28): the program is complete."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from pydantic import Field

from generator.findings import Violation
from generator.hookspecs import hookimpl
from generator.rules import NoOptions, Rule, RuleOptions

if TYPE_CHECKING:
    from generator.project import Project


class PilotWindowOptions(RuleOptions):
    min_months: float = Field(3, ge=0, le=120, description="A cohort's shortest length, in months.")
    max_months: float = Field(6, ge=0, le=120, description="A cohort's longest length, in months.")


class CadenceOptions(RuleOptions):
    max_alignment_days: int = Field(
        31, ge=1, le=366, description="Alignment checks at least this often, in days."
    )


def check_pilot_window(project: Project, options: PilotWindowOptions) -> Iterator[Violation]:
    program = project.program
    low, high = options.min_months, options.max_months
    for c, cohort in enumerate(program.cohorts):
        months = cohort.months
        if not low <= round(months, 1) <= high:
            yield Violation(
                ("cohorts", c, "end"),
                f"cohort {cohort.id!r} lasts {months:.1f} months; a pilot runs {low:g} to {high:g} "
                "months so that it ends before attention fades but after habits form",
            )


def check_cadence(project: Project, options: CadenceOptions) -> Iterator[Violation]:
    program = project.program
    kinds = {c.kind: c for c in program.cadences}
    alignment = [c for c in program.cadences if c.kind == "alignment-check" and c.every]
    needed = []
    if not any(c.every and c.every.approx_days <= options.max_alignment_days for c in alignment):
        needed.append(
            ("alignment check every month or more often", 'kind = "alignment-check", every = "1 month"')
        )
    if "mid-course-correction" not in kinds:
        needed.append(("mid-course correction", 'kind = "mid-course-correction", at = "midpoint"'))
    if "end-review" not in kinds:
        needed.append(("end-of-pilot review", 'kind = "end-review", at = "end"'))
    if not any(c.kind == "sponsor-review" and c.every for c in program.cadences):
        needed.append(("periodic executive-sponsor reviews", 'kind = "sponsor-review", every = "3 months"'))
    path = ("cadences", 0) if program.cadences else ("program",)
    for what, example in needed:
        yield Violation(path, f"the program has no {what}: add a [[cadences]] entry with {example}")


def check_milestone_criteria(project: Project, options: NoOptions) -> Iterator[Violation]:
    program = project.program
    for m, milestone in enumerate(program.milestones):
        if not milestone.success_criteria:
            yield Violation(
                ("milestones", m, "title"),
                f"milestone {milestone.id!r} has no success criteria: add `success_criteria` that "
                "say how anyone can tell it is reached",
            )
    index = {ms.id: i for i, ms in enumerate(program.milestones)}
    reported: set[tuple[int, str]] = set()
    for cohort in program.cohorts:
        for pair in cohort.pairs:
            if pair.state == "rebalanced":
                continue  # its milestones moved to the mentee's next pair
            start, end = cohort.window(pair)
            for milestone_id in program.contract_for(pair).milestones or []:
                found = index.get(milestone_id)
                if found is None or (found, cohort.id) in reported:
                    continue
                m = found
                due = program.milestones[m].due_date(start)
                if not cohort.start <= due <= end:
                    reported.add((m, cohort.id))
                    yield Violation(
                        ("milestones", m, "due"),
                        f"milestone {milestone_id!r} falls due on {due.isoformat()}, outside the "
                        f"{cohort.id!r} pair window ({start.isoformat()} to {end.isoformat()}): "
                        "move the due point inside the cohort",
                    )


def check_metrics_balance(project: Project, options: NoOptions) -> Iterator[Violation]:
    program = project.program
    kinds = {m.kind for m in program.metrics}
    where = ("metrics", 0) if program.metrics else ("program",)
    for kind, example in (("quantitative", "promotion rate"), ("qualitative", "confidence")):
        if kind not in kinds:
            yield Violation(
                where,
                f"the program has no {kind} metric: add one (e.g. {example}) "
                "so impact is measured with numbers and nuance",
            )
    for m, metric in enumerate(program.metrics):
        missing = [f for f in ("definition", "target", "source") if not getattr(metric, f)]
        if missing:
            yield Violation(
                ("metrics", m, "name"),
                f"metric {metric.id!r} has no {' or '.join(missing)}: add them so "
                "anyone can collect and judge it the same way",
            )


_CONTRACT_PARTS = {
    "mentor_role": "mentor role",
    "mentee_objectives": "mentee objectives",
    "cadences": "cadences",
    "confidentiality": "confidentiality norms",
    "feedback_channels": "feedback channels",
    "escalation_path": "escalation path",
}


def check_contract_complete(project: Project, options: NoOptions) -> Iterator[Violation]:
    program = project.program
    for c, cohort in enumerate(program.cohorts):
        for p, pair in enumerate(cohort.pairs):
            contract = program.contract_for(pair)
            missing = [label for key, label in _CONTRACT_PARTS.items() if not getattr(contract, key)]
            if missing:
                yield Violation(
                    ("cohorts", c, "pairs", p),
                    f"the learning contract of {pair.mentor} and {pair.mentee} is missing "
                    f"{', '.join(missing)}: set them in [contract] (or [guardrails]) or in this "
                    "pair's contract",
                )


def check_objectives_complete(project: Project, options: NoOptions) -> Iterator[Violation]:
    program = project.program
    if not program.program.objectives:
        yield Violation(
            ("program",),
            "the program has no objectives: add [[program.objectives]] "
            "with outcome, audience, timeframe and measure",
        )
    for o, objective in enumerate(program.program.objectives):
        if not objective.metrics:
            yield Violation(
                ("program", "objectives", o, "measure"),
                f"objective {objective.id!r} names no metric: list the metric ids that track it in `metrics`",
            )


_INTAKE = {
    "mentee": (
        "development_goals",
        "leadership_goals",
        "past_challenges",
        "learning_style",
        "hours_per_month",
    ),
    "mentor": ("strengths", "experiences", "hours_per_month"),
}


def check_intake_complete(project: Project, options: NoOptions) -> Iterator[Violation]:
    program = project.program
    in_cohorts = {m for c in program.cohorts for m in c.members} | {
        x for c in program.cohorts for pair in c.pairs for x in (pair.mentor, pair.mentee)
    }
    for i, person in enumerate(program.people):
        if person.id not in in_cohorts:
            continue
        fields: set[str] = set()
        if person.mentee:
            fields.update(_INTAKE["mentee"])
        if person.mentors:
            fields.update(_INTAKE["mentor"])
        missing = sorted(f for f in fields if not getattr(person, f))
        if missing:
            yield Violation(
                ("people", i, "id"),
                f"{person.name}'s intake is missing {', '.join(missing)}: matching needs them",
            )


@hookimpl
def handbook_register_rules(register: Callable[[Rule], None]) -> None:
    register(
        Rule(
            code="HB401",
            name="pilot-window",
            severity="warning",
            summary="A cohort lasts three to six months.",
            what="Reports a cohort shorter than `min_months` or longer than `max_months`.",
            why="Shorter pilots end before new habits form; longer ones lose the sponsor's attention.",
            example="start = 2027-01-04\nend = 2027-02-26  # 1.8 months -> HB401",
            fix="Move the cohort's end date, or set `[checks.pilot-window]` options if your program "
            "deliberately runs longer.",
            check=check_pilot_window,
            options=PilotWindowOptions,
        )
    )
    register(
        Rule(
            code="HB402",
            name="cadence",
            severity="error",
            summary="Alignment checks, a mid-course correction, an end review and sponsor reviews exist.",
            what="Reports each missing touchpoint: an `alignment-check` at least every "
            "`max_alignment_days` days, a `mid-course-correction`, an `end-review`, and a recurring "
            "`sponsor-review`.",
            why="Regular checks catch a stalling pair early; sponsor reviews keep the program tied to "
            "priorities, budgets and succession.",
            example='[[cadences]]\nid = "alignment"\nname = "Monthly alignment check"\n'
            'kind = "alignment-check"\nevery = "1 month"',
            fix="Add the missing `[[cadences]]` entries.",
            check=check_cadence,
            options=CadenceOptions,
        )
    )
    register(
        Rule(
            code="HB403",
            name="milestone-criteria",
            severity="error",
            summary="Milestones have success criteria and fall due inside the cohort.",
            what="Reports a milestone without `success_criteria`, and one whose due point (a date, or "
            "an offset from a pair's start) falls outside the window of a pair that works to it.",
            why="A milestone nobody can verify, or one due after the pair has ended, motivates no one.",
            example='[[milestones]]\nid = "brief"\ntitle = "Initiative brief"\ndue = "30 weeks"  '
            "# after a 5-month cohort ends -> HB403",
            fix="Write measurable criteria and move the due point inside the cohort.",
            check=check_milestone_criteria,
        )
    )
    register(
        Rule(
            code="HB404",
            name="metrics-balance",
            severity="warning",
            summary="Impact is measured with numbers and nuance.",
            what="Reports a program without both a quantitative and a qualitative metric, and a metric "
            "without a definition, target or source.",
            why="Promotion rates alone miss how leaders changed; stories alone convince no budget holder.",
            example='[[metrics]]\nid = "confidence"\nname = "Confidence"\nkind = "qualitative"\n'
            "# no definition, target or source -> HB404",
            fix="Add the missing kind of metric and fill definition, target and source.",
            check=check_metrics_balance,
        )
    )
    register(
        Rule(
            code="HB405",
            name="contract-complete",
            severity="error",
            summary="Every pair's learning contract is complete.",
            what="Builds each pair's contract (its overrides, then `[contract]`, then `[guardrails]`) "
            "and reports missing mentor role, mentee objectives, cadence, confidentiality norms, "
            "feedback channels or escalation path.",
            why="The contract is what both sides sign: a gap there becomes a misunderstanding later.",
            example='[contract]\nmentor_role = "A thinking partner"\n# no mentee_objectives -> HB405',
            fix="Fill the missing parts in `[contract]` or `[guardrails]`, or in the pair's contract.",
            check=check_contract_complete,
        )
    )
    register(
        Rule(
            code="HB406",
            name="objectives-complete",
            severity="warning",
            summary="The program states objectives, each tracked by a metric.",
            what="Reports a program without `[[program.objectives]]`, and an objective that names no metric.",
            why="Without a stated outcome, audience and timeframe, nobody can tell whether the pilot worked.",
            example='[[program.objectives]]\nid = "storytelling"\noutcome = "..."\n# no metrics -> HB406',
            fix="Add objectives and list the ids of the metrics that track each.",
            check=check_objectives_complete,
        )
    )
    register(
        Rule(
            code="HB407",
            name="intake-complete",
            severity="warning",
            summary="Participants' intake has what matching needs.",
            what="Reports a cohort participant whose intake lacks fields matching uses: for mentees "
            "development goals, leadership goals, past challenges, learning style and hours; for "
            "mentors strengths, experiences and hours.",
            why="Matching can only be as good as the intake it reads.",
            example='[[people]]\nid = "ana"\nrole = "mentee"\n# no development_goals -> HB407',
            fix="Complete the person's intake.",
            check=check_intake_complete,
        )
    )
