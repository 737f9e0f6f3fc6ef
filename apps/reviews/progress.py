"""Each current outcome's progress across cycles, as a picture: where the pupil started,
what the review found they reached and the target (Code 6.48: outcomes with a baseline
and small steps; 6.54: the review evaluates the impact on progress). An outcome carried
forward (``Outcome.carried_from``) continues the same line of progress."""

from dataclasses import dataclass
from decimal import Decimal

from apps.plans.models import Cycle, Outcome
from backend.charts import BarChart, bar_chart

from .models import OutcomeRating


@dataclass(frozen=True)
class Step:
    """One cycle of an outcome."""

    cycle_number: int
    baseline: Decimal | None
    reached: Decimal | None  # recorded at the review, if measured
    target: Decimal | None
    rating: str  # the rating's label, or "" before the review


@dataclass(frozen=True)
class OutcomeProgress:
    outcome_id: int  # the current cycle's outcome
    description: str
    measure: str
    steps: list[Step]

    @property
    def chart(self) -> BarChart:
        rows = []
        for step in self.steps:
            if step.baseline is not None:
                rows.append((f"Cycle {step.cycle_number}: at the start", step.baseline,
                             figure(step.baseline)))
            if step.reached is not None:
                rows.append((f"Cycle {step.cycle_number}: reached at the review",
                             step.reached, figure(step.reached)))
        target = self.steps[-1].target
        return bar_chart(
            f"outcome-{self.outcome_id}",
            f"{self.description}: {self.measure}", rows,
            line=(f"the target, {figure(target)}", target) if target is not None else None)


def figure(value: Decimal) -> str:
    """4.00 as "4", 2.50 as "2.5"."""
    return f"{value.normalize():f}"


def outcome_progress(cycle: Cycle) -> list[OutcomeProgress]:
    """For each outcome of ``cycle`` measured in numbers (a measure and a baseline or a
    target), its steps back through the cycles it was carried from. Two queries."""
    outcomes = {outcome.pk: outcome for outcome in Outcome.objects.filter(
        cycle__plan_id=cycle.plan_id).select_related("cycle")}
    ratings = {rating.outcome_id: rating for rating in OutcomeRating.objects.filter(
        outcome__in=list(outcomes))}
    found = []
    for outcome in (o for o in outcomes.values() if o.cycle_id == cycle.pk):
        if not outcome.measure or (outcome.baseline is None and outcome.target is None):
            continue
        chain, at = [], outcome
        while at is not None and len(chain) < len(outcomes):
            rating = ratings.get(at.pk)
            chain.append(Step(
                cycle_number=at.cycle.number, baseline=at.baseline, target=at.target,
                reached=rating.achieved_value if rating else None,
                rating=rating.get_rating_display() if rating else ""))
            at = outcomes.get(at.carried_from_id)
        found.append(OutcomeProgress(outcome.pk, outcome.description, outcome.measure,
                                     chain[::-1]))
    return found
