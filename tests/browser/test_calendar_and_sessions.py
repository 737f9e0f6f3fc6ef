"""Term dates and correcting a session, in a real browser on the demo data: the demo SENCO
enters the year's term dates; the demo TA corrects a session they recorded. axe-core on
every page."""

import re

import pytest
from playwright.sync_api import expect

from .test_apdr import demo, heading, save, sign_in  # noqa: F401 (demo is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_senco_enters_the_term_dates(page, live_server, demo, axe):  # noqa: F811
    sign_in(page, live_server, "senco@oakfield.example")
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Term dates").click()
    expect(heading(page)).to_contain_text("Term dates")
    expect(page.get_by_text("No term dates have been entered")).to_be_visible()
    axe(page)
    page.get_by_label("Autumn term ends").fill("2099-12-18")  # a typing slip
    page.get_by_role("button", name="Save the term dates").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("is not within")
    axe(page)
    page.locator(".govuk-error-summary a").first.click()  # the summary leads to the field
    expect(page.get_by_label("Autumn term starts")).to_be_focused()
    page.get_by_label("Autumn term ends").fill("")
    page.get_by_role("button", name="Save the term dates").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date the autumn")
    page.goto(page.url)  # start again from what is saved: the default year
    page.get_by_label("INSET days").fill(
        page.get_by_label("Autumn term starts").input_value())
    save(page, "Save the term dates")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("38.8 school weeks")
    expect(page.get_by_text("No term dates have been entered")).to_have_count(0)
    axe(page)


def test_the_demo_ta_corrects_a_session_they_recorded(page, live_server, demo, axe):  # noqa: F811
    sign_in(page, live_server, "ta@oakfield.example")
    page.locator("table tbody tr").first.get_by_role("link").first.click()
    page.get_by_role("link", name=re.compile("Cycle")).first.click()
    page.get_by_role("link", name=re.compile("See the sessions recorded")).click()
    expect(heading(page)).to_contain_text("Sessions recorded in cycle")
    axe(page)
    delivered = page.locator("table tbody tr", has_text="Delivered").first
    delivered.get_by_role("link", name=re.compile("^Correct")).click()
    expect(heading(page)).to_have_text("Correct a session")
    axe(page)
    page.get_by_label("Minutes").fill("17")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why")
    axe(page)
    page.get_by_label("Why you are correcting it").fill("It was cut short by a fire drill.")
    save(page, "Save the correction")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("corrected")
    expect(page.locator("table tbody tr", has_text="Delivered, 17 minutes")).to_have_count(1)
    axe(page)
