"""Escalation in a real browser, on the demo data: the SENCO reads why a pupil looks
ready for an EHC needs assessment, downloads the evidence bundle, records a decision,
and sees open requests against their statutory dates. axe-core on every page."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from apps.escalation.selectors import readiness_by_pupil
from apps.pupils.models import Pupil
from apps.schools.models import School
from apps.schools.tenancy import school_scope

from .test_apdr import heading, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_senco_weighs_an_ehc_needs_assessment(page, live_server, axe):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    school = School.objects.get(slug="oakfield-primary")
    with school_scope(school):
        readiness = readiness_by_pupil(list(Pupil.objects.values_list("pk", flat=True)),
                                       school)
        pupil = Pupil.objects.get(pk=max(readiness, key=lambda pk: len(
            readiness[pk].signals)))
    sign_in(page, live_server, "senco@oakfield.example")
    page.get_by_role("link", name="EHC requests").click()
    expect(heading(page)).to_have_text("Open EHC needs assessment requests")
    expect(page.locator(".govuk-tag", has_text="Missed").first).to_be_visible()
    axe(page)
    page.goto(f"{live_server.url}/s/{school.slug}/pupils/{pupil.pk}/")
    page.get_by_role("link", name="See the reasons, decisions and requests").click()
    expect(heading(page)).to_have_text(re.compile("EHC"))
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the evidence bundle (PDF)").click()
    text = "".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "3. Action taken by the school" in text and pupil.full_name in text
    page.get_by_role("link", name="Record a decision").click()
    axe(page)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label("Request an EHC needs assessment").check()
    page.get_by_label("Why").fill("Two cycles without expected progress despite support.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The decision has been recorded")).to_be_visible()
    axe(page)


def test_a_requests_dates_an_exception_and_the_pupil_pages_new_sections(page, live_server,
                                                                         axe):
    """The statutory dates of an open request, the exception form with its error summary,
    the notice of SEN support on the pupil page and the meeting form: axe on each."""
    call_command("load_demo", stdout=open("/dev/null", "w"))
    school = School.objects.get(slug="oakfield-primary")
    sign_in(page, live_server, "senco@oakfield.example")
    page.get_by_role("link", name="EHC requests").click()
    page.locator("tbody a.govuk-link").first.click()
    expect(page.get_by_role("table", name=re.compile("Statutory dates"))).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Record an exception to a time limit").click()
    axe(page)
    page.get_by_role("button", name="Record the exception").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)
    with school_scope(school):
        pupil = Pupil.objects.filter(parent_links__isnull=False,
                                     sen_records__ended_on__isnull=True,
                                     sen_records__status="K").first()
    page.goto(f"{live_server.url}/s/{school.slug}/pupils/{pupil.pk}/")
    expect(page.get_by_role("heading", name="Notice of SEN support")).to_be_visible()
    axe(page)
    page.goto(f"{live_server.url}/s/{school.slug}/pupils/{pupil.pk}/meetings/new/")
    expect(page.get_by_label("Start time (optional)")).to_be_visible()
    axe(page)


def test_the_annual_reviews_of_ehc_plans(page, live_server, axe):
    """The school's list of EHC plans by their next review, a pupil's reviews, and the
    form with its error summary: axe on each."""
    call_command("load_demo", stdout=open("/dev/null", "w"))
    sign_in(page, live_server, "senco@oakfield.example")
    page.get_by_role("link", name="Annual reviews", exact=True).click()
    expect(heading(page)).to_have_text("Annual reviews of EHC plans")
    axe(page)
    page.locator("tbody a.govuk-link").first.click()
    expect(heading(page)).to_have_text("Annual reviews of the EHC plan")
    axe(page)
    page.get_by_role("link", name="Plan or record an annual review").click()
    axe(page)
    page.get_by_label("Date of the review meeting").fill("2001-01-01")
    page.get_by_label("Yes, record it").check()
    page.get_by_role("button", name="Save the annual review").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)
