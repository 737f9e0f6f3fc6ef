"""Read models for plans: what a member may see, the dose delivered, overdue cycles and
plan-quality advice. Every queryset here runs inside a school scope."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from apps.pupils.selectors import pupils_visible_to
from apps.schools.calendar import Period, SchoolCalendar
from apps.schools.models import Membership
from apps.schools.roles import WHOLE_REGISTER

from .models import Cycle, DeliveredSession, OutcomeProvision, Provision
from .rules import Advice, Stage, missing_to_enter, plan_quality

# How each cycle-owned model reaches its pupil: the path through which visibility flows.
PUPIL_PATH = {
    "SupportPlan": "pupil",
    "Cycle": "plan__pupil",
    "Outcome": "cycle__plan__pupil",
    "Provision": "cycle__plan__pupil",
    "AssessmentResult": "cycle__plan__pupil",
    "SpecialistAdvice": "cycle__plan__pupil",
    "EvidenceFile": "cycle__plan__pupil",
    "DeliveredSession": "provision__cycle__plan__pupil",
}


def visible(model, membership: Membership) -> QuerySet:
    """Rows of ``model`` about pupils this member may see (see pupils_visible_to). Whole
    register roles see every row of the school, which the scope already is, so their
    queries need no join back to the pupils."""
    if membership.role in WHOLE_REGISTER:
        return model.objects.all()
    path = PUPIL_PATH[model.__name__]
    return model.objects.filter(**{f"{path}__in": pupils_visible_to(membership)})


def overdue_cycles(today: datetime.date | None = None) -> QuerySet[Cycle]:
    """Open cycles past their agreed review date with no review recorded (Code 6.48)."""
    today = today or timezone.localdate()
    return (
        Cycle.objects.exclude(stage=Stage.CLOSED)
        .filter(review_date__lt=today)
        .filter(reviews__isnull=True)
    )


def reviews_between(first: datetime.date, last: datetime.date) -> QuerySet[Cycle]:
    """Open cycles whose agreed review date falls from ``first`` to ``last``, with no
    review recorded yet."""
    return (
        Cycle.objects.exclude(stage=Stage.CLOSED)
        .filter(review_date__range=(first, last))
        .filter(reviews__isnull=True)
    )


def reviews_due(today: datetime.date, within: datetime.timedelta) -> QuerySet[Cycle]:
    """Reviews still to hold from ``today`` to ``within`` after it."""
    return reviews_between(today, today + within)


def reviews_this_month(today: datetime.date) -> QuerySet[Cycle]:
    """Reviews still to hold whose date falls in ``today``'s calendar month, those earlier
    in the month that are now overdue included."""
    last_day = calendar.monthrange(today.year, today.month)[1]
    return reviews_between(today.replace(day=1), today.replace(day=last_day))


def with_overdue(cycles: QuerySet[Cycle], today: datetime.date | None = None):
    return cycles.annotate(
        is_overdue=Exists(overdue_cycles(today).filter(pk=OuterRef("pk")))
    )


def pupil_has_overdue_review(school, today: datetime.date | None = None) -> Exists:
    """For annotating the school's pupils: any of their cycles is overdue. The school is
    named on the plans joined in, so the join can use an index that starts with the school
    (row-level security filters the rows but gives the planner no school)."""
    return Exists(overdue_cycles(today).filter(plan__pupil=OuterRef("pk"), plan__school=school))


def current_cycle(pupil) -> Cycle | None:
    """The pupil's latest cycle, with ``is_overdue``."""
    return with_overdue(Cycle.objects.filter(plan__pupil=pupil)).order_by("-number").first()


@dataclass(frozen=True)
class Dose:
    """Planned against delivered, for one provision up to a date (default today). Planned
    sessions are exact: 40.8 over 68 school days at 3 a week."""

    planned_sessions: Decimal
    planned_minutes: Decimal
    delivered_sessions: int
    delivered_minutes: int
    absent_sessions: int
    cancelled_sessions: int

    @property
    def percent_of_planned_minutes(self) -> int | None:
        if not self.planned_minutes:
            return None
        share = Decimal(self.delivered_minutes) * 100 / self.planned_minutes
        return int(share.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def sessions_planned(sessions_per_week, runs: Period, within: Period,
                     calendar: SchoolCalendar) -> Fraction:
    """Sessions planned on the school days of ``within`` on which a provision that
    ``runs`` on those days is timetabled: sessions a week × school days ÷ 5 (a week with a
    bank holiday plans four fifths of its sessions; holidays plan none). The dose and the
    costing (apps/money/costing.py) both count with this."""
    days = runs.overlap(within)
    if days is None or sessions_per_week is None:
        return Fraction(0)
    return Fraction(sessions_per_week) * calendar.school_weeks(days)


def exact(number: Fraction) -> Decimal:
    """A count of sessions as a decimal: exact, since school days ÷ 5 × sessions a week (to
    one place) has at most two decimal places."""
    return Decimal(number.numerator) / number.denominator


def dose(provision: Provision, calendar: SchoolCalendar,
         until: datetime.date | None = None) -> Dose:
    """Planned from the timetable over the school days from its start to ``until`` (default
    today) or its end; delivered from the provision's tally of sessions."""
    until = until or timezone.localdate()
    sessions = sessions_planned(provision.sessions_per_week,
                                Period(provision.start_date, provision.end_date or until),
                                Period(provision.start_date, until), calendar)
    return Dose(
        planned_sessions=exact(sessions),
        planned_minutes=exact(sessions * (provision.minutes_per_session or 0)),
        delivered_sessions=provision.delivered_sessions,
        delivered_minutes=provision.delivered_minutes,
        absent_sessions=provision.absent_sessions,
        cancelled_sessions=provision.cancelled_sessions,
    )


def total_dose(doses) -> Dose:
    doses = list(doses)
    return Dose(*(sum(getattr(d, f) for d in doses) for f in Dose.__dataclass_fields__))


def sessions_for(provisions) -> QuerySet[DeliveredSession]:
    return DeliveredSession.objects.filter(provision__in=provisions)


def cycle_quality(cycle: Cycle) -> list[Advice]:
    """Advice on the cycle's plan (rules.plan_quality)."""
    links = set(OutcomeProvision.objects.filter(outcome__cycle=cycle)
                .values_list("outcome_id", "provision_id"))
    return plan_quality(list(cycle.outcomes.all()),
                        list(cycle.provisions.select_related("provision_type")), links)


def missing_for(cycle: Cycle, stage: str) -> list[str]:
    """What must be done before the cycle may move on to ``stage`` (rules.missing_to_enter)."""
    return missing_to_enter(stage, needs=cycle.needs, outcomes=cycle.outcomes.count(),
                            provisions=cycle.provisions.count(), review_date=cycle.review_date)
