"""One pupil's money, through every surface that shows it: the provision map (page and
API), the pupil page, the spend API, a top-up request with its PDF, and the evidence bundle
for an EHC needs assessment. Worked examples (docs/money.md) pinned to the penny, on a
fixed day, with the default calendar for 2026 to 2027: autumn 7 September to 18 December
(half term 26-30 October), spring 4 January to 26 March, summer 12 April to 23 July (half
term 31 May to 4 June)."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from apps.escalation.services import evidence_bundle
from apps.money import services as money
from apps.plans import services as plans
from apps.pupils.models import Pupil
from apps.schools.tenancy import school_scope

from .factories import ProvisionTypeFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 2)


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def provision(world, *, start, end, sessions="1", minutes=60, group=1, delivered=()):
    """A one-to-one TA provision in an open cycle, with sessions delivered on ``delivered``."""
    kind = ProvisionTypeFactory(school=world.school, name="Precision teaching",
                                need_area="cognition", usual_group_size=group)
    with school_scope(world.school):
        Pupil.objects.filter(pk=world.pupil.pk).update(primary_need="SPLD")
        cycle = plans.plan_start(pupil=world.pupil, actor=world.senco,
                                 opened_on=start).cycles.get()
        made = plans.provision_save(
            cycle=cycle, actor=world.senco, provision_type=kind, staff_type="ta",
            sessions_per_week=Decimal(sessions), minutes_per_session=minutes,
            group_size=group, start_date=start, end_date=end)
        for day in delivered:
            plans.session_record(provision=made, actor=world.ta, date=day)
    return made


def pounds(text):
    return Decimal(text.replace(",", ""))


def everywhere(world, client, api) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """(planned, delivered to date, projected) for the pupil, from each surface."""
    pupil = world.pupil
    slug = world.school.slug
    found = {}
    data = api.get(f"/api/v1/schools/{slug}/money/provision-map/").json()
    line = next(li for li in data["by_pupil"] if li["label"] == f"{pupil.last_name}, "
                                                              f"{pupil.first_name}")
    found["map API"] = tuple(pounds(line[k]) for k in
                             ("planned_cost", "delivered_cost", "projected_cost"))
    page = client.get(f"/s/{slug}/money/provision-map/").content.decode()
    row = re.search(rf"{re.escape(pupil.last_name)}, {re.escape(pupil.first_name)}</th>"
                    r"(.*?)</tr>", page, re.S)[1]
    found["map page"] = tuple(pounds(x) for x in re.findall(r"£([\d,]+\.\d\d)", row))
    spend = next(r for r in api.get(f"/api/v1/schools/{slug}/money/spend/").json()["results"]
                 if r["pupil"] == pupil.pk)
    found["spend API"] = (pounds(spend["planned"]), pounds(spend["spent"]),
                          pounds(spend["projected"]))
    page = client.get(f"/s/{slug}/pupils/{pupil.pk}/").content.decode()
    found["pupil page"] = tuple(pounds(re.search(
        rf"{label}</dt><dd class=\"govuk-summary-list__value\">£([\d,]+\.\d\d)", page)[1])
        for label in ("Planned for the year", "Delivered to date", "Projected"))
    with school_scope(world.school):
        bundle = evidence_bundle(Pupil.objects.get(pk=pupil.pk))["money"]
        found["evidence bundle"] = (bundle["planned"], bundle["spent"], bundle["projected"])
        request = money.top_up_draft(pupil=Pupil.objects.get(pk=pupil.pk), actor=world.senco,
                                     amount=Decimal("1.00"), reason="A worked example.")
    lines = request.evidence["provisions"]
    found["top-up request"] = tuple(sum((pounds(p[k]) for p in lines), Decimal("0.00"))
                                    for k in ("planned_cost", "delivered_cost",
                                              "projected_cost"))
    assert request.projected_cost == found["top-up request"][2]
    pdf = client.get(f"/s/{slug}/money/top-ups/{request.pk}/pdf/").content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    total = re.search(r"Total £([\d,]+\.\d\d) £([\d,]+\.\d\d) £([\d,]+\.\d\d)", text)
    found["top-up PDF"] = tuple(pounds(x) for x in total.groups())
    return found


def agree(world, as_user, api_as, expected):
    found = everywhere(world, as_user(world.senco), api_as(world.senco))
    assert found == dict.fromkeys(found, tuple(Decimal(x) for x in expected)), found


def test_a_term_time_provision_across_a_half_term(school_a, as_user, api_as):
    # 19 October to 13 November: 15 school days, 3 sessions a week, 9 planned, of 30
    # minutes at £13.04: £58.68. Eight delivered (£52.16); it has ended, so nothing more
    # is projected.
    made = provision(school_a, start=D(2026, 10, 19), end=D(2026, 11, 13), sessions="3",
                     minutes=30, delivered=[D(2026, 10, d) for d in (19, 20, 21, 22, 23)]
                     + [D(2026, 11, d) for d in (2, 3, 4)])
    agree(school_a, as_user, api_as, ("58.68", "52.16", "52.16"))
    page = as_user(school_a.senco).get(
        f"/s/{school_a.school.slug}/cycles/{made.cycle_id}/").content.decode()
    assert "8 of 9 sessions" in page  # the dose counts the same school days


def test_a_provision_ending_before_the_year_end_is_projected_to_its_end(
        school_a, as_user, api_as):
    # 7 September to 31 May, an hour a week: 32 school weeks, £417.28 planned. Ten sessions
    # delivered (£130.40); still planned from 3 December: 102 school days to 28 May (31 May
    # is half term), 20.4 sessions, £266.02; projected £396.42, not to 31 August.
    provision(school_a, start=D(2026, 9, 7), end=D(2027, 5, 31),
              delivered=[D(2026, 9, 7) + datetime.timedelta(weeks=w) for w in range(10)])
    agree(school_a, as_user, api_as, ("417.28", "130.40", "396.42"))


def test_a_financial_year_school_across_1_april(school_a, as_user, api_as):
    with school_scope(school_a.school):
        money.cost_settings_save(school=school_a.school, actor=school_a.senco,
                                 effective_from=D(2026, 9, 1), budget_year="financial")
    # An hour a week all school year; the budget year is 1 April 2026 to 31 March 2027,
    # which holds the autumn and spring terms: 25 school weeks, £326.00. Nothing delivered;
    # still planned from 3 December to 31 March: 67 school days, £174.74.
    provision(school_a, start=D(2026, 9, 1), end=D(2027, 8, 31))
    agree(school_a, as_user, api_as, ("326.00", "0.00", "174.74"))


def test_a_mid_year_rate_change(school_a, as_user, api_as):
    with school_scope(school_a.school):
        for day, rate in ((D(2026, 9, 1), "12.00"), (D(2027, 1, 1), "15.00")):
            money.cost_settings_save(school=school_a.school, actor=school_a.senco,
                                     effective_from=day, ta_rate=Decimal(rate))
    # An hour a week all year: 14 autumn weeks at £12 and 25 at £15 = £543.00. Five
    # delivered in November at £12 (£60.00); still planned: 2.4 weeks of December at £12
    # and 25 at £15 (£403.80); projected £463.80.
    provision(school_a, start=D(2026, 9, 1), end=D(2027, 8, 31),
              delivered=[D(2026, 11, d) for d in (2, 9, 16, 23, 30)])
    agree(school_a, as_user, api_as, ("543.00", "60.00", "463.80"))


def test_staff_hours_count_each_provision_for_the_weeks_it_runs(school_a, as_user, api_as):
    """Eleven hours a week in the autumn, then eleven hours a week after it: 11 hours a
    week, not 22."""
    first = provision(school_a, start=D(2026, 9, 1), end=D(2026, 12, 31), sessions="11")
    with school_scope(school_a.school):
        plans.provision_save(
            cycle=first.cycle, actor=school_a.senco, provision_type=first.provision_type,
            staff_type="ta", sessions_per_week=Decimal("11"), minutes_per_session=60,
            group_size=1, start_date=D(2027, 1, 1), end_date=D(2027, 8, 31))
    data = api_as(school_a.senco).get(
        f"/api/v1/schools/{school_a.school.slug}/money/provision-map/").json()
    assert [line["staff_hours_a_week"] for line in data["by_pupil"]] == ["11.00"]
    assert data["totals"]["planned_cost"] == "5594.16"  # 11 × 39 weeks × £13.04
