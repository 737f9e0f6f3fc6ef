"""Annual reviews of EHC plans (SEND Regulations 2014 regs 18-22; Code 9.166-9.185), with
the issue's worked dates: a plan issued on 10 March 2026, a review meeting on 20 November
2026, a move from Year 6 to Year 7."""

import datetime

import pytest
from django.core import mail

from apps.caseload.digest import daily_digest
from apps.escalation import rules
from apps.escalation.annual_review import Standing, annual_review_save, plan_reviews, steps
from apps.escalation.models import AnnualReview
from apps.pupils import services as register
from apps.pupils.models import Pupil
from apps.schools.tenancy import school_scope

D = datetime.date
ISSUED = D(2026, 3, 10)


def holds_a_plan(world, pupil=None, since=ISSUED):
    pupil = pupil or world.pupil
    with school_scope(world.school):
        Pupil.objects.filter(pk=pupil.pk).update(primary_need="SLCN", year_group=6)
        pupil.refresh_from_db()
        register.sen_status_correct(pupil=pupil, actor=world.senco, status="E", since=since,
                                    reason="EHC plan issued by the local authority")
    return pupil


def test_the_due_dates_and_the_steps_on_worked_dates():
    assert rules.annual_review_due(since=D(2026, 3, 10), date_of_birth=D(2015, 5, 1)) == \
        D(2027, 3, 10)  # within 12 months of the plan
    assert rules.annual_review_due(since=D(2026, 3, 10), date_of_birth=D(2022, 5, 1)) == \
        D(2026, 9, 10)  # a child under 5: within 6 months (Code 9.178)
    assert rules.annual_review_due(since=D(2026, 11, 20), date_of_birth=D(2015, 5, 1)) == \
        D(2027, 11, 20)  # then within 12 months of the review
    review = AnnualReview(meeting_on=D(2026, 11, 20), held=True, transfer="phase")
    found = {step.label: step.due_on for step in steps(review, D(2026, 12, 2))}
    assert found == {
        "Invitations and advice sent": D(2026, 11, 6),  # 2 weeks before (reg 20)
        "The review meeting": D(2026, 11, 20),
        "The report sent to the local authority": D(2026, 12, 4),  # 2 weeks after
        "The local authority's decision": D(2026, 12, 18),  # 4 weeks after
        "The amended plan, before the move": D(2027, 2, 15),  # Year 6 to 7: 15 February
    }
    assert rules.transfer_due(meeting_on=D(2026, 11, 20), transfer="post_16") == D(2027, 3, 31)
    assert rules.transfer_due(meeting_on=D(2027, 1, 20), transfer="phase") == D(2027, 2, 15)


@pytest.mark.django_db
def test_recording_a_review_moves_the_next_due_date_and_shows_each_step(school_a, as_user):
    pupil = holds_a_plan(school_a)
    with school_scope(school_a.school):
        [before] = plan_reviews(Pupil.objects.filter(pk=pupil.pk), D(2026, 12, 2))
        assert (before.plan_since, before.due_on, before.standing) == (
            D(2026, 3, 10), D(2027, 3, 10), Standing.ON_TRACK)
        review = annual_review_save(
            pupil=pupil, actor=school_a.senco, held=True, meeting_on=D(2026, 11, 20),
            invitations_sent_on=D(2026, 11, 10), transfer="phase",
            parent_views="Pleased with the speech therapy",
            outcomes=[{"outcome": "Speaks in class", "progress": "Answers one question a day"},
                      {"outcome": "", "progress": ""}],
            report_sent_on=D(2026, 11, 30), decision="amend", decision_on=D(2026, 12, 1))
        [after] = plan_reviews(Pupil.objects.filter(pk=pupil.pk), D(2026, 12, 2))
        assert (after.last_held, after.due_on) == (review, D(2027, 11, 20))
        late = {s.label: s.missed for s in steps(review, D(2026, 12, 2))}
        assert late["Invitations and advice sent"]  # 10 November: after the 6th
        assert not late["The report sent to the local authority"]
        assert review.outcomes == [{"outcome": "Speaks in class",
                                    "progress": "Answers one question a day"}]
    slug = school_a.school.slug
    page = as_user(school_a.senco).get(f"/s/{slug}/pupils/{pupil.pk}/annual-reviews/")
    text = page.content.decode()
    assert "20 November 2027" in text and "6 November 2026" in text and "Late" in text
    assert "Amend the plan, 1 December 2026" in text and "15 February 2027" in text
    assert "See its annual reviews" in as_user(school_a.senco).get(
        f"/s/{slug}/pupils/{pupil.pk}/").content.decode()


@pytest.mark.django_db
def test_a_review_before_the_plan_or_for_a_pupil_without_one_is_refused(school_a, api_as):
    """Bad input: 400 naming the field, nothing saved."""
    api = api_as(school_a.senco)
    url = f"/api/v1/schools/{school_a.school.slug}/annual-reviews/"
    without = api.post(url, {"pupil": school_a.pupil.pk, "meeting_on": "2026-11-20",
                             "held": True}, format="json")
    assert without.status_code == 400 and without.json()["errors"][0]["attr"] == "meeting_on"
    pupil = holds_a_plan(school_a)
    before = api.post(url, {"pupil": pupil.pk, "meeting_on": "2026-03-01", "held": True},
                      format="json")
    assert before.status_code == 400
    assert [e["attr"] for e in before.json()["errors"]] == ["meeting_on"]
    assert "10 March 2026" in before.json()["errors"][0]["detail"]
    with school_scope(school_a.school):
        assert not AnnualReview.objects.exists()
    made = api.post(url, {"pupil": pupil.pk, "meeting_on": "2026-11-20", "held": True,
                          "outcomes": [{"outcome": "Reads a page aloud", "progress": "Yes"}]},
                    format="json")
    assert made.status_code == 201, made.content
    assert [s["label"] for s in made.json()["steps"]][0] == "Invitations and advice sent"


@pytest.mark.django_db
def test_overdue_reviews_lead_the_list_and_the_digest(school_a, as_user):
    overdue = holds_a_plan(school_a, since=D(2025, 9, 1))  # due by 1 September 2026
    holds_a_plan(school_a, school_a.pupils[1], since=D(2026, 10, 1))
    slug = school_a.school.slug
    text = as_user(school_a.senco).get(f"/s/{slug}/annual-reviews/").content.decode()
    assert text.index(overdue.full_name) < text.index(school_a.pupils[1].full_name)
    assert "Overdue" in text
    with school_scope(school_a.school):
        daily_digest(school=school_a.school, today=D(2026, 12, 2))
    senco_mail = next(m for m in mail.outbox if m.to == [school_a.senco.email])
    assert "Annual reviews of EHC plans overdue" in senco_mail.body
    assert f"{overdue.full_name}: due by 1 September 2026 (overdue)" in senco_mail.body
