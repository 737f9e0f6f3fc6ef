"""Parents are formally notified when their child starts SEN support (Code 6.43), once."""

import datetime
import time

import pytest
from django.core import mail

from apps.pupils import notices, services
from apps.pupils.models import Pupil, SenSupportNotice
from apps.pupils.rules import SenStatus, end_of_compulsory_school_age, is_young_person
from apps.pupils.tasks import notify_parents_of_sen_support
from apps.schools.tenancy import school_scope


def start_sen_support(world, pupil):
    with school_scope(world.school):
        return services.sen_status_change(
            pupil=pupil, actor=world.senco, status=SenStatus.SEN_SUPPORT,
            on=datetime.date(2025, 10, 1), reason="Needs identified with parents")


def step_down(world, pupil):
    with school_scope(world.school):
        return services.sen_status_change(
            pupil=pupil, actor=world.senco, status=SenStatus.NO_SEN,
            on=datetime.date(2025, 9, 20), reason="Caught up")


@pytest.mark.django_db
def test_starting_sen_support_sends_the_parent_a_plain_english_notice(
    school_a, django_capture_on_commit_callbacks
):
    pupil = school_a.pupil
    step_down(school_a, pupil)
    with django_capture_on_commit_callbacks(execute=True):
        record = start_sen_support(school_a, pupil)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [school_a.parent.email]
    assert f"{pupil.first_name} is receiving SEN support" in message.subject
    assert "1 October 2025" in message.body
    assert "SENDIASS" in message.body and "SEND Information, Advice and Support" in message.body
    with school_scope(school_a.school):
        assert SenSupportNotice.objects.filter(record=record).count() == 1


