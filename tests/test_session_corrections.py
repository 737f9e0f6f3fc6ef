"""Sessions recorded by mistake are corrected or removed, with the reason, by the person
who recorded them or the SENCO, while the cycle is open; the same session twice is
refused unless it is marked as an additional session."""

import datetime

import pytest
from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.audit.models import Entry
from apps.plans import services as plans
from apps.plans.models import DeliveredSession, Provision
from apps.plans.sessions import session_correct, session_remove
from apps.schools.roles import Role
from apps.schools.tenancy import school_scope

from .factories import MembershipFactory, ProvisionTypeFactory
from .plans_helpers import planned_cycle, review_and_close

pytestmark = pytest.mark.django_db

D = datetime.date


def recorded(world, *days, actor=None):
    _, provision = planned_cycle(world)  # 3 × 30 minutes a week, 8 September-8 December 2025
    with school_scope(world.school):
        sessions = [plans.session_record(provision=provision, actor=actor or world.ta,
                                         date=day) for day in days]
    return provision, sessions


def tally(world, provision):
    with school_scope(world.school):
        p = Provision.objects.get(pk=provision.pk)
        return (p.delivered_sessions, p.delivered_minutes, p.absent_sessions,
                p.cycle.delivered_minutes)


def trail(world, session_id):
    with school_scope(world.school):
        return list(Entry.objects.filter(content_type__model="deliveredsession",
                                            object_pk=str(session_id)).order_by("pk"))


def test_the_recorder_corrects_a_session_and_the_tallies_and_trail_follow(school_a):
    provision, (first, second) = recorded(school_a, D(2025, 9, 9), D(2025, 9, 10))
    assert tally(school_a, provision) == (2, 60, 0, 60)
    with school_scope(school_a.school), set_actor(school_a.ta):  # as a request would
        session_correct(session=first, actor=school_a.ta, status="absent", minutes=30,
                        correction_reason="Recorded as delivered; she was off sick.")
    assert tally(school_a, provision) == (1, 30, 1, 30)
    update = trail(school_a, first.pk)[-1]
    assert update.action == Entry.Action.UPDATE and update.actor == school_a.ta
    assert update.additional_data["reason"] == "Recorded as delivered; she was off sick."
    assert update.changes_dict["status"] == ["delivered", "absent"]


def test_the_senco_removes_a_session_recorded_twice_with_the_reason(school_a):
    provision, (first, second) = recorded(school_a, D(2025, 9, 9), D(2025, 9, 10))
    with school_scope(school_a.school), set_actor(school_a.senco):
        session_remove(session=second, actor=school_a.senco,
                       correction_reason="The session was cancelled: the TA was on a course.")
        assert not DeliveredSession.objects.filter(pk=second.pk).exists()
    assert tally(school_a, provision) == (1, 30, 0, 30)
    removal = trail(school_a, second.pk)[-1]
    assert removal.action == Entry.Action.DELETE and removal.actor == school_a.senco
    assert removal.additional_data["reason"].startswith("The session was cancelled")


def test_nobody_else_may_correct_a_session(school_a):
    other_ta = MembershipFactory(school=school_a.school, role=Role.TEACHING_ASSISTANT).user
    provision, (session,) = recorded(school_a, D(2025, 9, 9))
    with school_scope(school_a.school):
        for who in (other_ta, school_a.teacher):
            with pytest.raises(PermissionDenied):
                session_correct(session=session, actor=who, minutes=20,
                                correction_reason="Shorter.")
            with pytest.raises(PermissionDenied):
                session_remove(session=session, actor=who, correction_reason="Not needed.")
    assert tally(school_a, provision) == (1, 30, 0, 30)


@pytest.mark.parametrize("change, field, words", [
    ({"correction_reason": "  "}, "correction_reason", "Say why"),
    ({"date": D(2025, 9, 1)}, "date", "had not started"),
    ({"date": D(2025, 9, 10)}, "date", "Already recorded on that date"),
    ({"status": "cancelled"}, "reason", "why the session was cancelled"),
])
def test_a_correction_that_cannot_stand_changes_nothing(change, field, words, school_a):
    provision, (session, _) = recorded(school_a, D(2025, 9, 9), D(2025, 9, 10))
    with school_scope(school_a.school), pytest.raises(ValidationError) as error:
        session_correct(session=session, actor=school_a.ta, **(
            {"correction_reason": "Wrong entry."} | change))
    assert words in " ".join(error.value.message_dict[field])
    with school_scope(school_a.school):
        assert DeliveredSession.objects.get(pk=session.pk).date == D(2025, 9, 9)
    assert tally(school_a, provision) == (2, 60, 0, 60)


