"""A record's past: a school starting with the product enters what was already true, with
the date it took effect kept apart from the date it was entered."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.plans.rules import Stage
from apps.pupils import services
from apps.pupils.models import SenProvisionRecord
from apps.pupils.rules import NeedType, SenStatus
from apps.schools.tenancy import school_scope

from .factories import valid_upn
from .plans_helpers import AUTUMN_REVIEW, planned_cycle, review_and_close

pytestmark = pytest.mark.django_db
LAST_MAY = datetime.date(2025, 5, 12)


def added_today(world):
    with school_scope(world.school):
        return services.pupil_create(
            school=world.school, actor=world.senco, upn=valid_upn(900), first_name="Isla",
            last_name="Reid", date_of_birth=datetime.date(2016, 4, 2), year_group=4,
            primary_need=NeedType.ASD)


def test_an_ehc_plan_issued_last_may_is_entered_as_a_correction(school_a, as_user):
    pupil = added_today(school_a)
    with school_scope(school_a.school):
        with pytest.raises(ValidationError, match="correct it instead"):
            services.sen_status_change(pupil=pupil, actor=school_a.senco,
                                       status=SenStatus.EHC_PLAN, on=LAST_MAY, reason="Plan")
    page = as_user(school_a.senco).post(
        reverse("pupils:sen_status_correct", kwargs={"school": school_a.school.slug,
                                                     "pupil_id": pupil.pk}),
        {"status": "E", "since": LAST_MAY.isoformat(), "reason": "EHC plan issued"},
        follow=True)
    assert "since 12 May 2025" in page.content.decode()
    with school_scope(school_a.school):
        record = SenProvisionRecord.objects.get(pupil=pupil)
    assert (record.status, record.started_on, record.ended_on) == ("E", LAST_MAY, None)
    assert record.recorded_at.date() == timezone.localdate()  # entered today


def test_a_correction_moves_the_previous_period_s_end_and_refuses_overlaps(school_a):
    pupil = school_a.pupils[1]  # on SEN support since the factory's date
    with school_scope(school_a.school):
        first = SenProvisionRecord.objects.get(pupil=pupil)
        services.sen_status_change(pupil=pupil, actor=school_a.senco,
                                   status=SenStatus.EHC_PLAN, on=timezone.localdate(),
                                   reason="Plan issued")
        corrected_from = first.started_on + datetime.timedelta(days=10)
        services.sen_status_correct(pupil=pupil, actor=school_a.senco,
                                    status=SenStatus.EHC_PLAN, since=corrected_from,
                                    reason="The plan was issued earlier")
        first.refresh_from_db()
        assert first.ended_on == corrected_from
        with pytest.raises(ValidationError, match="when the previous status"):
            services.sen_status_correct(pupil=pupil, actor=school_a.senco,
                                        status=SenStatus.EHC_PLAN, since=first.started_on,
                                        reason="Too early")
        with pytest.raises(ValidationError, match="in the future"):
            services.sen_status_correct(
                pupil=pupil, actor=school_a.senco, status=SenStatus.EHC_PLAN,
                since=timezone.localdate() + datetime.timedelta(days=1), reason="Later")


def test_a_correction_sends_no_notice(school_a, django_capture_on_commit_callbacks):
    from django.core import mail

    pupil = school_a.pupil
    with school_scope(school_a.school), django_capture_on_commit_callbacks(execute=True):
        services.sen_status_correct(pupil=pupil, actor=school_a.senco,
                                    status=SenStatus.EHC_PLAN, since=LAST_MAY,
                                    reason="EHC plan issued")
    assert mail.outbox == []


def test_a_new_pupil_s_status_cannot_begin_in_the_future(school_a):
    with school_scope(school_a.school), pytest.raises(ValidationError, match="future"):
        services.pupil_create(
            school=school_a.school, actor=school_a.senco, upn=valid_upn(901),
            first_name="A", last_name="B", date_of_birth=datetime.date(2016, 4, 2),
            year_group=4, primary_need=NeedType.ASD, sen_status=SenStatus.SEN_SUPPORT,
            sen_status_since=timezone.localdate() + datetime.timedelta(days=2))


def test_a_past_cycle_closes_on_the_day_of_its_review(school_a):
    cycle, _ = planned_cycle(school_a, stage=Stage.REVIEW)
    review_and_close(school_a, cycle)
    with school_scope(school_a.school):
        cycle.refresh_from_db()
    assert cycle.closed_on == AUTUMN_REVIEW != timezone.localdate()
