"""Spend against element 2 for real pupils, dated settings, and top-up requests."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.money import services as money
from apps.money.models import CostSettings, TopUpRequest
from apps.money.selectors import spend_by_pupil, year_rules
from apps.plans import services as plans
from apps.pupils.models import Pupil
from apps.schools.tenancy import school_scope

from .factories import ProvisionTypeFactory
from .plans_helpers import planned_cycle

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def year_of(world):
    with school_scope(world.school):
        return year_rules(world.school, TODAY).period


def spend(world, pupil=None, today=TODAY):
    pupil = pupil or world.pupil
    with school_scope(world.school):
        return spend_by_pupil([pupil.pk], world.school, today)[pupil.pk]


def heavy_cycle(world, pupil=None, hours="11.8", weeks=20):
    """A pupil with a lot of one-to-one TA time running well into the future."""
    year = year_of(world)
    kind = ProvisionTypeFactory(school=world.school, name=f"One-to-one {hours}",
                                usual_group_size=1, usual_minutes=60,
                                usual_sessions_per_week=Decimal(hours))
    return planned_cycle(world, pupil, kind=kind, opened_on=year.start,
                         review_date=TODAY + datetime.timedelta(weeks=weeks))


def test_spent_committed_projected_and_state(school_a):
    year = year_of(school_a)
    cycle, provision = heavy_cycle(school_a, hours="2")
    with school_scope(school_a.school):
        plans.provision_save(cycle=cycle, actor=school_a.senco, instance=provision,
                             end_date=year.end)
        for day in range(1, 4):
            plans.session_record(provision=provision, actor=school_a.ta,
                                 date=year.start + datetime.timedelta(days=day + 7))
    result = spend(school_a)
    # Spent: three delivered hours at the default £13.04.
    assert result.spent == Decimal("39.12")
    assert result.committed > 0 and result.projected == result.spent + result.committed
    assert result.state == "under" and result.threshold == Decimal("6000.00")


def test_a_pupil_over_the_threshold_and_approved_top_up_as_income(school_a):
    heavy_cycle(school_a, hours="30", weeks=40)
    result = spend(school_a)
    assert result.state == "over" and result.above_threshold > 0
    with school_scope(school_a.school):
        request = money.top_up_draft(pupil=school_a.pupil, actor=school_a.senco)
        assert request.amount_requested == result.above_threshold
        money.top_up_submit(request=request, actor=school_a.senco, on=TODAY)
        money.top_up_approve(request=request, actor=school_a.senco, amount=Decimal("2500.00"),
                             period_start=TODAY, period_end=TODAY + datetime.timedelta(200),
                             on=TODAY)
    after = spend(school_a)
    assert after.top_up_income == Decimal("2500.00")
    assert after.uncovered == after.above_threshold - Decimal("2500.00")


def test_a_request_under_the_threshold_needs_a_reason(school_a):
    heavy_cycle(school_a, hours="1")
    with school_scope(school_a.school):
        with pytest.raises(ValidationError) as error:
            money.top_up_draft(pupil=school_a.pupil, actor=school_a.senco,
                               amount=Decimal("1000"))
        assert "is not above the threshold" in error.value.message_dict["reason"][0]
        assert not TopUpRequest.objects.exists()
        money.top_up_draft(pupil=school_a.pupil, actor=school_a.senco, amount=Decimal("1000"),
                           reason="Needs rising sharply after a diagnosis")


def test_a_request_moves_only_as_its_states_allow(school_a):
    heavy_cycle(school_a, hours="30", weeks=40)
    with school_scope(school_a.school):
        request = money.top_up_draft(pupil=school_a.pupil, actor=school_a.senco)
        with pytest.raises(ValidationError) as error:
            money.top_up_approve(request=request, actor=school_a.senco, amount=Decimal("1"),
                                 period_start=TODAY, period_end=TODAY, on=TODAY)
        assert "it cannot be approved" in error.value.message_dict["status"][0]
        money.top_up_submit(request=request, actor=school_a.senco, on=TODAY)
        with pytest.raises(ValidationError) as error:
            money.top_up_approve(request=request, actor=school_a.senco, amount=None,
                                 period_start=TODAY, period_end=TODAY, on=TODAY)
        assert "approved_amount" in error.value.message_dict
        money.top_up_approve(request=request, actor=school_a.senco, amount=Decimal("100"),
                             period_start=TODAY, period_end=TODAY, on=TODAY)
        with pytest.raises(ValidationError) as error:  # approving twice
            money.top_up_approve(request=request, actor=school_a.senco, amount=Decimal("100"),
                                 period_start=TODAY, period_end=TODAY, on=TODAY)
        assert "is approved; it cannot be approved" in error.value.message_dict["status"][0]
        request.refresh_from_db()
        assert request.approved_amount == Decimal("100.00")


def test_the_request_carries_costed_provision_and_the_cycles_so_far(school_a):
    heavy_cycle(school_a, hours="30", weeks=40)
    with school_scope(school_a.school):
        request = money.top_up_draft(pupil=school_a.pupil, actor=school_a.senco)
    evidence = request.evidence
    assert evidence["provisions"][0]["intervention"] == "One-to-one 30"
    assert Decimal(evidence["provisions"][0]["planned_cost"]) > Decimal("6000")
    assert evidence["cycles"][0]["outcomes"][0]["description"].startswith("Follows")


class TestSettings:
    @pytest.mark.parametrize("field,value,words", [
        ("ta_rate", Decimal("-1"), "between 0.01 and 250.00"),
        ("ta_rate", Decimal("999"), "between 0.01 and 250.00"),
        ("approaching_percent", 100, "between 1 and 99"),
    ])
    def test_bounds_are_stated(self, school_a, field, value, words):
        with school_scope(school_a.school), pytest.raises(ValidationError) as error:
            money.cost_settings_save(school=school_a.school, actor=school_a.senco,
                                     effective_from=TODAY, **{field: value})
        assert words in error.value.message_dict[field][0]
        with school_scope(school_a.school):
            assert not CostSettings.objects.exists()

    def test_a_change_does_not_rewrite_a_past_year(self, school_a):
        year = year_of(school_a)
        with school_scope(school_a.school), pytest.raises(ValidationError) as error:
            money.cost_settings_save(school=school_a.school, actor=school_a.senco,
                                     effective_from=year.start - datetime.timedelta(days=1),
                                     ta_rate=Decimal("20"))
        assert "cannot change a past budget year" in error.value.message_dict[
            "effective_from"][0]

    def test_a_rate_change_from_today_leaves_spending_before_it_alone(self, school_a):
        cycle, provision = heavy_cycle(school_a, hours="2")
        year = year_of(school_a)
        with school_scope(school_a.school):
            plans.session_record(provision=provision, actor=school_a.ta,
                                 date=year.start + datetime.timedelta(days=8))
        before = spend(school_a)
        with school_scope(school_a.school):
            money.cost_settings_save(school=school_a.school, actor=school_a.senco,
                                     effective_from=TODAY, ta_rate=Decimal("26.08"))
        after = spend(school_a)
        assert after.spent == before.spent == Decimal("13.04")
        # Twice the rate from today: twice the committed cost, to within the one rounding.
        assert abs(after.committed - before.committed * 2) <= Decimal("0.01")


class TestDeliveredCostToDate:
    """Spent to date is what the year's delivered sessions cost at the rates of their
    days, whether it is read from a provision's tally or from its sessions. Set in last
    school year, so that every session is in the past whatever day the tests run."""

    @staticmethod
    def last_year(world):
        with school_scope(world.school):
            return year_rules(world.school, TODAY - datetime.timedelta(days=366)).period

    def one_hour_a_week(self, world, opened_on):
        kind = ProvisionTypeFactory(school=world.school, name="One-to-one reading",
                                    usual_group_size=1, usual_minutes=60,
                                    usual_sessions_per_week=Decimal("1"))
        return planned_cycle(world, kind=kind, opened_on=opened_on,
                             review_date=opened_on + datetime.timedelta(weeks=8))[1]

    def deliver(self, world, provision, *days):
        with school_scope(world.school):
            for day in days:
                plans.session_record(provision=provision, actor=world.ta, date=day)

    def spent_and_delivered(self, world, year):
        """The pupil's spend and the provision map's delivered total, on the year's last
        day."""
        from apps.money.provision_map import provision_map

        with school_scope(world.school):
            delivered = provision_map(world.school, year_rules(world.school, year.end),
                                      year.end).total.delivered_cost
        return spend(world, today=year.end).spent, delivered

    def test_sessions_before_the_year_began_are_the_year_befores(self, school_a):
        year = self.last_year(school_a)
        provision = self.one_hour_a_week(school_a, year.start - datetime.timedelta(days=14))
        self.deliver(school_a, provision, year.start - datetime.timedelta(days=5),
                     year.start + datetime.timedelta(days=8))
        assert self.spent_and_delivered(school_a, year) == (Decimal("13.04"),) * 2

    def test_sessions_either_side_of_a_rate_change_cost_their_own_days_rates(self, school_a):
        year = self.last_year(school_a)
        provision = self.one_hour_a_week(school_a, year.start)
        with school_scope(school_a.school):  # set then, as the service refuses a past year
            CostSettings.objects.create(school=school_a.school, ta_rate=Decimal("20.00"),
                                        effective_from=year.start + datetime.timedelta(days=20))
        self.deliver(school_a, provision, year.start + datetime.timedelta(days=8),
                     year.start + datetime.timedelta(days=30))
        assert self.spent_and_delivered(school_a, year) == (Decimal("33.04"),) * 2

    def test_sessions_inside_the_year_under_one_rate_cost_their_hours(self, school_a):
        year = self.last_year(school_a)
        provision = self.one_hour_a_week(school_a, year.start)
        self.deliver(school_a, provision, *(year.start + datetime.timedelta(days=d)
                                           for d in (8, 15, 22)))
        assert self.spent_and_delivered(school_a, year) == (Decimal("39.12"),) * 2

    def test_the_map_costs_each_pupils_minutes_at_the_rates_they_were_delivered_under(
            self, school_a):
        """One pupil's session falls before a rate change, the other's after it: each is
        costed from its tally at its own rates, in its pupil's line and in the total."""
        from apps.money.provision_map import provision_map

        year = self.last_year(school_a)
        first = self.one_hour_a_week(school_a, year.start)
        second = planned_cycle(school_a, school_a.pupils[1], kind=first.provision_type,
                               opened_on=year.start,
                               review_date=year.start + datetime.timedelta(weeks=8))[1]
        with school_scope(school_a.school):
            CostSettings.objects.create(school=school_a.school, ta_rate=Decimal("20.00"),
                                        effective_from=year.start + datetime.timedelta(days=20))
        self.deliver(school_a, first, year.start + datetime.timedelta(days=8))
        self.deliver(school_a, second, year.start + datetime.timedelta(days=30))
        with school_scope(school_a.school):
            the_map = provision_map(school_a.school, year_rules(school_a.school, year.end),
                                    year.end)
        names = {pupil.pk: f"{pupil.last_name}, {pupil.first_name}"
                 for pupil in school_a.pupils[:2]}
        assert {line.label: line.delivered_cost for line in the_map.by_pupil} == {
            names[school_a.pupils[0].pk]: Decimal("13.04"),
            names[school_a.pupils[1].pk]: Decimal("20.00")}
        assert the_map.total.delivered_cost == Decimal("33.04")
        assert {row.upn: row.delivered for row in the_map.detail} == {
            school_a.pupils[0].upn: Decimal("13.04"), school_a.pupils[1].upn: Decimal("20.00")}


