"""Escalation: signals with reasons, decisions, requests against the statutory clock,
and the evidence bundle (Code 6.63, 9.14)."""

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from apps.escalation import services
from apps.escalation.models import EhcRequest, EscalationDecision
from apps.escalation.selectors import clock, deadlines, readiness_by_pupil
from apps.plans import services as plans
from apps.pupils.models import SenProvisionRecord
from apps.schools.tenancy import school_scope

from .plans_helpers import D, planned_cycle, review_and_close

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def two_unsuccessful_cycles(world):
    cycle, _ = planned_cycle(world, stage="review")
    _, second = review_and_close(world, cycle, rating="not_achieved", next_step="continue")
    with school_scope(world.school):
        plans.cycle_update(cycle=second, actor=world.senco, review_date=D(2026, 3, 20))
        plans.advice_save(cycle=second, actor=world.senco, source="ep", date=D(2026, 1, 5),
                          author="Dr Patel", summary="Significant language disorder.")
        for stage in ("plan", "do", "review"):
            plans.cycle_move(cycle=second, actor=world.senco, to=stage)
    review_and_close(world, second, rating="partly", held_on=D(2026, 3, 20))


def readiness(world):
    with school_scope(world.school):
        return readiness_by_pupil([world.pupil.pk],
                                  world.school)[world.pupil.pk]


def test_two_unachieved_cycles_and_specialist_advice_is_strong(school_a):
    two_unsuccessful_cycles(school_a)
    found = readiness(school_a)
    assert {s.code for s in found.signals} == {"cycles", "advice"}
    assert found.recommendation == "strong"


def test_a_pupil_achieving_outcomes_is_none(school_a):
    cycle, _ = planned_cycle(school_a, stage="review")
    _, second = review_and_close(school_a, cycle, rating="achieved", next_step="continue")
    assert readiness(school_a).recommendation == "none"


def test_spend_over_the_threshold_is_a_signal(school_a):
    from .test_money_pages import heavy

    heavy(school_a, hours="30")
    found = readiness(school_a)
    assert [s.code for s in found.signals] == ["spend"] and found.recommendation == "consider"
    assert "above the £6,000.00 met from the school's notional SEN budget" in \
        found.signals[0].reason


def forty_one_hours(world, provision):
    """An hour a day of the provision delivered on 41 days, and its tally counted."""
    from apps.plans.models import DeliveredSession, Provision

    with school_scope(world.school):
        DeliveredSession.objects.bulk_create(
            DeliveredSession(school=world.school, provision=provision,
                             date=D(2025, 9, 9) + datetime.timedelta(days=n), minutes=60)
            for n in range(41))
        plans.recount_sessions(Provision.objects.filter(pk=provision.pk))


def test_much_provision_for_little_progress_is_a_signal(school_a):
    cycle, provision = planned_cycle(school_a, stage="review")
    forty_one_hours(school_a, provision)
    review_and_close(school_a, cycle, rating="partly", next_step="continue")
    dose = {s.code: s for s in readiness(school_a).signals}["dose"]
    assert dose.reason == "41 hours of additional support delivered, with 0 of 1 outcomes " \
        "achieved."


def test_a_closed_cycle_keeps_the_counts_of_its_ratings(school_a):
    from django.db import IntegrityError, transaction

    from apps.plans.models import Cycle
    from apps.reviews import services as reviews

    cycle, _ = planned_cycle(school_a, stage="review", outcomes=3)
    with school_scope(school_a.school):
        first, second, third = cycle.outcomes.order_by("pk")
        reviews.review_save(
            cycle=cycle, actor=school_a.senco, held_on=D(2025, 12, 8), attendees="SENCO",
            next_step="continue",
            ratings=[{"outcome": first, "rating": "not_achieved"},
                     {"outcome": second, "rating": "partly"},
                     {"outcome": third, "rating": "exceeded"}])
        cycle.refresh_from_db()
        assert (cycle.rated_outcomes, cycle.unachieved_outcomes) == (None, None)  # still open
        reviews.cycle_close(cycle=cycle, actor=school_a.senco)
        cycle.refresh_from_db()
        assert (cycle.stage, cycle.rated_outcomes, cycle.unachieved_outcomes) == ("closed", 3, 2)
        # The database keeps closed cycles and their counts together.
        with pytest.raises(IntegrityError), transaction.atomic():
            Cycle.objects.filter(pk=cycle.pk).update(rated_outcomes=None)
        following = Cycle.objects.get(plan=cycle.plan, number=2)
        with pytest.raises(IntegrityError), transaction.atomic():
            Cycle.objects.filter(pk=following.pk).update(stage="closed")


