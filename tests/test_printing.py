"""Printing for a parents' evening: the pupils chosen on the register (a class, the
reviews this month, or ticked one by one) printed as one PDF of their current plans or
profiles, laid out by the worker with its progress shown, then downloaded; refused with
a reason for no pupils or too many; nothing lost when the broker is out of reach."""

import datetime
import io
import time

import pytest
from django.utils import timezone
from pypdf import PdfReader

from apps.audit.models import Entry
from apps.caseload import printing
from apps.caseload.models import PrintRun
from apps.caseload.rules import PRINT_ATTEMPTS, PRINT_KEPT
from apps.caseload.tasks import forget_old_prints, send_owed_prints
from apps.pupils import profile
from apps.pupils.models import Pupil
from apps.schools.tenancy import school_scope

from .conftest import broker_at, build_school
from .plans_helpers import planned_cycle
from .test_outage import free_port

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def print_url(world, query=""):
    return f"/s/{world.school.slug}/pupils/print/{query}"


def two_planned(world):
    """The first two pupils with a plan open; the third (no SEN) has none."""
    for pupil in world.pupils[:2]:
        planned_cycle(world, pupil, opened_on=TODAY - 20 * DAY, review_date=TODAY + 30 * DAY)
    return world.pupils[:2]


def ask(client, world, query, what, capture):
    with capture(execute=True):
        response = client.post(print_url(world, query), {"what": what})
    assert response.status_code == 302, response.content.decode()[:2000]
    with school_scope(world.school):
        return PrintRun.objects.get(), response["Location"]


