"""My class: a class teacher sees every pupil on SEN support they teach with what helps
(the one-page profile), their outcomes and what runs this week, and prints all their
profiles; a teaching assistant sees the sessions they run this week, each a click from
being recorded. The page's reads do not grow with the class."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from apps.plans import services as plans
from apps.pupils import profile
from apps.pupils.models import Pupil
from apps.schools.models import Membership
from apps.schools.tenancy import school_scope

from .factories import PupilFactory
from .plans_helpers import planned_cycle

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def running(world, pupil, *, delivered_by):
    cycle, provision = planned_cycle(world, pupil, opened_on=TODAY - datetime.timedelta(30),
                                     review_date=TODAY + datetime.timedelta(30))
    with school_scope(world.school):
        plans.provision_save(cycle=cycle, actor=world.senco, instance=provision,
                             delivered_by=delivered_by, end_date=None)
        provision.refresh_from_db()
    return cycle, provision


def test_a_teacher_sees_their_class_with_what_helps_and_prints_the_profiles(school_a,
                                                                            as_user):
    taught, other = school_a.pupils[0], school_a.pupils[1]
    with school_scope(school_a.school):
        Pupil.objects.filter(pk=other.pk).update(class_name="4B")
        profile.profile_save(pupil=other, actor=school_a.senco,
                             **(dict.fromkeys(profile.FIELDS, "")
                                | {"what_helps": "A visual timetable on the desk."}))
    Membership.objects.filter(user=school_a.teacher).update(classes=["4B"])
    running(school_a, other, delivered_by=school_a.ta)
    client = as_user(school_a.teacher)
    page = client.get(f"/s/{school_a.school.slug}/my-class/").content.decode()
    assert other.full_name in page and taught.full_name in page  # class, and by hand
    assert "A visual timetable on the desk." in page
    assert "Follows a two-step instruction in class (1)" in page  # the current outcome
    assert f"with {school_a.ta.get_full_name()}" in page  # what runs this week
    assert school_a.pupils[2].full_name not in page  # not on SEN support
    pdf = client.get(f"/s/{school_a.school.slug}/my-class/profiles.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 1  # the one profile written


def test_a_ta_sees_the_sessions_they_run_and_records_one(school_a, as_user):
    pupil = school_a.pupils[1]  # not linked to the TA: seen because the TA delivers
    cycle, provision = running(school_a, pupil, delivered_by=school_a.ta)
    client = as_user(school_a.ta)
    page = client.get(f"/s/{school_a.school.slug}/my-class/").content.decode()
    assert "Sessions you run this week" in page and pupil.full_name in page
    record = f"/s/{school_a.school.slug}/cycles/{cycle.pk}/sessions/new/?provision={provision.pk}"
    assert record.replace("&", "&amp;") in page
    form = client.get(record).content.decode()
    assert f'value="{provision.pk}" selected' in form
    client.post(record, {"provision": provision.pk, "date": TODAY.isoformat(),
                         "status": "delivered"})
    page = client.get(f"/s/{school_a.school.slug}/my-class/").content.decode()
    assert "1 of 3" in page  # recorded this week, of three a week


def test_my_class_reads_the_same_number_of_times_however_many_pupils(school_a, as_user):
    Membership.objects.filter(user=school_a.teacher).update(classes=["5C"])
    client = as_user(school_a.teacher)
    url = f"/s/{school_a.school.slug}/my-class/"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for pupil in school_a.pupils[:2]:
        with school_scope(school_a.school):
            Pupil.objects.filter(pk=pupil.pk).update(class_name="5C")
        running(school_a, pupil, delivered_by=school_a.ta)
    few = queries()
    more = [PupilFactory(
        school=school_a.school, class_name="5C", primary_need="MLD", sen_status="K")
        for _ in range(3)]
    for pupil in more:
        running(school_a, pupil, delivered_by=school_a.ta)
    assert queries() == few