def test_the_provision_map_counts_each_pupil_once_in_every_view(school_a):
    """Two pupils in Years 3 and 5, the first with speech and language needs, the second
    with SEMH; the first has two communication interventions, the second one of those and
    one for SEMH. Each view counts a pupil once however many of their provisions it holds,
    every view adds up to the same total, and the need area is the pupil's (or, in its
    own view, the intervention's)."""
    from apps.money.provision_map import provision_map

    year = year_of(school_a)
    talk, lego, zones = (
        ProvisionTypeFactory(school=school_a.school, name=name, need_area=need,
                             usual_group_size=size, usual_sessions_per_week=3,
                             usual_minutes=30)
        for name, need, size in (("Talk Boost", "communication", 3),
                                 ("Lego therapy", "communication", 4),
                                 ("Zones of Regulation", "semh", 6)))
    taught, other = school_a.pupils[0], school_a.pupils[1]
    with school_scope(school_a.school):
        Pupil.objects.filter(pk=taught.pk).update(primary_need="SLCN")
        Pupil.objects.filter(pk=other.pk).update(primary_need="SEMH")
        for pupil, kinds in ((taught, (talk, lego)), (other, (talk, zones))):
            cycle = plans.plan_start(pupil=pupil, actor=school_a.senco,
                                     opened_on=year.start).cycles.get()
            for kind in kinds:
                plans.provision_save(cycle=cycle, actor=school_a.senco, provision_type=kind,
                                     start_date=year.start, end_date=year.end)
        the_map = provision_map(school_a.school, year_rules(school_a.school, TODAY), TODAY)

    def view(lines):  # 3 sessions of 30 minutes a week, shared by the group
        return [(line.label, line.pupil_count, line.hours) for line in lines]

    assert view(the_map.by_provision) == [("Lego therapy", 1, Decimal("0.38")),
                                          ("Talk Boost", 2, Decimal("1.00")),
                                          ("Zones of Regulation", 1, Decimal("0.25"))]
    assert [line.groups for line in the_map.by_provision] == [1, 1, 1]
    assert view(the_map.by_need_area) == [
        ("Communication and interaction", 1, Decimal("0.88")),
        ("Social, emotional and mental health", 1, Decimal("0.75"))]
    assert view(the_map.by_intervention_area) == [
        ("Communication and interaction", 2, Decimal("1.38")),
        ("Social, emotional and mental health", 1, Decimal("0.25"))]
    assert view(the_map.by_year_group) == [("Year 3", 1, Decimal("0.88")),
                                           ("Year 5", 1, Decimal("0.75"))]
    assert [line.pupil_count for line in the_map.by_pupil] == [1, 1]
    assert (the_map.total.pupil_count, the_map.total.hours) == (2, Decimal("1.63"))
    for lines in (the_map.by_provision, the_map.by_pupil, the_map.by_need_area,
                  the_map.by_intervention_area, the_map.by_year_group):
        assert sum(line.cost for line in lines) == the_map.total.cost
        assert sum(line.projected_cost for line in lines) == the_map.total.projected_cost
    assert len(the_map.detail) == 4