def test_a_closed_cycle_s_sessions_cannot_be_corrected(school_a):
    cycle, provision = planned_cycle(school_a, stage="review")
    with school_scope(school_a.school):
        session = plans.session_record(provision=provision, actor=school_a.ta,
                                       date=D(2025, 9, 9))
    review_and_close(school_a, cycle)
    with school_scope(school_a.school):
        session = DeliveredSession.objects.get(pk=session.pk)
        with pytest.raises(ValidationError) as error:
            session_correct(session=session, actor=school_a.senco, minutes=10,
                            correction_reason="Shorter than recorded.")
        assert "is closed" in " ".join(error.value.message_dict["session"])
        with pytest.raises(ValidationError):
            session_remove(session=session, actor=school_a.senco, correction_reason="Wrong.")
        assert DeliveredSession.objects.get(pk=session.pk).minutes == 30


def test_the_same_session_twice_is_refused_unless_it_is_an_additional_one(school_a):
    provision, (session,) = recorded(school_a, D(2025, 9, 9))
    with school_scope(school_a.school):
        with pytest.raises(ValidationError) as error:
            plans.session_record(provision=provision, actor=school_a.senco,
                                 date=D(2025, 9, 9))
        message = " ".join(error.value.message_dict["date"])
        assert f"{school_a.pupil.full_name} (by {school_a.ta})" in message
        plans.session_record(provision=provision, actor=school_a.senco, date=D(2025, 9, 9),
                             additional=True)
    assert tally(school_a, provision) == (2, 60, 0, 60)


def test_a_group_entry_for_a_day_already_recorded_says_who_is_recorded(school_a):
    kind = ProvisionTypeFactory(school=school_a.school, name="Lego therapy")
    first, second = school_a.pupils[0], school_a.pupils[1]
    planned_cycle(school_a, first, kind=kind)
    planned_cycle(school_a, second, kind=kind)
    attendance = {first: "delivered", second: "delivered"}
    with school_scope(school_a.school):
        plans.group_session_record(provision_type=kind, actor=school_a.ta,
                                   date=D(2025, 10, 1), minutes=40, attendance=attendance)
        with pytest.raises(ValidationError) as error:
            plans.group_session_record(provision_type=kind, actor=school_a.teacher,
                                       date=D(2025, 10, 1), minutes=40, attendance=attendance)
        message = " ".join(error.value.message_dict["pupils"])
        assert first.full_name in message and second.full_name in message
        assert DeliveredSession.objects.count() == 2  # not 4: 117% of the dose no more
        plans.group_session_record(provision_type=kind, actor=school_a.ta,
                                   date=D(2025, 10, 1), minutes=40, attendance=attendance,
                                   additional=True)
        assert DeliveredSession.objects.count() == 4


def test_the_sessions_page_offers_corrections_to_whoever_may_make_them(school_a, as_user):
    provision, (session,) = recorded(school_a, D(2025, 9, 9))
    slug = school_a.school.slug
    sessions = reverse("plans:sessions", kwargs={"school": slug,
                                                 "cycle_id": provision.cycle_id})
    correct = reverse("plans:session_correct", kwargs={
        "school": slug, "cycle_id": provision.cycle_id, "session_id": session.pk})
    assert correct in as_user(school_a.ta).get(sessions).content.decode()
    assert correct not in as_user(school_a.teacher).get(sessions).content.decode()
    assert as_user(school_a.teacher).post(correct, {
        "date": "2025-09-09", "minutes": "20", "status": "delivered",
        "correction_reason": "Shorter."}).status_code == 403
    client = as_user(school_a.ta)
    refused = client.post(correct, {"date": "2025-09-09", "minutes": "20",
                                    "status": "delivered"})
    assert "There is a problem" in refused.content.decode()
    done = client.post(correct, {"date": "2025-09-09", "minutes": "20", "status": "delivered",
                                 "correction_reason": "It was 20 minutes."})
    assert done.status_code == 302 and tally(school_a, provision)[:2] == (1, 20)
    remove = reverse("plans:session_remove", kwargs={
        "school": slug, "cycle_id": provision.cycle_id, "session_id": session.pk})
    assert client.post(remove, {"correction_reason": "Did not happen."}).status_code == 302
    assert tally(school_a, provision)[:2] == (0, 0)


def test_the_api_corrects_and_removes_with_a_reason(school_a, api_as):
    provision, (session,) = recorded(school_a, D(2025, 9, 9))
    api = api_as(school_a.ta)
    url = f"/api/v1/schools/{school_a.school.slug}/sessions/{session.pk}/"
    refused = api.patch(url, {"minutes": 20}, format="json")
    assert refused.status_code == 400
    assert {e["attr"] for e in refused.json()["errors"]} == {"correction_reason"}
    done = api.patch(url, {"minutes": 20, "correction_reason": "It was 20 minutes."},
                     format="json")
    assert done.status_code == 200 and done.json()["minutes"] == 20
    assert api_as(school_a.teacher).post(f"{url}remove/", {"correction_reason": "No."},
                                         format="json").status_code == 403
    api = api_as(school_a.ta)
    assert api.post(f"{url}remove/", {}, format="json").status_code == 400
    assert api.post(f"{url}remove/", {"correction_reason": "Did not happen."},
                    format="json").status_code == 204
    assert tally(school_a, provision)[:2] == (0, 0)
