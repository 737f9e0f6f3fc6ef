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
    provision_cost,
    session_cost,
    sessions_of,
    to_pence,
)
from apps.schools.calendar import (
    CalendarEntry,
    Period,
    SchoolCalendar,
    default_calendar,
    school_year,
)

D = datetime.date
ACADEMIC_2025 = budget_year(D(2025, 11, 1), "academic")


LONG_AGO = D(2000, 1, 1)


def rates(ta="13.04", since=LONG_AGO):
    return Rates(since, teacher=Decimal("38"), ta=Decimal(ta), specialist=Decimal("55"))


def ta_time(spw, minutes, group=1, start=ACADEMIC_2025.start, end=ACADEMIC_2025.end):
    return Timetable("ta", Decimal(spw), minutes, group, None, start, end)


CALENDAR = default_calendar()  # 2025-26: 8 Sep-19 Dec, 5 Jan-27 Mar, 13 Apr-24 Jul


def cost(timetable, timeline, year=ACADEMIC_2025, within=None, calendar=CALENDAR):
    return to_pence(planned_cost(timetable, (within or year).overlap(year), calendar,
                                 timeline))


def test_budget_years():
    assert budget_year(D(2026, 8, 31), "academic") == Period(D(2025, 9, 1), D(2026, 8, 31))
    assert budget_year(D(2026, 9, 1), "academic") == Period(D(2026, 9, 1), D(2027, 8, 31))
    assert budget_year(D(2026, 3, 31), "financial") == Period(D(2025, 4, 1), D(2026, 3, 31))
    assert budget_year(D(2026, 4, 1), "financial") == Period(D(2026, 4, 1), D(2027, 3, 31))


def test_the_rounding_rule_is_half_up_to_the_penny():
    assert to_pence(Fraction(5999995, 1000)) == Decimal("6000.00")
    assert to_pence(Fraction(5999994, 1000)) == Decimal("5999.99")
    assert to_pence(Fraction(1, 3) + Fraction(1, 3)) == Decimal("0.67")


def test_11_8_hours_of_ta_time_for_39_weeks_is_exactly_6000_pounds():
    """The worked check: £6,000 "is equivalent to approximately 11.8 hours teaching
    assistant time per week", at the hourly rate that makes it so (£13.0378), over the
    default year's 39 school weeks."""
    timetable = ta_time("11.8", 60)  # 11.8 one-hour sessions a week, all year
    assert cost(timetable, RateTimeline([rates("13.0378")])) == Decimal("6000.00")


def test_group_sessions_share_the_cost_across_the_group():
    # 3 × 30 minutes a week in a group of 3 for 39 weeks: 117 sessions × ½ h ÷ 3 × £13.04.
    assert cost(ta_time("3", 30, group=3), RateTimeline([rates()])) == Decimal("254.28")
    assert cost(ta_time("3", 30, group=1), RateTimeline([rates()])) == Decimal("762.84")


def test_a_term_time_provision_across_a_half_term_plans_nothing_in_the_break():
    # 19 October to 13 November 2026, four calendar weeks with half term (26-30 October)
    # in them: 15 school days, 3 weeks, 9 sessions of 30 minutes at £13.04.
    table = ta_time("3", 30, start=D(2026, 10, 19), end=D(2026, 11, 13))
    year = budget_year(D(2026, 10, 1), "academic")
    assert sessions_of(table, year, CALENDAR) == 9
    assert cost(table, RateTimeline([rates()]), year) == Decimal("58.68")


def test_a_12_week_provision_of_36_sessions_is_costed_as_36_sessions():
    # 7 September to 4 December 2026: 13 calendar weeks less half term, 12 school weeks.
    table = ta_time("3", 30, start=D(2026, 9, 7), end=D(2026, 12, 4))
    year = budget_year(D(2026, 10, 1), "academic")
    assert sessions_of(table, year, CALENDAR) == 36
    assert cost(table, RateTimeline([rates()]), year) == Decimal("234.72")  # 36 × ½ × 13.04


def test_a_provision_spanning_two_budget_years_is_split_by_their_school_days():
    timetable = ta_time("3", 30, start=D(2026, 6, 1), end=D(2026, 10, 31))
    timeline = RateTimeline([rates()])
    next_year = budget_year(D(2026, 9, 1), "academic")
    # 1 June-24 July 2026 (half term was 25-29 May): 40 days, 8 weeks, 24 sessions; 7
    # September-31 October 2026 less half term: 35 days, 7 weeks, 21 sessions.
    assert cost(timetable, timeline, ACADEMIC_2025) == Decimal("156.48")  # 24 × ½ × 13.04
    assert cost(timetable, timeline, next_year) == Decimal("136.92")  # 21 × ½ × 13.04


