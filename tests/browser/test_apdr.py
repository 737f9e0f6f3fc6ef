"""The graduated approach in a real browser, on the demo data: the demo SENCO takes a
pupil through two full cycles and reads the timeline; the demo TA records a group session
for three pupils in one step. Every page visited passes axe-core."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts import two_factor
from apps.accounts.models import User
from apps.plans.models import SupportPlan
from apps.pupils.models import Pupil
from apps.schools.models import School
from apps.schools.tenancy import school_scope
from tests.two_factor import app_for, code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()
PASSWORD = "demo-password-2026"


@pytest.fixture
def demo(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return School.objects.get(slug="oakfield-primary")


def sign_in(page, live_server, email):
    """Password, then (for the SENCO, head and trust lead) the code from their app."""
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    person = User.objects.get(email=email)
    if two_factor.is_required(person):
        expect(heading(page)).to_have_text("Enter the code from your authenticator app")
        page.get_by_label("Code from your authenticator app").fill(code_for(app_for(person)))
        page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(re.compile("sign-in"))


def heading(page):
    return page.get_by_role("heading", level=1)


def save(page, name):
    page.get_by_role("button", name=name).click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()


def take_through_a_cycle(page, axe, *, first: bool, rating: str):
    """From Assess to closed, on the cycle page and its forms."""
    review_date = (TODAY + datetime.timedelta(weeks=10)).isoformat()
    if first:
        page.get_by_role("link", name="Change needs, strengths and views").click()
        axe(page)
        page.get_by_label("Needs").fill("Finds it hard to follow spoken instructions.")
        page.get_by_label("Strengths").fill("Loves drawing; kind to friends.")
        save(page, "Save")
    page.get_by_role("button", name="Move to Plan").click()
    if first:
        page.get_by_role("link", name="Add provision").click()
        axe(page)
        page.get_by_label("Intervention").select_option(label="Talk Boost")
        page.get_by_label("Start date").fill(TODAY.isoformat())
        page.get_by_label("End date").fill(review_date)
        save(page, "Save provision")
        page.get_by_role("link", name="Add an outcome").click()
        axe(page)
        page.get_by_label("What the pupil will achieve").fill(
            "Follows a two-step instruction given to the class")
        page.get_by_label("How we will know").fill("4 out of 5 times in a week")
        page.get_by_label("Talk Boost").check()
        save(page, "Save outcome")
    page.get_by_role("link", name="Change review date").click()
    axe(page)
    page.get_by_label("Agreed review date").fill(review_date)
    save(page, "Save")
    page.get_by_role("button", name="Move to Do").click()
    expect(page.get_by_text("is now at the Do stage")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Record a session").click()
    axe(page)
    page.get_by_label("Provision").select_option(index=1)
    save(page, "Record session")
    page.get_by_role("button", name="Move to Review").click()
    page.get_by_role("link", name="Record the review").click()
    axe(page)
    page.get_by_label("Date of the review meeting").fill(TODAY.isoformat())
    page.get_by_label("Who came").fill("SENCO, class teacher, mum")
    page.get_by_label("Parents or carers attended").check()
    page.locator("fieldset", has_text="Outcome:").get_by_label(rating, exact=True).check()
    page.get_by_label("Continue the current support").check()
    save(page, "Save the review")
    axe(page)
    page.get_by_role("button", name="Close the cycle and carry out the next step").click()
    # Closing asks to confirm, saying what will happen.
    expect(page.get_by_role("heading", name="What will happen")).to_be_visible()
    axe(page)
    page.get_by_role("button", name=re.compile(r"^Close cycle \d+$")).click()
    expect(page.get_by_text(re.compile(r"is closed and cycle \d+ has opened"))).to_be_visible()


def test_the_demo_senco_takes_a_pupil_through_two_full_cycles(page, live_server, demo, axe):
    with school_scope(demo):
        pupil = Pupil.objects.exclude(
            pk__in=SupportPlan.objects.values("pupil")).order_by("upn").first()
    sign_in(page, live_server, "senco@oakfield.example")
    page.goto(f"{live_server.url}/s/{demo.slug}/pupils/{pupil.pk}/")
    page.get_by_role("link", name="Start a support plan").click()
    axe(page)
    page.get_by_role("button", name="Start the plan").click()
    expect(heading(page)).to_have_text("Cycle 1")
    axe(page)
    # Moving on too early is refused with what is missing.
    page.get_by_role("button", name="Move to Plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Describe the pupil's needs")
    axe(page)
    take_through_a_cycle(page, axe, first=True, rating="Partly achieved")
    expect(heading(page)).to_have_text("Cycle 2")
    expect(page.get_by_text("Carried forward from cycle 1")).to_be_visible()
    take_through_a_cycle(page, axe, first=False, rating="Achieved")
    expect(heading(page)).to_have_text("Cycle 3")
    page.get_by_role("link", name="Whole timeline").click()
    expect(heading(page)).to_have_text("SEN support timeline")
    for number in (1, 2, 3):
        expect(page.get_by_role("heading", name=re.compile(f"Cycle {number}:"))).to_be_visible()
    expect(page.get_by_text("Partly achieved")).to_be_visible()
    expect(page.get_by_text("Achieved", exact=True)).to_be_visible()
    axe(page)
    # Cycle 2 was closed a moment ago and nothing is recorded in cycle 3: it can be
    # reopened, with a reason, and cycle 3 goes.
    page.get_by_role("link", name="Cycle 2", exact=True).click()
    page.get_by_role("link", name="Reopen cycle 2").click()
    axe(page)
    page.get_by_label("Why are you reopening this cycle?").fill("Closed before mum's views")
    page.get_by_role("button", name="Reopen the cycle").click()
    expect(page.get_by_text("Cycle 2 is open again, at Review")).to_be_visible()
    expect(page.get_by_role("link", name="Cycle 3")).to_have_count(0)
    axe(page)


def test_the_demo_ta_records_a_group_session_for_three_pupils(page, live_server, demo, axe):
    sign_in(page, live_server, "ta@oakfield.example")
    page.get_by_role("link", name="Record a group session").click()
    axe(page)
    page.get_by_label("Intervention").select_option(label="Lego therapy")
    page.get_by_role("button", name="Show the pupils").click()
    pupils = page.locator("fieldset")
    expect(pupils).to_have_count(3)
    axe(page)
    page.get_by_role("button", name="Record group session").click()
    expect(page.get_by_text(re.compile("has been recorded for 3 pupils"))).to_be_visible()
    axe(page)
