"""The Assess-Plan-Do-Review cycle through its services (Code 6.44-6.56)."""

import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.plans import rules, selectors
from apps.plans import services as plans
from apps.plans.models import Cycle, DeliveredSession, Outcome, Provision, StageChange
from apps.plans.rules import Stage
from apps.pupils.models import SenProvisionRecord
from apps.reviews import services as reviews
from apps.reviews.selectors import review_for
from apps.schools.tenancy import school_scope
from apps.schools.term_dates import school_calendar

from .factories import ProvisionTypeFactory
from .plans_helpers import D, planned_cycle, review_and_close

pytestmark = pytest.mark.django_db


def messages(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


class TestMovingACycle:
    def test_a_refused_move_says_exactly_what_is_missing(self, school_a):
        with school_scope(school_a.school):
            plan = plans.plan_start(pupil=school_a.pupil, actor=school_a.senco,
                                    opened_on=D(2025, 9, 8))
            cycle = plan.cycles.get()
            with pytest.raises(ValidationError) as error:
                plans.cycle_move(cycle=cycle, actor=school_a.senco, to=Stage.PLAN)
            assert "Describe the pupil's needs" in messages(error.value, "stage")
            plans.cycle_update(cycle=cycle, actor=school_a.senco, needs="Reading")
            plans.cycle_move(cycle=cycle, actor=school_a.senco, to=Stage.PLAN)
            with pytest.raises(ValidationError) as error:
                plans.cycle_move(cycle=cycle, actor=school_a.senco, to=Stage.DO)
            text = messages(error.value, "stage")
            assert "at least one outcome" in text and "at least one provision" in text
            assert "Agree a review date" in text
            cycle.refresh_from_db()
            assert cycle.stage == Stage.PLAN

    def test_each_stage_records_when_it_began_and_who_moved_it(self, school_a):
        cycle, _ = planned_cycle(school_a, stage=Stage.REVIEW)
        with school_scope(school_a.school):
            changes = list(StageChange.objects.filter(cycle=cycle))
        assert [c.stage for c in changes] == ["assess", "plan", "do", "review"]
        assert {c.moved_by for c in changes} == {school_a.senco}

    @pytest.mark.parametrize("to", ["assess", "review", "closed", "nonsense"])
    def test_a_move_out_of_order_is_refused(self, school_a, to):
        cycle, _ = planned_cycle(school_a, stage=Stage.PLAN)
        with school_scope(school_a.school), pytest.raises(ValidationError) as error:
            plans.cycle_move(cycle=cycle, actor=school_a.senco, to=to)
        assert "stage" in error.value.message_dict

    def test_the_review_date_comes_after_the_cycle_opens(self, school_a):
        cycle, _ = planned_cycle(school_a, stage=Stage.ASSESS)
        with school_scope(school_a.school), pytest.raises(ValidationError) as error:
            plans.cycle_update(cycle=cycle, actor=school_a.senco, review_date=D(2025, 9, 1))
        assert "must be after the cycle opened" in messages(error.value, "review_date")


class TestPlanning:
    def test_a_provision_takes_its_usual_timetable_from_the_library(self, school_a):
        _, provision = planned_cycle(school_a)
        assert (provision.sessions_per_week, provision.minutes_per_session,
                provision.group_size, provision.staff_type) == (3, 30, 3, "ta")

    @pytest.mark.parametrize("fields,field,words", [
        ({"minutes_per_session": 0}, "minutes_per_session", "between 1 and 480"),
        ({"minutes_per_session": 481}, "minutes_per_session", "between 1 and 480"),
        ({"group_size": 0}, "group_size", "between 1 and 40"),
        ({"end_date": D(2025, 9, 1)}, "end_date", "on or after the start date"),
        ({"start_date": D(2025, 9, 1), "end_date": D(2025, 10, 1)}, "start_date",
         "on or after the cycle opened"),
    ])
    def test_bad_provision_is_refused_by_field(self, school_a, fields, field, words):
        cycle, provision = planned_cycle(school_a, stage=Stage.PLAN)
        with school_scope(school_a.school):
            with pytest.raises(ValidationError) as error:
                plans.provision_save(cycle=cycle, actor=school_a.senco, instance=provision,
                                     **fields)
            assert words in messages(error.value, field)
            assert Provision.objects.get(pk=provision.pk).minutes_per_session == 30

    def test_a_fixed_cost_provision_needs_no_timetable(self, school_a):
        cycle, _ = planned_cycle(school_a, stage=Stage.PLAN)
        kind = ProvisionTypeFactory(school=school_a.school, name="Specialist teacher visit",
                                    staff_type="external")
        with school_scope(school_a.school):
            bought = plans.provision_save(
                cycle=cycle, actor=school_a.senco, provision_type=kind,
                fixed_cost=Decimal("450.00"), sessions_per_week=None, start_date=D(2025, 9, 8),
                end_date=D(2025, 12, 8))
        assert bought.fixed_cost == Decimal("450.00") and not bought.is_timetabled

    def test_an_outcome_links_only_to_provision_of_its_own_cycle(self, school_a, school_b):
        cycle, _ = planned_cycle(school_a, stage=Stage.PLAN)
        _, other_pupils = planned_cycle(school_a, school_a.pupils[1], stage=Stage.PLAN)
        with school_scope(school_a.school), pytest.raises(ValidationError) as error:
            plans.outcome_save(cycle=cycle, actor=school_a.senco, description="Reads",
                               provisions=[other_pupils])
        assert "only provisions planned in this cycle" in messages(error.value, "provisions")


class TestDo:
    def test_sessions_are_recorded_only_while_the_provision_runs(self, school_a):
        _, provision = planned_cycle(school_a)
        with school_scope(school_a.school):
            plans.session_record(provision=provision, actor=school_a.ta, date=D(2025, 9, 9))
            for date, words in [(D(2025, 9, 1), "had not started"),
                                (D(2025, 12, 9), "had ended"),
                                (D(2099, 1, 1), "future")]:
                with pytest.raises(ValidationError) as error:
                    plans.session_record(provision=provision, actor=school_a.ta, date=date)
                assert words in messages(error.value, "date")
            with pytest.raises(ValidationError) as error:
                plans.session_record(provision=provision, actor=school_a.ta,
                                     date=D(2025, 9, 10), status="cancelled")
            assert "why the session was cancelled" in messages(error.value, "reason")
            assert DeliveredSession.objects.count() == 1

    def test_one_entry_records_a_group_session_for_three_pupils(self, school_a):
        kind = ProvisionTypeFactory(school=school_a.school, name="Lego therapy")
        pupils = school_a.pupils
        for pupil in pupils:
            planned_cycle(school_a, pupil, kind=kind)
        with school_scope(school_a.school):
            group = plans.group_session_record(
                provision_type=kind, actor=school_a.ta, date=D(2025, 10, 1), minutes=40,
                attendance={pupils[0]: "delivered", pupils[1]: "delivered",
                            pupils[2]: "absent"})
            rows = list(group.sessions.order_by("provision__cycle__plan__pupil"))
        assert len(rows) == 3 and {r.minutes for r in rows} == {40}
        assert sorted(r.status for r in rows) == ["absent", "delivered", "delivered"]

    def test_a_group_session_refuses_a_pupil_without_that_provision(self, school_a):
        kind = ProvisionTypeFactory(school=school_a.school, name="Lego therapy")
        planned_cycle(school_a, school_a.pupil, kind=kind)
        with school_scope(school_a.school), pytest.raises(ValidationError) as error:
            plans.group_session_record(
                provision_type=kind, actor=school_a.ta, date=D(2025, 10, 1), minutes=40,
                attendance={school_a.pupil: "delivered", school_a.pupils[1]: "delivered"})
        assert "has no Lego therapy running" in messages(error.value, "pupils")
        with school_scope(school_a.school):
            assert DeliveredSession.objects.count() == 0

    def test_dose_delivered_against_planned(self, school_a):
        _, provision = planned_cycle(school_a)  # 3 × 30 min a week, 8 Sep – 8 Dec
        with school_scope(school_a.school):
            for day in (9, 10, 11):
                plans.session_record(provision=provision, actor=school_a.ta,
                                     date=D(2025, 9, day))
            plans.session_record(provision=provision, actor=school_a.ta, date=D(2025, 9, 15),
                                 status="absent")
            recorded = Provision.objects.get(pk=provision.pk)
            calendar = school_calendar(school_a.school)  # the default: term from 8 September
        dose = selectors.dose(recorded, calendar, until=D(2025, 9, 21))  # two school weeks
        assert (dose.planned_sessions, dose.planned_minutes) == (6, 180)
        assert (dose.delivered_sessions, dose.delivered_minutes) == (3, 90)
        assert dose.absent_sessions == 1 and dose.percent_of_planned_minutes == 50


def waiting_for_a_lock(database, thread, seconds=10):
    """Return once another connection is waiting for a lock (or ``thread`` has ended)."""
    with database.cursor() as cursor:
        for _ in range(seconds * 100):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                           "'Lock' AND datname = current_database()")
            if cursor.fetchone()[0] or not thread.is_alive():
                return
            time.sleep(0.01)


