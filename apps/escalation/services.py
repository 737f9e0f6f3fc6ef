"""Verbs for escalation: record the SENCO's decision, parents' asks, and a request's
progress against the statutory clock; and gather the evidence bundle (Code 9.14)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.money.models import TopUpRequest
from apps.money.selectors import spend_by_pupil
from apps.plans.timetable import provision_timetable
from apps.pupils.models import Pupil
from apps.pupils.rules import SenStatus
from apps.pupils.services import ensure_on_roll, sen_status_change
from apps.reviews.timeline import pupil_timeline

from . import rules
from .models import ClockException, EhcRequest, EscalationDecision, ParentAsk
from .selectors import readiness_by_pupil


def _today_or_before(value, field, errors, what="The date"):
    if value is None:
        errors.setdefault(field, []).append("Enter the date.")
    elif value > timezone.localdate():
        errors.setdefault(field, []).append(f"{what} cannot be in the future.")


@transaction.atomic
def decision_record(*, pupil: Pupil, actor, decision: str, reason: str,
                    decided_on: datetime.date | None = None) -> EscalationDecision:
    ensure_on_roll(pupil)
    decided_on = decided_on or timezone.localdate()
    errors = {}
    if decision not in rules.Decision.values:
        errors["decision"] = ["Choose whether to request an assessment."]
    if not (reason or "").strip():
        errors["reason"] = ["Give the reason for the decision."]
    _today_or_before(decided_on, "decided_on", errors)
    readiness = readiness_by_pupil([pupil.pk], pupil.school)[pupil.pk]
    if readiness.plan_since:
        errors["decision"] = [readiness.no_assessment_because(pupil)]
    if errors:
        raise ValidationError(errors)
    return EscalationDecision.objects.create(
        school=pupil.school, pupil=pupil, decided_on=decided_on, decision=decision,
        reason=reason.strip(), decided_by=actor,
        signals=[{"code": s.code, "reason": s.reason} for s in readiness.signals])


@transaction.atomic
def parent_ask_record(*, pupil: Pupil, actor, asked_on: datetime.date, note: str = ""):
    ensure_on_roll(pupil)
    errors = {}
    _today_or_before(asked_on, "asked_on", errors)
    if errors:
        raise ValidationError(errors)
    return ParentAsk.objects.create(school=pupil.school, pupil=pupil, asked_on=asked_on,
                                    note=(note or "").strip())


@transaction.atomic
def request_record(*, pupil: Pupil, actor, requester: str, received_on: datetime.date,
                   parents_informed_on: datetime.date | None = None) -> EhcRequest:
    """Record a request the LA has received. A school's request must record that the
    parents were told (Code 9.8: the school must tell them)."""
    ensure_on_roll(pupil)
    errors = {}
    if requester not in rules.Requester.values:
        errors["requester"] = ["Choose who made the request."]
    _today_or_before(received_on, "received_on", errors,
                     "The date the LA received the request")
    if requester == rules.Requester.SCHOOL:
        if parents_informed_on is None:
            errors["parents_informed_on"] = [
                "The school must tell the parents it is requesting an assessment: give the "
                "date they were told."]
        else:
            _today_or_before(parents_informed_on, "parents_informed_on", errors)
    if EhcRequest.objects.filter(pupil=pupil, status__in=rules.OPEN).exists():
        errors["pupil"] = [f"{pupil.full_name} already has a request in progress."]
    elif pupil.sen_records.filter(ended_on__isnull=True, status=SenStatus.EHC_PLAN).exists():
        errors["pupil"] = [f"{pupil.full_name} holds an EHC plan: changes to it are asked "
                           "for at its annual review, not by a new needs assessment."]
    if errors:
        raise ValidationError(errors)
    return EhcRequest.objects.create(
        school=pupil.school, pupil=pupil, requester=requester, received_on=received_on,
        parents_informed_on=parents_informed_on, recorded_by=actor)


MOVES = {
    # outcome: (from, date field)
    rules.RequestStatus.ASSESSING: (rules.RequestStatus.REQUESTED, "assessment_decided_on"),
    rules.RequestStatus.REFUSED: (rules.RequestStatus.REQUESTED, "assessment_decided_on"),
    rules.RequestStatus.ISSUED: (rules.RequestStatus.ASSESSING, "plan_decided_on"),
    rules.RequestStatus.NOT_ISSUED: (rules.RequestStatus.ASSESSING, "plan_decided_on"),
}


@transaction.atomic
def request_outcome(*, request: EhcRequest, actor, outcome: str, on: datetime.date,
                    reason: str = "") -> EhcRequest:
    """Record the LA's decision. An issued plan puts the pupil on the register as E."""
    errors = {}
    if request.status not in rules.OPEN:
        raise ValidationError({"status": [
            f"This request is closed ({request.get_status_display().lower()}); nothing more "
            "can be recorded on it."]})
    if outcome == rules.RequestStatus.WITHDRAWN:
        expected, field = request.status, "plan_decided_on"
    elif outcome in MOVES:
        expected, field = MOVES[outcome]
    else:
        raise ValidationError({"outcome": ["Choose what the local authority decided."]})
    if request.status != expected:
        errors["outcome"] = [f"The request is at '{request.get_status_display()}': "
                             f"'{rules.RequestStatus(outcome).label}' cannot come next."]
    _today_or_before(on, "on", errors, "The decision")
    if on and on < request.received_on:
        errors.setdefault("on", []).append(
            f"The decision cannot be before the LA received the request "
            f"({request.received_on:%-d %B %Y}).")
    if errors:
        raise ValidationError(errors)
    request.status = outcome
    setattr(request, field, on)
    request.closed_reason = (reason or "").strip()
    request.save()
    if outcome == rules.RequestStatus.ISSUED:
        sen_status_change(pupil=request.pupil, actor=actor, status=SenStatus.EHC_PLAN, on=on,
                          reason="EHC plan issued by the local authority.")
    return request


