"""The support plan summary: the current plan in the shape of the proposed Individual
Support Plan (needs, outcomes, support in place, who is responsible, written with the
parents, reviewed within 12 months), on at most two A4 pages, and the same as JSON."""

import datetime
import io

import pytest
from pypdf import PdfReader

from apps.caseload.rules import review_within_months
from apps.parents import services as parents
from apps.plans import services as plans
from apps.schools.tenancy import school_scope

from .factories import ProvisionTypeFactory
from .plans_helpers import planned_cycle

pytestmark = pytest.mark.django_db

D = datetime.date


def url(world, pupil, ending="pdf"):
    return f"/s/{world.school.slug}/pupils/{pupil.pk}/support-plan-summary.{ending}"


def test_a_large_plan_prints_on_at_most_two_pages_with_every_element(school_a, as_user):
    pupil = school_a.pupil
    cycle, _ = planned_cycle(school_a, outcomes=6, opened_on=D(2025, 9, 8),
                             review_date=D(2025, 12, 12))
    with school_scope(school_a.school):
        for n in range(5):  # six kinds of support in all
            plans.provision_save(
                cycle=cycle, actor=school_a.senco, start_date=D(2025, 9, 8),
                provision_type=ProvisionTypeFactory(school=school_a.school, name=f"Support {n}"),
                details="A small group in the library, with a visual timetable and "
                        "pre-teaching of the week's vocabulary.", delivered_by=school_a.ta)
        parents.meeting_save(pupil=pupil, actor=school_a.senco, held=True, kind="review",
                             date=D(2025, 9, 10), attendees="Mum, class teacher")
    page = as_user(school_a.senco).get(f"/s/{school_a.school.slug}/pupils/{pupil.pk}/")
    assert f'href="{url(school_a, pupil)}"' in page.content.decode()
    response = as_user(school_a.senco).get(url(school_a, pupil))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    assert len(pdf.pages) <= 2
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    for words in ("Support plan summary", "Needs", "Finds it hard to follow two-step",
                  "Outcomes", "Follows a two-step instruction in class (6)",
                  "Support in place", "Support 4", "Who is responsible", "The pupil's views",
                  "Written with", "Meeting with parents, 10 September 2025",
                  "To be reviewed with the parents by 12 December 2025, within 12 months"):
        assert words in text, words


def test_the_json_says_the_same_and_flags_a_review_more_than_a_year_away(school_a, as_user):
    pupil = school_a.pupil
    planned_cycle(school_a, opened_on=D(2025, 9, 8), review_date=D(2026, 10, 1))
    response = as_user(school_a.teacher).get(url(school_a, pupil, "json"))
    assert response.status_code == 200
    summary = response.json()
    assert summary["format"] == "support-plan-summary" and summary["pupil"] == pupil.full_name
    assert summary["review_by"] == "2026-10-01" and summary["review_within_12_months"] is False
    assert summary["outcomes"][0]["how_we_will_know"].startswith("4 out of 5 times")
    assert summary["level_of_support"] == "SEN support"
    pdf = PdfReader(io.BytesIO(as_user(school_a.teacher).get(url(school_a, pupil)).content))
    assert "more than 12 months after the plan began" in pdf.pages[-1].extract_text()


def test_no_plan_open_is_a_404_and_parents_cannot_have_it(school_a, as_user):
    pupil = school_a.pupil
    assert as_user(school_a.senco).get(url(school_a, pupil)).status_code == 404
    planned_cycle(school_a)
    assert as_user(school_a.parent).get(url(school_a, pupil)).status_code == 403
    other = school_a.pupils[1]  # not one the teacher works with
    assert as_user(school_a.teacher).get(url(school_a, other)).status_code == 404


def test_twelve_months_from_the_last_day_of_february():
    assert review_within_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert review_within_months(D(2025, 9, 8), 12) == D(2026, 9, 8)
    assert review_within_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
