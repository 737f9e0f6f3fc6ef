"""Bulk actions on the register, where they save typing: agree one review date for
several pupils' current cycles, plan a parents' evening for several pupils (one meeting
each, one after another), share several pupils' current plans with their parents. Each
is done through the service that does it for one pupil, and all or nothing: if any pupil
is refused, nothing changes and every refusal is named."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction

from apps.parents.models import ParentMeeting, PlanSnapshot
from apps.parents.rules import MeetingKind
from apps.parents.services import meeting_save, plan_share
from apps.plans.models import Cycle
from apps.plans.rules import Stage
from apps.plans.services import cycle_update
from apps.pupils.models import Pupil
from apps.schools.roles import Action

from .rules import BULK_MAX


class BulkAction(models.TextChoices):
    REVIEW_DATE = "review_date", "Agree a review date"
    MEETINGS = "meetings", "Plan a parents' evening"
    SHARE = "share", "Share the current plans with the parents"


# What each action needs the member's role to allow (schools/roles.py).
NEEDS = {BulkAction.REVIEW_DATE: Action.MANAGE_PLANS,
         BulkAction.MEETINGS: Action.RECORD_MEETINGS,
         BulkAction.SHARE: Action.SHARE_PLANS}


def refusal(pupils: list[Pupil]) -> str:
    """Why a bulk action cannot start with these pupils, or ""."""
    if not pupils:
        return "Choose at least one pupil on the register."
    if len(pupils) > BULK_MAX:
        return (f"Choose at most {BULK_MAX} pupils at a time; {len(pupils)} were chosen. "
                "Filter the register, for example by year group.")
    return ""


def open_cycles(pupils: list[Pupil]) -> dict[int, Cycle]:
    """Each pupil's open cycle, if they have one."""
    return {cycle.plan.pupil_id: cycle for cycle in Cycle.objects.filter(
        plan__pupil__in=pupils).exclude(stage=Stage.CLOSED).select_related("plan__pupil")}


def _each(pupils: list[Pupil], do) -> list:
    """``do(pupil)`` for every pupil, in one transaction: the refusals of all of them, each
    named, or all of it done."""
    if refused := refusal(pupils):
        raise ValidationError(refused)
    with transaction.atomic():
        done, refused = [], []
        for pupil in pupils:
            try:
                done.append(do(pupil))
            except ValidationError as error:
                refused.append(f"{pupil.full_name}: {' '.join(error.messages)}")
        if refused:
            raise ValidationError(refused)  # and the transaction undoes what was done
    return done


def review_dates_agree(*, pupils: list[Pupil], actor, review_date: datetime.date
                       ) -> list[Cycle]:
    cycles = open_cycles(pupils)

    def agree(pupil):
        if pupil.pk not in cycles:
            raise ValidationError("has no support plan cycle open.")
        return cycle_update(cycle=cycles[pupil.pk], actor=actor, review_date=review_date)

    return _each(pupils, agree)


def meetings_plan(*, pupils: list[Pupil], actor, date: datetime.date,
                  first_at: datetime.time, minutes: int, place: str = "",
                  unusual_time_confirmed: bool = False) -> list[ParentMeeting]:
    """A parents' evening: a meeting for each pupil in turn from ``first_at``, each
    ``minutes`` long; the parents are invited as for any planned meeting."""
    start = datetime.datetime.combine(date, first_at)
    slots = {pupil.pk: (start + datetime.timedelta(minutes=minutes * n)).time()
             for n, pupil in enumerate(pupils)}
    return _each(pupils, lambda pupil: meeting_save(
        pupil=pupil, actor=actor, date=date, time=slots[pupil.pk], minutes=minutes,
        place=place, kind=MeetingKind.PARENTS_EVENING, held=False,
        unusual_time_confirmed=unusual_time_confirmed))


def plans_share(*, pupils: list[Pupil], actor) -> list[PlanSnapshot]:
    cycles = open_cycles(pupils)

    def share(pupil):
        if pupil.pk not in cycles:
            raise ValidationError("has no support plan cycle open.")
        return plan_share(cycle=cycles[pupil.pk], actor=actor)

    return _each(pupils, share)