STEP_DATES = ("advice_requested_on", "advice_sent_on", "draft_plan_on", "comments_sent_on")


@transaction.atomic
def request_steps(*, request: EhcRequest, actor, **dates) -> EhcRequest:
    """Record the dates of the steps within an assessment (STEP_DATES; those not given
    stay as they were): when the LA asked the school for its advice and when the school
    sent it (6 weeks, reg 8), when the draft plan was sent to the family and when their
    comments were sent (15 days, reg 13(1)). Each on or after the request was received and
    its step's start, none in the future."""
    request = EhcRequest.objects.select_for_update().get(pk=request.pk)
    for name in STEP_DATES:
        if name in dates:
            setattr(request, name, dates[name])
    errors = {}
    for name in STEP_DATES:
        value = getattr(request, name)
        if value is None:
            continue
        if value > timezone.localdate():
            errors.setdefault(name, []).append("The date cannot be in the future.")
        elif value < request.received_on:
            errors.setdefault(name, []).append(
                f"The date must be on or after {request.received_on:%-d %B %Y}, when the "
                "local authority received the request.")
    for step, start in (("advice_sent_on", "advice_requested_on"),
                        ("comments_sent_on", "draft_plan_on")):
        sent, began = getattr(request, step), getattr(request, start)
        if sent and not began:
            errors.setdefault(start, []).append("Give this date first.")
        elif sent and began and sent < began:
            errors.setdefault(step, []).append(f"The date must be on or after "
                                               f"{began:%-d %B %Y}.")
    if errors:
        raise ValidationError(errors)
    request.save(update_fields=list(STEP_DATES))
    return request


@transaction.atomic
def exception_record(*, request: EhcRequest, actor, deadline: str, reason: str, details: str,
                     starts_on: datetime.date, ends_on: datetime.date) -> ClockException:
    """Record why one of the LA's time limits does not apply (regs 5(4), 10(4), 13(3)):
    the deadline is then annotated and expected later by the exception's length."""
    errors = {}
    if deadline not in rules.EXCEPTION_REGULATIONS:
        errors["deadline"] = ["Choose the local authority's deadline the exception is for."]
    if reason not in rules.ExceptionReason.values:
        errors["reason"] = ["Choose the reason the Regulations allow."]
    if not (details or "").strip():
        errors["details"] = ["Say what happened: the reason in your own words."]
    if starts_on is None:
        errors["starts_on"] = ["Enter the date it began."]
    if ends_on is None:
        errors["ends_on"] = ["Enter the date it ended, or will end."]
    elif starts_on and ends_on < starts_on:
        errors["ends_on"] = ["The end must be on or after the start."]
    elif (starts_on and reason in rules.LASTS_AT_LEAST_FOUR_WEEKS
          and ends_on - starts_on + datetime.timedelta(days=1) < rules.EXCEPTION_AT_LEAST):
        errors["ends_on"] = ["A closure or an absence is an exception only when it lasts 4 "
                             "weeks or more."]
    if deadline in rules.EXCEPTION_REGULATIONS and request.exceptions.filter(
            deadline=deadline).exists():
        errors["deadline"] = ["An exception is recorded for this deadline already."]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return ClockException.objects.create(
                school=request.school, request=request, deadline=deadline, reason=reason,
                details=details.strip(), starts_on=starts_on, ends_on=ends_on,
                recorded_by=actor)
    except IntegrityError:  # recorded at the same moment by someone else
        raise ValidationError({"deadline": ["An exception is recorded for this deadline "
                                            "already."]}) from None


