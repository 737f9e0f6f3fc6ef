"""Printing for a parents' evening: one PDF of several pupils' current support plans (as
the parents see them) or one-page profiles.

A member of staff chooses the pupils on the register (a class, a year group, the reviews
due this month, or pupils ticked one by one); ``print_ask`` records the run and sends it
to the worker once that has committed, where print_layout.py lays it out."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.pupils.models import Pupil
from apps.pupils.profile import current_profiles
from apps.schools.models import School

from .bulk import open_cycles
from .models import PrintRun, PrintWhat
from .rules import PRINT_MAX
from .tasks import render_print_run


def print_refusal(count: int) -> str:
    """Why a print of ``count`` chosen pupils cannot start, or ""."""
    if count == 0:
        return ("No pupils are chosen, so there is nothing to print. Choose a class, a "
                "year group or the reviews due this month on the register, or tick the "
                "pupils you want.")
    if count > PRINT_MAX:
        return (f"{count:,} pupils are chosen, and one print can hold at most "
                f"{PRINT_MAX:,}. Choose fewer on the register, for example one year group "
                "at a time.")
    return ""


@dataclass
class Selection:
    """Whose pages a print would hold, and who is left out and why."""

    printed: list[Pupil]
    left_out: list[str]


def selection(pupils: list[Pupil], what: str) -> Selection:
    """Of the chosen pupils, those with something to print: a support plan cycle open, or a
    one-page profile written."""
    ids = [pupil.pk for pupil in pupils]
    if what == PrintWhat.PLANS:
        has, reason = open_cycles(pupils), "has no support plan open"
    else:
        has, reason = current_profiles(ids), "has no one-page profile yet"
    return Selection(printed=[pupil for pupil in pupils if pupil.pk in has],
                     left_out=[f"{pupil.full_name} {reason}" for pupil in pupils
                               if pupil.pk not in has])


def print_ask(*, school: School, actor, pupils: list[Pupil], what: str,
              described: str) -> PrintRun:
    """Record a print run of the chosen pupils' plans or profiles and send it to the
    worker once this commits. Refused, with nothing recorded, for no pupils, for more than
    ``PRINT_MAX``, or when none of them has anything to print."""
    if refused := print_refusal(len(pupils)):
        raise ValidationError(refused)
    if what not in PrintWhat.values:
        raise ValidationError({"what": "Choose what to print"})
    chosen = selection(pupils, what)
    if not chosen.printed:
        raise ValidationError(
            {"what": "None of the chosen pupils has a support plan open."
             if what == PrintWhat.PLANS else
             "None of the chosen pupils has a one-page profile yet."})
    with transaction.atomic():
        run = PrintRun.objects.create(
            school=school, requested_by=actor, what=what, described=described[:200],
            pupil_ids=[pupil.pk for pupil in chosen.printed], left_out=chosen.left_out)
        render_print_run.delay_on_commit(school_id=school.pk, run_id=run.pk)
    return run

