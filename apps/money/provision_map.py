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
from functools import cached_property

from apps.plans.models import Provision
from apps.pupils.models import YEAR_GROUP_LABELS
from apps.pupils.rules import NeedArea

from .costing import (
    ExactSum,
    Period,
    Rates,
    Tally,
    Timetable,
    delivered_inside,
    minutes_cost,
    planned_cost,
    tallied_cost,
    tallied_rates,
    to_pence,
)
from .models import SenBudget
from .selectors import (
    TALLY_FIELDS,
    TIMETABLE_FIELDS,
    YearRules,
    delivered_costs,
)


class Prices:
    """The budget year's costing, shared by every line of one map. Each timetable (its
    staff hours a week and planned cost) and each cost of a delivered minute (rates, staff
    type, group size) is worked out once however many provisions share it, and numbered:
    lines count by those numbers."""

    def __init__(self, rules_: YearRules):
        self.rules = rules_
        self._timetables: dict[Timetable, int] = {}
        self._planned: list[tuple[Fraction, Fraction] | None] = []
        self._tables: list[Timetable] = []
        self._minutes: dict[tuple, int] = {}
        self.per_minute: list[Fraction] = []

    def timetable(self, table: Timetable) -> int:
        """The timetable's number (its figures are worked out when first asked for)."""
        number = self._timetables.get(table)
        if number is None:
            number = self._timetables[table] = len(self._tables)
            self._tables.append(table)
            self._planned.append(None)
        return number

    def planned(self, number: int) -> tuple[Fraction, Fraction]:
        """The timetable's staff hours a week and planned cost in the year."""
        figures = self._planned[number]
        if figures is None:
            table, year = self._tables[number], self.rules.period
            figures = self._planned[number] = (table.weekly_hours(), planned_cost(
                table, year, year, self.rules.weeks_per_year, self.rules.rates))
        return figures

    def minute(self, rates: Rates, staff_type: str, group_size: int | None) -> int:
        """The number of what one delivered minute costs under ``rates`` (its cost is
        ``per_minute[number]``)."""
        key = (rates.effective_from, staff_type, group_size)
        number = self._minutes.get(key)
        if number is None:
            number = self._minutes[key] = len(self.per_minute)
            self.per_minute.append(minutes_cost(1, rates.for_staff(staff_type), group_size))
        return number


@dataclass(eq=False)
class Line:
    """One row of a view of the map. A line counts its provisions by timetable and adds
    up their delivered minutes by what a minute costs; its figures are worked out from
    those when first read (once the map is built), so that a line nobody reads (a pupil
    on another page of the map) costs a few additions, and its figures are exact sums
    rounded once (costing.py)."""

    label: str
    prices: Prices
    group_size: int = 1
    pupils: set = field(default_factory=set)
    timetables: dict = field(default_factory=dict)  # timetable's number: provisions
    # Delivered minutes costed from tallies: the number of what a minute costs: minutes.
    minutes: dict = field(default_factory=dict)
    # The delivered cost of provisions whose sessions straddle the year's start or a change
    # of rates, costed session by session (selectors.delivered_costs).
    straddling: ExactSum = field(default_factory=ExactSum)

    def add(self, pupil_id, timetable: int, minute: int | None, minutes: int):
        self.pupils.add(pupil_id)
        self.timetables[timetable] = self.timetables.get(timetable, 0) + 1
        if minute is not None:
            self.minutes[minute] = self.minutes.get(minute, 0) + minutes

    def merge(self, other: "Line"):
        self.pupils |= other.pupils
        for number, count in other.timetables.items():
            self.timetables[number] = self.timetables.get(number, 0) + count
        for key, minutes in other.minutes.items():
            self.minutes[key] = self.minutes.get(key, 0) + minutes
        self.straddling.merge(other.straddling)

    @property
    def pupil_count(self) -> int:
        return len(self.pupils)

    @property
    def groups(self) -> int:
        return math.ceil(len(self.pupils) / max(1, self.group_size))

    @property
    def weekly_hours(self) -> Fraction:
        return self._planned_sums[0]

    @property
    def planned(self) -> Fraction:
        return self._planned_sums[1]

    @cached_property
    def _planned_sums(self) -> tuple[Fraction, Fraction]:
        hours, cost = ExactSum(), ExactSum()
        for number, count in self.timetables.items():
            weekly_hours, planned = self.prices.planned(number)
            hours.add(weekly_hours, count)
            cost.add(planned, count)
        return hours.value(), cost.value()

    @cached_property
    def delivered(self) -> Fraction:
        """Minutes at what a minute costs (linear: the cost of each provision's minutes,
        summed), and the straddling provisions' sessions."""
        total = ExactSum()
        total.merge(self.straddling)
        per_minute = self.prices.per_minute
        for number, minutes in self.minutes.items():
            total.add(per_minute[number], minutes)
        return total.value()

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
    prices, rates = Prices(rules_), rules_.rates
    in_year = Provision.objects.filter(start_date__lte=year.end, end_date__gte=year.start)
    # In no order: the lines are sorted below, and the detail only when it is asked for.
    rows = list(in_year.values_list(*_FIELDS, named=True).order_by())
    # Each provision is added to its pupil's line and to one cell of intervention and year
    # group; the views by intervention, area of need and year group, and the total, are
    # sums of cells (an intervention has one area of need, a pupil one year group).
    by_pupil: dict[int, Line] = {}
    cells: dict[tuple[str, int], Line] = {}
    need_of: dict[str, str] = {}  # intervention: its area of need
    # Provisions whose sessions straddle the year's start or a change of rates, and the
    # two lines (the pupil's and the cell) their cost goes to once it is known.
    straddling: dict[int, tuple[Timetable, Tally]] = {}
    lines_of: dict[int, tuple[Line, Line]] = {}
    areas, years = dict(NeedArea.choices), YEAR_GROUP_LABELS
    for row in rows:
        table, tally = Timetable(*row[_TIMETABLE]), Tally(*row[_TALLY])
        # Delivered minutes to date, from the tally: none inside, all under one set of
        # rates (kept by what a minute costs), or straddling (costed below).
        timetable, minute, rates_then = prices.timetable(table), None, None
        inside = delivered_inside(tally, to_date)
        if inside:
            rates_then = tallied_rates(tally, to_date, rates)
            if rates_then is not None:
                minute = prices.minute(rates_then, table.staff_type, table.group_size)
        pupil_id = row.cycle__plan__pupil_id
        line = by_pupil.get(pupil_id)
        if line is None:
            line = by_pupil[pupil_id] = Line(_name(row), prices)
        line.add(pupil_id, timetable, minute, tally.minutes)
        kind = row.provision_type__name
        cell = cells.get((kind, row.cycle__plan__pupil__year_group))
        if cell is None:
            cell = cells[kind, row.cycle__plan__pupil__year_group] = Line(
                kind, prices, group_size=row.provision_type__usual_group_size or 1)
            need_of[kind] = areas.get(row.provision_type__need_area, "Other")
        cell.add(pupil_id, timetable, minute, tally.minutes)
        if inside and rates_then is None:
            straddling[row.id], lines_of[row.id] = (table, tally), (line, cell)
    # Their sessions, costed one by one: one more query.
    delivered = dict.fromkeys(straddling, Fraction(0)) | delivered_costs(
        straddling, to_date, rates)
    for pk, cost in delivered.items():
        for line in lines_of[pk]:
            line.straddling.add(cost)
    by_provision, by_need, by_year = {}, {}, {}
    total = Line("All provision", prices)
    for (kind, year_group), cell in cells.items():
        _merged(by_provision, kind, cell.label, cell).group_size = cell.group_size
        _merged(by_need, need_of[kind], need_of[kind], cell)
        _merged(by_year, year_group, years.get(year_group, str(year_group)), cell)
        total.merge(cell)
    budget = SenBudget.objects.filter(year_start=year.start).values_list(
        "amount", flat=True).first()
    return ProvisionMap(
        year=year,
        by_provision=sorted(by_provision.values(), key=lambda line: line.label.casefold()),
        by_pupil=sorted(by_pupil.values(), key=lambda line: line.label),
        by_need_area=sorted(by_need.values(), key=lambda line: line.label),
        by_year_group=[by_year[k] for k in sorted(by_year)],
        detail=_detail(rows, prices, to_date, delivered, need_of) if with_detail else [],
        total=total, budget=budget)