def evidence_bundle(pupil: Pupil, today: datetime.date | None = None) -> dict:
    """Everything the LA weighs (Code 9.14), under its headings, from the records. Refused
    (ValidationError) while the pupil holds a plan or a request is with the LA."""
    today = today or timezone.localdate()
    school = pupil.school
    spends = spend_by_pupil([pupil.pk], school, today)  # one of the signals, and shown
    readiness = readiness_by_pupil([pupil.pk], school, today, spend=spends)[pupil.pk]
    if refused := readiness.no_assessment_because(pupil):
        raise ValidationError(refused, code="conflict")
    timeline = pupil_timeline(pupil)
    spend = spends[pupil.pk]
    cycles = []
    assessments, advice, views = [], [], []
    for entry in timeline.cycles:
        c = entry.cycle
        assessments += [{"date": a.date, "source": a.source, "measure": a.measure,
                         "score": a.score, "cycle": c.number} for a in entry.assessments]
        advice += [{"source": a.get_source_display(), "date": a.date, "author": a.author,
                    "summary": a.summary} for a in entry.specialist_advice]
        if c.pupil_views or c.parent_views:
            views.append({"cycle": c.number, "pupil": c.pupil_views, "parents": c.parent_views})
        if entry.review and (entry.review.pupil_views or entry.review.parent_views):
            views.append({"cycle": c.number, "review": True,
                          "pupil": entry.review.pupil_views,
                          "parents": entry.review.parent_views})
        cycles.append({
            "number": c.number, "opened_on": c.opened_on, "closed_on": c.closed_on,
            "needs": c.needs,
            "outcomes": [{"description": o.outcome.description,
                          "rating": o.rating.get_rating_display() if o.rating else None,
                          "evidence": o.rating.evidence if o.rating else ""}
                         for o in entry.outcomes],
            "provisions": [{"intervention": str(p.provision.provision_type),
                            "timetable": provision_timetable(p.provision),
                            "from": p.provision.start_date, "to": p.provision.end_date,
                            "planned_sessions": p.dose.planned_sessions,
                            "delivered_sessions": p.dose.delivered_sessions,
                            "delivered_hours": round(p.dose.delivered_minutes / 60, 1)}
                           for p in entry.provisions],
            "review": None if entry.review is None else {
                "held_on": entry.review.held_on,
                "next_step": entry.review.get_next_step_display()},
        })
    return {
        "pupil": {"name": pupil.full_name, "upn": pupil.upn,
                  "date_of_birth": pupil.date_of_birth,
                  "year_group": pupil.get_year_group_display(),
                  "primary_need": pupil.get_primary_need_display(),
                  "secondary_need": pupil.get_secondary_need_display(),
                  "needs": cycles[-1]["needs"] if cycles else ""},
        "attainment": assessments,
        "chronology": cycles,
        "specialist_advice": advice,
        "views": views,
        "money": {"planned": spend.planned, "spent": spend.spent, "committed": spend.committed,
                  "projected": spend.projected, "threshold": spend.threshold,
                  "top_ups": [{"status": t.get_status_display(),
                               "requested": t.amount_requested,
                               "approved": t.approved_amount}
                              for t in TopUpRequest.objects.filter(pupil=pupil)]},
        "signals": [{"code": s.code, "reason": s.reason} for s in readiness.signals],
        "recommendation": readiness.recommendation,
        "school": {"name": school.name, "urn": school.urn, "la_name": school.la_name},
        "prepared_on": today,
    }
