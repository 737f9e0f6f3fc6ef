"""Verbs for money: dated cost settings, the SEN budget, and top-up requests.

Atomic; everything is checked before anything is written; errors are field by field."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.plans.models import Provision
from apps.plans.rules import StaffType
from apps.plans.selectors import exact
from apps.plans.timetable import timetable_words
from apps.pupils.models import Pupil
from apps.pupils.services import ensure_on_roll
from apps.reviews.timeline import pupil_timeline
from apps.schools.calendar import Period
from backend.validation import Conflict, row_errors

from . import rules
from .costing import sessions_of
from .models import CostSettings, SenBudget, TopUpRequest
from .selectors import costed_provisions, settings_history, spend_by_pupil, year_rules

SETTINGS_FIELDS = ("teacher_rate", "ta_rate", "specialist_rate", "threshold",
                   "approaching_percent", "budget_year")


@transaction.atomic
def cost_settings_save(*, school, actor, effective_from: datetime.date, **fields):
    """Costing from ``effective_from`` on. Past budget years keep their figures: a change
    may not start before the current budget year."""
    current_year = year_rules(school).period
    row = (CostSettings.objects.filter(effective_from=effective_from).first()
           or CostSettings(school=school, effective_from=effective_from, created_by=actor))
    for name, value in fields.items():
        if name not in SETTINGS_FIELDS:
            raise TypeError(f"cost_settings_save() got an unexpected field {name!r}")
        setattr(row, name, value)
    errors = row_errors(row, exclude=("school", "created_by"))
    if effective_from is None:
        errors["effective_from"] = ["Enter the date the settings take effect."]
    elif effective_from < current_year.start:
        errors["effective_from"] = [
            f"Settings cannot change a past budget year: use a date on or after "
            f"{current_year.start:%-d %B %Y}."]
    if errors:
        raise ValidationError(errors)
    row.save()
    return row


@transaction.atomic
def sen_budget_save(*, school, actor, year_start: datetime.date, amount: Decimal) -> SenBudget:
    row = SenBudget.objects.filter(year_start=year_start).first() or SenBudget(
        school=school, year_start=year_start)
    row.amount = amount
    errors = row_errors(row)
    if year_start is not None and year_start != year_rules(school, year_start).period.start:
        errors["year_start"] = ["Use the first day of a budget year."]
    if errors:
        raise ValidationError(errors)
    row.save()
    return row


# Top-up requests ------------------------------------------------------------------------


def evidence_for(pupil: Pupil, year, today: datetime.date) -> dict:
    """What the request carries: the pupil's provision this year, costed as every other
    figure is (costed_provisions: its lines add up to the projected cost claimed), and
    every cycle so far with its outcomes and ratings (the LA's evidence of action taken
    and progress)."""
    provisions = []
    for item in costed_provisions(
            Provision.objects.filter(cycle__plan__pupil=pupil), year, today,
            "cycle__number", "provision_type__name", "delivered_sessions"):
        row, table = item.row, item.timetable
        so_far = sessions_of(table, Period(table.start, min(today, year.period.end)),
                             year.calendar)
        provisions.append({
            "intervention": row["provision_type__name"], "cycle": row["cycle__number"],
            "timetable": timetable_words(table.sessions_per_week, table.minutes_per_session,
                                         table.group_size, table.fixed_cost),
            "staff_type": StaffType(table.staff_type).label,
            "start_date": table.start.isoformat(),
            "end_date": table.end.isoformat() if table.end else None,
            "planned_cost": str(item.cost.planned), "delivered_cost": str(item.cost.delivered),
            "projected_cost": str(item.cost.projected),
            "delivered_sessions": row["delivered_sessions"],
            "planned_sessions": f"{exact(so_far):f}",
        })
    provisions.sort(key=lambda p: (p["cycle"], p["start_date"], p["intervention"]))
    cycles = []
    for entry in pupil_timeline(pupil, summary=True).cycles:
        cycles.append({
            "number": entry.cycle.number, "opened_on": entry.cycle.opened_on.isoformat(),
            "closed_on": entry.cycle.closed_on.isoformat() if entry.cycle.closed_on else None,
            "needs": entry.cycle.needs,
            "outcomes": [{"description": o.outcome.description,
                          "rating": o.rating.get_rating_display() if o.rating else None}
                         for o in entry.outcomes],
            "next_step": entry.review.get_next_step_display() if entry.review else None,
        })
    return {"provisions": provisions, "cycles": cycles}


def _snapshot(pupil: Pupil, today: datetime.date):
    school = pupil.school
    year = year_rules(school, today, settings_history(school))
    spend = spend_by_pupil([pupil.pk], school, today, year)[pupil.pk]
    return year, spend


@transaction.atomic
def top_up_draft(*, pupil: Pupil, actor, amount: Decimal | None = None,
                 reason: str = "") -> TopUpRequest:
    """Draft a request for this budget year. The amount defaults to the projected cost
    above the threshold; another amount, or a pupil under the threshold, needs a reason."""
    ensure_on_roll(pupil)
    today = timezone.localdate()
    year, spend = _snapshot(pupil, today)
    computed = spend.above_threshold
    amount = computed if amount is None else amount
    errors = {}
    reason = (reason or "").strip()
    if computed <= 0 and not reason:
        errors["reason"] = [
            f"{pupil.full_name}'s projected cost (£{spend.projected:,.2f}) is not above the "
            f"threshold (£{spend.threshold:,.2f}): give the reason for requesting top-up."]
    elif amount != computed and not reason:
        errors["reason"] = [f"Give the reason for asking for £{amount:,.2f} rather than the "
                            f"£{computed:,.2f} above the threshold."]
    if amount is None or amount <= 0:
        errors["amount_requested"] = ["Enter an amount of at least £0.01."]
    open_requests = TopUpRequest.objects.filter(pupil=pupil, year_start=year.period.start,
                                                status__in=rules.OPEN_TOP_UPS)
    if open_requests.exists():
        errors["pupil"] = [f"{pupil.full_name} already has an open request for this year."]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():  # a savepoint: the constraint's refusal leaves no row
            return TopUpRequest.objects.create(
                school=pupil.school, pupil=pupil, year_start=year.period.start,
                projected_cost=spend.projected, threshold=spend.threshold,
                amount_requested=amount, reason=reason,
                evidence=evidence_for(pupil, year, today) | {"spend": {
                    "spent": str(spend.spent), "committed": str(spend.committed),
                    "projected": str(spend.projected), "planned": str(spend.planned),
                    "threshold": str(spend.threshold)}},
                created_by=actor)
    except IntegrityError:
        # The constraint one_open_top_up_a_year: a draft made at the same moment won.
        if not open_requests.exists():
            raise
        raise Conflict(f"Someone else drafted a request for {pupil.full_name} at the same "
                       "moment: this one has not been saved.") from None


def _lock(request: TopUpRequest) -> None:
    """Read the request again under a row lock. A change made at the same moment waits
    for this one to commit, then reads the request as this one left it; one that finds
    the request moved on since it was read changes nothing (Conflict)."""
    seen = request.status
    request.refresh_from_db(from_queryset=TopUpRequest.objects.select_for_update())
    if request.status != seen:
        raise Conflict(f"Someone else marked this request as "
                       f"{request.get_status_display().lower()} at the same moment: "
                       "nothing you entered has been saved.")


def _move(request: TopUpRequest, to: str) -> None:
    _lock(request)
    if not rules.top_up_may_move(request.status, to):
        raise ValidationError({"status": [
            f"This request is {request.get_status_display().lower()}; it cannot be "
            f"{rules.TopUpStatus(to).label.lower()}."]})


def _on(value, field, errors, *, not_before=None, what="the request"):
    if value is None:
        errors[field] = ["Enter the date."]
    elif value > timezone.localdate():
        errors[field] = ["The date cannot be in the future."]
    elif not_before and value < not_before:
        errors[field] = [f"The date cannot be before {what} ({not_before:%-d %B %Y})."]


@transaction.atomic
def top_up_update(*, request: TopUpRequest, actor, amount_requested: Decimal,
                  reason: str) -> TopUpRequest:
    _lock(request)
    if request.status != rules.TopUpStatus.DRAFT:
        raise ValidationError({"status": ["Only a draft request can be changed."]})
    computed = max(Decimal("0.00"), request.projected_cost - request.threshold)
    errors = {}
    if amount_requested is None or amount_requested <= 0:
        errors["amount_requested"] = ["Enter an amount of at least £0.01."]
    elif (amount_requested != computed or computed == 0) and not (reason or "").strip():
        errors["reason"] = ["Give the reason for this amount."]
    if errors:
        raise ValidationError(errors)
    request.amount_requested, request.reason = amount_requested, reason.strip()
    request.save(update_fields=["amount_requested", "reason"])
    return request


@transaction.atomic
def top_up_submit(*, request: TopUpRequest, actor, on: datetime.date) -> TopUpRequest:
    _move(request, rules.TopUpStatus.SUBMITTED)
    errors = {}
    _on(on, "submitted_on", errors, not_before=request.created_at.date(),
        what="the request was drafted")
    if errors:
        raise ValidationError(errors)
    request.status, request.submitted_on = rules.TopUpStatus.SUBMITTED, on
    request.save(update_fields=["status", "submitted_on"])
    return request


@transaction.atomic
def top_up_approve(*, request: TopUpRequest, actor, amount: Decimal | None,
                   period_start: datetime.date | None, period_end: datetime.date | None,
                   on: datetime.date) -> TopUpRequest:
    """The LA agreed: approved top-up counts as income against the pupil's spend."""
    _move(request, rules.TopUpStatus.APPROVED)
    errors = {}
    if amount is None or amount <= 0:
        errors["approved_amount"] = ["Enter the amount the local authority approved."]
    if period_start is None:
        errors["period_start"] = ["Enter when the funding starts."]
    if period_end is None:
        errors["period_end"] = ["Enter when the funding ends."]
    elif period_start and period_end < period_start:
        errors["period_end"] = ["The funding must end after it starts."]
    _on(on, "decided_on", errors, not_before=request.submitted_on,
        what="the request was submitted")
    if errors:
        raise ValidationError(errors)
    request.status, request.approved_amount, request.decided_on = (
        rules.TopUpStatus.APPROVED, amount, on)
    request.period_start, request.period_end = period_start, period_end
    request.save()
    return request


@transaction.atomic
def top_up_decline(*, request: TopUpRequest, actor, reason: str,
                   on: datetime.date) -> TopUpRequest:
    _move(request, rules.TopUpStatus.DECLINED)
    errors = {}
    if not (reason or "").strip():
        errors["decline_reason"] = ["Enter the reason the local authority gave."]
    _on(on, "decided_on", errors, not_before=request.submitted_on,
        what="the request was submitted")
    if errors:
        raise ValidationError(errors)
    request.status, request.decline_reason, request.decided_on = (
        rules.TopUpStatus.DECLINED, reason.strip(), on)
    request.save()
    return request


@transaction.atomic
def top_up_withdraw(*, request: TopUpRequest, actor, on: datetime.date) -> TopUpRequest:
    _move(request, rules.TopUpStatus.WITHDRAWN)
    errors = {}
    _on(on, "decided_on", errors)
    if errors:
        raise ValidationError(errors)
    request.status, request.decided_on = rules.TopUpStatus.WITHDRAWN, on
    request.save()
    return request

