"""Parents' views reach staff: the SENCO and the class teachers are e-mailed, the views
are marked new on the cycle page, the review form and the timeline until someone reads
them, and the parent sees they arrived and what was agreed. Parents are kept in the loop:
sharing a plan e-mails them a link to their page (never the plan), and every e-mail to
them names the SENCO."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.parents import owed, reminders, services
from apps.parents.models import ParentMeeting, PlanSnapshot
from apps.parents.tasks import send_owed_work
from apps.plans.models import Cycle
from apps.plans.rules import Stage
from apps.pupils import services as register
from apps.reviews.models import ParentViews
from apps.schools.tenancy import school_scope

from .plans_helpers import planned_cycle, review_and_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def senco_named(school_a):
    school_a.school.senco_name = "Sam Okafor"
    school_a.school.senco_email = "senco@a.example"
    school_a.school.save()
    return school_a


def child_page(world, pupil=None):
    return f"/s/{world.school.slug}/family/{(pupil or world.pupil).pk}/"


def test_views_sent_reach_the_senco_and_class_teacher_marked_new_until_read(
        senco_named, as_user, django_capture_on_commit_callbacks):
    world = senco_named
    cycle, _ = planned_cycle(world, stage=Stage.REVIEW)
    parent = as_user(world.parent)
    with django_capture_on_commit_callbacks(execute=True):
        page = parent.post(child_page(world), {"views": "Reading is <b>better</b> at home"},
                           follow=True).content.decode()
    assert "the school has received your views" in page
    assert f"You sent your views on {timezone.localdate():%-d %B %Y}" in page
    to = sorted(message.to[0] for message in mail.outbox)
    assert to == sorted([world.senco.email, world.teacher.email])  # not the TA, not others
    body = mail.outbox[0].body
    assert f"/cycles/{cycle.pk}/" in body and "better" not in body  # a link, not the views
    with school_scope(world.school):
        assert ParentViews.objects.get().staff_told_at is not None

    senco = as_user(world.senco)
    cycle_page = f"/s/{world.school.slug}/cycles/{cycle.pk}/"
    page = senco.get(cycle_page).content.decode()
    assert "1 new" in page and "govuk-tag--blue\">New" in page
    assert "Reading is &lt;b&gt;better&lt;/b&gt; at home" in page  # text, never markup
    review_form = senco.get(f"{cycle_page}review/").content.decode()
    assert "Reading is &lt;b&gt;better&lt;/b&gt; at home" in review_form and ">New<" in review_form
    timeline = senco.get(f"/s/{world.school.slug}/pupils/{world.pupil.pk}/timeline/")
    assert "1 new" in timeline.content.decode()

    senco.post(f"{cycle_page}parent-views/read/")
    page = senco.get(cycle_page).content.decode()
    assert "1 new" not in page and f"read by {world.senco.get_full_name()}" in page
    parent = as_user(world.parent)
    assert "The school read them on" in parent.get(child_page(world)).content.decode()


def test_the_parent_sees_what_was_agreed_after_the_review(school_a, as_user):
    cycle, _ = planned_cycle(school_a, stage=Stage.REVIEW)
    with school_scope(school_a.school):
        services.views_add(pupil=school_a.pupil, parent=school_a.parent, views="Happier")
    review_and_close(school_a, cycle, next_step_reason="Reading is coming on")
    page = as_user(school_a.parent).get(child_page(school_a)).content.decode()
    assert "we agreed: continue the current support. Reading is coming on" in page


def test_views_too_long_or_for_a_child_not_theirs_are_refused(school_a, school_b, as_user,
                                                               api_as):
    planned_cycle(school_a)
    planned_cycle(school_a, school_a.pupils[1])
    parent = as_user(school_a.parent)
    page = parent.post(child_page(school_a), {"views": "x" * 10_001}).content.decode()
    assert "10,000 characters or fewer" in page
    assert parent.post(child_page(school_a, school_a.pupils[1]),
                       {"views": "Not my child"}).status_code == 404
    api = api_as(school_a.parent)
    base = f"/api/v1/schools/{school_a.school.slug}/family/views/"
    refused = api.post(base, {"pupil": school_a.pupils[1].pk, "views": "x"}, format="json")
    assert refused.status_code == 400 and "pupil" in str(refused.json())
    assert api.post(base, {"pupil": school_a.pupil.pk, "views": "x" * 10_001},
                    format="json").status_code == 400
    with school_scope(school_a.school):
        assert not ParentViews.objects.exists()


def test_sharing_a_plan_emails_the_parents_a_link_not_the_plan(
        senco_named, django_capture_on_commit_callbacks):
    world = senco_named
    cycle, _ = planned_cycle(world)
    with school_scope(world.school), django_capture_on_commit_callbacks(execute=True):
        snapshot = services.plan_share(cycle=cycle, actor=world.senco)
    [message] = [m for m in mail.outbox if m.to == [world.parent.email]]
    assert message.attachments == []
    assert child_page(world) in message.body and "Sam Okafor" in message.body
    assert "senco@a.example" in message.body
    with school_scope(world.school):
        snapshot.refresh_from_db()
        assert snapshot.parents_told_at is not None


def test_meeting_invitations_link_the_parents_page_and_name_the_senco(senco_named):
    world = senco_named
    with school_scope(world.school):
        meeting = ParentMeeting.objects.create(
            school=world.school, pupil=world.pupil, kind="review", held=False,
            date=timezone.localdate() + datetime.timedelta(days=9))
    reminders.invite_parents(school=world.school, meeting_id=meeting.pk)
    [message] = mail.outbox
    assert child_page(world) in message.body and "Sam Okafor" in message.body


def test_emails_owed_while_the_broker_was_out_of_reach_are_sent_by_the_sweep(
        school_a, settings):
    cycle, _ = planned_cycle(school_a)
    with school_scope(school_a.school):
        # Made with their e-mails owed: as if the broker had been out of reach.
        views = ParentViews.objects.create(school=school_a.school, pupil=school_a.pupil,
                                           cycle=cycle, parent=school_a.parent, views="Hi")
        long_ago = timezone.now() - datetime.timedelta(hours=1)
        ParentViews.objects.filter(pk=views.pk).update(created_at=long_ago)
        assert owed.owed_views_emails(timezone.now()) == [views.pk]
    send_owed_work()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([school_a.senco.email,
                                                           school_a.teacher.email])
    send_owed_work()
    assert len(mail.outbox) == 2  # once


def test_a_plan_goes_to_the_parents_with_the_pupils_views_or_the_reason_they_are_missing(
        school_a, as_user):
    cycle, _ = planned_cycle(school_a)
    with school_scope(school_a.school):
        Cycle.objects.filter(pk=cycle.pk).update(pupil_views="")
        cycle.refresh_from_db()
        with pytest.raises(ValidationError) as refused:
            services.plan_share(cycle=cycle, actor=school_a.senco)
        assert "Record the pupil's views" in str(
            refused.value.message_dict["pupil_views_missing_because"])
        assert not PlanSnapshot.objects.exists()
    client = as_user(school_a.senco)
    url = f"/s/{school_a.school.slug}/cycles/{cycle.pk}/share/"
    page = client.post(url, {"parent_help": ""}).content.decode()
    assert "There is a problem" in page and "Record the pupil" in page
    client.post(url, {"parent_help": "", "pupil_views_missing_because": "Aged 4: too young"})
    with school_scope(school_a.school):
        cycle.refresh_from_db()
        assert cycle.pupil_views_missing_because == "Aged 4: too young"
        assert PlanSnapshot.objects.count() == 1
    # With the pupil's views recorded, the share form does not ask.
    with school_scope(school_a.school):
        Cycle.objects.filter(pk=cycle.pk).update(pupil_views="I like Lego")
    assert "Why the pupil" not in client.get(url).content.decode()


def test_a_parents_invitation_names_the_senco(senco_named,
                                              django_capture_on_commit_callbacks):
    world = senco_named
    with school_scope(world.school), django_capture_on_commit_callbacks(execute=True):
        register.parent_invite(pupil=world.pupil, actor=world.senco,
                               email="o.brien@home.example", first_name="Siobhán",
                               last_name="O'Brien", relationship="Mother")
    [message] = mail.outbox
    assert "Sam Okafor is the school's special educational needs co-ordinator" in message.body
    assert "Dear Siobhán" in message.body and "&#x27;" not in message.body
