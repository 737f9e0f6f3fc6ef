"""The trust view: every school of a trust that the trust SEND lead leads, on one page,
with the figures per school and in total. Each school's figures are read in that school's
scope through its own membership, exactly as the school's own pages read them; nothing is
added that the lead could not see school by school (schools/access.py: access_trust).
What works and what it costs is read the same way, school by school, and added up."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from apps.escalation.selectors import clock, open_requests
from apps.money.provision_map import provision_map
from apps.money.selectors import year_rules
from apps.money.what_works import Intervention, WhatWorks, what_works
from apps.plans.selectors import overdue_cycles
from apps.pupils.rules import NEED_AREA_OF, NeedArea, SenStatus
from apps.pupils.selectors import pupils_visible_to, with_sen_status
from apps.schools.models import Membership, School
from apps.schools.tenancy import school_scope

from .selectors import meeting_rows

ZERO = Decimal("0.00")


@dataclass
class SchoolFigures:
    school: School | None  # None for the trust's total
    sen_support: int = 0
    ehc_plans: int = 0
    # by broad area of primary need ("" for not recorded)
    by_need: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys([*NeedArea.values, ""], 0))
    reviews_overdue: int = 0  # pupils on roll with a review overdue
    meetings_needing_action: int = 0  # pupils whose meetings with parents are at risk or missed
    planned_cost: Decimal = ZERO  # this budget year's provision, planned
    budget: Decimal | None = None  # the notional SEN budget entered for the year
    ehc_requests_open: int = 0
    ehc_dates_missed: int = 0  # open requests with a statutory date missed

    @property
    def need_rows(self) -> list[tuple[str, int]]:
        return [(NeedArea(area).label if area else "Not recorded", n)
                for area, n in self.by_need.items()]

    def add(self, other: "SchoolFigures") -> None:
        for name in ("sen_support", "ehc_plans", "reviews_overdue", "meetings_needing_action",
                     "planned_cost", "ehc_requests_open", "ehc_dates_missed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for area, n in other.by_need.items():
            self.by_need[area] += n
        if other.budget is not None:
            self.budget = (self.budget or ZERO) + other.budget


@dataclass
class TrustView:
    trust: object  # apps.schools.models.Trust
    schools: list[SchoolFigures]
    total: SchoolFigures
    budgets_missing: int  # schools with no notional SEN budget entered for the year


def school_figures(membership: Membership, today: datetime.date) -> SchoolFigures:
    """One school's figures, as its own pages count them (inside its scope)."""
    school = membership.school
    caseload = (with_sen_status(pupils_visible_to(membership))
                .filter(left_on__isnull=True,
                        sen_status__in=[SenStatus.SEN_SUPPORT, SenStatus.EHC_PLAN]))
    figures = SchoolFigures(school)
    for status, need in caseload.values_list("sen_status", "primary_need"):
        if status == SenStatus.EHC_PLAN:
            figures.ehc_plans += 1
        else:
            figures.sen_support += 1
        figures.by_need[NEED_AREA_OF.get(need, "")] += 1
    figures.reviews_overdue = (overdue_cycles(today)
                               .filter(plan__pupil__in=pupils_visible_to(membership),
                                       plan__pupil__left_on__isnull=True)
                               .values("plan__pupil").distinct().count())
    figures.meetings_needing_action = sum(
        1 for row in meeting_rows(membership=membership, today=today)
        if row.meetings.needs_action)
    found = provision_map(school, year_rules(school, today), today, with_detail=False)
    figures.planned_cost, figures.budget = found.total.cost, found.budget
    for request in open_requests():
        figures.ehc_requests_open += 1
        figures.ehc_dates_missed += clock(request, today).missed
    return figures


def trust_view(memberships: list[Membership], today: datetime.date) -> TrustView:
    """The figures of each school of ``memberships`` (access_trust's), and their total."""
    schools = []
    for membership in memberships:
        with school_scope(membership.school):
            schools.append(school_figures(membership, today))
    total = SchoolFigures(None)
    for figures in schools:
        total.add(figures)
    return TrustView(trust=memberships[0].school.trust, schools=schools, total=total,
                     budgets_missing=sum(1 for f in schools if f.budget is None))


@dataclass
class TrustWhatWorks:
    trust: object
    rows: list[Intervention]  # by intervention name, across the schools
    total: Intervention
    years: list[tuple[School, WhatWorks]]  # each school's own budget year and figures

    def about(self) -> list[tuple[str, datetime.date]]:
        return [(f"{school.name}: {label.lower()}", day)
                for school, found in self.years for label, day in found.about()]


def what_works_across(memberships: list[Membership], today: datetime.date, *,
                      year_group: int | None = None,
                      need_area: str | None = None) -> TrustWhatWorks:
    """What works and what it costs (money/what_works.py) in each school of ``memberships``
    for its own current budget year, and across them: an intervention is the same one in
    two schools when its library name is (pupils and outcomes are each school's own, so
    none is counted twice)."""
    years, by_name, total = [], {}, Intervention("All interventions")
    for membership in memberships:
        school = membership.school
        with school_scope(school):
            found = what_works(year_rules(school, today), today, year_group=year_group,
                               need_area=need_area)
        years.append((school, found))
        for line in found.rows:
            by_name.setdefault(line.name.casefold(), Intervention(line.name)).add(line)
        total.add(found.total)
    return TrustWhatWorks(trust=memberships[0].school.trust, years=years, total=total,
                          rows=sorted(by_name.values(), key=lambda line: line.name.casefold()))
