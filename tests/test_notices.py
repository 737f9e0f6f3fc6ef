"""Parents are formally notified when their child starts SEN support (Code 6.43), once."""

import datetime
import time

import pytest
from django.core import mail

from apps.pupils import notices, services
from apps.pupils.models import SenSupportNotice
from apps.pupils.rules import SenStatus
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
