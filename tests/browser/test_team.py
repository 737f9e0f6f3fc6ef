"""The team around the child in a real browser, on the demo data: the demo teaching
assistant opens the pupil whose one-to-one support they deliver and records a session
from My class; the demo class teacher prints their class's one-page profiles; the
SENCO writes a profile and closing a cycle asks to confirm."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from apps.plans.models import DeliveredSession, Provision
from apps.pupils.models import Profile
from apps.schools.models import School
from apps.schools.tenancy import school_scope

from .test_apdr import heading, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return School.objects.get(slug="oakfield-primary")


def test_the_ta_opens_the_pupil_they_support_and_records_a_session_from_my_class(
        page, live_server, demo, axe):
    with school_scope(demo):
        one_to_one = (Provision.objects.filter(
            provision_type__name="One-to-one teaching assistant support",
            delivered_by__email="ta@oakfield.example", end_date__isnull=True,
            cycle__closed_on__isnull=True).select_related("cycle__plan__pupil").first())
        pupil = one_to_one.cycle.plan.pupil
        linked_by_hand = pupil.assignments.filter(user__email="ta@oakfield.example").exists()
        before = DeliveredSession.objects.filter(provision=one_to_one).count()
    assert not linked_by_hand  # seen because the TA delivers the support
    sign_in(page, live_server, "ta@oakfield.example")
    page.get_by_role("link", name="My class", exact=True).click()
    expect(heading(page)).to_have_text("My class")
    axe(page)
    page.get_by_role("link", name=pupil.full_name).first.click()
    expect(heading(page)).to_contain_text(pupil.last_name)
    axe(page)
    page.go_back()
    page.get_by_role("link", name=re.compile(
        f"Record a session of One-to-one teaching assistant support for {pupil.full_name}")
    ).click()
    axe(page)
    expect(page.get_by_label("Provision")).to_have_value(str(one_to_one.pk))
    page.get_by_role("button", name="Record session").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded")
    with school_scope(demo):
        assert DeliveredSession.objects.filter(provision=one_to_one).count() == before + 1


def test_the_class_teacher_prints_their_class_profiles(page, live_server, demo, axe):
    sign_in(page, live_server, "teacher@oakfield.example")
    page.get_by_role("link", name="My class", exact=True).click()
    axe(page)
    expect(page.get_by_text("What helps").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Print their one-page profiles")).click()
    pdf = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    pages = int(re.search(r"PDF, (\d+) page", page.content()).group(1))
    assert len(pdf.pages) == pages >= 1
    assert "my one-page profile" in pdf.pages[0].extract_text()


def test_the_senco_writes_a_profile_and_keeps_its_versions(page, live_server, demo, axe):
    with school_scope(demo):
        pupil = demo_pupil_with_profile(demo)
    sign_in(page, live_server, "senco@oakfield.example")
    page.goto(f"{live_server.url}/s/{demo.slug}/pupils/{pupil.pk}/profile/")
    axe(page)
    page.get_by_role("link", name="Change the profile").click()
    axe(page)
    page.get_by_label("What helps me").fill("A quiet corner after break.")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_text("A quiet corner after break.")).to_be_visible()
    page.get_by_role("link", name="See every version").click()
    axe(page)
    expect(page.get_by_role("cell", name="What helps me", exact=True)).to_be_visible()


def demo_pupil_with_profile(school):
    return Profile.objects.filter(school=school).select_related("pupil").first().pupil


def test_the_senco_plans_a_parents_evening_for_pupils_chosen_on_the_register(
        page, live_server, demo, axe):
    from apps.parents.models import ParentMeeting
    from apps.pupils.models import Pupil

    sign_in(page, live_server, "senco@oakfield.example")
    expect(heading(page)).to_have_text("Overview")
    axe(page)
    page.get_by_role("link", name="SEN register").click()
    page.get_by_label("SEN status").select_option("K")
    page.get_by_role("button", name="Apply filters").click()
    with school_scope(demo):
        chosen = list(Pupil.objects.filter(left_on__isnull=True, sen_records__status="K",
                                           sen_records__ended_on__isnull=True)
                      .order_by("last_name", "first_name", "pk")[:2])
        before = ParentMeeting.objects.count()
    for pupil in chosen:
        page.get_by_label(f"Choose {pupil.full_name}").check()
    page.get_by_label("With the chosen pupils").select_option("meetings")
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Plan a parents' evening")
    expect(page.get_by_text("2 pupils")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Plan the meetings and invite the parents").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()  # nothing filled in
    axe(page)
    evening = datetime.date.today() + datetime.timedelta(days=14)
    page.get_by_label("Date of the parents' evening").fill(evening.isoformat())
    page.get_by_label("First meeting starts at").fill("15:30")
    page.get_by_role("button", name="Plan the meetings and invite the parents").click()
    expect(page.get_by_text("The meetings have been planned")).to_be_visible()
    with school_scope(demo):
        assert ParentMeeting.objects.count() == before + 2


def test_the_senco_prints_a_classs_plans_for_parents_evening(page, live_server, demo, axe):
    from apps.caseload.models import PrintRun
    from apps.pupils.models import Pupil

    with school_scope(demo):
        in_class = Pupil.objects.filter(left_on__isnull=True, class_name="3A").count()
    sign_in(page, live_server, "senco@oakfield.example")
    page.get_by_role("link", name="SEN register").click()
    page.get_by_label("Class").fill("3A")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name=re.compile("for a parents' evening")).click()
    expect(heading(page)).to_have_text("Print plans or profiles")
    expect(page.get_by_text(f"Class 3A: {in_class} pupil")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Print", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()  # nothing chosen
    axe(page)
    page.get_by_label("Their current support plans, as the parents see them").check()
    page.get_by_role("button", name="Print", exact=True).click()
    expect(page.get_by_text("Ready to print")).to_be_visible()  # laid out in the request
    axe(page)
    with school_scope(demo):
        run = PrintRun.objects.get()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the PDF")).click()
    pdf = PdfReader(download.value.path())
    assert len(pdf.pages) == run.pages and len(run.pupil_ids) + len(run.left_out) == in_class
    assert "support plan" in pdf.pages[0].extract_text()


def test_the_senco_finds_where_to_add_history_from_another_school(page, live_server, demo, axe):
    from apps.pupils.models import Pupil

    with school_scope(demo):
        pupil = Pupil.objects.filter(left_on__isnull=True).order_by("last_name", "pk").first()
    sign_in(page, live_server, "senco@oakfield.example")
    page.goto(f"{live_server.url}/s/{demo.slug}/pupils/{pupil.pk}/")
    page.get_by_role("link", name="SEN history from other schools").click()
    expect(heading(page)).to_have_text("SEN history from other schools")
    expect(page.get_by_text("None has been added.")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Add SEN history from another school").click()
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()  # no file chosen
    expect(page.get_by_text("Choose the SEN record file").first).to_be_visible()
    axe(page)
    # The pupil's own record stands in for one from their last school: the same child.
    from apps.privacy.sen_record import sen_record, sen_record_json
    from apps.schools.models import Membership

    senco = Membership.objects.get(school=demo, role="senco").user
    with school_scope(demo):
        document = sen_record_json(sen_record(pupil, school=demo, made_by=senco))
    page.get_by_label("The SEN record file (.json)").set_input_files(files=[{
        "name": "sen-record.json", "mimeType": "application/json",
        "buffer": document.encode()}])
    page.get_by_role("button", name="Check the file").click()
    expect(heading(page)).to_have_text(f"SEN history from {demo.name}")
    axe(page)
    page.get_by_role("button", name=re.compile("Add it to")).click()
    expect(page.get_by_text("has been added to the record")).to_be_visible()


def test_a_year_6_record_goes_to_the_trusts_secondary_when_its_senco_accepts(
        page, browser, live_server, demo, axe):
    """The Oakfield SENCO sends a Year 6 pupil's record to Riverside Academy; the Riverside
    SENCO, with the pupil on roll, accepts it and sees it as history from Oakfield."""
    from apps.privacy.models import OutgoingTransfer
    from apps.pupils.models import Pupil

    from ..factories import PupilFactory

    with school_scope(demo):
        pupil = (Pupil.objects.filter(left_on__isnull=True, year_group=6, plans__isnull=False)
                 .order_by("last_name", "pk").first())
    sign_in(page, live_server, "senco@oakfield.example")
    page.goto(f"{live_server.url}/s/{demo.slug}/pupils/{pupil.pk}/")
    page.get_by_role("link", name=re.compile("record to another school of the trust")).click()
    expect(heading(page)).to_have_text(
        f"Send {pupil.first_name}'s record to another school of the trust")
    axe(page)
    page.get_by_role("button", name="Send the record").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_text("Choose the school the pupil is moving to").first).to_be_visible()
    axe(page)
    page.get_by_label("Riverside Academy").check()
    page.get_by_label("Date they leave this school").fill("2027-07-21")
    page.get_by_role("button", name="Send the record").click()
    expect(heading(page)).to_have_text("Record sent to Riverside Academy")
    expect(page.get_by_text("Waiting for the receiving school")).to_be_visible()
    axe(page)

    riverside = School.objects.get(slug="riverside-academy")
    with school_scope(riverside):  # the pupil joins Riverside's roll (its MIS import)
        PupilFactory(school=riverside, upn=pupil.upn, first_name=pupil.first_name,
                     last_name=pupil.last_name, date_of_birth=pupil.date_of_birth,
                     year_group=7)
    receiving = browser.new_page(bypass_csp=True)  # the other SENCO's own session
    sign_in(receiving, live_server, "senco@riverside.example")
    receiving.get_by_role("link", name="Transfers").click()
    expect(heading(receiving)).to_have_text(
        "Records moving between schools of the trust")
    axe(receiving)
    receiving.get_by_role("link", name=pupil.full_name).click()
    expect(heading(receiving)).to_have_text(f"{pupil.full_name}'s SEN record")
    axe(receiving)
    receiving.get_by_role("button", name="Accept the record").click()
    expect(heading(receiving)).to_have_text(f"SEN history from {demo.name}")
    axe(receiving)
    receiving.get_by_role("button", name=re.compile("Add it to")).click()
    expect(receiving.get_by_text("has been added to the record")).to_be_visible()
    with school_scope(demo):
        assert OutgoingTransfer.objects.get().state == "accepted"
    receiving.close()


def test_the_senco_reads_a_joining_pupils_ctf_and_writes_a_leavers(
        page, live_server, demo, axe):
    """The SENCO adds the SEN history from the sample CTF for a pupil who has joined, then
    downloads a CTF for them with the error summary on the way."""
    from pathlib import Path

    from ..factories import PupilFactory

    sample = Path(__file__).parent.parent / "data" / "ctf-25-sample.xml"
    with school_scope(demo):
        maya = PupilFactory(school=demo, upn="Z330241714007", first_name="Maya",
                            last_name="Whitfield", year_group=6)
    sign_in(page, live_server, "senco@oakfield.example")
    page.goto(f"{live_server.url}/s/{demo.slug}/pupils/{maya.pk}/")
    page.get_by_role("link", name=re.compile("last school's Common Transfer File")).click()
    expect(heading(page)).to_have_text("Add the SEN history from a Common Transfer File")
    axe(page)
    page.get_by_role("button", name="Add the SEN history").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    axe(page)
    page.get_by_label("The Common Transfer File (.xml)").set_input_files(str(sample))
    page.get_by_role("button", name="Add the SEN history").click()
    expect(page.get_by_text("The Common Transfer File has been read.")).to_be_visible()
    expect(page.get_by_text("SEN provision: SEN support, from today.")).to_be_visible()
    axe(page)
    page.get_by_role("link", name=re.compile("Download a Common Transfer File")).click()
    page.get_by_role("button", name="Download the CTF").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    axe(page)
    page.get_by_label("Female").check()
    page.get_by_label("DfE number of the next school (optional)").fill("801/4002")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the CTF").click()
    assert download.value.suggested_filename == "8012001_CTF_8014002_001.xml"
    assert b"<SENtype>SLCN</SENtype>" in Path(download.value.path()).read_bytes()


def test_the_senco_drafts_the_sen_information_report(page, live_server, demo, axe):
    """The report for this year with every heading and its chart, the school's words
    written and refused when too long, and the report as the records stood on a past day."""
    sign_in(page, live_server, "senco@oakfield.example")
    page.get_by_role("link", name="Reports").click()
    expect(heading(page)).to_have_text(re.compile(r"SEN information report \d{4} to \d{4}"))
    expect(page.get_by_role("img", name="Pupils on the SEN register by area of main need")
           ).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Write the school's words under each heading").click()
    page.get_by_label("3(c). Our approach to teaching pupils with special educational needs"
                      ).fill("x" * 4001)
    page.get_by_role("button", name="Save the words").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    axe(page)
    page.get_by_label("3(c). Our approach to teaching pupils with special educational needs"
                      ).fill("Every lesson is planned for every pupil in the class.")
    page.get_by_role("button", name="Save the words").click()
    expect(page.get_by_text("Every lesson is planned for every pupil in the class.")
           ).to_be_visible()
    page.get_by_label("As the records stood on (optional)").fill(
        (datetime.date.today() - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_text("counting what was recorded up to")).to_be_visible()
    axe(page)


def test_the_senco_opens_a_pupils_inclusion_pack_and_the_schools_figures(
        page, live_server, demo, axe):
    from apps.plans.models import Cycle

    with school_scope(demo):
        pupil = (Cycle.objects.filter(number=2).select_related("plan__pupil")
                 .order_by("pk").first().plan.pupil)
    sign_in(page, live_server, "senco@oakfield.example")
    page.goto(f"{live_server.url}/s/{demo.slug}/pupils/{pupil.pk}/")
    page.get_by_role("link", name=re.compile("Inclusion pack for inspection")).click()
    expect(heading(page)).to_have_text(f"Inclusion pack: {pupil.full_name}")
    expect(page.get_by_role("heading", name=re.compile("^Cycle 2:"))).to_be_visible()
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the pack (PDF)").click()
    assert download.value.suggested_filename.startswith(f"inclusion-pack-{pupil.upn}")
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Inclusion figures for inspection").click()
    expect(heading(page)).to_have_text("Inclusion figures for inspection")
    axe(page)
