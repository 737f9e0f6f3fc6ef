"""Parents in a real browser, on the demo data: the demo parent with a child at each
school sees only those children and downloads a shared plan whose PDF text matches what
was shared; the demo SENCO sees who is at risk of fewer than three meetings."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from apps.parents.models import PlanSnapshot
from apps.pupils.models import ParentLink, Pupil
from apps.schools.tenancy import dangerously_all_schools

from .test_apdr import heading, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_the_demo_parent_sees_only_their_children_and_their_shared_plans(page, live_server,
                                                                         demo, axe):
    with dangerously_all_schools():
        links = ParentLink.objects.filter(parent__email="parent@example.com")
        children = {link.pupil.full_name for link in links.select_related("pupil")}
        others = list(Pupil.objects.exclude(pk__in=links.values("pupil")))
    sign_in(page, live_server, "parent@example.com")
    expect(heading(page)).to_have_text("Your children")
    axe(page)
    names = page.locator("main ul li a")
    expect(names).to_have_count(2)
    assert set(names.all_inner_texts()) == children
    for pupil in others:
        expect(page.get_by_text(pupil.full_name, exact=True)).to_have_count(0)
    names.first.click()
    axe(page)
    page.get_by_role("link", name=re.compile("Plan shared on")).click()
    expect(heading(page)).to_have_text(re.compile("support plan"))
    axe(page)
    snapshot_id = int(re.search(r"/plans/(\d+)/", page.url).group(1))
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this plan as a PDF").click()
    text = " ".join("".join(p.extract_text() for p in PdfReader(
        download.value.path()).pages).split())
    with dangerously_all_schools():
        shared = PlanSnapshot.objects.get(pk=snapshot_id).content
    for expected in (shared["strengths"], shared["needs"], shared["parent_help"],
                     *(o["description"] for o in shared["outcomes"]),
                     *(p["what"] for p in shared["provision"])):
        assert " ".join(expected.split()) in text


def test_the_demo_senco_sees_who_is_at_risk_of_fewer_than_three_meetings(page, live_server,
                                                                        demo, axe):
    sign_in(page, live_server, "senco@oakfield.example")
    page.get_by_role("link", name="Meetings with parents").click()
    expect(heading(page)).to_have_text("Meetings with parents this school year")
    expect(page.get_by_text(re.compile(r"\d+ pupils? at risk or missed"))).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="At risk").first).to_be_visible()
    axe(page)


def test_a_parent_sends_views_and_the_senco_sees_them_marked_new(page, live_server, demo,
                                                                 axe, browser):
    with dangerously_all_schools():
        link = (ParentLink.objects.filter(parent__email="parent@example.com",
                                          pupil__plans__cycles__closed_on__isnull=True)
                .select_related("pupil__school").first())
        pupil, school = link.pupil, link.pupil.school
    sign_in(page, live_server, "parent@example.com")
    page.goto(f"{live_server.url}/s/{school.slug}/family/{pupil.pk}/")
    page.get_by_label("Your views for the next review").fill(
        "She reads to her brother every night now. <b>Spelling</b> still worries us.")
    page.get_by_role("button", name="Send my views").click()
    expect(page.get_by_text("the school has received your views")).to_be_visible()
    axe(page)
    staff = browser.new_page(bypass_csp=True)  # its own session, as the axe check needs
    sign_in(staff, live_server, school.senco_email)
    staff.goto(f"{live_server.url}/s/{school.slug}/pupils/{pupil.pk}/")
    staff.get_by_role("link", name=re.compile(r"^Cycle \d+")).last.click()
    section = staff.locator(".app-parent-views", has_text="reads to her brother")
    expect(section.locator(".govuk-tag", has_text="New")).to_be_visible()
    expect(section).to_contain_text("<b>Spelling</b> still worries us")  # as text
    axe(staff)
    staff.get_by_role("button", name=re.compile("Mark .* read")).click()
    expect(section.locator(".govuk-tag", has_text="New")).to_have_count(0)