_FIELDS = ("id", *TIMETABLE_FIELDS, *TALLY_FIELDS, "provision_type__name",
           "provision_type__need_area", "provision_type__usual_group_size",
           "cycle__plan__pupil_id", "cycle__plan__pupil__first_name",
           "cycle__plan__pupil__last_name", "cycle__plan__pupil__upn",
           "cycle__plan__pupil__year_group")
_TIMETABLE = slice(1, 1 + len(TIMETABLE_FIELDS))
_TALLY = slice(_TIMETABLE.stop, _TIMETABLE.stop + len(TALLY_FIELDS))


def _name(row) -> str:
    return f"{row.cycle__plan__pupil__last_name}, {row.cycle__plan__pupil__first_name}"


def _merged(lines: dict, key, label: str, cell: Line) -> Line:
    line = lines.get(key)
    if line is None:
        line = lines[key] = Line(label, cell.prices)
    line.merge(cell)
    return line


def _detail(rows, prices: Prices, to_date: Period, delivered: dict[int, Fraction],
            need_of: dict[str, str]) -> list[DetailRow]:
    """A row per provision, by intervention, then pupil, then start date."""
    rows = sorted(rows, key=lambda row: (row.provision_type__name.casefold(),
                                         row.cycle__plan__pupil__last_name.casefold(),
                                         row.cycle__plan__pupil__first_name.casefold(),
                                         row.start_date, row.id))
    detail = []
    for row in rows:
        table = Timetable(*row[_TIMETABLE])
        weekly_hours, planned = prices.planned(prices.timetable(table))
        done = delivered.get(row.id)  # straddling; the rest are costed from their tally
        if done is None:
            done = tallied_cost(table, Tally(*row[_TALLY]), to_date, prices.rules.rates)
        detail.append(DetailRow(
            pupil=_name(row), upn=row.cycle__plan__pupil__upn,
            year_group=YEAR_GROUP_LABELS.get(row.cycle__plan__pupil__year_group, ""),
            need_area=need_of[row.provision_type__name], intervention=row.provision_type__name,
            staff_type=table.staff_type,
            timetable=(f"{table.sessions_per_week:g} × {table.minutes_per_session} min, "
                       f"group of {table.group_size}") if table.sessions_per_week is not None
            else f"Fixed cost £{table.fixed_cost}",
            weekly_hours=to_pence(weekly_hours), start=table.start.isoformat(),
            end=table.end.isoformat(), planned=to_pence(planned), delivered=to_pence(done)))
    return detail
