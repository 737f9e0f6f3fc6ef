"""Money drawn as bar charts (backend/charts.py): a pupil's year against the element 2
threshold, and the provision map's cost by area of need and by year group. Figures are
written as the pages write them (templatetags/money.py), so a chart and its table agree."""

from backend.charts import BarChart, bar_chart

from .provision_map import Line, ProvisionMap
from .selectors import PupilSpend
from .templatetags.money import pounds


def money(amount) -> str:
    return f"£{pounds(amount)}"


def spend_chart(spend: PupilSpend) -> BarChart:
    """Delivered so far and projected for the year, with the element 2 threshold marked
    (rules.py: the school meets support up to it; top-up is asked for above it)."""
    return bar_chart(
        "spend", "Cost of support this budget year against the threshold",
        [("Delivered to date", spend.spent, money(spend.spent)),
         ("Projected for the year", spend.projected, money(spend.projected))],
        line=(f"the {money(spend.threshold)} threshold", spend.threshold))


def _cost_chart(slug: str, title: str, lines: list[Line]) -> BarChart:
    return bar_chart(slug, title, [(line.label, line.cost, money(line.cost)) for line in lines])


def map_charts(found: ProvisionMap) -> tuple[BarChart, BarChart]:
    """Planned cost by the pupil's area of need, and by year group."""
    return (_cost_chart("cost-by-need", "Planned cost by the pupil's area of need",
                        found.by_need_area),
            _cost_chart("cost-by-year", "Planned cost by year group", found.by_year_group))
