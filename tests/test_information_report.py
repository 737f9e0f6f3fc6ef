"""The SEN information report: every heading of Schedule 1, the figures drawn from the
records (checked against the demo school's data counted another way), no count of fewer
than 5 pupils shown as a number, the school's words saved per year, a past day's report
produced again, and a year with nothing recorded said so."""

import datetime
import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone
from pypdf import PdfReader

from apps.caseload.information_report import count, share
from apps.caseload.models import InformationReport
from apps.caseload.rules import SCHEDULE_1
from apps.plans.models import ProvisionType
from apps.pupils.models import Pupil, SenProvisionRecord
from apps.pupils.rules import NEED_AREA_OF, NeedArea
from apps.reviews.models import Review
from apps.schools.models import Membership, School
from apps.schools.tenancy import school_scope

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def page_of(client, school, **query):
    response = client.get(f"/s/{school.slug}/sen-information-report/", query)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode().replace("&#x27;", "'")


def test_counts_of_fewer_than_five_are_never_numbers():
    assert [count(n, "pupil") for n in (0, 1, 4, 5, 12)] == [
        "no pupils", "fewer than 5 pupils", "fewer than 5 pupils", "5 pupils", "12 pupils"]
    assert share(3, 40) is None and share(37, 40) is None and share(6, 4) is None
    assert share(20, 40) == "50%"


