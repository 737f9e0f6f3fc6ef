"""Plan pages without a browser: each form, its error summary, and the cycle journey."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.plans.models import Cycle, DeliveredSession, Provision
from apps.schools.tenancy import school_scope

from .conftest import plan_records
from .factories import ProvisionTypeFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SOON = TODAY + datetime.timedelta(weeks=10)


def test_the_senco_runs_a_cycle_on_the_pages(school_a, as_user):
    client = as_user(school_a.senco)
    s = f"/s/{school_a.school.slug}"
    pupil = school_a.pupil
    kind = ProvisionTypeFactory(school=school_a.school, name="Talk Boost")
    response = client.post(f"{s}/pupils/{pupil.pk}/plan/start/",
                           {"cycle_weeks": 12, "opened_on": TODAY.isoformat()}, follow=True)
    assert "The support plan has started" in response.content.decode()
    with school_scope(school_a.school):
        cycle = Cycle.objects.get(plan__pupil=pupil)
    c = f"{s}/cycles/{cycle.pk}"
    # A refused move comes back as an error summary that says what is missing.
    page = client.post(f"{c}/move/", {"to": "plan"}, follow=True).content.decode()
    assert "This cycle cannot move on yet" in page and "Describe the pupil" in page
    client.post(f"{c}/assess/", {"needs": "Delayed language", "strengths": "Kind",
                                 "pupil_views": "", "parent_views": ""})
    client.post(f"{c}/move/", {"to": "plan"})
    bad = client.post(f"{c}/provisions/new/", {"provision_type": kind.pk,
                                               "minutes_per_session": 600,
                                               "start_date": SOON.isoformat(),
                                               "end_date": TODAY.isoformat()})
    text = bad.content.decode()
    assert "There is a problem" in text and "between 1 and 480" in text
    assert "on or after the start date" in text
    client.post(f"{c}/provisions/new/", {"provision_type": kind.pk,
                                         "start_date": TODAY.isoformat(),
                                         "end_date": SOON.isoformat()})
    with school_scope(school_a.school):
        provision = Provision.objects.get(cycle=cycle)
    client.post(f"{c}/outcomes/new/", {"description": "Follows two-step instructions",
                                       "success_criteria": "4 of 5 times",
                                       "provisions": [provision.pk]})
    client.post(f"{c}/review-date/", {"review_date": SOON.isoformat()})
    page = client.post(f"{c}/move/", {"to": "do"}, follow=True).content.decode()
    assert "is now at the Do stage" in page
    client.post(f"{c}/sessions/new/", {"provision": provision.pk, "date": TODAY.isoformat(),
                                       "status": "delivered"})
    client.post(f"{c}/move/", {"to": "review"})
    with school_scope(school_a.school):
        outcome = cycle.outcomes.get()
    client.post(f"{c}/review/", {
        "held_on": TODAY.isoformat(), "attendees": "SENCO, dad", "parents_attended": "on",
        f"rating_{outcome.pk}": "partly", f"evidence_{outcome.pk}": "3 of 5",
        f"impact_{provision.pk}": "some", "next_step": "continue",
        "next_step_reason": "Making progress"})
    page = client.post(f"{c}/close/", follow=True).content.decode()
    assert "Cycle 1 is closed and cycle 2 has opened" in page
    timeline = client.get(f"{s}/pupils/{pupil.pk}/timeline/").content.decode()
    assert "Cycle 1" in timeline and "Cycle 2" in timeline and "Partly achieved" in timeline
    assert "1 of " in timeline  # one session delivered of those planned


def test_a_ta_records_a_group_session_for_three_pupils_on_one_page(school_a, as_user):
    from .factories import StaffAssignmentFactory
    from .plans_helpers import planned_cycle

    kind = ProvisionTypeFactory(school=school_a.school, name="Lego therapy")
    for pupil in school_a.pupils:
        planned_cycle(school_a, pupil, kind=kind, opened_on=TODAY - datetime.timedelta(30),
                      review_date=SOON)
        if pupil != school_a.pupil:
            StaffAssignmentFactory(pupil=pupil, user=school_a.ta)
    client = as_user(school_a.ta)
    url = f"/s/{school_a.school.slug}/sessions/group/"
    page = client.get(url, {"intervention": kind.pk}).content.decode()
    assert all(p.full_name in page for p in school_a.pupils)
    data = {"intervention": kind.pk, "date": TODAY.isoformat(), "minutes": 45,
            "note": "Built a bridge"}
    data |= {f"pupil_{p.pk}": "delivered" for p in school_a.pupils}
    data[f"pupil_{school_a.pupils[2].pk}"] = "absent"
    page = client.post(url, data, follow=True).content.decode()
    assert "has been recorded for 3 pupils" in page
    with school_scope(school_a.school):
        assert DeliveredSession.objects.filter(group_session__isnull=False).count() == 3


def test_evidence_files_upload_and_download_only_through_the_check(school_a, as_user):
    records = plan_records(school_a)
    client = as_user(school_a.ta)
    c = f"/s/{school_a.school.slug}/cycles/{records['cycle']}"
    refused = client.post(f"{c}/files/new/", {"title": "Script", "upload": SimpleUploadedFile(
        "run.exe", b"MZ", content_type="application/pdf")})
    assert "Upload a PDF, Word" in refused.content.decode()
    for name, content in [("report.pdf", b"MZ\x90\x00 a program renamed"),
                          ("photo.png", b"%PDF-1.4 a PDF renamed"),
                          ("notes.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00 binary")]:
        renamed = client.post(f"{c}/files/new/", {"title": "Renamed", "upload":
                                                  SimpleUploadedFile(name, content)})
        assert "its content is not that kind of file" in renamed.content.decode(), name
    with school_scope(school_a.school):
        assert not Cycle.objects.get(pk=records["cycle"]).files.filter(
            title="Renamed").exists()
    client.post(f"{c}/files/new/", {"title": "Observation notes", "upload":
                                    SimpleUploadedFile("notes.txt", b"Observed twice")})
    page = client.get(c + "/").content.decode()
    assert "Observation notes" in page
    with school_scope(school_a.school):
        newest = Cycle.objects.get(pk=records["cycle"]).files.order_by("-pk").first()
    response = client.get(f"/s/{school_a.school.slug}/evidence/{newest.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"Observed twice"
    parent = as_user(school_a.parent).get(f"/s/{school_a.school.slug}/evidence/{newest.pk}/")
    assert parent.status_code == 403  # their own child's record, but plans are not shared


def test_the_provision_library(school_a, as_user):
    client = as_user(school_a.senco)
    url = f"/s/{school_a.school.slug}/library/"
    client.post(url + "new/", {"name": "Precision teaching", "need_area": "cognition",
                               "staff_type": "ta", "usual_group_size": 1,
                               "usual_sessions_per_week": "5", "usual_minutes": 10})
    assert "Precision teaching" in client.get(url).content.decode()
    again = client.post(url + "new/", {"name": "precision teaching", "need_area": "cognition",
                                       "staff_type": "ta", "usual_group_size": 1,
                                       "usual_sessions_per_week": "5", "usual_minutes": 10})
    assert "already has an intervention with this name" in again.content.decode()
    assert as_user(school_a.teacher).get(url + "new/").status_code == 403


def test_the_timeline_page_reads_the_history_it_shows_and_no_more(school_a, as_user):
    """The page's summary has the same cycles, ratings, provision, doses, impacts and
    reviews as the full timeline, in fewer queries (no stage changes, evidence or links)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.plans import services as plans
    from apps.reviews.timeline import pupil_timeline

    from .plans_helpers import D, planned_cycle, review_and_close

    cycle, provision = planned_cycle(school_a, stage="review")
    with school_scope(school_a.school):
        plans.session_record(provision=provision, actor=school_a.senco, date=D(2025, 9, 9))
    review_and_close(school_a, cycle, rating="partly",
                     impacts=[{"provision": provision, "impact": "some"}])

    def shown(timeline):
        return [(e.cycle.pk, e.cycle.stage, [(o.outcome.pk, o.rating and o.rating.rating)
                                             for o in e.outcomes],
                 [(p.provision.pk, str(p.provision.provision_type), p.dose,
                   p.impact and p.impact.impact) for p in e.provisions],
                 e.review and e.review.pk, e.dose) for e in timeline.cycles]

    with school_scope(school_a.school):
        with CaptureQueriesContext(connection) as full_queries:
            full = pupil_timeline(school_a.pupil)
        with CaptureQueriesContext(connection) as summary_queries:
            summary = pupil_timeline(school_a.pupil, summary=True)
    assert shown(summary) == shown(full) and len(summary.cycles) == 2
    assert summary.cycles[0].dose.delivered_sessions == 1
    assert summary.cycles[0].review and summary.cycles[0].outcomes[0].rating
    assert len(summary_queries) < len(full_queries)
    assert full.cycles[0].stages and not summary.cycles[0].stages
    page = as_user(school_a.senco).get(
        f"/s/{school_a.school.slug}/pupils/{school_a.pupil.pk}/timeline/").content.decode()
    assert "Partly achieved" in page and "Impact: some impact" in page