class TestTheProvisionsTally:
    """Each provision keeps a tally of its sessions, and each cycle the minutes delivered
    over its provisions, so that pages do not add up a pupil's whole history; they must
    always equal what the sessions say."""

    @staticmethod
    def tally(provision):
        return {name: getattr(Provision.objects.get(pk=provision.pk), name)
                for name in Provision.TALLY}

    @staticmethod
    def counted(provision):
        sessions = DeliveredSession.objects.filter(provision=provision)
        delivered = sessions.filter(status="delivered")
        return {"delivered_sessions": delivered.count(),
                "delivered_minutes": sum(delivered.values_list("minutes", flat=True)),
                "absent_sessions": sessions.filter(status="absent").count(),
                "cancelled_sessions": sessions.filter(status="cancelled").count()}

    def test_each_session_recorded_is_counted(self, school_a):
        _, provision = planned_cycle(school_a)
        with school_scope(school_a.school):
            assert self.tally(provision) == self.counted(provision)
            assert self.tally(provision)["delivered_sessions"] == 0
            plans.session_record(provision=provision, actor=school_a.ta, date=D(2025, 9, 9))
            plans.session_record(provision=provision, actor=school_a.ta, date=D(2025, 9, 10),
                                 minutes=45)
            plans.session_record(provision=provision, actor=school_a.ta, date=D(2025, 9, 11),
                                 status="absent")
            plans.session_record(provision=provision, actor=school_a.ta, date=D(2025, 9, 12),
                                 status="cancelled", reason="Staff training")
            assert self.tally(provision) == self.counted(provision) == {
                "delivered_sessions": 2, "delivered_minutes": 75, "absent_sessions": 1,
                "cancelled_sessions": 1}

    def test_a_group_session_counts_for_each_pupil_there_or_absent(self, school_a):
        kind = ProvisionTypeFactory(school=school_a.school, name="Lego therapy")
        provisions = [planned_cycle(school_a, pupil, kind=kind)[1]
                      for pupil in school_a.pupils[:2]]
        with school_scope(school_a.school):
            plans.group_session_record(
                provision_type=kind, actor=school_a.ta, date=D(2025, 10, 1), minutes=40,
                attendance={school_a.pupils[0]: "delivered", school_a.pupils[1]: "absent"})
            there, absent = (self.tally(p) for p in provisions)
            assert there == self.counted(provisions[0])
            assert (there["delivered_sessions"], there["delivered_minutes"]) == (1, 40)
            assert absent == self.counted(provisions[1])
            assert (absent["absent_sessions"], absent["delivered_minutes"]) == (1, 0)

    def test_the_cycle_adds_up_the_minutes_of_all_its_provisions(self, school_a):
        kind = ProvisionTypeFactory(school=school_a.school, name="Lego therapy")
        cycle, talk_boost = planned_cycle(school_a)
        other_cycle, _ = planned_cycle(school_a, school_a.pupils[1], kind=kind)
        with school_scope(school_a.school):
            lego = plans.provision_save(cycle=cycle, actor=school_a.senco, provision_type=kind,
                                        start_date=cycle.opened_on, end_date=cycle.review_date)
            plans.session_record(provision=talk_boost, actor=school_a.ta, date=D(2025, 9, 9))
            plans.session_record(provision=talk_boost, actor=school_a.ta, date=D(2025, 9, 10),
                                 status="absent")
            plans.group_session_record(
                provision_type=kind, actor=school_a.ta, date=D(2025, 10, 1), minutes=40,
                attendance={school_a.pupils[0]: "delivered", school_a.pupils[1]: "delivered"})
            minutes = dict(Cycle.objects.filter(pk__in=[cycle.pk, other_cycle.pk])
                           .values_list("pk", "delivered_minutes"))
            assert self.tally(lego)["delivered_minutes"] == 40
        assert minutes == {cycle.pk: talk_boost.minutes_per_session + 40, other_cycle.pk: 40}

    @pytest.mark.django_db(transaction=True)
    def test_two_recordings_at_once_for_one_cycle_both_count(self, postgres, school_a):
        """Sessions recorded at the same moment for two provisions of one cycle: the
        second waits until the first is committed, so the cycle adds up both. (PostgreSQL:
        SQLite lets one writer in at a time.)"""
        import threading

        kind = ProvisionTypeFactory(school=school_a.school, name="Lego therapy")
        cycle, talk_boost = planned_cycle(school_a)
        with school_scope(school_a.school):
            lego = plans.provision_save(cycle=cycle, actor=school_a.senco, provision_type=kind,
                                        start_date=cycle.opened_on, end_date=cycle.review_date)
        first_recorded, failures = threading.Event(), []

        def second_recording():
            try:
                first_recorded.wait(10)
                with school_scope(school_a.school):
                    plans.session_record(provision=lego, actor=school_a.ta,
                                         date=D(2025, 9, 9), minutes=40)
            except Exception as error:  # noqa: BLE001 - reported by the main thread
                failures.append(error)
            finally:
                connection.close()

        other = threading.Thread(target=second_recording)
        other.start()
        with school_scope(school_a.school):  # one transaction, committed at its end
            plans.session_record(provision=talk_boost, actor=school_a.ta, date=D(2025, 9, 9))
            first_recorded.set()
            waiting_for_a_lock(postgres, other)
        other.join(10)
        assert not failures
        with school_scope(school_a.school):
            assert Cycle.objects.get(pk=cycle.pk).delivered_minutes == (
                talk_boost.minutes_per_session + 40)

    def test_a_refused_session_counts_nothing(self, school_a):
        _, provision = planned_cycle(school_a)
        with school_scope(school_a.school):
            with pytest.raises(ValidationError):
                plans.session_record(provision=provision, actor=school_a.ta,
                                     date=D(2099, 1, 1))
            assert set(self.tally(provision).values()) == {0}

    def test_editing_the_provision_keeps_sessions_recorded_since_it_was_read(self, school_a):
        cycle, provision = planned_cycle(school_a)
        with school_scope(school_a.school):
            read_before = Provision.objects.get(pk=provision.pk)
            plans.session_record(provision=provision, actor=school_a.ta, date=D(2025, 9, 9))
            plans.provision_save(cycle=cycle, actor=school_a.senco, instance=read_before,
                                 details="In the library")
            assert self.tally(provision)["delivered_sessions"] == 1
            assert Provision.objects.get(pk=provision.pk).details == "In the library"

    def test_recounting_mends_sessions_loaded_in_bulk(self, school_a):
        _, provision = planned_cycle(school_a)
        with school_scope(school_a.school):
            DeliveredSession.objects.bulk_create(
                DeliveredSession(school=school_a.school, provision=provision,
                                 date=D(2025, 9, day), minutes=20) for day in (9, 10))
            assert self.tally(provision)["delivered_minutes"] == 0
            plans.recount_sessions(Provision.objects.filter(pk=provision.pk))
            assert self.tally(provision) == self.counted(provision)


