"""Meetings with parents, at least three a year (Code 6.65), counted right: to the end of
the summer term, pro-rated for a pupil who joins SEN support during the year, each meeting
once however it was recorded; and meetings with a time and a place."""

import datetime

import pytest
from icalendar import Calendar

from apps.parents import reminders, services
from apps.parents.models import ParentMeeting
from apps.parents.rules import MeetingState, meeting_state, meetings_expected
from apps.parents.selectors import meetings_by_pupil
from apps.schools.calendar import SchoolCalendar
from apps.schools.tenancy import school_scope

from .plans_helpers import D, planned_cycle, review_and_close

DEFAULT = SchoolCalendar({})  # the default year: the summer term ends in late July


@pytest.mark.parametrize("joined, expected", [
    (None, 3), (D(2026, 9, 1), 3), (D(2026, 6, 1), 3),  # before the year: all three
    (D(2026, 11, 16), 3),  # November: most of the year left
    (D(2027, 3, 1), 2),  # March: about two fifths
    (D(2027, 6, 14), 1),  # June: a few weeks, but at least one
    (D(2027, 8, 10), 1),  # the summer holiday: at least one
])
def test_a_pupil_who_joins_during_the_year_is_expected_a_pro_rated_number(joined, expected):
    assert meetings_expected(joined=joined, today=D(2027, 1, 10), calendar=DEFAULT) == expected


def test_one_meeting_by_mid_may_is_at_risk_and_the_year_ends_with_the_summer_term():
    last_day = DEFAULT.year(D(2027, 5, 14)).last_day
    assert last_day.month == 7 and last_day.day >= 16  # late July, not 31 August
    assert meeting_state(held=1, planned=0, last_planned=None, today=D(2027, 5, 14),
                         calendar=DEFAULT) == MeetingState.AT_RISK
    assert meeting_state(held=2, planned=0, last_planned=None, today=D(2027, 5, 14),
                         calendar=DEFAULT) == MeetingState.ON_TRACK
    assert meeting_state(held=2, planned=0, last_planned=None,
                         today=last_day + datetime.timedelta(days=1),
                         calendar=DEFAULT) == MeetingState.MISSED
    # A pupil expected to have one (joined in June) who has had it is on track.
    assert meeting_state(held=1, planned=0, last_planned=None, today=D(2027, 6, 30),
                         calendar=DEFAULT, expected=1) == MeetingState.ON_TRACK


@pytest.mark.django_db
def test_a_review_meeting_counts_once_however_it_was_recorded(school_a):
    """The review on 20 November 2026 (parents there), recorded again as a review meeting
    that day, and a meeting linked to it on another day: one meeting. An unrelated one
    makes two."""
    cycle, _ = planned_cycle(school_a, opened_on=D(2026, 9, 7), review_date=D(2026, 11, 20),
                             stage="review")
    review, _ = review_and_close(school_a, cycle, held_on=D(2026, 11, 20))
    today = D(2026, 12, 2)

    def held():
        return meetings_by_pupil([school_a.pupil.pk], school_a.school, today)[
            school_a.pupil.pk].held

    with school_scope(school_a.school):
        assert held() == 1
        services.meeting_save(pupil=school_a.pupil, actor=school_a.senco, date=D(2026, 11, 20),
                              held=True, kind="review")
        assert held() == 1
        services.meeting_save(pupil=school_a.pupil, actor=school_a.senco, date=D(2026, 11, 23),
                              held=True, kind="informal", review=review)
        assert held() == 1
        services.meeting_save(pupil=school_a.pupil, actor=school_a.senco, date=D(2026, 10, 5),
                              held=True, kind="parents_evening")
        assert held() == 2


