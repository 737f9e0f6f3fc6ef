"""Working with parents: three meetings a year, shared plans as frozen snapshots and PDFs,
the parent portal, and reminders sent once."""

import datetime
import os

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from apps.caseload.tasks import school_daily_digest
from apps.parents import reminders, services, shared_plan
from apps.parents.models import ParentMeeting, PlanSnapshot, ReminderSent
from apps.parents.rules import meeting_state
from apps.parents.selectors import meetings_by_pupil
from apps.schools.calendar import default_calendar, school_year
from apps.schools.tenancy import school_scope

from .conftest import plan_records, require
from .plans_helpers import planned_cycle

D = datetime.date
TODAY = timezone.localdate()
YEAR = school_year(D(2025, 11, 1))  # 1 Sep 2025 - 31 Aug 2026


class TestTheThreeMeetingsRule:
    @pytest.mark.parametrize("held,planned,last,today,state", [
        (3, 0, None, D(2025, 10, 1), "on_track"),
        (0, 0, None, D(2025, 11, 1), "on_track"),     # three termly slots still fit
        (1, 2, D(2026, 3, 1), D(2025, 11, 1), "on_track"),  # all still needed are planned
        (0, 1, D(2026, 7, 9), D(2025, 11, 1), "at_risk"),   # two more cannot fit after July
        (1, 0, None, D(2026, 7, 1), "at_risk"),       # one more fits before term ends
        (2, 0, None, D(2026, 7, 27), "missed"),       # term ended on 24 July
        (2, 0, None, D(2026, 6, 1), "on_track"),
    ])
    def test_states(self, held, planned, last, today, state):
        # The default calendar: 2025-26's summer term ends on 24 July.
        assert meeting_state(held=held, planned=planned, last_planned=last, today=today,
                             calendar=default_calendar()) == state


@pytest.mark.django_db
class TestMeetings:
    def test_reviews_with_parents_and_recorded_meetings_count(self, school_a):
        records = plan_records(school_a)  # a review on 8 Dec 2025, parents attended
        with school_scope(school_a.school):
            services.meeting_save(pupil=school_a.pupil, actor=school_a.teacher,
                                  date=D(2025, 10, 15), held=True, kind="parents_evening")
            counted = meetings_by_pupil([school_a.pupil.pk], school_a.school,
                                        today=D(2025, 12, 20))[school_a.pupil.pk]
        assert counted.held == 2 and records

    def test_only_the_pupils_asked_about_are_counted(self, school_a):
        """The school's meetings and planned reviews of the year are read by date: another
        pupil's, held or planned, neither appear nor count."""
        taught, other = school_a.pupils[0], school_a.pupils[1]
        year = school_year(TODAY)
        for pupil in (taught, other):
            planned_cycle(school_a, pupil, opened_on=year.start, review_date=year.end)
        with school_scope(school_a.school):
            services.meeting_save(pupil=taught, actor=school_a.senco, date=TODAY,
                                  held=False, kind="informal")
            services.meeting_save(pupil=other, actor=school_a.senco, date=max(
                year.start, TODAY - datetime.timedelta(days=1)), held=True, kind="informal")
            counted = meetings_by_pupil([taught.pk], school_a.school, today=TODAY)
        assert list(counted) == [taught.pk]
        found = counted[taught.pk]
        assert (found.held, found.planned, found.last_planned) == (0, 2, year.end)

    def test_a_future_meeting_cannot_be_recorded_as_held(self, school_a):
        with school_scope(school_a.school), pytest.raises(ValidationError) as error:
            services.meeting_save(pupil=school_a.pupil, actor=school_a.senco,
                                  date=TODAY + datetime.timedelta(days=3), held=True,
                                  kind="informal")
        assert "cannot be recorded as held" in error.value.message_dict["date"][0]
        with school_scope(school_a.school):
            assert not ParentMeeting.objects.exists()

    def test_a_planned_meeting_invites_the_parents_once_with_an_ics(
        self, school_a, django_capture_on_commit_callbacks
    ):
        with school_scope(school_a.school), django_capture_on_commit_callbacks(execute=True):
            meeting = services.meeting_save(
                pupil=school_a.pupil, actor=school_a.senco,
                date=TODAY + datetime.timedelta(days=10), held=False, kind="review")
        assert [m.to for m in mail.outbox] == [[school_a.parent.email]]
        name, body, kind = mail.outbox[0].attachments[0]
        text = body.decode() if isinstance(body, bytes) else body
        assert kind == "text/calendar" and "BEGIN:VEVENT" in text
        with school_scope(school_a.school):
            assert reminders.invite_parents(school=school_a.school, meeting_id=meeting.pk) == 0
        assert len(mail.outbox) == 1