def pdf_of(client, run_url):
    response = client.get(f"{run_url}print.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(b"".join(response.streaming_content)))


def test_a_class_prints_as_one_tagged_pdf_of_the_plans_as_the_parents_see_them(
        school_a, as_user, django_capture_on_commit_callbacks):
    planned = two_planned(school_a)
    no_plan = school_a.pupils[2]
    client = as_user(school_a.senco)
    page = client.get(print_url(school_a, "?class_name=4B")).content.decode()
    assert "Class 4B: 3 pupils" in page
    assert "2 of them have a support plan open and 0 have a one-page profile" in page
    run, run_url = ask(client, school_a, "?class_name=4B", "plans",
                       django_capture_on_commit_callbacks)
    assert run_url == f"/s/{school_a.school.slug}/prints/{run.pk}/"
    assert run.status == PrintRun.Status.READY and run.done == 2
    assert run.pupil_ids == [p.pk for p in sorted(planned, key=lambda p: (p.last_name,
                                                                           p.first_name, p.pk))]
    shown = client.get(run_url).content.decode()
    assert "Ready to print" in shown and f"{run.pages} pages" in shown
    assert f"{no_plan.full_name} has no support plan open" in shown  # left out, and why
    pdf = pdf_of(client, run_url)
    assert len(pdf.pages) == run.pages >= 2
    text = "\n".join(p.extract_text() for p in pdf.pages)
    for pupil in planned:
        assert f"{pupil.first_name}'s support plan" in text
        assert "Loves stories; a kind friend." in text
    assert f"printed on {TODAY:%-d %B %Y}" in text
    assert no_plan.first_name + "'s support plan" not in text
    assert "/StructTreeRoot" in pdf.trailer["/Root"]  # one tagged document, PDF/UA-1
    assert pdf.metadata.title == "Support plans: Class 4B"
    # Downloading it is a reading of each printed pupil's record.
    read = Entry.objects.filter(action=Entry.Action.ACCESS,
                                additional_data__path__endswith="print.pdf").get()
    assert read.additional_data["pupils"] == run.pupil_ids


def test_ticked_pupils_print_their_one_page_profiles(school_a, as_user,
                                                     django_capture_on_commit_callbacks):
    first, second = school_a.pupils[:2]
    with school_scope(school_a.school):
        profile.profile_save(pupil=second, actor=school_a.senco,
                             **(dict.fromkeys(profile.FIELDS, "")
                                | {"what_helps": "A visual timetable on the desk."}))
    client = as_user(school_a.senco)
    query = f"?chosen=1&pupil={first.pk}&pupil={second.pk}"
    assert "2 chosen pupils: 2 pupils" in client.get(print_url(school_a, query)).content.decode()
    run, run_url = ask(client, school_a, query, "profiles", django_capture_on_commit_callbacks)
    assert run.pupil_ids == [second.pk] and run.left_out == [
        f"{first.full_name} has no one-page profile yet"]
    text = pdf_of(client, run_url).pages[0].extract_text()
    assert "A visual timetable on the desk." in text and f"Printed on {TODAY:%-d %B %Y}" in text


def test_the_reviews_this_month_are_a_choice_of_the_register(school_a, as_user):
    this_month, next_month = school_a.pupils[:2]
    month_end = TODAY.replace(day=28) + 4 * DAY
    planned_cycle(school_a, this_month, opened_on=TODAY - 20 * DAY,
                  review_date=TODAY.replace(day=1))
    planned_cycle(school_a, next_month, opened_on=TODAY - 20 * DAY,
                  review_date=month_end.replace(day=1))
    client = as_user(school_a.senco)
    register = client.get(f"/s/{school_a.school.slug}/pupils/?review=month").content.decode()
    assert this_month.full_name in register and next_month.full_name not in register
    assert f'href="/s/{school_a.school.slug}/pupils/print/?review=month"' in register
    page = client.get(print_url(school_a, "?review=month")).content.decode()
    assert "Review date: this month: 1 pupil" in page


def test_no_pupils_or_too_many_explain_why_and_record_nothing(school_a, as_user, monkeypatch):
    assert "No pupils are chosen" in printing.print_refusal(0)
    assert "1,001 pupils are chosen, and one print can hold at most 1,000" in (
        printing.print_refusal(1001))
    assert printing.print_refusal(1000) == ""
    client = as_user(school_a.senco)
    page = client.get(print_url(school_a, "?chosen=1")).content.decode()
    assert "No pupils are chosen, so there is nothing to print" in page
    assert 'name="what"' not in page
    refused = client.post(print_url(school_a, "?class_name=ZZ"), {"what": "plans"})
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.content.decode()
    monkeypatch.setattr(printing, "PRINT_MAX", 2)  # three chosen, two allowed
    page = client.get(print_url(school_a, "?class_name=4B")).content.decode()
    assert "3 pupils are chosen, and one print can hold at most 2" in page
    assert client.post(print_url(school_a, "?class_name=4B"), {"what": "plans"}
                       ).status_code == 200
    none_to_print = client.post(print_url(school_a, f"?pupil={school_a.pupils[2].pk}"),
                                {"what": "plans"}).content.decode()
    assert "None of the chosen pupils has a support plan open" in none_to_print
    missing = client.post(print_url(school_a, "?class_name=4B"), {}).content.decode()
    assert "Choose what to print" in missing
    with school_scope(school_a.school):
        assert not PrintRun.objects.exists()


def test_a_choice_that_does_not_exist_is_a_400_and_a_pupil_not_seen_a_404(
        school_a, school_b, as_user):
    client = as_user(school_a.senco)
    assert client.get(print_url(school_a, "?year_group=99")).status_code == 400
    assert client.get(print_url(school_a, f"?pupil={school_b.pupil.pk}")).status_code == 404
    assert client.get(print_url(school_a, "?pupil=x")).status_code == 404
    teacher = as_user(school_a.teacher)  # works with the first pupil only
    assert teacher.get(print_url(school_a, f"?pupil={school_a.pupils[1].pk}")
                       ).status_code == 404


def test_a_print_is_its_requesters_alone(school_a, as_user, django_capture_on_commit_callbacks):
    two_planned(school_a)
    client = as_user(school_a.senco)
    run, run_url = ask(client, school_a, "?class_name=4B", "plans",
                       django_capture_on_commit_callbacks)
    head = as_user(school_a.head)
    assert head.get(run_url).status_code == 404
    assert head.get(f"{run_url}print.pdf").status_code == 404
    assert "Your prints this week" not in head.get(print_url(school_a)).content.decode()


def test_progress_is_shown_while_the_run_is_laid_out(school_a, as_user):
    planned = two_planned(school_a)
    with school_scope(school_a.school):
        run = PrintRun.objects.create(school=school_a.school, requested_by=school_a.senco,
                                      what="plans", described="Class 4B",
                                      pupil_ids=[p.pk for p in planned])
    client = as_user(school_a.senco)
    url = f"/s/{school_a.school.slug}/prints/{run.pk}/"
    status = client.get(f"{url}?part=status").content.decode()
    assert "Waiting to start" in status and f'data-poll="{url}?part=status"' in status
    assert client.get(f"{url}print.pdf").status_code == 404  # not ready
    with school_scope(school_a.school):
        PrintRun.objects.filter(pk=run.pk).update(status="printing", done=1)
    status = client.get(f"{url}?part=status").content.decode()
    assert "Laying out the pages: 1 of 2 pupils done." in status
    assert '<progress class="app-progress" max="2" value="1"' in status
    page = client.get(url).content.decode()
    assert "Your prints this week" in client.get(print_url(school_a)).content.decode()
    assert 'id="print-status"' in page and "Check progress" in page


def test_asked_for_while_the_broker_is_unreachable_the_sweep_prints_it_later(
        school_a, as_user, django_capture_on_commit_callbacks):
    two_planned(school_a)
    client = as_user(school_a.senco)
    with broker_at(f"redis://127.0.0.1:{free_port()}/0"), \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post(print_url(school_a, "?class_name=4B"), {"what": "plans"})
    assert response.status_code == 302
    with school_scope(school_a.school):
        run = PrintRun.objects.get()
    assert run.status == PrintRun.Status.WAITING
    assert "Waiting to start" in client.get(response["Location"]).content.decode()
    assert send_owed_prints() == 0  # too young: it may still be on its way
    with school_scope(school_a.school):
        PrintRun.objects.update(requested_at=timezone.now() - 5 * datetime.timedelta(minutes=1))
    assert send_owed_prints() == 1  # the broker is back: the task runs here
    with school_scope(school_a.school):
        run.refresh_from_db()
    assert run.status == PrintRun.Status.READY and run.pdf
    assert send_owed_prints() == 0


def test_a_run_whose_worker_was_lost_is_tried_again_then_marked_as_failed(school_a, as_user):
    planned = two_planned(school_a)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    with school_scope(school_a.school):
        run = PrintRun.objects.create(school=school_a.school, requested_by=school_a.senco,
                                      what="plans", described="Class 4B",
                                      pupil_ids=[p.pk for p in planned])
        PrintRun.objects.filter(pk=run.pk).update(status="printing", progressed_at=long_ago,
                                                  requested_at=long_ago,
                                                  attempts=PRINT_ATTEMPTS - 1)
    assert send_owed_prints() == 1  # the last attempt, which finishes
    with school_scope(school_a.school):
        run.refresh_from_db()
        assert run.status == PrintRun.Status.READY and run.attempts == PRINT_ATTEMPTS
        PrintRun.objects.filter(pk=run.pk).update(status="printing", progressed_at=long_ago,
                                                  pdf="")
    assert send_owed_prints() == 1  # stalled again, and out of attempts
    with school_scope(school_a.school):
        run.refresh_from_db()
    assert run.status == PrintRun.Status.FAILED
    page = as_user(school_a.senco).get(f"/s/{school_a.school.slug}/prints/{run.pk}/")
    assert "The PDF could not be made" in page.content.decode()
    assert send_owed_prints() == 0


def test_a_print_is_deleted_with_its_pdf_after_a_week(school_a, as_user,
                                                      django_capture_on_commit_callbacks):
    two_planned(school_a)
    client = as_user(school_a.senco)
    run, _ = ask(client, school_a, "?class_name=4B", "plans", django_capture_on_commit_callbacks)
    stored = run.pdf.storage, run.pdf.name
    assert stored[0].exists(stored[1])
    assert forget_old_prints() == 0
    with school_scope(school_a.school):
        PrintRun.objects.update(requested_at=timezone.now() - PRINT_KEPT - DAY)
    assert forget_old_prints() == 1
    with school_scope(school_a.school):
        assert not PrintRun.objects.exists()
    assert not stored[0].exists(stored[1])


def test_the_register_offers_to_print_the_filtered_or_the_ticked_pupils(school_a, as_user):
    client = as_user(school_a.teacher)
    page = client.get(f"/s/{school_a.school.slug}/pupils/?class_name=4B").content.decode()
    assert (f'href="/s/{school_a.school.slug}/pupils/print/?class_name=4B"' in page)
    assert f'formaction="/s/{school_a.school.slug}/pupils/print/"' in page
    with school_scope(school_a.school):
        assert Pupil.objects.count() == 3


@pytest.mark.worker
def test_a_real_worker_lays_out_the_print_and_its_progress_is_seen(celery_worker_on_broker,
                                                                    trust):
    """On PostgreSQL with Redis: sent once the request's write commits, laid out by the
    worker in the school's scope as the application's role, its progress committed step
    by step where the page reads it."""
    world = build_school(trust, "Worker School")
    planned = two_planned(world)
    with school_scope(world.school):
        run = printing.print_ask(school=world.school, actor=world.senco, pupils=planned,
                                 what="plans", described="Two pupils")
    deadline, seen = time.monotonic() + 60, set()
    while time.monotonic() < deadline:
        with school_scope(world.school):
            run.refresh_from_db()
        seen.add(run.status)
        if run.status in ("ready", "failed"):
            break
        time.sleep(0.2)
    assert run.status == "ready" and run.done == 2 and run.attempts == 1, seen
    assert len(PdfReader(run.pdf.path).pages) == run.pages