class TestReviewAndClose:
    def test_closing_needs_every_outcome_rated_and_a_next_step(self, school_a):
        cycle, _ = planned_cycle(school_a, outcomes=2, stage=Stage.REVIEW)
        with school_scope(school_a.school):
            with pytest.raises(ValidationError) as error:
                reviews.cycle_close(cycle=cycle, actor=school_a.senco)
            assert "Record the review meeting" in messages(error.value, "stage")
            first = cycle.outcomes.first()
            reviews.review_save(cycle=cycle, actor=school_a.senco, held_on=D(2025, 12, 8),
                                attendees="SENCO", ratings=[{"outcome": first,
                                                             "rating": "achieved"}])
            with pytest.raises(ValidationError) as error:
                reviews.cycle_close(cycle=cycle, actor=school_a.senco)
            text = messages(error.value, "stage")
            assert "Rate every outcome. Not yet rated" in text and "(2)" in text
            assert "Choose the next step" in text
            assert Cycle.objects.get(pk=cycle.pk).stage == Stage.REVIEW

    def test_continuing_opens_the_next_cycle_with_unachieved_outcomes_and_provision(
        self, school_a
    ):
        cycle, provision = planned_cycle(school_a, outcomes=2, stage=Stage.REVIEW)
        with school_scope(school_a.school):
            first, second = cycle.outcomes.order_by("pk")
            reviews.review_save(
                cycle=cycle, actor=school_a.senco, held_on=D(2025, 12, 8), attendees="All",
                next_step="continue",
                ratings=[{"outcome": first, "rating": "achieved"},
                         {"outcome": second, "rating": "not_achieved"}],
                impacts=[{"provision": provision, "impact": "some"}])
            following = reviews.cycle_close(cycle=cycle, actor=school_a.senco)
            assert Cycle.objects.get(pk=cycle.pk).stage == Stage.CLOSED
            assert following.number == 2 and following.stage == Stage.ASSESS
            carried = following.outcomes.get()
            assert carried.carried_from == second and carried.description == second.description
            copy = following.provisions.get()
            assert copy.carried_from == provision
            assert list(copy.outcomes.all()) == [carried]

    def test_stepping_down_puts_the_pupil_back_to_n_on_the_register(self, school_a):
        cycle, _ = planned_cycle(school_a, stage=Stage.REVIEW)
        _, following = review_and_close(
            school_a, cycle, rating="achieved", next_step="step_down",
            step_down_on=D(2025, 12, 8), next_step_reason="All outcomes achieved")
        assert following is None
        with school_scope(school_a.school):
            record = SenProvisionRecord.objects.get(pupil=school_a.pupil, ended_on=None)
        assert (record.status, record.started_on, record.start_reason) == (
            "N", D(2025, 12, 8), "All outcomes achieved")

    def test_a_closed_cycle_cannot_be_edited(self, school_a):
        cycle, provision = planned_cycle(school_a, stage=Stage.REVIEW)
        review_and_close(school_a, cycle)
        with school_scope(school_a.school):
            cycle.refresh_from_db()
            for attempt in (
                lambda: plans.cycle_update(cycle=cycle, actor=school_a.senco, needs="x"),
                lambda: plans.outcome_save(cycle=cycle, actor=school_a.senco,
                                           description="x"),
                lambda: plans.session_record(provision=Provision.objects.get(pk=provision.pk),
                                             actor=school_a.ta, date=D(2025, 11, 1)),
            ):
                with pytest.raises(ValidationError) as error:
                    attempt()
                assert "closed" in " ".join(error.value.messages)

    def test_rating_another_pupils_outcome_is_refused(self, school_a):
        cycle, _ = planned_cycle(school_a, stage=Stage.REVIEW)
        other, _ = planned_cycle(school_a, school_a.pupils[1], stage=Stage.REVIEW)
        with school_scope(school_a.school):
            foreign = other.outcomes.get()
            with pytest.raises(ValidationError) as error:
                reviews.review_save(cycle=cycle, actor=school_a.senco, held_on=D(2025, 12, 8),
                                    attendees="SENCO",
                                    ratings=[{"outcome": foreign, "rating": "achieved"}])
            assert "only the outcomes of this cycle" in messages(error.value, "ratings")
            assert not review_for(cycle)

    def test_two_full_cycles_leave_the_whole_history(self, school_a):
        cycle, _ = planned_cycle(school_a, stage=Stage.REVIEW)
        _, second = review_and_close(school_a, cycle, rating="not_achieved",
                                     next_step="new_cycle")
        with school_scope(school_a.school):
            plans.cycle_update(cycle=second, actor=school_a.senco, review_date=D(2026, 3, 20))
            kind = ProvisionTypeFactory(school=school_a.school, name="Speech therapy block")
            new = plans.provision_save(cycle=second, actor=school_a.senco,
                                       provision_type=kind, start_date=D(2025, 12, 9),
                                       end_date=D(2026, 3, 20))
            outcome = second.outcomes.get()
            plans.outcome_save(cycle=second, actor=school_a.senco, instance=outcome,
                               provisions=[new])
            for step in (Stage.PLAN, Stage.DO, Stage.REVIEW):
                plans.cycle_move(cycle=second, actor=school_a.senco, to=step)
        _, third = review_and_close(school_a, second, rating="achieved",
                                    held_on=D(2026, 3, 20))
        with school_scope(school_a.school):
            assert list(Cycle.objects.filter(plan=cycle.plan).values_list("number", "stage")) \
                == [(1, "closed"), (2, "closed"), (3, "assess")]
            assert not third.outcomes.exists()  # everything achieved: nothing carried
            assert Outcome.objects.get(pk=outcome.pk).carried_from.cycle == cycle


