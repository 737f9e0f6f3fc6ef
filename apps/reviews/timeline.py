"""A pupil's whole graduated-approach history, oldest first: every cycle with its
evidence, outcomes and ratings, provision with the dose delivered, the review and the
decision taken (Code 6.72: the record of SEN support over the pupil's time in school).

Built in a fixed number of queries however many cycles, outcomes, provisions or sessions
there are (tests/test_plans_api.py asserts it at two sizes)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from apps.plans.models import (
    AssessmentResult,
    Cycle,
    EvidenceFile,
    Outcome,
    OutcomeProvision,
    Provision,
    SpecialistAdvice,
    StageChange,
    SupportPlan,
)
from apps.plans.rules import Advice, plan_quality
from apps.plans.selectors import Dose, dose, total_dose
from apps.pupils.models import Pupil
from apps.schools.term_dates import school_calendar

from .models import OutcomeRating, ParentViews, ProvisionImpact, Review


@dataclass
class OutcomeEntry:
    outcome: Outcome
    rating: OutcomeRating | None
    provision_ids: list[int]


@dataclass
class ProvisionEntry:
    provision: Provision
    dose: Dose
    impact: ProvisionImpact | None


@dataclass
class CycleEntry:
    cycle: Cycle
    outcomes: list[OutcomeEntry]
    provisions: list[ProvisionEntry]
    review: Review | None
    dose: Dose
    stages: list[StageChange] = field(default_factory=list)
    advice: list[Advice] = field(default_factory=list)  # on the plan's quality
    assessments: list[AssessmentResult] = field(default_factory=list)
    specialist_advice: list[SpecialistAdvice] = field(default_factory=list)
    files: list[EvidenceFile] = field(default_factory=list)
    # Sent by parents from their pages for this cycle's review (marked new until read).
    parent_views: list[ParentViews] = field(default_factory=list)

    @property
    def new_parent_views(self) -> int:
        return sum(1 for views in self.parent_views if views.read_at is None)


@dataclass
class Timeline:
    pupil: Pupil
    plan: SupportPlan | None
    cycles: list[CycleEntry]

    @property
    def current(self) -> CycleEntry | None:
        return self.cycles[-1] if self.cycles else None


def pupil_timeline(pupil, *, summary: bool = False) -> Timeline:
    """``summary``: only what the timeline page shows (each cycle's outcomes and ratings,
    provision with its dose and impact, the review), leaving out the stage changes,
    assessments, advice, files, links and plan-quality advice that the cycle page, the API
    and the evidence bundle read."""
    plan = SupportPlan.objects.filter(pupil=pupil).first()
    if plan is None:
        return Timeline(pupil=pupil, plan=None, cycles=[])
    # Prefetched into lists (to_attr), which the entries below read.
    ratings = Prefetch("ratings", queryset=OutcomeRating.objects.all(), to_attr="rating_list")
    impacts = Prefetch("impacts", queryset=ProvisionImpact.objects.all(),
                       to_attr="impact_list")
    outcome_rows = Outcome.objects.all()
    provision_rows = Provision.objects.select_related("provision_type")
    evidence = []
    if not summary:
        outcome_rows = outcome_rows.select_related("owner", "carried_from__cycle")
        provision_rows = provision_rows.select_related("delivered_by")
        evidence = [
            Prefetch("stage_changes", queryset=StageChange.objects.select_related("moved_by"),
                     to_attr="stage_list"),
            Prefetch("assessments", queryset=AssessmentResult.objects.all(),
                     to_attr="assessment_list"),
            Prefetch("advice", queryset=SpecialistAdvice.objects.all(), to_attr="advice_list"),
            Prefetch("files", queryset=EvidenceFile.objects.all(), to_attr="file_list"),
        ]
    cycles = list(
        Cycle.objects.filter(plan=plan)
        .order_by("number")
        .prefetch_related(
            *evidence,
            Prefetch("outcomes", queryset=outcome_rows.prefetch_related(ratings),
                     to_attr="outcome_list"),
            Prefetch("provisions", queryset=provision_rows.prefetch_related(impacts),
                     to_attr="provision_list"),
            Prefetch("reviews", queryset=Review.objects.all(), to_attr="review_list"),
        )
    )
    calendar = school_calendar(pupil.school)
    links: dict[int, list[int]] = {}
    if not summary:
        for outcome_id, provision_id in OutcomeProvision.objects.filter(
            outcome__cycle__in=[cycle.pk for cycle in cycles]
        ).values_list("outcome_id", "provision_id"):
            links.setdefault(outcome_id, []).append(provision_id)
    pairs = {(o, p) for o, ps in links.items() for p in ps}
    sent: dict[int, list[ParentViews]] = {}
    for views in ParentViews.objects.filter(cycle__in=[c.pk for c in cycles]).select_related(
            "parent", "read_by"):
        sent.setdefault(views.cycle_id, []).append(views)
    entries = []
    for cycle in cycles:
        outcomes = [OutcomeEntry(o, _first(o.rating_list), links.get(o.pk, []))
                    for o in cycle.outcome_list]
        until = cycle.closed_on  # a closed cycle's dose is counted to when it closed
        provisions = [ProvisionEntry(p, dose(p, calendar, until), _first(p.impact_list))
                      for p in cycle.provision_list]
        entry = CycleEntry(
            cycle=cycle,
            outcomes=outcomes,
            provisions=provisions,
            review=_first(cycle.review_list),
            dose=total_dose(p.dose for p in provisions),
            parent_views=sent.get(cycle.pk, []),
        )
        if not summary:
            entry.stages = cycle.stage_list
            entry.advice = plan_quality([o.outcome for o in outcomes],
                                        [p.provision for p in provisions], pairs)
            entry.assessments = cycle.assessment_list
            entry.specialist_advice = cycle.advice_list
            entry.files = cycle.file_list
        entries.append(entry)
    return Timeline(pupil=pupil, plan=plan, cycles=entries)


def _first(rows: list):
    return rows[0] if rows else None
