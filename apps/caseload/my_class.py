""""My class": for a class teacher, every pupil on SEN support they teach with what helps
them (the one-page profile's strategies, Code 6.49), their current outcomes and the
support running this week; for a teaching assistant, the sessions they run this week,
each a click from being recorded. Read in a fixed number of queries for the whole class."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from apps.plans.models import Cycle, DeliveredSession, Outcome, Provision
from apps.plans.rules import SessionStatus
from apps.pupils.models import Profile, Pupil
from apps.pupils.profile import current_profiles
from apps.pupils.rules import SenStatus
from apps.pupils.selectors import pupils_visible_to, with_sen_status
from apps.schools.models import Membership


@dataclass
class RunningProvision:
    provision: Provision
    pupil: Pupil
    delivered: int  # sessions delivered this week

    @property
    def planned(self) -> Decimal | None:
        return self.provision.sessions_per_week


@dataclass
class ClassPupil:
    pupil: Pupil
    profile: Profile | None
    cycle: Cycle | None
    outcomes: list[Outcome] = field(default_factory=list)
    this_week: list[RunningProvision] = field(default_factory=list)


@dataclass
class MyClass:
    week_starts: datetime.date
    pupils: list[ClassPupil]
    my_sessions: list[RunningProvision]  # provision this person delivers, this week

    @property
    def week_ends(self) -> datetime.date:
        return self.week_starts + datetime.timedelta(days=6)

    @property
    def profiles(self) -> list[Profile]:
        return [entry.profile for entry in self.pupils if entry.profile]


def class_pupils(membership: Membership) -> list[Pupil]:
    """The pupils on roll on SEN support or with an EHC plan whom this member of staff
    sees, by class and name."""
    return list(with_sen_status(pupils_visible_to(membership))
                .filter(sen_status__in=[SenStatus.SEN_SUPPORT, SenStatus.EHC_PLAN],
                        left_on__isnull=True)
                .order_by("class_name", "last_name", "first_name", "pk"))


def class_profiles(membership: Membership) -> list[Profile]:
    """The current one-page profiles of ``class_pupils``, in the same order."""
    pupils = class_pupils(membership)
    profiles = current_profiles([pupil.pk for pupil in pupils])
    return [profiles[pupil.pk] for pupil in pupils if pupil.pk in profiles]


def my_class(membership: Membership, today: datetime.date) -> MyClass:
    """The pupils on SEN support or with an EHC plan whom this member of staff sees (the
    classes they teach, those whose provision they deliver, those linked by hand)."""
    monday = today - datetime.timedelta(days=today.weekday())
    sunday = monday + datetime.timedelta(days=6)
    pupils = class_pupils(membership)
    ids = [pupil.pk for pupil in pupils]
    profiles = current_profiles(ids)
    cycles = {cycle.plan.pupil_id: cycle for cycle in Cycle.objects.filter(
        plan__pupil__in=ids, closed_on__isnull=True).select_related("plan")}
    outcomes: dict[int, list[Outcome]] = {}
    for outcome in Outcome.objects.filter(cycle__in=cycles.values()).order_by("pk"):
        outcomes.setdefault(outcome.cycle_id, []).append(outcome)
    running = list(
        Provision.objects.filter(cycle__in=cycles.values(), start_date__lte=sunday)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=monday))
        .select_related("provision_type", "delivered_by").order_by("start_date", "pk"))
    delivered = dict(
        DeliveredSession.objects.filter(provision__in=running, date__range=(monday, sunday),
                                        status=SessionStatus.DELIVERED)
        .values("provision").annotate(n=Count("pk")).values_list("provision", "n"))
    by_pupil = {pupil.pk: pupil for pupil in pupils}
    pupil_of_cycle = {cycle.pk: pupil_id for pupil_id, cycle in cycles.items()}
    week: dict[int, list[RunningProvision]] = {}
    for provision in running:
        pupil = by_pupil[pupil_of_cycle[provision.cycle_id]]
        week.setdefault(pupil.pk, []).append(
            RunningProvision(provision, pupil, delivered.get(provision.pk, 0)))
    entries = []
    for pupil in pupils:
        cycle = cycles.get(pupil.pk)
        entries.append(ClassPupil(
            pupil=pupil, profile=profiles.get(pupil.pk), cycle=cycle,
            outcomes=outcomes.get(cycle.pk, []) if cycle else [],
            this_week=week.get(pupil.pk, [])))
    mine = [item for items in week.values() for item in items
            if item.provision.delivered_by_id == membership.user_id
            and item.provision.is_timetabled]
    mine.sort(key=lambda item: (item.pupil.last_name, item.pupil.first_name,
                                str(item.provision)))
    return MyClass(week_starts=monday, pupils=entries, my_sessions=mine)
