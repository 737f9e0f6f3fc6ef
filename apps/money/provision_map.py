"""The provision map (Code 6.76): all additional and different provision across the school
in one budget year, by provision, by pupil, by area of need and by year group, with
totals against the school's notional SEN budget. Built in a fixed number of queries.

Counting rules: a provision belongs to the year if it runs on any day of it. "Hours a
week" are staff hours (sessions × minutes ÷ 60 ÷ group size, summed over pupils), so a
group of four counts once. "Groups" are pupils ÷ the usual group size, rounded up.
Cost is the planned cost inside the year (costing.py); delivered is what recorded
sessions cost to date, from each provision's tally unless its sessions straddle the year's
start or a change of rates.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from apps.plans.models import Provision
from apps.pupils.models import YEAR_GROUP_LABELS
from apps.pupils.rules import NeedArea

from .costing import ExactSum, Period, Tally, Timetable, planned_cost, to_pence
from .models import SenBudget
from .selectors import (
    TALLY_FIELDS,
    TIMETABLE_FIELDS,
    YearRules,
    delivered_costs,
)


@dataclass
class Line:
    """One row of a view of the map."""

    label: str
    pupils: set = field(default_factory=set)
    weekly_hours: ExactSum = field(default_factory=ExactSum)
    planned: ExactSum = field(default_factory=ExactSum)
    delivered: ExactSum = field(default_factory=ExactSum)
    group_size: int = 1

    def add(self, pupil_id, weekly_hours: Fraction, cost: Fraction, delivered: Fraction):
        self.pupils.add(pupil_id)
        self.weekly_hours.add(weekly_hours)
        self.planned.add(cost)
        self.delivered.add(delivered)

    def merge(self, other: "Line"):
        self.pupils |= other.pupils
        self.weekly_hours.merge(other.weekly_hours)
        self.planned.merge(other.planned)
        self.delivered.merge(other.delivered)

    @property
    def pupil_count(self) -> int:
        return len(self.pupils)

    @property
    def groups(self) -> int:
        return math.ceil(len(self.pupils) / max(1, self.group_size))

    @property
    def hours(self) -> Decimal:
        return to_pence(self.weekly_hours.value())

    @property
    def cost(self) -> Decimal:
        return to_pence(self.planned.value())

    @property
    def delivered_cost(self) -> Decimal:
        return to_pence(self.delivered.value())


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
    year = rules_.period
    to_date = Period(year.start, min(today, year.end))
    in_year = Provision.objects.filter(start_date__lte=year.end, end_date__gte=year.start)
    rows = list(
        in_year.values_list(*_FIELDS, named=True)
        .order_by("provision_type__name", "cycle__plan__pupil__last_name", "start_date")
    )
    tables = {row.id: Timetable(*row[_TIMETABLE]) for row in rows}
    delivered = delivered_costs({row.id: (tables[row.id], Tally(*row[_TALLY])) for row in rows},
                                to_date, rules_.rates)
    # Each provision is added to its pupil's line and to one cell of intervention and year
    # group; the views by intervention, area of need and year group, and the total, are
    # sums of cells (an intervention has one area of need, a pupil one year group).
    by_pupil: dict[int, Line] = {}
    cells: dict[tuple[str, int], Line] = {}
    need_of: dict[str, str] = {}  # intervention: its area of need
    detail = []
    areas, years = dict(NeedArea.choices), YEAR_GROUP_LABELS
    # Provisions share timetables (an intervention, its sessions, its dates): each one's
    # hours and planned cost are worked out once.
    planned: dict[Timetable, tuple[Fraction, Fraction]] = {}
    for row in rows:
        table = tables[row.id]
        if table not in planned:
            planned[table] = (table.weekly_hours(), planned_cost(
                table, year, year, rules_.weeks_per_year, rules_.rates))
        figures = (*planned[table], delivered.get(row.id, _NOTHING))
        pupil_id = row.cycle__plan__pupil_id
        line = by_pupil.get(pupil_id)
        if line is None:
            line = by_pupil[pupil_id] = Line(_name(row))
        line.add(pupil_id, *figures)
        cell = cells.get((row.provision_type__name, row.cycle__plan__pupil__year_group))
        if cell is None:
            cell = cells[row.provision_type__name, row.cycle__plan__pupil__year_group] = Line(
                row.provision_type__name, group_size=row.provision_type__usual_group_size or 1)
            need_of[row.provision_type__name] = areas.get(row.provision_type__need_area, "Other")
        cell.add(pupil_id, *figures)
        if with_detail:
            detail.append(_detail_row(row, table, need_of[row.provision_type__name], years,
                                      *figures))
    by_provision, by_need, by_year, total = {}, {}, {}, Line("All provision")
    for (kind, year_group), cell in cells.items():
        _merged(by_provision, kind, cell.label, cell).group_size = cell.group_size
        _merged(by_need, need_of[kind], need_of[kind], cell)
        _merged(by_year, year_group, years.get(year_group, str(year_group)), cell)
        total.merge(cell)
    budget = SenBudget.objects.filter(year_start=year.start).values_list(
        "amount", flat=True).first()
    return ProvisionMap(
        year=year,
        by_provision=list(by_provision.values()),
        by_pupil=sorted(by_pupil.values(), key=lambda line: line.label),
        by_need_area=sorted(by_need.values(), key=lambda line: line.label),
        by_year_group=[by_year[k] for k in sorted(by_year)],
        detail=detail, total=total, budget=budget)


_FIELDS = ("id", *TIMETABLE_FIELDS, *TALLY_FIELDS, "provision_type__name",
           "provision_type__need_area", "provision_type__usual_group_size",
           "cycle__plan__pupil_id", "cycle__plan__pupil__first_name",
           "cycle__plan__pupil__last_name", "cycle__plan__pupil__upn",
           "cycle__plan__pupil__year_group")
_TIMETABLE = slice(1, 1 + len(TIMETABLE_FIELDS))
_TALLY = slice(_TIMETABLE.stop, _TIMETABLE.stop + len(TALLY_FIELDS))
_NOTHING = Fraction(0)


def _name(row) -> str:
    return f"{row.cycle__plan__pupil__last_name}, {row.cycle__plan__pupil__first_name}"


def _merged(lines: dict, key, label: str, cell: Line) -> Line:
    line = lines.get(key)
    if line is None:
        line = lines[key] = Line(label)
    line.merge(cell)
    return line


def _detail_row(row, table: Timetable, need_area, years, weekly_hours: Fraction,
                cost: Fraction, delivered: Fraction) -> DetailRow:
    return DetailRow(
        pupil=_name(row), upn=row.cycle__plan__pupil__upn,
        year_group=years.get(row.cycle__plan__pupil__year_group, ""),
        need_area=need_area, intervention=row.provision_type__name,
        staff_type=table.staff_type,
        timetable=(f"{table.sessions_per_week:g} × {table.minutes_per_session} min, "
                   f"group of {table.group_size}") if table.sessions_per_week is not None
        else f"Fixed cost £{table.fixed_cost}",
        weekly_hours=to_pence(weekly_hours), start=table.start.isoformat(),
        end=table.end.isoformat(), planned=to_pence(cost), delivered=to_pence(delivered))