def test_a_financial_year_school_splits_the_school_year_at_1_april():
    timetable = ta_time("1", 60, start=D(2026, 9, 1), end=D(2027, 8, 31))
    timeline = RateTimeline([rates()])
    # Autumn and spring 2026-27 (25 weeks) fall in the financial year to 31 March 2027; the
    # summer term (14 weeks) in the next. Together, the school year's 39.
    to_march = budget_year(D(2026, 9, 1), "financial")
    from_april = budget_year(D(2027, 4, 1), "financial")
    assert cost(timetable, timeline, to_march) == Decimal("326.00")  # 25 × 13.04
    assert cost(timetable, timeline, from_april) == Decimal("182.56")  # 14 × 13.04


def test_a_rate_change_mid_year_applies_from_its_date():
    timeline = RateTimeline([rates("12.00", D(2025, 1, 1)), rates("15.00", D(2026, 1, 1))])
    timetable = ta_time("1", 60)  # one hour a week, all year
    # Autumn 2025: 14 school weeks at £12 (168.00); spring and summer: 25 at £15 (375.00).
    assert cost(timetable, timeline) == Decimal("543.00")


def test_a_bank_holiday_in_term_is_four_fifths_of_a_week():
    year = school_year(D(2026, 9, 1))
    calendar = SchoolCalendar({year.start: [
        CalendarEntry("term", "Autumn", Period(D(2026, 9, 7), D(2026, 12, 18))),
        CalendarEntry("term", "Spring", Period(D(2027, 1, 4), D(2027, 3, 26))),
        CalendarEntry("term", "Summer", Period(D(2027, 4, 12), D(2027, 7, 23))),
        CalendarEntry("closure", "Early May bank holiday", Period(D(2027, 5, 3), D(2027, 5, 3))),
    ]})
    table = ta_time("5", 60, start=D(2027, 5, 3), end=D(2027, 5, 7))
    assert sessions_of(table, year, calendar) == 4
    assert cost(table, RateTimeline([rates()]), year, calendar=calendar) == Decimal("52.16")


def test_planned_against_delivered():
    timeline = RateTimeline([rates()])
    september = Period(D(2025, 9, 1), D(2025, 9, 30))
    timetable = ta_time("2", 30, group=2, start=september.start, end=september.end)
    # planned: term starts 8 September: 17 school days, 3.4 weeks, 6.8 sessions of ½ h ÷ 2
    # at £13.04 = 22.168
    assert cost(timetable, timeline) == Decimal("22.17")
    delivered = sum(session_cost(timetable, 30, D(2025, 9, day), timeline) for day in (9, 16, 23))
    assert to_pence(delivered) == Decimal("9.78")  # 3 × ½ h × £13.04 ÷ 2


def test_projected_is_delivered_so_far_and_what_is_still_planned_to_the_provision_end():
    """A provision ending 31 May 2027 is projected to 31 May, not to the year's end."""
    year = budget_year(D(2026, 9, 1), "academic")
    table = ta_time("1", 60, start=D(2026, 9, 7), end=D(2027, 5, 31))
    timeline = RateTimeline([rates()])
    # On 18 December 2026, 14 sessions were planned and 12 delivered (£156.48); still
    # planned: spring (11 weeks) and 12 April-28 May (7 weeks; 31 May is half term).
    figures = provision_cost(table, year, D(2026, 12, 18), CALENDAR, timeline,
                             Fraction("156.48"))
    assert figures.planned == Decimal("417.28")  # 32 school weeks × £13.04
    assert figures.delivered == Decimal("156.48")
    assert figures.projected == Decimal("391.20")  # 156.48 + 18 × 13.04


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


def test_a_provision_that_goes_on_is_projected_to_the_year_end():
    """No end date: support that goes on until it is changed at a review."""
    year = budget_year(D(2026, 9, 1), "academic")
    table = ta_time("1", 60, start=D(2026, 9, 7), end=None)
    figures = provision_cost(table, year, D(2026, 12, 18), CALENDAR, RateTimeline([rates()]),
                             Fraction("156.48"))
    # 39 weeks planned; still planned after 18 December: spring and summer, 25 weeks.
    assert figures.planned == Decimal("508.56")
    assert figures.projected == Decimal("482.48")  # 156.48 + 25 × 13.04
