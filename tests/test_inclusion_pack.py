"""The inclusion pack for inspection: a pupil's journey (needs, each cycle's outcomes and
ratings, support delivered against planned, spend, views, what changed), and the
school's figures for a period; both dated, produced again for a past day, and never
showing a count of fewer than 5 in the school's figures."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from apps.caseload.inclusion_pack import pupil_pack, school_pack
from apps.caseload.information_report import count
from apps.money.selectors import spend_by_pupil
from apps.plans.models import Cycle, DeliveredSession
from apps.pupils.models import SenProvisionRecord
from apps.reviews.models import Review
from apps.schools.calendar import Period
from apps.schools.models import Membership, School
from apps.schools.tenancy import school_scope

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    school = School.objects.get(slug="oakfield-primary")
    with school_scope(school):  # a pupil with a reviewed cycle and one running
        cycle = Cycle.objects.filter(number=2, closed_on__isnull=True).select_related(
            "plan__pupil").order_by("pk").first()
    return school, cycle.plan.pupil, Membership.objects.get(school=school, role="senco").user


def test_a_demo_pupils_pack_tells_their_journey_on_the_page_and_in_a_pdf(demo, as_user):
    school, pupil, senco = demo
    client = as_user(senco)
    address = f"/s/{school.slug}/pupils/{pupil.pk}/inclusion-pack/"
    page = client.get(address).content.decode().replace("&#x27;", "'")
    with school_scope(school):
        cycles = list(Cycle.objects.filter(plan__pupil=pupil).order_by("number"))
        outcomes = {c.pk: [o.description for o in c.outcomes.all()] for c in cycles}
        review = Review.objects.get(cycle=cycles[0])
        delivered = DeliveredSession.objects.filter(
            provision__cycle__plan__pupil=pupil, status="delivered").count()
        spend = spend_by_pupil([pupil.pk], school)[pupil.pk]
        pack = pupil_pack(pupil, school)
    assert f"Inclusion pack: {pupil.full_name}" in page
    for cycle in cycles:
        assert f"Cycle {cycle.number}: {cycle.opened_on:%-d %B %Y}" in page
        for description in outcomes[cycle.pk]:
            assert description in page
    assert f"Reviewed on {review.held_on:%-d %B %Y}" in page
    assert review.get_next_step_display() in page  # what changed as a result
    assert sum(item.delivered for c in pack.cycles for item in c.support) == delivered
    assert f"£{spend.spent:,.2f} delivered to" in page  # the costing the money pages use
    pdf = client.get(address, {"download": "pdf"})
    reader = PdfReader(io.BytesIO(pdf.content))
    assert "/StructTreeRoot" in reader.trailer["/Root"] and len(reader.pages) <= 4
    assert f"Inclusion pack: {pupil.full_name}" in reader.pages[0].extract_text()


def test_a_past_day_gives_the_pack_as_the_records_then_stood(demo, as_user):
    school, pupil, senco = demo
    with school_scope(school):
        first, second = Cycle.objects.filter(plan__pupil=pupil).order_by("number")[:2]
        review = Review.objects.get(cycle=first)
        before_review = review.held_on - datetime.timedelta(days=1)
        then = pupil_pack(pupil, school, on=before_review)
    assert [c.number for c in then.cycles] == [1]  # the second had not begun
    assert then.cycles[0].review is None and then.cycles[0].closed_on is None
    assert all(o.rating == "" for o in then.cycles[0].outcomes)
    page = as_user(senco).get(f"/s/{school.slug}/pupils/{pupil.pk}/inclusion-pack/",
                              {"on": before_review.isoformat()}).content.decode()
    assert f"as the records stood on {before_review:%-d %B %Y}" in page
    assert f"Cycle {second.number}:" not in page


def test_the_schools_figures_for_a_period_count_without_showing_fewer_than_five(
        demo, as_user):
    school, _, senco = demo
    start = datetime.date(TODAY.year if TODAY.month >= 9 else TODAY.year - 1, 9, 1)
    with school_scope(school):
        pack = school_pack(school, Period(start, TODAY))
        reviews = Review.objects.filter(held_on__range=(start, TODAY)).count()
        # Counted another way: each pupil's open status now, by year group.
        by_year = {}
        for year, status in SenProvisionRecord.objects.filter(
                ended_on__isnull=True, status__in=["K", "E"],
                pupil__left_on__isnull=True).values_list("pupil__year_group", "status"):
            by_year.setdefault(year, []).append(status)
    assert pack.reviews[0] == f"Reviews held: {count(reviews, 'review')}."
    assert [row.cells for row in pack.by_year] == [
        [count(statuses.count("K"), "pupil"), count(statuses.count("E"), "pupil")]
        for _, statuses in sorted(by_year.items())]
    client = as_user(senco)
    page = client.get(f"/s/{school.slug}/inclusion/").content.decode()
    assert "Pupils on the SEN register on" in page and "Interventions and their impact" in page
    assert not re.search(r"\b[1-4] pupils?\b", page)
    pdf = client.get(f"/s/{school.slug}/inclusion/", {"download": "pdf"})
    assert "/StructTreeRoot" in PdfReader(io.BytesIO(pdf.content)).trailer["/Root"]
    for bad in ({"from": "last year"}, {"from": "2026-09-10", "to": "2026-09-01"}):
        assert client.get(f"/s/{school.slug}/inclusion/", bad).status_code == 400


def test_only_those_accountable_for_sen_across_the_school_open_the_pack(
        school_a, as_user):
    pupil = school_a.pupil
    for person, expected in ((school_a.senco, 200), (school_a.head, 200),
                             (school_a.teacher, 403)):
        response = as_user(person).get(
            f"/s/{school_a.school.slug}/pupils/{pupil.pk}/inclusion-pack/")
        assert response.status_code == expected
    # A pupil with no cycle yet: the pack says so.
    page = as_user(school_a.senco).get(
        f"/s/{school_a.school.slug}/pupils/{pupil.pk}/inclusion-pack/").content.decode()
    assert "No cycle of SEN support had begun by" in page


def test_a_pupils_pack_reads_the_same_queries_however_much_support_they_had(demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.plans.models import Provision

    school, pupil, _ = demo

    def queries():
        with school_scope(school), CaptureQueriesContext(connection) as seen:
            pupil_pack(pupil, school)
        return len(seen)

    queries()  # once to warm what is read once a process (the calendar's defaults)
    before = queries()
    with school_scope(school):
        extra = Provision.objects.filter(cycle__plan__pupil=pupil).first()
        for _ in range(3):  # more support, each delivered by a named member of staff
            extra.pk = None
            extra.save()
    assert queries() == before
