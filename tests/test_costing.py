"""The arithmetic of element 2, pinned with worked examples (exact, in pence)."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from apps.money.costing import (
    Rates,
    RateTimeline,
    Timetable,
    budget_year,
    minutes_cost,
    planned_cost,
    session_cost,
    to_pence,
)
from apps.schools.calendar import Period

D = datetime.date
ACADEMIC_2025 = budget_year(D(2025, 11, 1), "academic")


LONG_AGO = D(2000, 1, 1)


def rates(ta="13.04", since=LONG_AGO):
    return Rates(since, teacher=Decimal("38"), ta=Decimal(ta), specialist=Decimal("55"))


def ta_time(spw, minutes, group=1, start=ACADEMIC_2025.start, end=ACADEMIC_2025.end):
    return Timetable("ta", Decimal(spw), minutes, group, None, start, end)


def cost(timetable, timeline, year=ACADEMIC_2025, within=None, weeks=39):
    return to_pence(planned_cost(timetable, within or year, year, weeks, timeline))


def test_budget_years():
    assert budget_year(D(2026, 8, 31), "academic") == Period(D(2025, 9, 1), D(2026, 8, 31))
    assert budget_year(D(2026, 9, 1), "academic") == Period(D(2026, 9, 1), D(2027, 8, 31))
    assert budget_year(D(2026, 3, 31), "financial") == Period(D(2025, 4, 1), D(2026, 3, 31))
    assert budget_year(D(2026, 4, 1), "financial") == Period(D(2026, 4, 1), D(2027, 3, 31))


def test_the_rounding_rule_is_half_up_to_the_penny_once():
    assert to_pence(Fraction(5999995, 1000)) == Decimal("6000.00")
    assert to_pence(Fraction(5999994, 1000)) == Decimal("5999.99")
    assert to_pence(Fraction(1, 3)) + to_pence(Fraction(1, 3)) == Decimal("0.66")
    assert to_pence(Fraction(1, 3) + Fraction(1, 3)) == Decimal("0.67")  # sum, then round


def test_11_8_hours_of_ta_time_for_39_weeks_is_exactly_6000_pounds():
    """The worked check: £6,000 "is equivalent to approximately 11.8 hours teaching
    assistant time per week", at the hourly rate that makes it so (£13.0378)."""
    timetable = ta_time("11.8", 60)  # 11.8 one-hour sessions a week, all year
    assert cost(timetable, RateTimeline([rates("13.0378")])) == Decimal("6000.00")


def test_group_sessions_share_the_cost_across_the_group():
    # 3 × 30 minutes a week in a group of 3: half an hour a week of TA time per pupil.
    assert cost(ta_time("3", 30, group=3), RateTimeline([rates()])) == Decimal("254.28")
    assert cost(ta_time("3", 30, group=1), RateTimeline([rates()])) == Decimal("762.84")


def test_a_provision_spanning_two_budget_years_is_split_by_its_days():
    timetable = ta_time("3", 30, start=D(2026, 6, 1), end=D(2026, 10, 31))
    timeline = RateTimeline([rates()])
    next_year = budget_year(D(2026, 9, 1), "academic")
    first = cost(timetable, timeline, ACADEMIC_2025)  # 92 of 365 days: 1 Jun - 31 Aug
    second = cost(timetable, timeline, next_year)  # 61 of 365 days: 1 Sep - 31 Oct
    assert (first, second) == (Decimal("192.28"), Decimal("127.49"))
    # 19.56 a week × 39 weeks × 92/365 = 192.2774…, and × 61/365 = 127.4883…


def test_a_rate_change_mid_year_applies_from_its_date():
    timeline = RateTimeline([rates("12.00", D(2025, 1, 1)), rates("15.00", D(2026, 1, 1))])
    timetable = ta_time("1", 60)  # one hour a week, all year
    # 12 × 39 × 122/365 (Sep-Dec) + 15 × 39 × 243/365 (Jan-Aug) = 545.8931…
    assert cost(timetable, timeline) == Decimal("545.89")


def test_planned_against_delivered():
    timeline = RateTimeline([rates()])
    september = Period(D(2025, 9, 1), D(2025, 9, 30))
    timetable = ta_time("2", 30, group=2, start=september.start, end=september.end)
    # planned: 2 × 30 min ÷ 2 = 0.5 h a week × £13.04 × 39 × 30/365 weeks = 20.8997…
    assert cost(timetable, timeline) == Decimal("20.90")
    delivered = sum(session_cost(timetable, 30, D(2025, 9, day), timeline) for day in (2, 9, 16))
    assert to_pence(delivered) == Decimal("9.78")  # 3 × ½ h × £13.04 ÷ 2


def test_delivered_minutes_cost_their_share_of_an_hour_at_the_rate_shared_by_the_group():
    assert minutes_cost(90, Fraction("13.04"), 2) == Fraction("9.78")  # 1½ h × £13.04 ÷ 2
    assert minutes_cost(45, Fraction(38), None) == Fraction("28.50")  # one to one
    september, timeline = D(2025, 9, 2), RateTimeline([rates(), rates("15.00", D(2025, 10, 1))])
    october = D(2025, 10, 7)
    table = ta_time("1", 60)
    assert session_cost(table, 60, september, timeline) == Fraction("13.04")
    assert session_cost(table, 60, october, timeline) == Fraction(15)  # the day's rate


def test_a_fixed_cost_falls_in_the_year_it_starts():
    bought = Timetable("external", None, None, None, Decimal("450.00"), D(2026, 7, 1),
                       D(2026, 12, 1))
    timeline = RateTimeline([rates()])
    assert cost(bought, timeline, ACADEMIC_2025) == Decimal("450.00")
    assert cost(bought, timeline, budget_year(D(2026, 9, 1), "academic")) == Decimal("0.00")


@pytest.mark.parametrize("weeks,expected", [(39, "508.56"), (52, "678.08")])
def test_weeks_of_support_set_the_year(weeks, expected):
    assert cost(ta_time("1", 60), RateTimeline([rates()]), weeks=weeks) == Decimal(expected)


@pytest.mark.parametrize("value", ["0", "0.005", "0.015", "2.5", "1234.5", "1234567.895",
                                   "-3.125", "1000", "0.1", "6000.00", "99.995"])
def test_money_on_pages_reads_as_floatformat_would_in_english(value):
    from django.template.defaultfilters import floatformat
    from django.utils import translation

    from apps.money.templatetags.money import hours, pounds

    with translation.override("en-gb"):
        assert pounds(Decimal(value)) == floatformat(Decimal(value), "2g")
        assert pounds(Decimal(value), 0) == floatformat(Decimal(value), "0g")
        assert hours(Decimal(value)) == floatformat(Decimal(value), "-2")
    assert pounds(None) == hours("not a number") == ""