@pytest.mark.django_db
class TestSharing:
    def share(self, world, django_capture_on_commit_callbacks):
        cycle, _ = planned_cycle(world)
        with school_scope(world.school), django_capture_on_commit_callbacks(execute=True):
            return cycle, services.plan_share(cycle=cycle, actor=world.senco,
                                              parent_help="Read together each evening")

    def test_a_plan_with_no_outcomes_cannot_be_shared(self, school_a):
        from apps.plans.rules import Stage

        cycle, _ = planned_cycle(school_a, outcomes=0, stage=Stage.ASSESS)
        with school_scope(school_a.school), pytest.raises(ValidationError) as error:
            services.plan_share(cycle=cycle, actor=school_a.senco)
        assert "at least one outcome" in error.value.message_dict["cycle"][0]

    def test_a_snapshot_is_frozen_and_its_pdf_matches_it(self, school_a,
                                                         django_capture_on_commit_callbacks):
        from apps.plans import services as plans

        cycle, snapshot = self.share(school_a, django_capture_on_commit_callbacks)
        with school_scope(school_a.school):
            plans.cycle_update(cycle=cycle, actor=school_a.senco, strengths="Changed later")
            snapshot.refresh_from_db()
            snapshot.content["strengths"] = "tampered"
            with pytest.raises(ValueError):
                snapshot.save()
            snapshot.refresh_from_db()
        assert snapshot.content["strengths"] == "Loves stories; a kind friend."
        text = " ".join("".join(p.extract_text() for p in PdfReader(
            snapshot.pdf.open("rb")).pages).split())
        for expected in (snapshot.content["strengths"], snapshot.content["needs"],
                         snapshot.content["outcomes"][0]["description"],
                         snapshot.content["parent_help"], "SENDIASS", "Page 1 of"):
            assert " ".join(expected.split()) in text
        assert "Changed later" not in text
        with school_scope(school_a.school):
            assert shared_plan.snapshot_render(snapshot_id=snapshot.pk) is False  # once only


    def test_the_pdf_gives_sendiass_the_senco_and_how_to_complain(
            self, school_a, django_capture_on_commit_callbacks):
        """SENDIASS is impartial and at arm's length from the local authority (never
        "independent of" it), with its telephone, e-mail and website from the school's
        settings; the SENCO by name; and how to complain, even when the school wrote
        nothing about it."""
        from apps.schools.models import School

        School.objects.filter(pk=school_a.school.pk).update(
            senco_name="Sam Okafor", senco_email="senco@a.example", complaints="",
            sendiass_name="Bristol SENDIASS", sendiass_phone="0117 903 0000",
            sendiass_email="sendias@bristol.example", sendiass_website="https://sendias.example")
        school_a.school.refresh_from_db()
        _, snapshot = self.share(school_a, django_capture_on_commit_callbacks)
        with school_scope(school_a.school):
            snapshot.refresh_from_db()
        text = " ".join("".join(p.extract_text() for p in PdfReader(
            snapshot.pdf.open("rb")).pages).split())
        for expected in ("Bristol SENDIASS", "0117 903 0000", "sendias@bristol.example",
                         "https://sendias.example", "arm's length from the local authority",
                         "Sam Okafor", "senco@a.example", "complaints policy"):
            # A line may break inside an address (at "https://"), depending on the date
            # printed above it: compare without the spaces.
            assert expected.replace(" ", "") in text.replace(" ", ""), expected
        assert "independent of" not in text