def test_the_ratings_of_a_cycle_still_at_review_count_towards_the_dose(school_a):
    from apps.reviews import services as reviews

    cycle, provision = planned_cycle(school_a, stage="review", outcomes=2)
    forty_one_hours(school_a, provision)
    with school_scope(school_a.school):
        first, second = cycle.outcomes.order_by("pk")
        reviews.review_save(cycle=cycle, actor=school_a.senco, held_on=D(2025, 12, 8),
                            attendees="SENCO",
                            ratings=[{"outcome": first, "rating": "partly"},
                                     {"outcome": second, "rating": "not_achieved"}])
    signals = {s.code: s for s in readiness(school_a).signals}
    assert signals["dose"].reason == "41 hours of additional support delivered, with 0 of " \
        "2 outcomes achieved."
    assert "cycles" not in signals  # a cycle not yet closed is not an unsuccessful one


@pytest.mark.parametrize("stage, rated, unachieved, unsuccessful", [
    ("closed", 3, 2, True),     # most not achieved
    ("closed", 4, 2, False),    # half is not most
    ("closed", 0, 0, False),    # nothing rated
    ("review", 3, 3, False),    # not completed yet
])
def test_an_unsuccessful_cycle_is_a_completed_one_with_most_outcomes_not_achieved(
        stage, rated, unachieved, unsuccessful):
    from apps.escalation.selectors import CycleSummary

    cycle = CycleSummary(id=1, pupil=1, number=1, stage=stage, rated=rated, delivered_minutes=0,
                         unachieved=unachieved)
    assert cycle.unsuccessful is unsuccessful
    assert cycle.achieved == rated - unachieved


def test_signals_come_with_reasons_and_records(school_a):
    two_unsuccessful_cycles(school_a)
    with school_scope(school_a.school):
        services.parent_ask_record(pupil=school_a.pupil, actor=school_a.senco,
                                   asked_on=D(2026, 4, 1))
    found = readiness(school_a)
    codes = {s.code: s for s in found.signals}
    assert set(codes) == {"cycles", "advice", "parents"}
    assert "2 completed cycles with most outcomes not achieved (cycles 1, 2)" in codes[
        "cycles"].reason
    assert [r.label for r in codes["cycles"].records] == ["Cycle 1", "Cycle 2"]
    assert "educational psychologist" in codes["advice"].reason
    assert found.recommendation == "strong"


def test_the_latest_advice_ask_and_request_are_the_ones_named_each_pupil_their_own(
        school_a, django_assert_num_queries):
    """Advice, the parents' asks and their requests to the LA are read together: each
    pupil's latest of each, and no other pupil's."""
    two_unsuccessful_cycles(school_a)  # EP advice of 5 January 2026, on cycle 2
    taught, other, _ = school_a.pupils
    with school_scope(school_a.school):
        open_cycle = taught.plans.get().cycles.get(number=3)  # advice of an earlier date
        plans.advice_save(cycle=open_cycle, actor=school_a.senco, source="salt",
                          date=D(2025, 11, 3), author="Ms Okafor", summary="Older advice.")
        for day in (D(2026, 2, 1), D(2026, 4, 1)):
            services.parent_ask_record(pupil=taught, actor=school_a.senco, asked_on=day)
        services.parent_ask_record(pupil=other, actor=school_a.senco, asked_on=D(2026, 5, 6))
        request = services.request_record(pupil=taught, actor=school_a.senco,
                                          requester="parent", received_on=D(2026, 3, 2))
        with django_assert_num_queries(2):  # the cycles; advice, asks and requests
            found = readiness_by_pupil([taught.pk, other.pk], school_a.school,
                                       spend=_no_spend([taught.pk, other.pk]))
    mine = {s.code: s for s in found[taught.pk].signals}
    assert mine["advice"].reason == ("Specialist advice on file: educational psychologist, "
                                     "5 January 2026.")
    assert [r.label for r in mine["advice"].records] == ["Cycle 2"]
    assert mine["parents"].reason == ("The parents asked for an EHC needs assessment "
                                      "(1 April 2026).")
    assert [(r.kind, r.id) for r in mine["parents"].records] == [("request", request.pk)]
    theirs = {s.code: s for s in found[other.pk].signals}
    assert set(theirs) == {"parents"}
    assert "(6 May 2026)" in theirs["parents"].reason and not theirs["parents"].records


