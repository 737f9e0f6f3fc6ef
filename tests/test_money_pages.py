"""Money through the API and on pages: isolation, the provision map and its exports, and
a top-up request from draft to approval with its PDF."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.money.models import TopUpRequest
from apps.schools.tenancy import school_scope

from .factories import ProvisionTypeFactory
from .plans_helpers import planned_cycle

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def heavy(world, pupil=None, hours="30"):
    """``hours`` of one-to-one TA time a week, planned for the whole budget year."""
    from apps.money.selectors import year_rules
    from apps.plans.models import Provision

    with school_scope(world.school):
        year = year_rules(world.school).period
    kind = ProvisionTypeFactory(school=world.school, name=f"One-to-one {hours}",
                                usual_group_size=1, usual_minutes=60,
                                usual_sessions_per_week=Decimal(hours), staff_type="ta")
    cycle, provision = planned_cycle(world, pupil, kind=kind, opened_on=year.start,
                                     review_date=TODAY + datetime.timedelta(weeks=8))
    with school_scope(world.school):
        Provision.objects.filter(pk=provision.pk).update(end_date=year.end)
        provision.refresh_from_db()
    return cycle, provision


def draft(world):
    from apps.money import services

    with school_scope(world.school):
        return services.top_up_draft(pupil=world.pupil, actor=world.senco)


MONEY_LISTS = ["money/settings/", "money/budgets/", "money/spend/", "money/provision-map/",
               "money/top-ups/"]


def test_teachers_and_parents_do_not_see_money(school_a, api_as, as_user):
    for role in ("teacher", "ta", "parent"):
        assert api_as(school_a.people[role]).get(
            f"/api/v1/schools/{school_a.school.slug}/money/spend/").status_code == 403
        page = as_user(school_a.people[role]).get(
            f"/s/{school_a.school.slug}/pupils/").content.decode()
        assert "Cost this year" not in page


def test_the_register_shows_and_filters_spend_state(school_a, api_as, as_user):
    heavy(school_a)
    api = api_as(school_a.senco)
    url = f"/api/v1/schools/{school_a.school.slug}/pupils/"
    rows = api.get(url, {"spend": "over"}).json()["results"]
    assert [r["id"] for r in rows] == [school_a.pupil.pk] and rows[0]["spend_state"] == "over"
    assert school_a.pupil.pk not in [r["id"] for r in api.get(url, {"spend": "under"})
                                     .json()["results"]]
    page = as_user(school_a.senco).get(f"/s/{school_a.school.slug}/pupils/",
                                       {"spend": "over"}).content.decode()
    assert "1 pupil" in page and school_a.pupil.upn in page


def test_a_top_up_request_from_draft_to_approval_through_the_api(school_a, api_as):
    heavy(school_a)
    api = api_as(school_a.senco)
    base = f"/api/v1/schools/{school_a.school.slug}/money/top-ups"
    created = api.post(f"{base}/", {"pupil": school_a.pupil.pk}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert Decimal(body["amount_requested"]) == (Decimal(body["projected_cost"])
                                                 - Decimal("6000.00"))
    refused = api.post(f"{base}/{body['id']}/approve/", {"on": TODAY.isoformat()},
                       format="json")
    assert refused.status_code == 400
    assert api.post(f"{base}/{body['id']}/submit/", {"on": TODAY.isoformat()},
                    format="json").status_code == 200
    no_amount = api.post(f"{base}/{body['id']}/approve/", {"on": TODAY.isoformat()},
                         format="json")
    assert {e["attr"] for e in no_amount.json()["errors"]} >= {"approved_amount"}
    approved = api.post(f"{base}/{body['id']}/approve/", {
        "on": TODAY.isoformat(), "approved_amount": "3000.00",
        "period_start": TODAY.isoformat(),
        "period_end": (TODAY + datetime.timedelta(days=200)).isoformat()}, format="json")
    assert approved.json()["status"] == "approved"
    spend = api.get(f"/api/v1/schools/{school_a.school.slug}/money/spend/",
                    {"state": "over"}).json()["results"][0]
    assert spend["top_up_income"] == "3000.00"
    pdf = api.get(f"{base}/{body['id']}/pdf/")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Request for top-up funding" in text and school_a.pupil.upn in text
    assert "One-to-one 30" in text and "Page 1 of" in text


def test_the_provision_map_and_its_exports(school_a, as_user, api_as):
    heavy(school_a)
    planned_cycle(school_a, school_a.pupils[1])
    from apps.money import services

    with school_scope(school_a.school):
        from apps.money.selectors import year_rules

        services.sen_budget_save(school=school_a.school, actor=school_a.senco,
                                 year_start=year_rules(school_a.school).period.start,
                                 amount=Decimal("50000"))
    data = api_as(school_a.senco).get(
        f"/api/v1/schools/{school_a.school.slug}/money/provision-map/").json()
    assert data["totals"]["pupils"] == 1  # only provision running this budget year counts
    assert data["totals"]["budget"] == "50000.00"
    client = as_user(school_a.senco)
    url = f"/s/{school_a.school.slug}/money/provision-map/"
    page = client.get(url).content.decode()
    assert "By provision" in page and "One-to-one 30" in page
    rows = list(csv.reader(io.StringIO(client.get(url, {"download": "csv"}).content.decode())))
    assert rows[0][0] == "Pupil" and rows[1][5] == "One-to-one 30"
    book = load_workbook(io.BytesIO(client.get(url, {"download": "xlsx"}).content))
    assert book.sheetnames == ["Totals", "By provision", "By pupil", "By area of need",
                               "By intervention's area", "By year group", "Detail"]
    assert book["By provision"]["A2"].value == "One-to-one 30"
    pdf = PdfReader(io.BytesIO(client.get(url, {"download": "pdf"}).content))
    assert "Provision map" in pdf.pages[0].extract_text()
    assert client.get(url, {"download": "exe"}).status_code == 404


def test_money_pages_for_the_senco(school_a, as_user):
    heavy(school_a)
    client = as_user(school_a.senco)
    s = f"/s/{school_a.school.slug}"
    overview = client.get(f"{s}/money/").content.decode()
    assert school_a.pupil.last_name in overview and "Over" in overview
    bad = client.post(f"{s}/money/settings/", {
        "effective_from": TODAY.isoformat(), "teacher_rate": "38", "ta_rate": "-5",
        "specialist_rate": "55", "threshold": "0",
        "approaching_percent": "80", "budget_year": "academic"}).content.decode()
    assert "There is a problem" in bad and "between 1.00 and 100000.00" in bad
    assert "0.01 and 250" in bad
    page = client.get(f"{s}/pupils/{school_a.pupil.pk}/").content.decode()
    assert "Draft a top-up request" in page
    response = client.post(f"{s}/pupils/{school_a.pupil.pk}/top-up/new/",
                           {"amount_requested": "", "reason": ""}, follow=True)
    assert "The top-up request has been drafted" in response.content.decode()
    with school_scope(school_a.school):
        request = TopUpRequest.objects.get()
    client.post(f"{s}/money/top-ups/{request.pk}/submit/", {"on": TODAY.isoformat()})
    twice = client.post(f"{s}/money/top-ups/{request.pk}/submit/", {"on": TODAY.isoformat()})
    assert "it cannot be submitted" in twice.content.decode()
