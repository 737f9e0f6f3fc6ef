"""The pictures: bar charts drawn on the server with every figure in words and in a table.
The arithmetic of a chart, a pupil's outcomes across cycles and their year's cost against
the threshold, and the provision map's cost by need and year group."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.reviews import services as reviews
from apps.schools.tenancy import school_scope
from backend.charts import VALUE_ROOM, WIDTH, bar_chart

from .plans_helpers import planned_cycle

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def test_the_longest_bar_or_the_line_reaches_the_margin_and_the_words_say_it_all():
    chart = bar_chart("c", "Pupils by stage", [("Assess", 2, "2 pupils"),
                                               ("Plan", 4, "4 pupils"),
                                               ("Do", 0, "no pupils")])
    assert [bar.length for bar in chart.bars] == [(WIDTH - VALUE_ROOM) // 2,
                                                  WIDTH - VALUE_ROOM, 0]
    assert chart.description == "Assess: 2 pupils; Plan: 4 pupils; Do: no pupils."
    marked = bar_chart("m", "Cost", [("Projected", Decimal("3000.00"), "£3,000.00")],
                       line=("the £6,000.00 threshold", Decimal("6000.00")))
    assert marked.line.x == WIDTH - VALUE_ROOM and marked.bars[0].length == marked.line.x // 2
    assert marked.description.endswith("The line marks the £6,000.00 threshold.")
    assert bar_chart("e", "Nothing", []).description == "Nothing to show."


@pytest.mark.django_db
def test_the_pupil_page_draws_an_outcome_across_cycles_and_the_cost_against_the_threshold(
        school_a, as_user):
    cycle, _ = planned_cycle(school_a, opened_on=TODAY - 90 * DAY, review_date=TODAY - 2 * DAY,
                             stage="review")
    with school_scope(school_a.school):
        outcome = cycle.outcomes.get()
        reviews.review_save(
            cycle=cycle, actor=school_a.senco, held_on=TODAY - 2 * DAY, attendees="SENCO",
            parents_attended=True, next_step="continue",
            ratings=[{"outcome": outcome, "rating": "partly", "evidence": "Observed",
                      "achieved_value": Decimal("2.5")}])
        reviews.cycle_close(cycle=cycle, actor=school_a.senco)
    page = as_user(school_a.senco).get(
        f"/s/{school_a.school.slug}/pupils/{school_a.pupil.pk}/").content.decode()
    assert "Progress towards the current outcomes" in page
    # Carried forward: cycle 1's start and what its review found, then cycle 2's start.
    assert ("Cycle 1: at the start: 1; Cycle 1: reached at the review: 2.5; "
            "Cycle 2: at the start: 1. The line marks the target, 4.") in page
    assert "The line marks the £6,000.00 threshold." in page
    assert page.count('role="img"') == 2


@pytest.mark.django_db
def test_the_provision_map_draws_cost_by_need_and_year_group(school_a, as_user):
    planned_cycle(school_a, opened_on=TODAY - 30 * DAY, review_date=TODAY + 30 * DAY)
    page = as_user(school_a.senco).get(
        f"/s/{school_a.school.slug}/money/provision-map/").content.decode()
    assert 'aria-labelledby="cost-by-need-title cost-by-need-desc"' in page
    assert 'aria-labelledby="cost-by-year-title cost-by-year-desc"' in page
    assert "Communication and interaction: £" in page and "Year 3: £" in page