def _no_spend(ids):
    from decimal import Decimal

    from apps.money.selectors import PupilSpend

    zero = Decimal("0.00")
    return {pk: PupilSpend(zero, zero, zero, zero, Decimal("6000.00"), zero, "under")
            for pk in ids}


def test_no_signals_no_recommendation(school_a):
    planned_cycle(school_a)
    assert readiness(school_a).recommendation == "none"


class TestRequests:
    def record(self, world, **overrides):
        fields = {"requester": "school", "received_on": TODAY - datetime.timedelta(days=50),
                  "parents_informed_on": TODAY - datetime.timedelta(days=52)} | overrides
        with school_scope(world.school):
            return services.request_record(pupil=world.pupil, actor=world.senco, **fields)

    @pytest.mark.parametrize("overrides,field,words", [
        ({"received_on": TODAY + datetime.timedelta(days=1)}, "received_on", "future"),
        ({"parents_informed_on": None}, "parents_informed_on", "must tell the parents"),
    ])
    def test_bad_requests_are_refused(self, school_a, overrides, field, words):
        with pytest.raises(ValidationError) as error:
            self.record(school_a, **overrides)
        assert words in error.value.message_dict[field][0]
        with school_scope(school_a.school):
            assert not EhcRequest.objects.exists()

    def test_a_parents_request_needs_no_school_notice(self, school_a):
        request = self.record(school_a, requester="parent", parents_informed_on=None)
        assert request.requester == "parent"
        assert "parents" in {s.code for s in readiness(school_a).signals}

    def test_the_clock_on_worked_dates(self, school_a):
        request = self.record(school_a, received_on=D(2026, 1, 5),
                              parents_informed_on=D(2026, 1, 2))
        assert (request.decide_by, request.not_issue_notice_by, request.final_plan_by) == (
            D(2026, 2, 16), D(2026, 4, 27), D(2026, 5, 25))
        with school_scope(school_a.school):
            assert not clock(request, D(2026, 2, 16)).missed
            assert clock(request, D(2026, 2, 17)).missed
            services.request_outcome(request=request, actor=school_a.senco,
                                     outcome="assessing", on=D(2026, 2, 10))
            week_16 = clock(request, D(2026, 4, 28))  # neither a draft nor a notice
            assert (week_16.due_on, week_16.missed) == (D(2026, 4, 27), True)
            assert "week 16" in week_16.due

    def test_the_statutory_clock_and_a_missed_deadline(self, school_a):
        request = self.record(school_a)
        received = request.received_on
        assert (request.decide_by, request.not_issue_notice_by, request.final_plan_by) == (
            received + datetime.timedelta(weeks=6), received + datetime.timedelta(weeks=16),
            received + datetime.timedelta(weeks=20))
        with school_scope(school_a.school):
            assert clock(request, TODAY).missed  # 50 days on, no decision: past 6 weeks
            assert not clock(request, received + datetime.timedelta(days=41)).missed

    def test_a_decision_before_the_request_or_on_a_closed_request_is_refused(self, school_a):
        request = self.record(school_a)
        with school_scope(school_a.school):
            with pytest.raises(ValidationError) as error:
                services.request_outcome(request=request, actor=school_a.senco,
                                         outcome="assessing",
                                         on=request.received_on - datetime.timedelta(1))
            assert "cannot be before" in error.value.message_dict["on"][0]
            services.request_outcome(request=request, actor=school_a.senco, outcome="refused",
                                     on=TODAY)
            with pytest.raises(ValidationError) as error:
                services.request_outcome(request=request, actor=school_a.senco,
                                         outcome="assessing", on=TODAY)
            assert "closed" in error.value.message_dict["status"][0]

    def test_the_register_changes_to_e_only_when_a_plan_is_issued(self, school_a):
        request = self.record(school_a)
        with school_scope(school_a.school):
            services.request_outcome(request=request, actor=school_a.senco,
                                     outcome="assessing", on=TODAY - datetime.timedelta(20))
            assert SenProvisionRecord.objects.get(pupil=school_a.pupil,
                                                  ended_on=None).status == "K"
            services.request_outcome(request=request, actor=school_a.senco, outcome="issued",
                                     on=TODAY)
            record = SenProvisionRecord.objects.get(pupil=school_a.pupil, ended_on=None)
        assert (record.status, record.started_on) == ("E", TODAY)

    def test_a_missed_la_deadline_joins_the_daily_reminder(self, school_a):
        self.record(school_a)
        from apps.caseload.digest import daily_digest

        with school_scope(school_a.school):
            daily_digest(school=school_a.school)
        senco_mail = next(m for m in mail.outbox if m.to == [school_a.senco.email])
        assert "with a statutory date missed" in senco_mail.body


