"""Term dates: entered, copied or read from a calendar file, checked as a year; the
default English school year where none are entered."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.audit.models import Entry
from apps.audit.trail import school_trail
from apps.schools.calendar import Period, default_year, school_year
from apps.schools.models import TermDate
from apps.schools.tenancy import school_scope
from apps.schools.term_dates import school_calendar

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = school_year(D(2026, 9, 1))

# Camden's 2026-27 term dates, as a school would enter them.
DATES = {
    "autumn_start": "2026-09-03", "autumn_end": "2026-12-18",
    "autumn_half_term_start": "2026-10-26", "autumn_half_term_end": "2026-10-30",
    "spring_start": "2027-01-05", "spring_end": "2027-03-26",
    "spring_half_term_start": "2027-02-15", "spring_half_term_end": "2027-02-19",
    "summer_start": "2027-04-12", "summer_end": "2027-07-21",
    "summer_half_term_start": "2027-05-31", "summer_half_term_end": "2027-06-04",
    "inset_days": "3 September 2026\n5 January 2027, Training day",
    "closures": "3 May 2027, Early May bank holiday",
}


def url(world, year=2026):
    return reverse("schools:term_dates", kwargs={"school": world.school.slug}) + f"?year={year}"


def test_the_default_year_has_39_weeks_of_term_and_the_page_says_it_is_the_default(
        school_a, as_user):
    for start in range(2020, 2035):
        year = default_year(school_year(D(start, 9, 1)))
        assert year.weeks == 39 and year.school_days() == 195
        assert year.terms[0].period.start.weekday() == 0  # a Monday
        assert year.last_day < D(start + 1, 8, 1)  # schools close in July
    page = as_user(school_a.people["senco"]).get(url(school_a)).content.decode()
    assert "No term dates have been entered for 2026 to 2027" in page
    assert "Monday 7 September 2026 to Friday 18 December 2026" in page
    assert "39 (195 school days)" in page


def test_the_senco_enters_a_year_and_school_days_count_from_it(school_a, as_user):
    response = as_user(school_a.people["senco"]).post(url(school_a), DATES, follow=True)
    page = response.content.decode()
    # Weekdays in term: autumn 77 less 5 of half term = 72, spring 59 - 5 = 54, summer
    # 73 - 5 = 68; less 2 INSET days and the bank holiday: 194 - 3 = 191 days, 38.2 weeks.
    assert "38.2 school weeks" in page
    assert "No term dates have been entered" not in page
    with school_scope(school_a.school):
        calendar = school_calendar(school_a.school)
        year = calendar.year(D(2026, 9, 1))
        assert not year.is_default and year.school_days() == 191
        assert calendar.school_days(Period(D(2026, 10, 19), D(2026, 11, 6))) == 10
        assert calendar.school_days(Period(D(2027, 5, 3), D(2027, 5, 7))) == 4
        assert school_trail(school_a.school).filter(
            content_type__model="termdate", action=Entry.Action.CREATE).count() == 9
        # Saving again replaces the year, it does not add to it.
    as_user(school_a.people["senco"]).post(url(school_a), DATES)
    with school_scope(school_a.school):
        assert TermDate.objects.count() == 9


@pytest.mark.parametrize("change, message", [
    ({"spring_end": "2026-12-01"},
     "The spring term ends (1 December 2026) before it starts (5 January 2027)."),
    ({"spring_start": "2026-12-01"},
     "The spring term (1 December 2026 to 26 March 2027) must start after the autumn term "
     "ends (18 December 2026)."),
    ({"autumn_half_term_start": "2026-08-24", "autumn_half_term_end": "2026-08-28"},
     "The autumn half term (24 August 2026 to 28 August 2026) is not within the autumn term"),
    ({"summer_end": "2027-09-21"},
     "The summer term (12 April 2027 to 21 September 2027) is not within the 2026 to 2027 "
     "school year (1 September 2026 to 31 August 2027)."),
    ({"spring_start": "", "spring_end": ""}, "Enter the date the spring term starts."),
    ({"summer_end": "2027-04-23", "spring_end": "2027-01-15", "spring_half_term_start": "",
      "spring_half_term_end": "", "summer_half_term_start": "", "summer_half_term_end": ""},
     "These dates give 17.8 school weeks (89 school days from 3 September 2026 to "
     "23 April 2027); a school year has between 30 and 45."),
    ({"summer_end": "2027-08-31", "autumn_end": "2027-01-01", "spring_start": "2027-01-04",
      "autumn_half_term_start": "", "autumn_half_term_end": "", "spring_half_term_start": "",
      "spring_half_term_end": "", "summer_half_term_start": "", "summer_half_term_end": "",
      "summer_start": "2027-03-29"},
     "a school year has between 30 and 45"),
    ({"inset_days": "the first Monday"},
     "Line 1 (“the first Monday”) is not a date or two dates"),
])
def test_dates_that_cannot_be_a_school_year_are_refused_naming_them(
        change, message, school_a, as_user):
    with school_scope(school_a.school):
        TermDate.objects.create(school=school_a.school, year_start=YEAR.start, kind="term",
                                name="Autumn", starts_on=D(2026, 9, 1), ends_on=D(2027, 7, 20))
    response = as_user(school_a.people["senco"]).post(url(school_a), DATES | change)
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert "There is a problem" in page
    assert message in page
    with school_scope(school_a.school):  # nothing changed
        assert list(TermDate.objects.values_list("name", "starts_on")) == [
            ("Autumn", D(2026, 9, 1))]


def test_copying_the_year_before_moves_its_dates_on_52_weeks_for_checking(school_a, as_user):
    client = as_user(school_a.people["senco"])
    client.post(url(school_a, 2025), DATES | {
        key: (D.fromisoformat(value) - datetime.timedelta(weeks=52)).isoformat()
        for key, value in DATES.items() if key[0] in "ast" and value} | {
        "inset_days": "", "closures": ""})
    page = client.post(url(school_a), {"action": "copy"}).content.decode()
    assert "Check them, then save" in page
    assert 'value="2026-09-03"' in page and 'value="2027-07-21"' in page
    with school_scope(school_a.school):  # nothing saved for 2026 yet
        assert not TermDate.objects.filter(year_start=YEAR.start).exists()


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Example LA//Term dates//EN\r
BEGIN:VEVENT\r
UID:1@la.example\r
DTSTAMP:20260101T000000Z\r
DTSTART;VALUE=DATE:20260903\r
DTEND;VALUE=DATE:20261024\r
SUMMARY:Autumn Term 1\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:2@la.example\r
DTSTAMP:20260101T000000Z\r
DTSTART;VALUE=DATE:20261102\r
DTEND;VALUE=DATE:20261219\r
SUMMARY:Autumn Term 2\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:3@la.example\r
DTSTAMP:20260101T000000Z\r
DTSTART;VALUE=DATE:20270105\r
DTEND;VALUE=DATE:20270327\r
SUMMARY:Spring term\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:4@la.example\r
DTSTAMP:20260101T000000Z\r
DTSTART;VALUE=DATE:20270215\r
DTEND;VALUE=DATE:20270220\r
SUMMARY:Spring half term\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:5@la.example\r
DTSTAMP:20260101T000000Z\r
DTSTART;VALUE=DATE:20270412\r
DTEND;VALUE=DATE:20270722\r
SUMMARY:Summer term\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:6@la.example\r
DTSTAMP:20260101T000000Z\r
DTSTART;VALUE=DATE:20270503\r
SUMMARY:Early May Bank Holiday\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:7@la.example\r
DTSTAMP:20260101T000000Z\r
DTSTART;VALUE=DATE:20270104\r
SUMMARY:INSET day\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_a_calendar_file_fills_in_the_form_for_checking(school_a, as_user):
    client = as_user(school_a.people["senco"])
    page = client.post(url(school_a), {
        "action": "file", "calendar_file": SimpleUploadedFile("terms.ics", ICS)}).content.decode()
    assert "The dates from the file are below" in page
    for value in ("2026-09-03", "2026-12-18", "2026-10-24", "2026-11-01", "2027-01-05",
                  "2027-02-15", "2027-02-19", "2027-07-21"):
        assert f'value="{value}"' in page, value
    assert "3 May 2027, Early May Bank Holiday" in page and "4 January 2027, INSET day" in page
    with school_scope(school_a.school):
        assert not TermDate.objects.exists()


@pytest.mark.parametrize("content, message", [
    (b"", "The submitted file is empty"),
    (b"%PDF-1.4 not a calendar", "not a calendar file"),
    (ICS.replace(b"term", b"block").replace(b"Term", b"Block"), "No terms were found"),
])
def test_a_calendar_file_that_cannot_be_read_says_why(content, message, school_a, as_user):
    page = as_user(school_a.people["senco"]).post(url(school_a), {
        "action": "file", "calendar_file": SimpleUploadedFile("terms.ics", content)})
    assert "There is a problem" in page.content.decode()
    assert message in page.content.decode()


@pytest.mark.parametrize("role", ["teacher", "ta", "parent"])
def test_only_the_senco_and_head_change_term_dates(role, school_a, as_user):
    assert as_user(school_a.people[role]).post(url(school_a), DATES).status_code == 403
    with school_scope(school_a.school):
        assert not TermDate.objects.exists()