@pytest.mark.django_db
def test_the_meeting_form_suggests_the_review_it_may_have_been(school_a, as_user):
    cycle, _ = planned_cycle(school_a, opened_on=D(2026, 9, 7), review_date=D(2026, 11, 20),
                             stage="review")
    review, _ = review_and_close(school_a, cycle, held_on=datetime.date.today()
                                 - datetime.timedelta(days=3))
    page = as_user(school_a.senco).get(
        f"/s/{school_a.school.slug}/pupils/{school_a.pupil.pk}/meetings/new/").content.decode()
    assert f'value="{review.pk}" selected' in page
    assert "Yes: the review of cycle 1 on" in page


@pytest.mark.django_db
def test_a_time_outside_the_usual_hours_needs_confirming(school_a, api_as):
    """Bad input: 400 naming the field, nothing saved; confirmed, it is saved."""
    api = api_as(school_a.senco)
    url = f"/api/v1/schools/{school_a.school.slug}/meetings/"
    body = {"pupil": school_a.pupil.pk, "date": str(datetime.date.today()), "held": True,
            "kind": "informal", "time": "21:30", "place": "The library"}
    refused = api.post(url, body, format="json")
    assert refused.status_code == 400
    assert [e["attr"] for e in refused.json()["errors"]] == ["time"]
    with school_scope(school_a.school):
        assert not ParentMeeting.objects.exists()
    saved = api.post(url, body | {"unusual_time_confirmed": True}, format="json")
    assert saved.status_code == 201, saved.content
    assert saved.json()["time"] == "21:30:00" and saved.json()["place"] == "The library"


@pytest.mark.django_db
def test_a_timed_meeting_is_a_timed_event_in_the_calendar_file(school_a):
    with school_scope(school_a.school):
        meeting = services.meeting_save(
            pupil=school_a.pupil, actor=school_a.senco,
            date=datetime.date.today() + datetime.timedelta(days=7), held=False,
            kind="review", time=datetime.time(15, 30), minutes=45, place="The SENCO's office")
        meeting = ParentMeeting.objects.select_related("pupil", "school").get(pk=meeting.pk)
        event = Calendar.from_ical(reminders.meeting_ics(meeting)).walk("VEVENT")[0]
    starts, ends = event.decoded("dtstart"), event.decoded("dtend")
    assert (starts.date(), starts.hour, starts.minute) == (meeting.date, 15, 30)
    assert str(starts.tzinfo) == "Europe/London"
    assert ends - starts == datetime.timedelta(minutes=45)
    assert "The SENCO's office" in str(event["location"])


@pytest.mark.django_db
def test_pupils_with_a_plan_are_counted_as_the_school_chooses(school_a, as_user):
    """By default a pupil with an EHC plan is in the three a year, the annual review
    meeting one of them; a school that follows them by their annual reviews takes them out
    of the list (and of the digest's pupils at risk)."""
    from apps.pupils import services as register
    from apps.pupils.models import Pupil
    from apps.schools.models import School

    pupil = school_a.pupil
    with school_scope(school_a.school):
        Pupil.objects.filter(pk=pupil.pk).update(primary_need="SLCN")
        pupil.refresh_from_db()
        register.sen_status_correct(pupil=pupil, actor=school_a.senco, status="E",
                                    since=D(2026, 3, 10), reason="EHC plan issued")
        services.meeting_save(pupil=pupil, actor=school_a.senco, date=D(2026, 11, 20),
                              held=True, kind="annual_review")
        assert meetings_by_pupil([pupil.pk], school_a.school, D(2026, 12, 2))[pupil.pk].held == 1
    senco = as_user(school_a.senco)
    url = f"/s/{school_a.school.slug}/meetings/"
    row = f'/pupils/{pupil.pk}/"'  # the pupil's link: names may repeat across pupils
    assert row in senco.get(url).content.decode()
    School.objects.filter(pk=school_a.school.pk).update(ehc_plan_meetings="annual_review")
    assert row not in senco.get(url).content.decode()
    page = senco.get(f"/s/{school_a.school.slug}/pupils/{pupil.pk}/").content.decode()
    assert "Meetings with parents this school year" not in page
    assert "See its annual reviews" in page