def test_a_decision_not_to_request_is_kept_with_its_signals(school_a):
    two_unsuccessful_cycles(school_a)
    with school_scope(school_a.school):
        decision = services.decision_record(pupil=school_a.pupil, actor=school_a.senco,
                                            decision="not_now",
                                            reason="New speech therapy starts next month")
    assert decision.decision == "not_now" and {s["code"] for s in decision.signals} >= {
        "cycles", "advice"}


def test_the_evidence_bundle_as_pdf_and_json(school_a, as_user, api_as):
    two_unsuccessful_cycles(school_a)
    client = as_user(school_a.senco)
    pdf = client.get(f"/s/{school_a.school.slug}/pupils/{school_a.pupil.pk}/ehc/bundle/")
    reader = PdfReader(io.BytesIO(pdf.content))
    text = " ".join("".join(p.extract_text() for p in reader.pages).split())
    for heading in ("Contents", "1. Pupil details and needs",
                    "2. Attainment and rate of progress",
                    "3. Action taken by the school: every cycle of support",
                    "4. Specialist advice", "5. The views of the pupil and the parents",
                    "6. Cost of support: element 2 and top-up",
                    "7. Why the school considers an assessment", "Page 1 of"):
        assert heading in text
    assert "Cycle 1" in text and "Cycle 2" in text and "Dr Patel" in text
    data = api_as(school_a.senco).get(
        f"/api/v1/schools/{school_a.school.slug}/escalation/readiness/"
        f"{school_a.pupil.pk}/evidence/").json()
    assert [c["number"] for c in data["chronology"]] == [1, 2, 3]
    assert {s["code"] for s in data["signals"]} >= {"cycles", "advice"}