@pytest.mark.django_db
class TestThePortal:
    def shared(self, world):
        cycle, _ = planned_cycle(world)
        with school_scope(world.school):
            snapshot = services.plan_share(cycle=cycle, actor=world.senco)
            shared_plan.snapshot_render(snapshot_id=snapshot.pk)
            meeting = services.meeting_save(pupil=world.pupil, actor=world.senco,
                                            date=TODAY + datetime.timedelta(days=5),
                                            held=False, kind="review")
        return snapshot, meeting

    def test_a_parent_reads_downloads_and_adds_views(self, school_a, as_user):
        snapshot, meeting = self.shared(school_a)
        client = as_user(school_a.parent)
        base = f"/s/{school_a.school.slug}/family/{school_a.pupil.pk}"
        assert school_a.pupil.full_name in client.get("/parent/").content.decode()
        assert "Loves stories" in client.get(f"{base}/plans/{snapshot.pk}/").content.decode()
        pdf = client.get(f"{base}/plans/{snapshot.pk}/pdf/")
        assert pdf["Content-Type"] == "application/pdf"
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")
        ics = client.get(f"{base}/meetings/{meeting.pk}/ics/")
        assert ics["Content-Type"] == "text/calendar" and b"BEGIN:VCALENDAR" in ics.content
        page = client.post(f"{base}/", {"views": "Reading is better at home"},
                           follow=True).content.decode()
        assert "they will be part of the next review" in page

    @pytest.mark.parametrize("who", ["other parent", "same parent, other child"])
    def test_anything_not_theirs_is_a_404_for_a_parent(self, who, school_a, school_b,
                                                        as_user):
        snapshot, meeting = self.shared(school_b)
        other_child = school_b.pupils[1]
        if who == "other parent":
            client, pupil = as_user(school_a.parent), school_b.pupil
            slugs = [school_a.school.slug, school_b.school.slug]
        else:
            client, pupil = as_user(school_b.parent), other_child
            slugs = [school_b.school.slug]
        for slug in slugs:
            for path in [f"family/{pupil.pk}/", f"family/{pupil.pk}/plans/{snapshot.pk}/",
                         f"family/{pupil.pk}/plans/{snapshot.pk}/pdf/",
                         f"family/{pupil.pk}/meetings/{meeting.pk}/ics/",
                         f"family/{school_b.pupil.pk}/plans/{snapshot.pk}/pdf/"
                         if who == "other parent" else
                         f"family/{other_child.pk}/plans/{snapshot.pk}/pdf/"]:
                assert client.get(f"/s/{slug}/{path}").status_code == 404, (slug, path)
        assert school_b.pupil.full_name not in as_user(school_a.parent).get(
            "/parent/").content.decode()

    def test_a_parent_cannot_write_to_a_plan(self, school_a, api_as, as_user):
        records = plan_records(school_a)
        api = api_as(school_a.parent)
        base = f"/api/v1/schools/{school_a.school.slug}"
        assert api.post(f"{base}/outcomes/", {"cycle": records["cycle"],
                                              "description": "x"}).status_code == 403
        assert api.patch(f"{base}/cycles/{records['cycle']}/",
                         {"parent_views": "x"}, format="json").status_code == 403
        client = as_user(school_a.parent)
        assert client.get(f"/s/{school_a.school.slug}/cycles/{records['cycle']}/"
                          "share/").status_code == 403


@pytest.mark.django_db
class TestReminders:
    def test_one_reminder_is_sent_once_even_when_its_task_runs_twice(self, school_a):
        planned_cycle(school_a, opened_on=TODAY - datetime.timedelta(days=40),
                      review_date=TODAY + datetime.timedelta(days=3))
        first = school_daily_digest.delay(school_id=school_a.school.pk).get()
        second = school_daily_digest.delay(school_id=school_a.school.pk).get()
        assert (first, second) == (2, 0)  # the SENCO and the responsible teacher, once
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [school_a.senco.email, school_a.teacher.email])
        assert "Reviews due in the next week" in mail.outbox[0].body
        assert f"/s/{school_a.school.slug}/overview/" in mail.outbox[0].body
        with school_scope(school_a.school):
            assert ReminderSent.objects.count() == 2


@pytest.mark.worker
def test_a_reminder_through_a_real_worker_is_sent_once(transactional_db, trust):
    """On Redis with a real worker: the daily digest, run twice, sends once."""
    from celery.contrib.testing.worker import start_worker

    from backend.celery import app

    from .conftest import build_school

    require("worker", os.environ.get("CELERY_BROKER_URL", "").startswith("redis"),
            "needs CELERY_BROKER_URL (Redis)")
    world = build_school(trust, "Reminder School")
    planned_cycle(world, opened_on=TODAY - datetime.timedelta(days=40),
                  review_date=TODAY + datetime.timedelta(days=3))
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            runs = [school_daily_digest.apply_async(  # results kept, to read them
                kwargs={"school_id": world.school.pk}, ignore_result=False) for _ in range(2)]
            results = sorted(r.get(timeout=30) for r in runs)
    finally:
        app.conf.task_always_eager = True
        connection.close()
    assert results == [0, 2]
    assert len(mail.outbox) == 2