def test_the_demo_schools_report_for_this_year_has_every_heading_and_its_figures(as_user):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    school = School.objects.get(slug="oakfield-primary")
    senco = Membership.objects.get(school=school, role="senco").user
    with school_scope(school):  # counted another way: each pupil's status now
        on_roll = Pupil.objects.filter(left_on__isnull=True)
        status = dict(SenProvisionRecord.objects.filter(ended_on__isnull=True, pupil__in=on_roll)
                      .values_list("pupil_id", "status"))
        needs = dict(on_roll.values_list("pk", "primary_need"))
        on_register = [pk for pk, s in status.items() if s in ("K", "E")]
        areas = Counter(NEED_AREA_OF.get(needs[pk], "") for pk in on_register)
        year_start = datetime.date(TODAY.year if TODAY.month >= 9 else TODAY.year - 1, 9, 1)
        reviews = Review.objects.filter(held_on__range=(year_start, TODAY)).count()
        library = list(ProvisionType.objects.values_list("name", flat=True))
    support = sum(1 for pk in on_register if status[pk] == "K")
    page = page_of(as_user(senco), school)
    for _, paragraph, title in SCHEDULE_1:
        assert f"{paragraph}. {title}" in page
    assert (f"On the SEN register: {count(support, 'pupil')} on SEN support and "
            f"{count(len(on_register) - support, 'pupil')} with an education, health and "
            "care plan.") in page
    for area in NeedArea.values:
        if areas[area]:
            assert f"{NeedArea(area).label}: {count(areas[area], 'pupil')} whose main" in page
    assert f"held this year: {count(reviews, 'review')}" in page
    assert "Our SENCO: Sam Okafor, senco@oakfield.example" in page
    adaptations = page[page.index("3(d). "):page.index("3(e). ")]
    assert library and all(name in adaptations for name in library)
    # No count of 1 to 4 appears as a number beside "pupil".
    assert not re.search(r"\b[1-4] pupils?\b", page)

    client = as_user(senco)
    pdf = client.get(f"/s/{school.slug}/sen-information-report/", {"download": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, for screen readers
    for _, paragraph, _ in SCHEDULE_1:
        assert f"{paragraph}. " in text
    html = client.get(f"/s/{school.slug}/sen-information-report/", {"download": "html"})
    assert 'filename="sen-information-report-' in html["Content-Disposition"]
    document = html.content.decode().replace("&#x27;", "'")
    assert document.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in document
    for _, paragraph, title in SCHEDULE_1:
        assert f"{paragraph}. {title}" in document


def test_a_small_school_shows_fewer_than_five_not_the_number(school_a, as_user):
    page = page_of(as_user(school_a.senco), school_a.school)
    # Two pupils are on SEN support in the fixture's school.
    assert "On the SEN register: fewer than 5 pupils on SEN support" in page
    assert not re.search(r"\b[1-4] pupils?\b", page)


def test_a_past_day_gives_the_report_as_the_records_then_stood(school_a, as_user):
    with school_scope(school_a.school):
        first = SenProvisionRecord.objects.filter(status="K").order_by("started_on").first()
    before = first.started_on - datetime.timedelta(days=1)
    client = as_user(school_a.senco)
    then = page_of(client, school_a.school, year=str(before.year if before.month >= 9
                                                      else before.year - 1),
                   on=before.isoformat())
    assert "On the SEN register: no pupils on SEN support" in then
    assert page_of(client, school_a.school).count("fewer than 5 pupils on SEN support") == 1


def test_a_year_with_nothing_recorded_says_so(school_a, as_user):
    page = page_of(as_user(school_a.senco), school_a.school, year="2019")
    assert "There are no records for 2019 to 2020" in page
    assert "SEN information report 2019 to 2020" in page
    client = as_user(school_a.senco)
    for bad in ("1999", "next", str(TODAY.year + 1)):
        assert client.get(f"/s/{school_a.school.slug}/sen-information-report/",
                          {"year": bad}).status_code == 404
    assert client.get(f"/s/{school_a.school.slug}/sen-information-report/",
                      {"on": "yesterday"}).status_code == 404


def test_the_schools_words_are_saved_for_their_year_and_refused_when_too_long(
        school_a, as_user):
    client = as_user(school_a.senco)
    address = f"/s/{school_a.school.slug}/sen-information-report/words/?year=2025"
    words = {"teaching": "Quality first teaching in every class.\n\nSmall steps.",
             "expertise": "Two teaching assistants trained in Talk Boost."}
    assert client.post(address, words).status_code == 302
    page = page_of(client, school_a.school, year="2025")
    assert "Quality first teaching in every class." in page and "Small steps." in page
    assert "Talk Boost" not in page_of(client, school_a.school, year="2024")
    too_long = client.post(address, {"teaching": "x" * 4001})
    assert too_long.status_code == 200 and "Keep this to 4,000 characters or fewer" in (
        too_long.content.decode())
    with school_scope(school_a.school):
        assert InformationReport.objects.get(year=2025).words["teaching"].startswith("Quality")
        from apps.audit.models import Entry  # who changed the published words, and when
        assert Entry.objects.filter(content_type__model="informationreport",
                                    actor=school_a.senco).exists()
    # The head writes it too; a teacher may neither write nor read it.
    assert as_user(school_a.head).get(address).status_code == 200
    teacher = as_user(school_a.teacher)
    assert teacher.get(address).status_code == 403
    assert teacher.get(f"/s/{school_a.school.slug}/sen-information-report/").status_code == 403


def test_the_report_counts_only_this_schools_records(school_a, school_b, as_user):
    with school_scope(school_b.school):
        for pupil in Pupil.objects.all():
            SenProvisionRecord.objects.filter(pupil=pupil).update(status="K")
    page = page_of(as_user(school_a.senco), school_a.school)
    with school_scope(school_a.school):
        mine = SenProvisionRecord.objects.filter(
            Q(ended_on__isnull=True), status="K").count()
    assert mine < 5 and "fewer than 5 pupils on SEN support" in page


def test_the_report_reads_the_same_number_of_queries_however_many_pupils(school_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.caseload.information_report import report
    from apps.schools.calendar import school_year

    from .factories import PupilFactory

    def queries():
        with school_scope(school_a.school), CaptureQueriesContext(connection) as seen:
            report(school_a.school, school_year(TODAY))
        return len(seen)

    few = queries()
    for _ in range(6):
        PupilFactory(school=school_a.school, sen_status="K", primary_need="SLCN")
    assert queries() == few