class TestAPupilWhoHoldsAPlan:
    """A pupil with an EHC plan is not a candidate for a needs assessment: no
    recommendation, no evidence bundle, no decision or request to assess; the plan's annual
    review instead. While a request is open, the bundle waits too."""

    def holds_a_plan(self, world):
        two_unsuccessful_cycles(world)  # strong signals, before the plan
        with school_scope(world.school):
            from apps.pupils import services as register

            world.pupil.primary_need = "SLCN"
            world.pupil.save(update_fields=["primary_need"])
            register.sen_status_change(pupil=world.pupil, actor=world.senco, status="E",
                                       on=TODAY, reason="EHC plan issued")

    def test_no_recommendation_no_signals_and_the_pages_say_why(self, school_a, as_user,
                                                                 api_as):
        self.holds_a_plan(school_a)
        found = readiness(school_a)
        assert (found.recommendation, found.signals, found.plan_since) == (
            "holds_plan", [], TODAY)
        slug, pupil = school_a.school.slug, school_a.pupil
        senco = as_user(school_a.senco)
        page = senco.get(f"/s/{slug}/pupils/{pupil.pk}/ehc/").content.decode()
        assert "holds an EHC plan" in page and "annual review" in page
        assert "evidence bundle" not in page and "Record a decision" not in page
        pupil_page = senco.get(f"/s/{slug}/pupils/{pupil.pk}/").content.decode()
        assert "EHC plan</strong>" in pupil_page and "Strong" not in pupil_page
        bundle = senco.get(f"/s/{slug}/pupils/{pupil.pk}/ehc/bundle/", follow=True)
        assert bundle.redirect_chain and "holds an EHC plan" in bundle.content.decode()
        api = api_as(school_a.senco)
        assert api.get(f"/api/v1/schools/{slug}/escalation/readiness/{pupil.pk}/"
                       ).json()["recommendation"] == "holds_plan"
        refused = api.get(f"/api/v1/schools/{slug}/escalation/readiness/{pupil.pk}/evidence/")
        assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "conflict"

    def test_a_decision_or_request_to_assess_is_refused(self, school_a):
        self.holds_a_plan(school_a)
        with school_scope(school_a.school):
            with pytest.raises(ValidationError) as decision:
                services.decision_record(pupil=school_a.pupil, actor=school_a.senco,
                                         decision="request", reason="More help needed")
            assert "annual review" in decision.value.message_dict["decision"][0]
            with pytest.raises(ValidationError) as request:
                services.request_record(pupil=school_a.pupil, actor=school_a.senco,
                                        requester="parent", received_on=TODAY)
            assert "holds an EHC plan" in request.value.message_dict["pupil"][0]
            assert not EhcRequest.objects.exists()
            assert not EscalationDecision.objects.exists()

    def test_while_a_request_is_open_the_recommendation_says_so_and_no_bundle(
            self, school_a, as_user):
        two_unsuccessful_cycles(school_a)
        with school_scope(school_a.school):
            services.request_record(pupil=school_a.pupil, actor=school_a.senco,
                                    requester="parent", received_on=TODAY)
            with pytest.raises(ValidationError, match="with the local authority"):
                services.evidence_bundle(school_a.pupil)
        found = readiness(school_a)
        assert found.recommendation == "requested" and found.signals  # the evidence stays


