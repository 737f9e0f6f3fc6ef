"""What works and what it costs: each intervention's pupils, sessions delivered against
planned, outcomes achieved or exceeded of those rated, cost and cost per outcome achieved,
checked against figures worked by hand; the same cost as the provision map's; filters,
downloads and refusals."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from apps.money.provision_map import provision_map
from apps.money.selectors import year_rules
from apps.money.what_works import what_works
from apps.plans import services as plans
from apps.plans.rules import Stage
from apps.reviews import services as reviews
from apps.schools.tenancy import school_scope

from .factories import ProvisionTypeFactory
from .plans_helpers import planned_cycle

pytestmark = pytest.mark.django_db

# Two school weeks of the autumn term, and a day after them from which the figures are read.
START, END = datetime.date(2026, 11, 2), datetime.date(2026, 11, 13)
TODAY = datetime.date(2026, 12, 3)


def run(world, pupil, kind, *, delivered: int, ratings: list[str], absent: int = 0,
        also=None):
    """``pupil`` has ``kind`` one to one, three 30-minute sessions a week from START to END,
    with ``delivered`` sessions recorded (and ``absent`` more), and an outcome for each of
    ``ratings``, rated so at the review. ``also``: another intervention in the same cycle,
    for no outcome, with one session delivered."""
    cycle, provision = planned_cycle(world, pupil, opened_on=START, review_date=END,
                                     kind=kind, outcomes=len(ratings))
    with school_scope(world.school):
        for n in range(delivered + absent):
            plans.session_record(provision=provision, actor=world.ta,
                                 date=START + datetime.timedelta(days=n),
                                 status="delivered" if n < delivered else "absent",
                                 **({"reason": "Ill"} if n >= delivered else {}))
        if also is not None:
            other = plans.provision_save(cycle=cycle, actor=world.senco, provision_type=also,
                                         start_date=START, end_date=END)
            plans.session_record(provision=other, actor=world.ta, date=START)
        plans.cycle_move(cycle=cycle, actor=world.senco, to=Stage.REVIEW)
        reviews.review_save(
            cycle=cycle, actor=world.senco, held_on=END, attendees="SENCO",
            parents_attended=True, next_step="continue",
            ratings=[{"outcome": outcome, "rating": rating, "evidence": "Observed"}
                     for outcome, rating in zip(cycle.outcomes.order_by("pk"), ratings,
                                                strict=True)])


@pytest.fixture
def worked(school_a):
    reading = ProvisionTypeFactory(school=school_a.school, name="Reading Recovery",
                                   usual_group_size=1)
    lego = ProvisionTypeFactory(school=school_a.school, name="Lego therapy",
                                usual_group_size=1, need_area="semh")
    first, second = school_a.pupils[0], school_a.pupils[1]  # SLCN, Year 3; SEMH, Year 5
    run(school_a, first, reading, delivered=4, absent=1, ratings=["achieved", "partly"])
    run(school_a, second, reading, delivered=2, ratings=["exceeded"], also=lego)
    return school_a, reading, lego


def figures(world, **filters):
    with school_scope(world.school):
        return what_works(year_rules(world.school, START), TODAY, **filters)


def test_the_figures_match_those_worked_by_hand(worked):
    world, reading, _ = worked
    found = figures(world)
    line = {row.name: row for row in found.rows}["Reading Recovery"]
    # Two pupils. Planned: three a week for two school weeks each, 12; delivered 4 + 2.
    assert line.pupil_count == 2 and line.planned == Decimal(12)
    assert line.delivered_sessions == 6 and line.delivered_percent == 50
    # Achieved or exceeded: 2 of the 3 rated.
    assert (line.achieved, line.rated) == (2, 3)
    # Cost: six delivered half-hours of a teaching assistant at £13.04 an hour.
    assert line.cost == Decimal("39.12") and line.cost_per_achieved == Decimal("19.56")
    assert line.few  # two pupils
    lego = {row.name: row for row in found.rows}["Lego therapy"]
    assert (lego.pupil_count, lego.planned, lego.delivered_sessions, lego.rated) == (
        1, Decimal(6), 1, 0)
    assert lego.cost == Decimal("6.52") and lego.cost_per_achieved is None
    total = found.total
    assert (total.pupil_count, total.achieved, total.rated, total.cost) == (
        2, 2, 3, Decimal("45.64"))
    with school_scope(world.school):
        mapped = provision_map(world.school, year_rules(world.school, START), TODAY)
    assert {m.label: m.delivered_cost for m in mapped.by_provision}["Reading Recovery"] == (
        line.cost)  # the provision map's figure for the same thing


def test_filters_by_year_group_and_need_area(worked):
    world, _, _ = worked
    line = figures(world, need_area="communication").rows[0]  # the first pupil's only
    assert (line.pupil_count, line.delivered_sessions, line.achieved, line.rated) == (
        1, 4, 1, 2)
    assert line.cost == Decimal("26.08") and line.cost_per_achieved == Decimal("26.08")
    line = {row.name: row for row in figures(world, year_group=5).rows}["Reading Recovery"]
    assert (line.pupil_count, line.cost, line.cost_per_achieved) == (
        1, Decimal("13.04"), Decimal("13.04"))
    assert figures(world, year_group=9).rows == []


def test_the_page_and_its_downloads_show_the_same_figures(worked, as_user):
    world, _, _ = worked
    client = as_user(world.senco)
    with school_scope(world.school):
        year = year_rules(world.school, START).period.start
    url = f"/s/{world.school.slug}/money/what-works/?year={year.isoformat()}"
    page = client.get(url).content.decode()
    assert "Reading Recovery" in page and "£39.12" in page and "£19.56" in page
    assert "6 of 12 (50%)" in page and "2 of 3" in page and "Few pupils" in page
    assert "Ratings are the teachers&#x27; judgements" in page
    rows = list(csv.reader(io.StringIO(client.get(url + "&download=csv").content.decode())))
    assert rows[2][:9] == ["Reading Recovery", "2", "12", "6", "50", "3", "2", "39.12",
                           "19.56"]
    book = load_workbook(io.BytesIO(client.get(url + "&download=xlsx").content))
    sheet = book["What works"]
    assert [cell.value for cell in sheet[3]][:9] == [
        "Reading Recovery", 2, 12, 6, 50, 3, 2, 39.12, 19.56]


@pytest.mark.parametrize("query", ["need_area=hearts", "year_group=14", "year=2026-13-01",
                                   "year=2026-11-02", "download=pdf"])
def test_a_filter_that_does_not_exist_is_refused(worked, as_user, query):
    world, _, _ = worked
    response = as_user(world.senco).get(
        f"/s/{world.school.slug}/money/what-works/?{query}")
    assert response.status_code in (400, 404)


def test_a_teacher_cannot_see_it(school_a, as_user):
    response = as_user(school_a.teacher).get(f"/s/{school_a.school.slug}/money/what-works/")
    assert response.status_code == 403


def test_the_api_gives_the_page_figures(worked, api_as):
    world, _, _ = worked
    api = api_as(world.senco)
    url = f"/api/v1/schools/{world.school.slug}/money/what-works/?year=2026-11-02"
    body = api.get(url).json()
    line = next(r for r in body["interventions"] if r["intervention"] == "Reading Recovery")
    assert (line["pupils"], line["sessions_planned"], line["sessions_delivered"],
            line["outcomes_achieved"], line["outcomes_rated"], line["cost"],
            line["cost_per_outcome_achieved"]) == (2, "12", 6, 2, 3, "39.12", "19.56")
    assert body["total"]["cost"] == "45.64"
    refused = api.get(url + "&need_area=hearts")
    assert refused.status_code == 400 and refused.json()["errors"][0]["attr"] == "need_area"
    assert api_as(world.teacher).get(url).status_code == 403
