"""Scenario helpers: take a pupil through the graduated approach with the real services."""

import datetime
from decimal import Decimal

from apps.plans import services as plans
from apps.plans.rules import Stage
from apps.reviews import services as reviews
from apps.schools.tenancy import school_scope

from .factories import ProvisionTypeFactory

D = datetime.date
AUTUMN_START, AUTUMN_REVIEW = D(2025, 9, 8), D(2025, 12, 8)


def planned_cycle(world, pupil=None, *, opened_on=AUTUMN_START, review_date=AUTUMN_REVIEW,
                  kind=None, outcomes=1, stage=Stage.DO):
    """A cycle with needs, outcomes, a provision and a review date, moved to ``stage``."""
    pupil = pupil or world.pupil
    kind = kind or ProvisionTypeFactory(school=world.school, name=f"Talk Boost {pupil.pk}")
    with school_scope(world.school):
        plan = plans.plan_start(pupil=pupil, actor=world.senco, opened_on=opened_on)
        cycle = plan.cycles.get()
        plans.cycle_update(cycle=cycle, actor=world.senco,
                           needs="Finds it hard to follow two-step instructions.",
                           strengths="Loves stories; a kind friend.",
                           pupil_views="I like it when someone reads with me.",
                           review_date=review_date)
        provision = plans.provision_save(cycle=cycle, actor=world.senco, provision_type=kind,
                                         start_date=opened_on, end_date=review_date)
        for n in range(outcomes):
            plans.outcome_save(
                cycle=cycle, actor=world.senco,
                description=f"Follows a two-step instruction in class ({n + 1})",
                success_criteria="4 out of 5 times in a week, observed by the class teacher",
                measure="instructions followed out of 5", baseline=Decimal(1),
                target=Decimal(4), provisions=[provision])
        for step in (Stage.PLAN, Stage.DO, Stage.REVIEW):
            if Stage.values.index(step) > Stage.values.index(stage):
                break
            plans.cycle_move(cycle=cycle, actor=world.senco, to=step)
        cycle.refresh_from_db()
        return cycle, provision


def review_and_close(world, cycle, *, rating="partly", next_step="continue",
                     held_on=AUTUMN_REVIEW, **extra):
    with school_scope(world.school):
        review = reviews.review_save(
            cycle=cycle, actor=world.senco, held_on=held_on, attendees="SENCO, parent",
            parents_attended=True, next_step=next_step,
            ratings=[{"outcome": o, "rating": rating, "evidence": "Observed in class"}
                     for o in cycle.outcomes.all()],
            **extra)
        return review, reviews.cycle_close(cycle=cycle, actor=world.senco)
