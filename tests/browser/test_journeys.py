"""Journeys in a real browser: signing in with the keyboard, the register, a pupil, the
error summary, and isolation. Every page visited passes axe-core."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from apps.accounts import two_factor
from tests.factories import PASSWORD
from tests.two_factor import app_for, code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user, axe=None):
    device = app_for(user) if two_factor.is_required(user) else None
    page.goto(f"{live_server.url}/")
    expect(page).to_have_title(re.compile("Sign in"))
    if axe:
        axe(page)
    # Keyboard only: the skip link comes first, then the form.
    page.keyboard.press("Tab")
    expect(page.locator(".govuk-skip-link")).to_be_focused()
    page.get_by_label("E-mail address").focus()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    if device:
        # The second step, by keyboard too: the code field is the first thing to type in.
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Enter the code from your authenticator app")
        if axe:
            axe(page)
        page.get_by_label("Code from your authenticator app").focus()
        page.keyboard.type(code_for(device))
        page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile("sign-in"))


def test_a_senco_signs_in_and_works_through_the_register(page, live_server, school_a,
                                                         school_b, axe):
    sign_in(page, live_server, school_a.senco, axe)
    # Staff land on the overview: this week's work and the caseload drawn, with words.
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    expect(page.get_by_role("img", name="Pupils by area of primary need")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="SEN register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SEN register")
    expect(page.get_by_text("3 pupils")).to_be_visible()
    axe(page)

    page.get_by_label("SEN status").select_option("K")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("2 pupils")).to_be_visible()
    for pupil in school_b.pupils:
        expect(page.get_by_text(pupil.upn)).to_have_count(0)
    axe(page)

    pupil = school_a.pupil
    page.get_by_role("link", name=f"{pupil.last_name}, {pupil.first_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(pupil.full_name)
    axe(page)

    page.get_by_role("link", name="Change SEN status").click()
    axe(page)
    page.get_by_role("button", name="Save SEN status").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    axe(page)
    page.get_by_label("No special educational needs").check()
    page.get_by_label("Date the change takes effect").fill("2025-03-01")
    page.get_by_label("Reason").fill("Progress now in line with peers")
    page.get_by_role("button", name="Save SEN status").click()
    expect(page.get_by_text("is now recorded as No special educational needs")).to_be_visible()
    axe(page)


def test_a_new_senco_sets_up_two_step_verification(page, live_server, school_a, axe):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(school_a.senco.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step verification")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    axe(page)
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    axe(page)
    device = TOTPDevice.objects.get(user=school_a.senco)
    page.get_by_label("Code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    expect(page.get_by_text("Two-step verification is on")).to_be_visible()


def test_adding_a_pupil_with_mistakes_shows_every_problem(page, live_server, school_a, axe):
    sign_in(page, live_server, school_a.senco)
    page.goto(f"{live_server.url}/s/{school_a.school.slug}/pupils/new/")
    axe(page)
    page.get_by_label("UPN").fill("A801200005001")
    page.get_by_role("button", name="Add pupil").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("check letter")
    expect(summary).to_contain_text("Enter a first name")
    axe(page)
    summary.get_by_role("link", name=re.compile("check letter")).click()
    expect(page.get_by_label("UPN")).to_be_focused()


def test_a_teacher_cannot_open_a_pupil_of_another_school(page, live_server, school_a,
                                                        school_b, axe):
    sign_in(page, live_server, school_a.teacher)
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    page.get_by_role("link", name="SEN register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SEN register")
    expect(page.get_by_text(school_a.pupils[1].upn)).to_have_count(0)  # not taught
    axe(page)
    other = school_b.pupil
    response = page.goto(f"{live_server.url}/s/{school_b.school.slug}/pupils/{other.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text(other.upn)).to_have_count(0)
    expect(page.get_by_text(other.full_name)).to_have_count(0)
    axe(page)
    response = page.goto(f"{live_server.url}/s/{school_a.school.slug}/pupils/{other.pk}/")
    assert response.status == 404


def test_a_parent_at_two_schools_sees_only_their_children(page, live_server,
                                                                   school_a, school_b, axe):
    from apps.schools.models import Membership
    from tests.factories import ParentLinkFactory

    parent = school_a.parent
    Membership.objects.create(user=parent, school=school_b.school, role="parent")
    ParentLinkFactory(pupil=school_b.pupils[1], parent=parent)
    sign_in(page, live_server, parent)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your children")
    expect(page.get_by_role("link", name=school_a.pupils[0].full_name)).to_be_visible()
    expect(page.get_by_text(school_a.pupils[1].full_name)).to_have_count(0)
    axe(page)
    page.get_by_role("link", name=school_b.pupils[1].full_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(school_b.pupils[1].first_name)
    expect(page.get_by_text("The school has not shared a plan with you yet")).to_be_visible()
    axe(page)


def test_pages_run_under_the_content_security_policy(browser, live_server, school_a):
    """Without bypassing the policy: no violation reported, GOV.UK Frontend still runs."""
    context = browser.new_context()
    page = context.new_page()
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    sign_in(page, live_server, school_a.senco)
    page.goto(f"{live_server.url}/s/{school_a.school.slug}/pupils/new/")
    page.get_by_role("button", name="Add pupil").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()  # script ran
    assert not [m for m in messages if "Content Security Policy" in m], messages
    context.close()


def test_the_head_deletes_records_past_retention_by_keyboard(page, live_server, school_a,
                                                            axe):
    import datetime

    from apps.pupils.models import Pupil
    from apps.schools.tenancy import school_scope

    with school_scope(school_a.school):
        Pupil.objects.filter(pk=school_a.pupil.pk).update(
            date_of_birth=datetime.date(1980, 5, 1))
    sign_in(page, live_server, school_a.head)
    page.get_by_role("link", name="Retention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Records past the retention period")
    expect(page.get_by_role("cell", name=school_a.pupil.full_name)).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Delete the records of 1 pupil").focus()
    page.keyboard.press("Enter")  # not confirmed yet: refused, nothing deleted
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    axe(page)
    page.get_by_label("I have checked this list").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Delete the records of 1 pupil").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The records of 1 pupil have been deleted")
    expect(page.get_by_text("No pupil is past the retention period")).to_be_visible()
    axe(page)


def test_the_senco_finds_the_subject_access_export(page, live_server, school_a, axe):
    sign_in(page, live_server, school_a.senco)
    page.goto(f"{live_server.url}/s/{school_a.school.slug}/pupils/{school_a.pupil.pk}/")
    page.get_by_role("link", name=re.compile("subject access request")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Export everything held about {school_a.pupil.first_name}")
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the export (ZIP file)").click()
    assert download.value.suggested_filename.endswith(".zip")


def test_a_trust_lead_sees_both_schools_on_one_page(page, live_server, school_a, school_b,
                                                   axe):
    from tests.factories import MembershipFactory, UserFactory

    lead = UserFactory(email="lead@trust.example")
    for world in (school_a, school_b):
        MembershipFactory(user=lead, school=world.school, role="trust_lead")
    sign_in(page, live_server, lead)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a school")
    page.get_by_role("link", name=re.compile("See every school of Test Trust")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test Trust")
    expect(page.get_by_role("link", name="Birch School", exact=True)).to_be_visible()
    axe(page)
    page.get_by_role("link", name="What works and what it costs across these schools").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What works and what it costs")
    axe(page)
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="Alder School", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
