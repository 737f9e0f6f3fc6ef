"""The caseload's read models: one per page, used by the page and its API alike.

- The register (``register``, ``register_rows``): the pupils a member sees, filtered by
  ``filters.RegisterFilter``, and for one page of them what the register shows.
- The pupil page (``pupil_summary``): one pupil's register row, history, current cycle
  and meetings with parents.
- Meetings with parents (``meeting_rows``): every pupil on SEN support with this school
  year's meetings, those needing action first.

Each reads what the apps upstream offer per pupil or per page of pupils, in a fixed number
of queries however many pupils a page shows. What a member sees follows their role
(``schools.roles``): cost for those who see money, plans, meetings and the signals for an
EHC needs assessment for staff.
"""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.escalation.selectors import Readiness, readiness_by_pupil
from apps.money.selectors import PupilSpend, spend_by_pupil
from apps.parents.rules import MeetingState
from apps.parents.selectors import (
    Meetings,
    counted_for_meetings,
    counted_statuses,
    meetings_by_pupil,
)
from apps.plans.models import Cycle
from apps.plans.selectors import current_cycle, pupil_has_overdue_review
from apps.pupils.models import Pupil, SenProvisionRecord
from apps.pupils.rules import SenStatus
from apps.pupils.selectors import (
    ParentAccess,
    parent_links_with_access,
    people_by_pupil,
    pupils_visible_to,
    with_sen_status,
)
from apps.schools.models import Membership
from apps.schools.roles import Action, role_may


def sees_money(membership: Membership) -> bool:
    return role_may(membership.role, Action.VIEW_MONEY)


def sees_plans(membership: Membership) -> bool:
    return role_may(membership.role, Action.VIEW_PLANS)


# The register --------------------------------------------------------------------------


def register(membership: Membership) -> QuerySet[Pupil]:
    """The register as this member sees it, in name order: each pupil with their current
    SEN status (``sen_status``, ``sen_status_since``) and whether a review is overdue
    (``review_overdue``). ``filters.RegisterFilter`` narrows it."""
    return (with_sen_status(pupils_visible_to(membership))
            .annotate(review_overdue=pupil_has_overdue_review(membership.school))
            .order_by("last_name", "first_name", "pk"))


@dataclass
class RegisterRow:
    """What the register shows of one pupil."""

    pupil: Pupil  # as ``register`` gives it
    staff: list[int]  # user ids of the teachers and TAs who work with the pupil
    parents: list[int]  # user ids of the pupil's parents and carers
    spend: PupilSpend | None  # this budget year's cost, for roles that see money
    readiness: Readiness | None  # signals for an EHC needs assessment, for staff


def register_rows(*, membership: Membership, pupils: list[Pupil],
                  today: datetime.date | None = None) -> list[RegisterRow]:
    """A row for each of ``pupils`` (one page of ``register``), in their order."""
    ids = [pupil.pk for pupil in pupils]
    people = people_by_pupil(ids)
    spend: dict[int, PupilSpend] = {}
    readiness: dict[int, Readiness] = {}
    if sees_money(membership) or sees_plans(membership):
        # Cost is one of the readiness signals, so staff who do not see money still need it.
        spend = spend_by_pupil(ids, membership.school, today)
    if sees_plans(membership):
        readiness = readiness_by_pupil(ids, membership.school, today, spend=spend)
    shown_spend = spend if sees_money(membership) else {}
    return [RegisterRow(pupil=pupil, staff=people["staff"].get(pupil.pk, []),
                        parents=people["parents"].get(pupil.pk, []),
                        spend=shown_spend.get(pupil.pk), readiness=readiness.get(pupil.pk))
            for pupil in pupils]


# The pupil page ------------------------------------------------------------------------


@dataclass
class PupilSummary:
    """What the pupil page shows: the register's row and the rest of the pupil's record
    that brings the caseload together."""

    row: RegisterRow
    sen_history: list[SenProvisionRecord]
    works_with: list[User]  # the teachers and TAs, by name
    parent_links: list[ParentAccess]  # with whether each can sign in yet
    current_cycle: Cycle | None  # with ``is_overdue``; for staff
    meetings: Meetings | None  # this school year's meetings with parents; for staff

    # The row's parts, so that the summary reads like a row (serializers.py).
    pupil = property(lambda self: self.row.pupil)
    staff = property(lambda self: self.row.staff)
    parents = property(lambda self: self.row.parents)
    spend = property(lambda self: self.row.spend)
    readiness = property(lambda self: self.row.readiness)


def pupil_summary(*, membership: Membership, pupil: Pupil,
                  today: datetime.date | None = None) -> PupilSummary:
    """The pupil page's read model. ``pupil`` comes through ``access_pupil``."""
    pupil = register(membership).get(pk=pupil.pk)
    staff_view = sees_plans(membership)
    # A pupil with an EHC plan whom the school follows by annual review has no three a year.
    counts_meetings = (pupil.sen_status != SenStatus.EHC_PLAN
                       or SenStatus.EHC_PLAN in counted_statuses(membership.school))
    return PupilSummary(
        row=register_rows(membership=membership, pupils=[pupil], today=today)[0],
        sen_history=list(SenProvisionRecord.objects.filter(pupil=pupil)
                         .select_related("recorded_by")),
        works_with=list(pupil.staff.order_by("last_name", "first_name")),
        parent_links=parent_links_with_access(pupil),
        current_cycle=current_cycle(pupil) if staff_view else None,
        meetings=(meetings_by_pupil([pupil.pk], membership.school, today)[pupil.pk]
                  if staff_view and counts_meetings else None),
    )


# Meetings with parents -----------------------------------------------------------------

# The order the meetings list reads in: those needing action first.
URGENCY = {MeetingState.MISSED: 0, MeetingState.AT_RISK: 1, MeetingState.ON_TRACK: 2}


@dataclass(frozen=True)
class MeetingRow:
    pupil: Pupil
    meetings: Meetings


def meeting_rows(*, membership: Membership, state: str | None = None,
                 today: datetime.date | None = None) -> list[MeetingRow]:
    """Every pupil on SEN support this member sees (and with an EHC plan, unless the school
    follows those by their annual reviews), with this school year's meetings with their
    parents (Code 6.65): missed first, then at risk, then on track, by name within each.
    ``state``: only the pupils in that state."""
    pupils = list(counted_for_meetings(pupils_visible_to(membership), membership.school)
                  .order_by("last_name", "first_name", "pk")
                  .only("first_name", "last_name"))
    meetings = meetings_by_pupil([pupil.pk for pupil in pupils], membership.school, today)
    rows = [MeetingRow(pupil, meetings[pupil.pk]) for pupil in pupils
            if state is None or meetings[pupil.pk].state == state]
    return sorted(rows, key=lambda row: URGENCY[row.meetings.state])