@pytest.mark.django_db
def test_a_second_run_or_a_retry_sends_nothing_twice(school_a,
                                                     django_capture_on_commit_callbacks):
    pupil = school_a.pupil
    step_down(school_a, pupil)
    with django_capture_on_commit_callbacks(execute=True):
        record = start_sen_support(school_a, pupil)
    with school_scope(school_a.school):
        assert notices.send_sen_support_notices(school=school_a.school,
                                                record_id=record.pk) == 0
    assert notify_parents_of_sen_support.delay(
        school_id=school_a.school.pk, record_id=record.pk).get() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_no_notice_when_support_ends_or_for_a_pupil_without_parents(
    school_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        step_down(school_a, school_a.pupil)
        step_down(school_a, school_a.pupils[1])
        start_sen_support(school_a, school_a.pupils[1])  # no parent linked
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_task_cannot_reach_another_schools_record(school_a, school_b,
                                                     django_capture_on_commit_callbacks):
    step_down(school_b, school_b.pupil)
    with django_capture_on_commit_callbacks(execute=False):
        record = start_sen_support(school_b, school_b.pupil)
    from apps.pupils.models import SenProvisionRecord

    with pytest.raises(SenProvisionRecord.DoesNotExist):
        notify_parents_of_sen_support.delay(school_id=school_a.school.pk, record_id=record.pk)
    assert mail.outbox == []


@pytest.mark.worker
def test_a_real_worker_sends_the_notice_once(celery_worker_on_broker, trust):
    from .conftest import build_school

    world = build_school(trust, "Worker School")
    step_down(world, world.pupil)
    record = start_sen_support(world, world.pupil)  # enqueued on commit, to Redis
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not mail.outbox:
        time.sleep(0.2)
    assert [m.to for m in mail.outbox] == [[world.parent.email]]
    again = notify_parents_of_sen_support.apply_async(  # its result kept, to wait for it
        kwargs={"school_id": world.school.pk, "record_id": record.pk}, ignore_result=False)
    assert again.get(timeout=30) == 0
    assert len(mail.outbox) == 1


def as_sixth_former(world, pupil, email=""):
    """Born 5 October 2008: over compulsory school age after 27 June 2025 (the last Friday
    of June in the school year they turned 16), so a young person by October 2025."""
    with school_scope(world.school):
        Pupil.objects.filter(pk=pupil.pk).update(date_of_birth=datetime.date(2008, 10, 5),
                                                 year_group=12, email=email)
        pupil.refresh_from_db()


def test_compulsory_school_age_ends_on_the_last_friday_of_june_of_the_year_they_turn_16():
    assert end_of_compulsory_school_age(datetime.date(2010, 10, 5)) == datetime.date(2027, 6, 25)
    assert end_of_compulsory_school_age(datetime.date(2010, 8, 31)) == datetime.date(2026, 6, 26)
    # Sixteen after the leaving date but before the next school year: the leaving date.
    assert end_of_compulsory_school_age(datetime.date(2011, 6, 27)) == datetime.date(2027, 6, 25)
    assert not is_young_person(datetime.date(2010, 10, 5), datetime.date(2027, 6, 25))
    assert is_young_person(datetime.date(2010, 10, 5), datetime.date(2027, 6, 26))


@pytest.mark.django_db
def test_a_young_person_is_sent_the_notice_themself_and_the_parents_are_not(
        school_a, django_capture_on_commit_callbacks):
    pupil = school_a.pupil
    step_down(school_a, pupil)
    as_sixth_former(school_a, pupil, email="jo.student@a.example")
    with django_capture_on_commit_callbacks(execute=True):
        record = start_sen_support(school_a, pupil)
    assert [m.to for m in mail.outbox] == [["jo.student@a.example"]]
    message = mail.outbox[0]
    assert message.subject.startswith("You are receiving SEN support")
    assert f"Dear {pupil.first_name}," in message.body and "you are receiving" in message.body
    with school_scope(school_a.school):
        notice = SenSupportNotice.objects.get(record=record)
    assert notice.to_young_person and notice.parent is None and notice.sent_at


@pytest.mark.django_db
def test_the_notice_names_the_senco_and_links_the_information_report_and_local_offer(
        school_a, django_capture_on_commit_callbacks):
    from apps.schools.models import School

    School.objects.filter(pk=school_a.school.pk).update(
        senco_name="Sam Okafor", local_offer_url="https://offer.example",
        sen_information_report_url="https://a.example/sen-report")
    step_down(school_a, school_a.pupil)
    with django_capture_on_commit_callbacks(execute=True):
        start_sen_support(school_a, school_a.pupil)
    body = mail.outbox[0].body
    for expected in ("Sam Okafor", "https://a.example/sen-report", "https://offer.example",
                     "arm's length from the local authority"):
        assert expected in body


@pytest.mark.django_db
def test_a_notice_given_by_hand_is_recorded_from_the_pupil_page(
        school_a, as_user, django_capture_on_commit_callbacks):
    """A young person without an e-mail address is given the notice by hand; the SENCO
    records it; a second record, or a date before the support began, is refused."""
    pupil, slug = school_a.pupil, school_a.school.slug
    step_down(school_a, pupil)
    as_sixth_former(school_a, pupil)
    with django_capture_on_commit_callbacks(execute=True):
        record = start_sen_support(school_a, pupil)
    assert mail.outbox == []
    senco = as_user(school_a.senco)
    page = senco.get(f"/s/{slug}/pupils/{pupil.pk}/").content.decode()
    assert "Notice of SEN support" in page and "To give by hand" in page
    url = f"/s/{slug}/pupils/{pupil.pk}/sen-status/notice/"
    refused = senco.post(url, {"reader": "young-person", "given": "meeting",
                               "on": "2025-09-30"})
    assert refused.status_code == 200
    assert "when the SEN support began" in refused.content.decode()
    with school_scope(school_a.school):
        assert not SenSupportNotice.objects.filter(record=record).exists()
    done = senco.post(url, {"reader": "young-person", "given": "meeting", "on": "2025-10-03"})
    assert done.status_code == 302
    page = senco.get(f"/s/{slug}/pupils/{pupil.pk}/").content.decode()
    assert "Given at a meeting on 3 October 2025" in page
    with school_scope(school_a.school):
        notice = SenSupportNotice.objects.get(record=record)
        assert (notice.to_young_person, notice.given, notice.recorded_by) == (
            True, "meeting", school_a.senco)
        with pytest.raises(services.ValidationError) as again:
            services.notice_record_given(pupil=pupil, actor=school_a.senco,
                                         reader="young-person", given="paper",
                                         on=datetime.date(2025, 10, 4))
        assert "given it already" in again.value.message_dict["reader"][0]
        assert SenSupportNotice.objects.filter(record=record).count() == 1
    assert as_user(school_a.teacher).get(url).status_code in (403, 404)