class TestOverdueAndQuality:
    def test_a_cycle_past_its_review_date_without_a_review_is_overdue(self, school_a):
        cycle, _ = planned_cycle(school_a)
        with school_scope(school_a.school):
            assert list(selectors.overdue_cycles(D(2025, 12, 9))) == [cycle]
            assert list(selectors.overdue_cycles(D(2025, 12, 8))) == []
            plans.cycle_move(cycle=cycle, actor=school_a.senco, to=Stage.REVIEW)
            reviews.review_save(cycle=cycle, actor=school_a.senco, held_on=D(2025, 12, 10),
                                attendees="SENCO")
            assert list(selectors.overdue_cycles(D(2025, 12, 11))) == []

    def test_quality_advice_flags_weak_plans_without_blocking(self, school_a):
        cycle, _ = planned_cycle(school_a, stage=Stage.PLAN)
        with school_scope(school_a.school):
            plans.outcome_save(cycle=cycle, actor=school_a.senco,
                               description="Will have regular support with reading")
            kind = ProvisionTypeFactory(school=school_a.school, name="Reading buddy")
            plans.provision_save(cycle=cycle, actor=school_a.senco, provision_type=kind,
                                 details="Access to a reading buddy as appropriate",
                                 start_date=D(2025, 9, 8), end_date=D(2025, 12, 1))
            codes = sorted(a.code for a in selectors.cycle_quality(cycle))
            plans.cycle_move(cycle=cycle, actor=school_a.senco, to=Stage.DO)  # not blocked
        assert codes == ["no_success_criteria", "outcome_without_provision",
                         "provision_without_outcome", "vague_outcome", "vague_provision"]
        assert rules.vague_words("Regular access to support with phonics") == [
            "access to", "regular", "support with"]


def test_a_pupil_has_one_plan(school_a):
    planned_cycle(school_a, stage=Stage.ASSESS)
    with school_scope(school_a.school), pytest.raises(ValidationError) as error:
        plans.plan_start(pupil=school_a.pupil, actor=school_a.senco)
    assert "already has a support plan" in error.value.messages[0]
