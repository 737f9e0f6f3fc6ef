"""Two people acting on the same record at the same moment: one wins, the other is told
and changes nothing; and the database keeps the rules the races are about.

The races themselves need PostgreSQL (SQLite lets one writer in at a time): the main
thread makes its change inside an open transaction, a second connection makes its own
through the API and waits for the first's lock; the first then commits, and the second
answers 409. The stale and constraint cases run on any database."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from apps.money import services as money
from apps.money.models import TopUpRequest
from apps.plans import services as plans
from apps.plans.models import Cycle, DeliveredSession, Provision
from apps.reviews import services as reviews
from apps.schools.tenancy import school_scope
from backend.validation import Conflict

from .plans_helpers import AUTUMN_REVIEW, D, planned_cycle, review_and_close
from .test_cycles import waiting_for_a_lock
from .test_money import heavy_cycle

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def submitted_request(world) -> TopUpRequest:
    heavy_cycle(world, hours="30", weeks=40)
    with school_scope(world.school):
        request = money.top_up_draft(pupil=world.pupil, actor=world.senco)
        return money.top_up_submit(request=request, actor=world.senco, on=TODAY)


def approve(world, request):
    return money.top_up_approve(request=request, actor=world.senco, amount=Decimal("2500.00"),
                                period_start=TODAY, period_end=TODAY + datetime.timedelta(200),
                                on=TODAY)


def top_ups(world) -> str:
    return f"/api/v1/schools/{world.school.slug}/money/top-ups/"


def racing(world, method_path_body, first):
    """Run ``first`` in an open transaction; meanwhile another connection sends the API
    request ``method_path_body``, which must wait for that transaction's lock. Commit,
    then return the API's answer."""
    answers = []
    started = threading.Event()

    def second():
        try:
            client = APIClient()
            client.force_authenticate(world.senco)
            started.wait(10)
            method, path, body = method_path_body
            answers.append(getattr(client, method)(path, body, format="json"))
        finally:
            connection.close()

    other = threading.Thread(target=second)
    other.start()
    with school_scope(world.school):  # one transaction, committed at its end
        first()
        started.set()
        waiting_for_a_lock(connection, other)
    other.join(20)
    assert answers, "the second request did not finish"
    return answers[0]


@pytest.mark.django_db(transaction=True)
class TestRacesOnPostgres:
    def test_two_approvals_at_once_one_wins(self, postgres, school_a):
        request = submitted_request(school_a)
        answer = racing(school_a, ("post", f"{top_ups(school_a)}{request.pk}/approve/", {
            "on": TODAY.isoformat(), "approved_amount": "9999.00",
            "period_start": TODAY.isoformat(), "period_end": TODAY.isoformat()}),
            lambda: approve(school_a, request))
        assert answer.status_code == 409, answer.content
        assert answer.json()["errors"][0]["code"] == "conflict"
        assert "marked this request as approved" in answer.json()["errors"][0]["detail"]
        with school_scope(school_a.school):
            request.refresh_from_db()
        assert request.approved_amount == Decimal("2500.00")

    def test_an_approval_and_a_decline_at_once_only_one_stands(self, postgres, school_a):
        request = submitted_request(school_a)
        answer = racing(school_a, ("post", f"{top_ups(school_a)}{request.pk}/decline/", {
            "on": TODAY.isoformat(), "decline_reason": "No funds"}),
            lambda: approve(school_a, request))
        assert answer.status_code == 409, answer.content
        with school_scope(school_a.school):
            request.refresh_from_db()
        assert (request.status, request.decline_reason) == ("approved", "")

    def test_two_drafts_for_one_pupils_year_at_once_one_is_saved(self, postgres, school_a):
        heavy_cycle(school_a, hours="30", weeks=40)
        answer = racing(school_a, ("post", top_ups(school_a), {"pupil": school_a.pupil.pk}),
                        lambda: money.top_up_draft(pupil=school_a.pupil, actor=school_a.senco))
        assert answer.status_code == 409, answer.content
        assert "drafted a request for" in answer.json()["errors"][0]["detail"]
        with school_scope(school_a.school):
            assert TopUpRequest.objects.filter(pupil=school_a.pupil).count() == 1


    def test_a_session_recorded_while_the_cycle_is_closed_is_refused(self, postgres,
                                                                      school_a):
        cycle, provision = planned_cycle(school_a, stage="review")
        with school_scope(school_a.school):
            reviews.review_save(
                cycle=cycle, actor=school_a.senco, held_on=AUTUMN_REVIEW,
                attendees="SENCO, parent", parents_attended=True, next_step="continue",
                ratings=[{"outcome": o, "rating": "partly", "evidence": "Observed"}
                         for o in cycle.outcomes.all()])
        answer = racing(
            school_a, ("post", f"/api/v1/schools/{school_a.school.slug}/sessions/",
                       {"provision": provision.pk, "date": "2025-09-09"}),
            lambda: reviews.cycle_close(cycle=Cycle.objects.get(pk=cycle.pk),
                                        actor=school_a.senco))
        assert answer.status_code == 409, answer.content
        assert "was closed at the same moment" in answer.json()["errors"][0]["detail"]
        with school_scope(school_a.school):
            assert not DeliveredSession.objects.filter(provision=provision).exists()

    def test_the_trigger_waits_for_a_closing_then_refuses(self, postgres, school_a):
        """Written without the services: the trigger alone refuses it."""
        cycle, provision = planned_cycle(school_a, stage="review")
        closing, errors = threading.Event(), []

        def write_a_session():
            try:
                closing.wait(10)
                with school_scope(school_a.school):
                    DeliveredSession.objects.create(school=school_a.school, provision=provision,
                                                    date=D(2025, 9, 9), minutes=30)
            except IntegrityError as error:
                errors.append(error)
            finally:
                connection.close()

        other = threading.Thread(target=write_a_session)
        other.start()
        with school_scope(school_a.school):
            Cycle.objects.filter(pk=cycle.pk).update(stage="closed", rated_outcomes=1,
                                                     unachieved_outcomes=1)
            closing.set()
            waiting_for_a_lock(connection, other)
        other.join(20)
        assert errors and "closed cycle" in str(errors[0])


