"""The provision map (Code 6.76): all additional and different provision across the school
in one budget year, by provision, by pupil, by the pupil's area of need, by the
intervention's area of need and by year group, with totals against the school's notional
SEN budget. Built in four queries.

Counting rules: a provision belongs to the year if it runs on any day of it. Money comes
from costed_provisions (costing.py): each provision's planned, delivered and projected
figures for the year, in pence; a line adds them up, so every view adds up to the same
total and the pupil page shows the same figures for the same pupil. "Staff hours a week"
are staff hours (sessions × minutes ÷ 60 ÷ group size) averaged over the year's school
weeks: a provision counts for the school weeks it runs, so a pupil's consecutive cycles
are not added together and a group of four counts once. "Groups" are pupils ÷ the usual
group size, rounded up.
"""

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from apps.plans.models import Provision
from apps.plans.timetable import timetable_words
from apps.pupils.rules import NEED_AREA_OF, NeedArea, YearGroup
from apps.schools.calendar import Period

from .costing import to_pence
from .models import SenBudget
from .selectors import YearRules, costed_provisions

ZERO = Decimal("0.00")
NO_NEED = "Need not recorded"


@dataclass
class Line:
    """One row of a view of the map: the provisions added to it."""

    label: str
    year_weeks: Fraction  # the budget year's school weeks
    group_size: int = 1
    pupils: set[int] = field(default_factory=set)
    staff_hours: Fraction = Fraction(0)  # over the year
    cost: Decimal = ZERO  # planned
    delivered_cost: Decimal = ZERO
    projected_cost: Decimal = ZERO

    def add(self, item: "MapItem") -> None:
        self.pupils.add(item.pupil_id)
        self.staff_hours += item.staff_hours
        self.cost += item.planned
        self.delivered_cost += item.delivered
        self.projected_cost += item.projected

    @property
    def pupil_count(self) -> int:
        return len(self.pupils)

    @property
    def groups(self) -> int:
        return math.ceil(len(self.pupils) / max(1, self.group_size))

    @property
    def hours(self) -> Decimal:
        """Staff hours a week, averaged over the year's school weeks."""
        return to_pence(self.staff_hours / self.year_weeks) if self.year_weeks else ZERO


@dataclass
class MapItem:
    """One pupil's provision in the year, costed."""

    provision_id: int
    pupil_id: int
    pupil: str  # "Last, First"
    upn: str
    year_group: str
    need_area: str  # the pupil's (their primary need)
    intervention_area: str  # the intervention's
    intervention: str
    usual_group_size: int
    staff_type: str
    timetable: str
    start: datetime.date
    end: datetime.date | None  # None: it goes on
    weekly_hours: Fraction  # while it runs
    staff_hours: Fraction  # over the year's school weeks it runs
    planned: Decimal
    delivered: Decimal
    projected: Decimal


@dataclass
class ProvisionMap:
    year: Period
    school_weeks: Fraction
    default_calendar: bool
    by_provision: list[Line]
    by_pupil: list[Line]
    by_need_area: list[Line]
    by_intervention_area: list[Line]
    by_year_group: list[Line]
    detail: list[MapItem]
    total: Line
    budget: Decimal | None

    @property
    def budget_left(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.total.cost


def provision_map(school, rules_: YearRules, today, *, with_detail: bool = True) -> ProvisionMap:
    """The map for the budget year of ``rules_``; ``with_detail``: also a row per provision
    (the downloads have them; the page shows the views and the totals only)."""
    items = map_items(rules_, today)
    weeks = rules_.school_weeks
    views: dict[str, dict] = {name: {} for name in
                              ("provision", "pupil", "need", "intervention_area", "year")}
    total = Line("All provision", weeks)
    for item in items:
        line_of(views["provision"], item.intervention, weeks,
                group_size=item.usual_group_size).add(item)
        line_of(views["pupil"], item.pupil_id, weeks, label=item.pupil).add(item)
        line_of(views["need"], item.need_area, weeks).add(item)
        line_of(views["intervention_area"], item.intervention_area, weeks).add(item)
        line_of(views["year"], item.year_group, weeks).add(item)
        total.add(item)
    year_order = {label: number for number, label in YearGroup.choices}
    budget = SenBudget.objects.filter(year_start=rules_.period.start).values_list(
        "amount", flat=True).first()
    return ProvisionMap(
        year=rules_.period, school_weeks=rules_.school_weeks,
        default_calendar=rules_.default_calendar,
        by_provision=sorted(views["provision"].values(), key=lambda line: line.label.casefold()),
        by_pupil=sorted(views["pupil"].values(), key=lambda line: line.label),
        by_need_area=sorted(views["need"].values(), key=lambda line: line.label),
        by_intervention_area=sorted(views["intervention_area"].values(),
                                    key=lambda line: line.label),
        by_year_group=sorted(views["year"].values(), key=lambda line: year_order[line.label]),
        detail=items if with_detail else [], total=total, budget=budget)


def line_of(lines: dict, key, weeks: Fraction, label: str | None = None, **fields) -> Line:
    """The line of ``lines`` under ``key``, begun if it is the first of its provisions."""
    if key not in lines:
        lines[key] = Line(label or key, weeks, **fields)
    return lines[key]


def need_area_label(primary_need: str) -> str:
    return NeedArea(NEED_AREA_OF[primary_need]).label if primary_need else NO_NEED


def map_items(rules_: YearRules, today) -> list[MapItem]:
    """Every provision running in the year, costed, by intervention, then pupil, then start
    date."""
    items = []
    for costed in costed_provisions(
            Provision.objects.all(), rules_, today, "provision_type__name",
            "provision_type__need_area", "provision_type__usual_group_size",
            "cycle__plan__pupil_id", "cycle__plan__pupil__first_name",
            "cycle__plan__pupil__last_name", "cycle__plan__pupil__upn",
            "cycle__plan__pupil__year_group", "cycle__plan__pupil__primary_need"):
        row, table, cost = costed.row, costed.timetable, costed.cost
        items.append(MapItem(
            provision_id=row["id"], pupil_id=row["cycle__plan__pupil_id"],
            pupil=f"{row['cycle__plan__pupil__last_name']}, "
                  f"{row['cycle__plan__pupil__first_name']}",
            upn=row["cycle__plan__pupil__upn"],
            year_group=YearGroup(row["cycle__plan__pupil__year_group"]).label,
            need_area=need_area_label(row["cycle__plan__pupil__primary_need"]),
            intervention_area=NeedArea(row["provision_type__need_area"]).label,
            intervention=row["provision_type__name"],
            usual_group_size=row["provision_type__usual_group_size"] or 1,
            staff_type=table.staff_type, timetable=timetable_words(
                table.sessions_per_week, table.minutes_per_session, table.group_size,
                table.fixed_cost),
            start=table.start, end=table.end, weekly_hours=table.weekly_hours(),
            staff_hours=table.weekly_hours() * cost.school_weeks,
            planned=cost.planned, delivered=cost.delivered, projected=cost.projected))
    return sorted(items, key=lambda item: (item.intervention.casefold(), item.pupil.casefold(),
                                           item.start, item.provision_id))
