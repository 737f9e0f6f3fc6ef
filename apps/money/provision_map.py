"""The provision map (Code 6.76): all additional and different provision across the school
in one budget year, by provision, by pupil, by area of need and by year group, with
totals against the school's notional SEN budget. Built in three queries.

Counting rules: a provision belongs to the year if it runs on any day of it. "Hours a
week" are staff hours (sessions × minutes ÷ 60 ÷ group size, summed over pupils), so a
group of four counts once. "Groups" are pupils ÷ the usual group size, rounded up.
Each provision is costed on its own (costing.py): planned is its planned cost inside the
year, delivered what its recorded sessions cost to date. A line adds up the exact figures
of its provisions and rounds once.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from apps.plans.models import Provision
from apps.pupils.rules import NeedArea, YearGroup
from apps.schools.calendar import Period

from .costing import planned_cost, to_pence
from .models import SenBudget
from .selectors import TIMETABLE_FIELDS, YearRules, delivered_costs, timetable


@dataclass
class Line:
    """One row of a view of the map: the provisions added to it, summed exactly."""

    label: str
    group_size: int = 1
    pupils: set[int] = field(default_factory=set)
    weekly_hours: Fraction = Fraction(0)
    planned: Fraction = Fraction(0)
    delivered: Fraction = Fraction(0)

    def add(self, item: "MapItem") -> None:
        self.pupils.add(item.pupil_id)
        self.weekly_hours += item.weekly_hours
        self.planned += item.planned
        self.delivered += item.delivered

    @property
    def pupil_count(self) -> int:
        return len(self.pupils)

    @property
    def groups(self) -> int:
        return math.ceil(len(self.pupils) / max(1, self.group_size))

    @property
    def hours(self) -> Decimal:
        return to_pence(self.weekly_hours)

    @property
    def cost(self) -> Decimal:
        return to_pence(self.planned)

    @property
    def delivered_cost(self) -> Decimal:
        return to_pence(self.delivered)


@dataclass
class MapItem:
    """One pupil's provision in the year, costed."""

    provision_id: int
    pupil_id: int
    pupil: str  # "Last, First"
    upn: str
    year_group: str
    need_area: str  # the intervention's
    intervention: str
    usual_group_size: int
    staff_type: str
    timetable: str
    start: str
    end: str
    weekly_hours: Fraction
    planned: Fraction
    delivered: Fraction


@dataclass
class DetailRow:
    pupil: str
    upn: str
    year_group: str
    need_area: str
    intervention: str
    staff_type: str
    timetable: str
    weekly_hours: Decimal
    start: str
    end: str
    planned: Decimal
    delivered: Decimal


@dataclass
class ProvisionMap:
    year: Period
    by_provision: list[Line]
    by_pupil: list[Line]
    by_need_area: list[Line]
    by_year_group: list[Line]
    detail: list[DetailRow]
    total: Line
    budget: Decimal | None

    @property
    def budget_left(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.total.cost


def provision_map(school, rules_: YearRules, today, *, with_detail: bool = True) -> ProvisionMap:
    """The map for the budget year of ``rules_``; ``with_detail``: also a row per provision
    (the downloads have them; the page shows the four views and the totals only)."""
    items = map_items(rules_, today)
    by_provision: dict[str, Line] = {}
    by_pupil: dict[int, Line] = {}
    by_need: dict[str, Line] = {}
    by_year: dict[str, Line] = {}
    total = Line("All provision")
    for item in items:
        line_of(by_provision, item.intervention, group_size=item.usual_group_size).add(item)
        line_of(by_pupil, item.pupil_id, label=item.pupil).add(item)
        line_of(by_need, item.need_area).add(item)
        line_of(by_year, item.year_group).add(item)
        total.add(item)
    year_order = {label: number for number, label in YearGroup.choices}
    budget = SenBudget.objects.filter(year_start=rules_.period.start).values_list(
        "amount", flat=True).first()
    return ProvisionMap(
        year=rules_.period,
        by_provision=sorted(by_provision.values(), key=lambda line: line.label.casefold()),
        by_pupil=sorted(by_pupil.values(), key=lambda line: line.label),
        by_need_area=sorted(by_need.values(), key=lambda line: line.label),
        by_year_group=sorted(by_year.values(), key=lambda line: year_order[line.label]),
        detail=[detail_row(item) for item in items] if with_detail else [],
        total=total, budget=budget)


def line_of(lines: dict, key, label: str | None = None, **fields) -> Line:
    """The line of ``lines`` under ``key``, begun if it is the first of its provisions."""
    if key not in lines:
        lines[key] = Line(label or key, **fields)
    return lines[key]


def map_items(rules_: YearRules, today) -> list[MapItem]:
    """Every provision running in the year, costed, by intervention, then pupil, then start
    date."""
    year = rules_.period
    provisions = Provision.objects.filter(start_date__lte=year.end, end_date__gte=year.start)
    rows = list(provisions.values(
        "id", *TIMETABLE_FIELDS, "provision_type__name", "provision_type__need_area",
        "provision_type__usual_group_size", "cycle__plan__pupil_id",
        "cycle__plan__pupil__first_name", "cycle__plan__pupil__last_name",
        "cycle__plan__pupil__upn", "cycle__plan__pupil__year_group"))
    timetables = {row["id"]: timetable(row) for row in rows}
    delivered = delivered_costs(provisions, timetables, Period(year.start, min(today, year.end)),
                                rules_.rates)
    items = []
    for row in rows:
        table = timetables[row["id"]]
        items.append(MapItem(
            provision_id=row["id"], pupil_id=row["cycle__plan__pupil_id"],
            pupil=f"{row['cycle__plan__pupil__last_name']}, "
                  f"{row['cycle__plan__pupil__first_name']}",
            upn=row["cycle__plan__pupil__upn"],
            year_group=YearGroup(row["cycle__plan__pupil__year_group"]).label,
            need_area=NeedArea(row["provision_type__need_area"]).label,
            intervention=row["provision_type__name"],
            usual_group_size=row["provision_type__usual_group_size"] or 1,
            staff_type=table.staff_type,
            timetable=(f"{table.sessions_per_week:g} × {table.minutes_per_session} min, "
                       f"group of {table.group_size}") if table.sessions_per_week is not None
            else f"Fixed cost £{table.fixed_cost}",
            start=table.start.isoformat(), end=table.end.isoformat(),
            weekly_hours=table.weekly_hours(),
            planned=planned_cost(table, year, year, rules_.weeks_per_year, rules_.rates),
            delivered=delivered.get(row["id"], Fraction(0))))
    return sorted(items, key=lambda item: (item.intervention.casefold(), item.pupil.casefold(),
                                           item.start, item.provision_id))


def detail_row(item: MapItem) -> DetailRow:
    return DetailRow(
        pupil=item.pupil, upn=item.upn, year_group=item.year_group, need_area=item.need_area,
        intervention=item.intervention, staff_type=item.staff_type, timetable=item.timetable,
        weekly_hours=to_pence(item.weekly_hours), start=item.start, end=item.end,
        planned=to_pence(item.planned), delivered=to_pence(item.delivered))