class TestTheClockComplete:
    """Exceptions the Regulations allow (regs 5(4), 10(4), 13(3)) annotate a deadline and
    move it on instead of flagging a miss; week 16 stands on its own; the school's advice
    (6 weeks, reg 8) and the 15 days to comment on a draft plan (reg 13(1)) have dates."""

    def request(self, world, received_on=None):
        received_on = received_on or D(2026, 6, 1)
        with school_scope(world.school):
            return services.request_record(pupil=world.pupil, actor=world.senco,
                                           requester="parent", received_on=received_on)

    def test_a_summer_closure_annotates_the_decision_deadline_instead_of_a_miss(self,
                                                                               school_a):
        request = self.request(school_a)  # decision due 13 July 2026
        with school_scope(school_a.school):
            assert clock(request, D(2026, 8, 1)).missed
            services.exception_record(
                request=request, actor=school_a.senco, deadline="decide",
                reason="school_closed", details="Summer holiday: no one to give advice",
                starts_on=D(2026, 7, 22), ends_on=D(2026, 9, 1))
            request = EhcRequest.objects.get(pk=request.pk)
            during = clock(request, D(2026, 8, 1))
            assert not during.missed and during.due_on == D(2026, 8, 24)  # 6 weeks on
            assert "reg 5(4)" in during.annotation and "22 July 2026" in during.annotation
            assert clock(request, D(2026, 8, 25)).missed  # late even allowing for it

    def test_an_exception_without_a_reason_or_too_short_is_refused(self, school_a, api_as):
        request = self.request(school_a)
        url = f"/api/v1/schools/{school_a.school.slug}/ehc-requests/{request.pk}/exception/"
        body = {"deadline": "decide", "reason": "school_closed", "details": "",
                "starts_on": "2026-07-22", "ends_on": "2026-09-01"}
        answer = api_as(school_a.senco).post(url, body, format="json")
        assert answer.status_code == 400
        assert [e["attr"] for e in answer.json()["errors"]] == ["details"]
        short = api_as(school_a.senco).post(url, body | {"details": "Closed",
                                                         "ends_on": "2026-08-01"},
                                            format="json")
        assert short.status_code == 400 and short.json()["errors"][0]["attr"] == "ends_on"
        with school_scope(school_a.school):
            assert not request.exceptions.exists()
        done = api_as(school_a.senco).post(url, body | {"details": "Closed"}, format="json")
        assert done.status_code == 201 and done.json()["regulation"] == "5(4)"

    def test_the_schools_advice_and_the_draft_plans_comments_have_their_own_dates(
            self, school_a):
        request = self.request(school_a, received_on=D(2026, 1, 5))
        with school_scope(school_a.school):
            services.request_outcome(request=request, actor=school_a.senco,
                                     outcome="assessing", on=D(2026, 2, 10))
            services.request_steps(request=request, actor=school_a.senco,
                                   advice_requested_on=D(2026, 2, 12))
            request = EhcRequest.objects.get(pk=request.pk)
            late = clock(request, D(2026, 3, 27))  # the school's advice was due 26 March
            assert (late.due, late.due_on, late.missed) == (
                "The school's advice to the local authority", D(2026, 3, 26), True)
            services.request_steps(request=request, actor=school_a.senco,
                                   advice_sent_on=D(2026, 3, 20), draft_plan_on=D(2026, 4, 20))
            request = EhcRequest.objects.get(pk=request.pk)
            steps = {d.kind: d for d in deadlines(request, D(2026, 4, 21))}
            assert steps["advice"].done_on == D(2026, 3, 20) and not steps["advice"].missed
            assert steps["week_16"].done_on == D(2026, 4, 20)  # the draft, by week 16
            assert steps["comments"].due_on == D(2026, 5, 5)  # 15 days from the draft
            assert steps["final"].due_on == D(2026, 5, 25)
            assert list(steps) == ["decide", "advice", "week_16", "comments", "final"]
            with pytest.raises(ValidationError) as refused:
                services.request_steps(request=request, actor=school_a.senco,
                                       comments_sent_on=D(2026, 4, 1))
            assert "20 April 2026" in refused.value.message_dict["comments_sent_on"][0]

    def test_the_pages_show_each_date_and_refuse_a_bad_exception_with_the_error_summary(
            self, school_a, as_user):
        request = self.request(school_a)
        slug = school_a.school.slug
        senco = as_user(school_a.senco)
        page = senco.get(f"/s/{slug}/pupils/{school_a.pupil.pk}/ehc/").content.decode()
        assert "The local authority&#x27;s decision whether to assess" in page
        assert "13 July 2026" in page and "Record an exception to a time limit" in page
        url = f"/s/{slug}/ehc-requests/{request.pk}/exception/"
        assert senco.get(url).status_code == 200
        refused = senco.post(url, {"deadline": "decide", "reason": "school_closed",
                                   "details": "", "starts_on": "2026-07-22",
                                   "ends_on": "2026-09-01"})
        assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
        assert senco.post(f"/s/{slug}/ehc-requests/{request.pk}/steps/",
                          {"advice_requested_on": "2026-06-10"}).status_code == 302
        with school_scope(school_a.school):
            assert not request.exceptions.exists()
            assert EhcRequest.objects.get(pk=request.pk).advice_requested_on == D(2026, 6, 10)