@pytest.mark.django_db
class TestTheParentsApi:
    def test_staff_share_record_and_see_states(self, school_a, api_as,
                                               django_capture_on_commit_callbacks):
        cycle, _ = planned_cycle(school_a)
        api = api_as(school_a.senco)
        base = f"/api/v1/schools/{school_a.school.slug}"
        with django_capture_on_commit_callbacks(execute=True):
            shared = api.post(f"{base}/shared-plans/", {"cycle": cycle.pk,
                                                        "parent_help": "Read together"},
                              format="json")
        assert shared.status_code == 201
        assert api.get(f"{base}/shared-plans/{shared.json()['id']}/").json()["pdf_ready"]
        refused = api.post(f"{base}/meetings/", {
            "pupil": school_a.pupil.pk, "date": (TODAY + datetime.timedelta(days=2))
            .isoformat(), "held": True, "kind": "informal"}, format="json")
        assert refused.status_code == 400 and refused.json()["errors"][0]["attr"] == "date"
        states = api.get(f"{base}/meetings/states/").json()
        assert {row["pupil"] for row in states} == {school_a.pupils[0].pk,
                                                   school_a.pupils[1].pk}  # on SEN support

    def test_meeting_states_filter_by_state_and_refuse_an_unknown_one(self, school_a, api_as):
        late = school_a.pupils[1]
        with school_scope(school_a.school):
            # One meeting planned on the last day of the year: the other two cannot fit.
            services.meeting_save(pupil=late, actor=school_a.senco, held=False,
                                  date=school_year(TODAY).end, kind="informal")
        api = api_as(school_a.senco)
        base = f"/api/v1/schools/{school_a.school.slug}/meetings/states/"
        everyone = api.get(base).json()
        assert {row["pupil"]: row["state"] for row in everyone}[late.pk] == "at_risk"
        for state in ("on_track", "at_risk"):
            assert api.get(base, {"state": state}).json() == [
                row for row in everyone if row["state"] == state]
        refused = api.get(base, {"state": "late"})
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["attr"] == "state"
        assert "on_track, at_risk, missed" in refused.json()["errors"][0]["detail"]

    def test_parents_read_only_their_childs_shared_plans(self, school_a, school_b, api_as):
        for world in (school_a, school_b):
            cycle, _ = planned_cycle(world)
            with school_scope(world.school):
                shared_plan.snapshot_render(snapshot_id=services.plan_share(
                    cycle=cycle, actor=world.senco).pk)
        with school_scope(school_b.school):
            foreign = PlanSnapshot.objects.get()
        api = api_as(school_a.parent)
        base = f"/api/v1/schools/{school_a.school.slug}"
        mine = api.get(f"{base}/family/plans/").json()["results"]
        assert len(mine) == 1 and mine[0]["pupil"] == school_a.pupil.pk
        assert api.get(f"{base}/family/plans/{mine[0]['id']}/pdf/").status_code == 200
        assert api.get(f"{base}/family/plans/{foreign.pk}/").status_code == 404
        assert api.get(f"{base}/family/plans/{foreign.pk}/pdf/").status_code == 404
        assert api.get(f"/api/v1/schools/{school_b.school.slug}/family/plans/"
                       ).status_code == 404
        assert api.get(f"{base}/shared-plans/").status_code == 403  # the staff list
        views = api.post(f"{base}/family/views/", {"pupil": school_b.pupil.pk,
                                                   "views": "x"}, format="json")
        assert views.status_code == 400  # another school's child is not a choice
        assert api.post(f"{base}/family/views/", {"pupil": school_a.pupil.pk,
                                                  "views": "Going well"},
                        format="json").status_code == 201


def test_the_meetings_page_lists_only_this_schools_pupils(school_a, school_b, as_user):
    page = as_user(school_a.senco).get(f"/s/{school_a.school.slug}/meetings/").content.decode()
    assert f"/pupils/{school_a.pupils[0].pk}/" in page
    assert not any(f"/pupils/{pupil.pk}/" in page for pupil in school_b.pupils)
