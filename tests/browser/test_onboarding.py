"""A school starts, in a real browser: created with one command, its SENCO accepts the
invitation and sets up two steps, invites a teacher and a parent, imports 300 pupils from a
sample MIS export; the teacher accepts and sees the pupils they teach. Every page visited
passes axe-core."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from apps.accounts.models import User
from apps.pupils.models import Pupil
from apps.schools.models import School
from apps.schools.tenancy import school_scope
from tests.two_factor import code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sims-300-pupils.csv"
LINK = re.compile(r"https?://\S+?(/accounts/invitations/\S+?/)\s")
PASSWORD = "marble otter lantern"


def last_link_to(email: str) -> str:
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return LINK.search(message.body).group(1)


def accept(page, live_server, email, axe):
    page.goto(live_server.url + last_link_to(email))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Join "))
    axe(page)
    page.get_by_role("button", name="Create your account").click()  # nothing typed yet
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    axe(page)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_label("Type the password again").press("Enter")


def test_a_new_school_starts_from_one_command(page, live_server, axe, browser):
    call_command("create_school", "--name=Oak Lane Primary", "--urn=123456",
                 "--la-code=201", "--la-name=City of London", "--phase=primary",
                 "--senco-email=sam@oaklane.example", "--senco-first-name=Sam",
                 "--senco-last-name=Patel", stdout=StringIO())
    school = School.objects.get(urn="123456")

    # The SENCO accepts, and sets up two-step verification before anything else.
    accept(page, live_server, "sam@oaklane.example", axe)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step verification")
    axe(page)
    device = TOTPDevice.objects.get(user__email="sam@oaklane.example")
    page.get_by_label("Code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    expect(page.get_by_text("No pupils are on the register yet")).to_be_visible()
    axe(page)

    # A teacher, who teaches 3A.
    page.get_by_role("link", name="People").click()
    axe(page)
    page.get_by_role("link", name="Invite a member of staff").click()
    page.get_by_label("First name").fill("Tess")
    page.get_by_label("Last name").fill("Morgan")
    page.get_by_label("E-mail address").fill("tess@oaklane.example")
    page.get_by_label("Class or subject teacher").check()
    page.get_by_label("Classes they teach (optional)").fill("3A")
    axe(page)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("An invitation has been sent to tess@oaklane.example")
           ).to_be_visible()
    expect(page.get_by_role("cell", name="tess@oaklane.example", exact=True)).to_be_visible()
    axe(page)

    # 300 pupils from the MIS.
    page.get_by_role("link", name="SEN register").click()
    page.get_by_role("button", name="Import from the MIS").click()
    axe(page)
    page.get_by_label("CSV file exported from your MIS").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Nothing has changed yet")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Import 300 pupils").click()
    expect(page.get_by_text("300 pupils added, 0 updated")).to_be_visible()
    axe(page)
    with school_scope(school):
        assert Pupil.objects.count() == 300
        pupil = Pupil.objects.filter(class_name="3A").order_by("last_name").first()
        in_3a = Pupil.objects.filter(class_name="3A").count()

    # A parent, from their child's page.
    page.goto(f"{live_server.url}/s/{school.slug}/pupils/{pupil.pk}/")
    page.get_by_role("link", name="Invite a parent or carer").click()
    axe(page)
    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Last name").fill("Shah")
    page.get_by_label("E-mail address").fill("priya@home.example")
    page.get_by_label("Relationship to the pupil").fill("Mother")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("An invitation has been sent to priya@home.example")
           ).to_be_visible()
    axe(page)

    # The teacher accepts in a browser of their own and sees the pupils of 3A.
    teacher_page = browser.new_context(bypass_csp=True).new_page()
    accept(teacher_page, live_server, "tess@oaklane.example", axe)
    expect(teacher_page.get_by_role("heading", level=1)).to_have_text("Overview")
    teacher_page.get_by_role("link", name="SEN register").click()
    expect(teacher_page.get_by_text(f"{in_3a} pupils")).to_be_visible()
    expect(teacher_page.get_by_text(pupil.upn)).to_be_visible()
    axe(teacher_page)
    assert User.objects.get(email="tess@oaklane.example").memberships.get().classes == ["3A"]


def test_a_used_or_expired_link_says_so(page, live_server, axe):
    call_command("create_school", "--name=Elm Primary", "--urn=654321", "--la-code=202",
                 "--la-name=Camden", "--phase=primary", "--senco-email=eli@elm.example",
                 "--senco-first-name=Eli", "--senco-last-name=Moss", stdout=StringIO())
    link = live_server.url + last_link_to("eli@elm.example")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Elm Primary")
    page.goto(link[:-2] + ("A" if link[-2] != "A" else "B") + "/")  # one character changed
    expect(page.get_by_text("This link is not valid")).to_be_visible()
    axe(page)