def closed_cycle_with_a_session(world):
    cycle, provision = planned_cycle(world, stage="review")
    with school_scope(world.school):
        session = plans.session_record(provision=provision, actor=world.ta, date=D(2025, 9, 9))
    review_and_close(world, cycle)
    return provision, session


def test_a_session_for_a_cycle_closed_since_it_was_read_is_refused(school_a):
    cycle, provision = planned_cycle(school_a, stage="review")
    with school_scope(school_a.school):
        read_before = Provision.objects.select_related("cycle__plan__pupil").get(
            pk=provision.pk)
    review_and_close(school_a, cycle)
    with school_scope(school_a.school):
        with pytest.raises(Conflict, match="Cycle 1 was closed at the same moment"):
            plans.session_record(provision=read_before, actor=school_a.ta, date=D(2025, 9, 9))
        assert not DeliveredSession.objects.filter(provision=provision).exists()


def test_the_database_refuses_a_session_in_a_closed_cycle(school_a):
    provision, session = closed_cycle_with_a_session(school_a)
    with school_scope(school_a.school):
        with pytest.raises(IntegrityError, match="closed cycle"), transaction.atomic():
            DeliveredSession.objects.create(school=school_a.school, provision=provision,
                                            date=D(2025, 9, 10), minutes=30)
        with pytest.raises(IntegrityError, match="closed cycle"), transaction.atomic():
            DeliveredSession.objects.filter(pk=session.pk).update(minutes=5)
        # Who recorded it may still be unlinked (someone who left).
        DeliveredSession.objects.filter(pk=session.pk).update(recorded_by=None)
        assert DeliveredSession.objects.get(pk=session.pk).minutes == 30


def test_a_decision_on_a_request_read_before_another_decision_changes_nothing(school_a):
    request = submitted_request(school_a)
    with school_scope(school_a.school):
        read_before = TopUpRequest.objects.get(pk=request.pk)
        money.top_up_decline(request=request, actor=school_a.senco, reason="No funds", on=TODAY)
        with pytest.raises(Conflict, match="marked this request as declined"):
            approve(school_a, read_before)
        request.refresh_from_db()
    assert (request.status, request.approved_amount) == ("declined", None)


def test_the_database_keeps_one_open_request_a_pupil_and_year(school_a):
    request = submitted_request(school_a)
    with school_scope(school_a.school):
        twin = TopUpRequest(school=school_a.school, pupil=school_a.pupil,
                            year_start=request.year_start, projected_cost=Decimal("1"),
                            threshold=Decimal("1"), amount_requested=Decimal("1"))
        with pytest.raises(IntegrityError), transaction.atomic():
            twin.save()
        money.top_up_withdraw(request=request, actor=school_a.senco, on=TODAY)
        twin.save()  # once the first is closed, a new one may be drafted
