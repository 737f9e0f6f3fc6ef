"""Money in a real browser, on the demo data: the demo SENCO sees which pupils are over
the threshold, and raises, prints and records a top-up request. axe-core on every page."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from .test_apdr import heading, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()


@pytest.fixture
def demo(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_the_demo_senco_raises_prints_and_records_a_top_up_request(page, live_server, demo,
                                                                   axe):
    sign_in(page, live_server, "senco@oakfield.example")
    page.get_by_role("link", name="Money").click()
    expect(heading(page)).to_have_text("SEN support: what it costs")
    axe(page)
    page.get_by_role("link", name="SEN register").click()
    page.get_by_label("Cost this year").select_option(label="Over the threshold")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("2 pupils")).to_be_visible()
    axe(page)
    page.locator("table tbody tr").first.get_by_role("link").click()
    expect(page.get_by_text("Cost of support this year")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Draft a top-up request").click()
    axe(page)
    page.get_by_role("button", name="Draft the request").click()
    expect(heading(page)).to_have_text("Top-up request")
    expect(page.locator(".govuk-tag", has_text="Draft")).to_be_visible()
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the request")).click()
    pdf = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "Request for top-up funding" in text and "Costed provision" in text
    page.get_by_role("link", name="Record that it was sent").click()
    axe(page)
    page.get_by_role("button", name="Record that the request was sent").click()
    expect(page.locator(".govuk-tag", has_text="Submitted")).to_be_visible()
    page.get_by_role("link", name="Record the approval").click()
    page.get_by_role("button", name="Record the approval").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the amount")
    axe(page)
    page.get_by_label("Amount approved (£)").fill("4000")
    page.get_by_label("Funding starts").fill(TODAY.isoformat())
    page.get_by_label("Funding ends").fill((TODAY + datetime.timedelta(days=240)).isoformat())
    page.get_by_role("button", name="Record the approval").click()
    expect(page.locator(".govuk-tag", has_text="Approved")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="Provision map").click()
    expect(heading(page)).to_have_text("Provision map")
    axe(page)
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="What works and what it costs").click()
    expect(heading(page)).to_have_text("What works and what it costs")
    page.get_by_label("Area of need (the pupil's primary need)").select_option("semh")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Ratings are the teachers' judgements")).to_be_visible()
    axe(page)
