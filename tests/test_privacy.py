"""A pupil's data rights: the subject access export holds everything about the pupil and
nothing about anyone else's child; records past the school's retention period go, with a
dry run first and an audit entry that says it happened."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.audit.models import Entry
from apps.audit.trail import PUPIL_PATHS
from apps.escalation import services as escalation
from apps.escalation.models import AnnualReview
from apps.money import services as money
from apps.parents import services as parents
from apps.parents import shared_plan
from apps.plans.models import Cycle
from apps.privacy import retention
from apps.privacy.models import IncomingTransfer, OutgoingTransfer, ReceivedRecord
from apps.privacy.record import pupil_record
from apps.pupils import services as pupils
from apps.pupils.models import Pupil
from apps.pupils.profile import FIELDS as PROFILE_FIELDS
from apps.pupils.profile import profile_save
from apps.reviews.models import ProvisionImpact, Review
from apps.schools.tenancy import school_scope

from .conftest import plan_records
from .plans_helpers import D

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def whole_record(world, on_commit) -> dict:
    """One of every kind of record about the world's first pupil."""
    ids = plan_records(world)
    with school_scope(world.school):
        cycle = Cycle.objects.get(pk=ids["cycle"])
        review = Review.objects.get(pk=ids["review"])
        ProvisionImpact.objects.create(school=world.school, review=review,
                                       provision=review.cycle.provisions.get(),
                                       impact="some", comment="Joins in more often")
        for status in ("N", "K"):  # back on SEN support: the parents are told (a notice)
            with on_commit(execute=True):
                pupils.sen_status_change(pupil=world.pupil, actor=world.senco,
                                         status=status, on=TODAY, reason="Reviewed")
        snapshot = parents.plan_share(cycle=cycle, actor=world.senco)
        shared_plan.snapshot_render(snapshot_id=snapshot.pk)
        parents.meeting_save(pupil=world.pupil, actor=world.senco, date=D(2025, 10, 15),
                             held=True, kind="parents_evening")
        parents.views_add(pupil=world.pupil, parent=world.parent,
                          views="She enjoys the Lego group.")
        profile_save(pupil=world.pupil, actor=world.senco,
                     **(dict.fromkeys(PROFILE_FIELDS, "") | {"what_helps": "Quiet corner"}))
        parents.profile_share(pupil=world.pupil, actor=world.senco)
        money.top_up_draft(pupil=world.pupil, actor=world.senco, amount=Decimal("1500"),
                           reason="Extra speech and language sessions")
        escalation.decision_record(pupil=world.pupil, actor=world.senco, decision="not_now",
                                   reason="New speech therapy starts next month")
        escalation.parent_ask_record(pupil=world.pupil, actor=world.senco,
                                     asked_on=D(2025, 11, 3))
        request = escalation.request_record(pupil=world.pupil, actor=world.senco,
                                            requester="parent", received_on=D(2025, 11, 10))
        escalation.exception_record(request=request, actor=world.senco, deadline="decide",
                                    reason="personal", details="A family bereavement",
                                    starts_on=D(2025, 11, 20), ends_on=D(2025, 12, 5))
        AnnualReview.objects.create(  # a review of a plan the pupil held before
            school=world.school, pupil=world.pupil, meeting_on=D(2025, 7, 1), held=True,
            outcomes=[{"outcome": "Reads aloud", "progress": "A page a day"}])
        ReceivedRecord.objects.create(  # history from the school the pupil came from
            school=world.school, pupil=world.pupil, document={"format": "sen-record"},
            file_name="sen-record.json", source_school="Hazel Infant School",
            made_at=timezone.now(), confirmed_at=timezone.now())
        # a record sent on, and one received through the trust (rows only: their
        # services are in tests/test_transfers.py)
        OutgoingTransfer.objects.create(
            school=world.school, pupil=world.pupil, to_school=world.school,
            leaving_on=D(2026, 7, 20), document={"format": "sen-record"})
        IncomingTransfer.objects.create(
            school=world.school, from_school=world.school, outgoing_id=1, upn=world.pupil.upn,
            first_name="A", last_name="B", date_of_birth=D(2015, 1, 1),
            leaving_on=D(2026, 7, 20), sent_by_name="", sent_at=timezone.now(),
            pupil=world.pupil)
    return ids


def reachable_from_pupil() -> set[str]:
    """Every model of ours whose rows hang off a pupil, however indirectly."""
    found, todo = set(), [Pupil]
    while todo:
        model = todo.pop()
        for relation in model._meta.get_fields(include_hidden=True):
            if not (relation.auto_created and relation.is_relation and not relation.concrete):
                continue  # only reverse relations: rows that point at this one
            related = relation.related_model
            label = related._meta.label
            if (related._meta.auto_created or label.split(".")[0] not in APPS
                    or label in found):
                continue
            found.add(label)
            todo.append(related)
    return found | {"pupils.Pupil"}


APPS = {config.label for config in apps.get_app_configs() if config.name.startswith("apps.")}


def test_the_list_of_a_pupils_records_names_every_model_that_reaches_a_pupil():
    assert reachable_from_pupil() <= set(PUPIL_PATHS)


def download(client, world):
    response = client.get(
        f"/s/{world.school.slug}/pupils/{world.pupil.pk}/subject-access/?download=zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_holds_every_record_file_and_audit_entry(
        school_a, school_b, as_user, django_capture_on_commit_callbacks):
    ids = whole_record(school_a, django_capture_on_commit_callbacks)
    whole_record(school_b, django_capture_on_commit_callbacks)
    archive = download(as_user(school_a.senco), school_a)
    names = set(archive.namelist())
    assert {"record.json", "audit.json", "README.txt"} <= names
    record = json.loads(archive.read("record.json"))

    with school_scope(school_a.school):
        expected = {label: set(qs.values_list("pk", flat=True))
                    for label, qs in pupil_record(school_a.pupil).items()}
    assert {label for label, pks in expected.items() if not pks} == set(), \
        "the scenario should hold one of every kind of record"
    assert {label: {row["pk"] for row in rows} for label, rows in
            record["records"].items()} == expected
    assert record["records"]["plans.Outcome"][0]["fields"]["description"]
    assert record["people"][str(school_a.senco.pk)] == school_a.senco.get_full_name()

    stored = {entry["file"] for entry in record["files"]}
    assert f"files/plans.EvidenceFile-{ids['evidence-file']}-" in " ".join(stored)
    assert any(name.endswith(".pdf") and "PlanSnapshot" in name for name in stored)
    assert stored <= names
    evidence = next(n for n in stored if "EvidenceFile" in n)
    assert archive.read(evidence) == b"%PDF-1.4 report"

    audit = json.loads(archive.read("audit.json"))
    assert {"Create", "Access"} <= {entry["action"].capitalize() for entry in audit}

    everything = b"".join(archive.read(n) for n in names).decode("utf-8", "replace")
    for other in school_a.pupils[1:] + school_b.pupils:
        assert other.full_name not in everything and other.upn not in everything


def test_the_download_is_in_the_audit_trail(school_a, as_user):
    download(as_user(school_a.head), school_a)
    paths = [entry.additional_data.get("path") or "" for entry in
             Entry.objects.filter(additional_data__pupil=school_a.pupil.pk)]
    assert any("subject-access/?download=zip" in path for path in paths)


@pytest.mark.parametrize("role", ["teacher", "ta", "parent"])
def test_only_the_senco_and_head_may_export(role, school_a, as_user, api_as):
    page = f"/s/{school_a.school.slug}/pupils/{school_a.pupil.pk}/subject-access/"
    assert as_user(getattr(school_a, role)).get(page).status_code in (403, 404)
    api = f"/api/v1/schools/{school_a.school.slug}/pupils/{school_a.pupil.pk}/subject-access/"
    assert api_as(getattr(school_a, role)).get(api).status_code in (403, 404)


def test_the_api_gives_the_same_export(school_a, api_as, django_capture_on_commit_callbacks):
    whole_record(school_a, django_capture_on_commit_callbacks)
    response = api_as(school_a.head).get(
        f"/api/v1/schools/{school_a.school.slug}/pupils/{school_a.pupil.pk}/subject-access/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert json.loads(archive.read("record.json"))["records"]["parents.PlanSnapshot"]


def test_the_page_explains_the_export(school_a, as_user):
    page = as_user(school_a.senco).get(
        f"/s/{school_a.school.slug}/pupils/{school_a.pupil.pk}/subject-access/")
    text = page.content.decode()
    assert "Read the export before you send it" in text and "download=zip" in text


def age(world, pupil, years: int, days: int = 0):
    """Make a pupil's date of birth ``years`` (and ``days``) ago."""
    from dateutil.relativedelta import relativedelta

    with school_scope(world.school):
        Pupil.objects.filter(pk=pupil.pk).update(
            date_of_birth=TODAY - relativedelta(years=years, days=days))


class TestRetention:
    def test_the_dry_run_lists_who_is_due_and_changes_nothing(
            self, school_a, django_capture_on_commit_callbacks):
        whole_record(school_a, django_capture_on_commit_callbacks)
        age(school_a, school_a.pupil, 31)                  # 31 today: due
        age(school_a, school_a.pupils[1], 30, days=364)    # 31 tomorrow: not yet
        with school_scope(school_a.school):
            before = {label: qs.count() for label, qs in pupil_record(school_a.pupil).items()}
            plan = retention.review(school_a.school)
            assert [item.pupil for item in plan.due] == [school_a.pupil]
            assert plan.due[0].records == before
            assert {label: qs.count() for label, qs in
                    pupil_record(school_a.pupil).items()} == before

    def test_deleting_removes_everything_held_and_leaves_a_note_in_the_audit_trail(
            self, school_a, school_b, django_capture_on_commit_callbacks, settings):
        ids = whole_record(school_a, django_capture_on_commit_callbacks)
        whole_record(school_b, django_capture_on_commit_callbacks)
        age(school_a, school_a.pupil, 40)
        age(school_b, school_b.pupil, 40)  # another school's: not this school's decision
        with school_scope(school_a.school):
            stored = [f for qs in pupil_record(school_a.pupil).values()
                      for f in retention._stored_files(qs)]
            assert stored
            entries_before = Entry.objects.count()
            with django_capture_on_commit_callbacks(execute=True):
                retention.delete_due(school_a.school, actor=school_a.head)
            assert {label: qs.count() for label, qs in pupil_record(school_a.pupil).items()
                    if qs.count()} == {}
            assert Pupil.objects.count() == 2
        assert not any(f.storage.exists(f.name) for f in stored)
        with school_scope(school_b.school):
            assert Pupil.objects.filter(pk=school_b.pupil.pk).exists()

        with school_scope(school_a.school):  # on PostgreSQL, the trail's own wall
            [note] = Entry.objects.filter(pk__gt=0).order_by("-pk")[:1]
            assert Entry.objects.count() == entries_before + 1  # one note, no copies
        assert note.action == Entry.Action.DELETE and note.actor == school_a.head
        assert note.additional_data["retention"]["pupils"] == [school_a.pupil.pk]
        assert note.additional_data["retention"]["records"]["plans.Cycle"] == 2
        assert school_a.pupil.last_name not in json.dumps(note.additional_data)
        assert ids

    def test_a_list_that_changed_since_it_was_shown_deletes_nothing(self, school_a):
        age(school_a, school_a.pupil, 40)
        with school_scope(school_a.school), pytest.raises(ValidationError):
            retention.delete_due(school_a.school, actor=school_a.head, expected=set())
        with school_scope(school_a.school):
            assert Pupil.objects.filter(pk=school_a.pupil.pk).exists()

    def test_the_head_reviews_and_deletes_on_the_retention_page(self, school_a, as_user):
        age(school_a, school_a.pupil, 40)
        client = as_user(school_a.head)
        url = f"/s/{school_a.school.slug}/retention/"
        page = client.get(url).content.decode()
        assert school_a.pupil.full_name in page and "Delete the records of 1 pupil" in page

        unconfirmed = client.post(url, {"pupils": str(school_a.pupil.pk)})
        assert "Confirm that you have checked the list" in unconfirmed.content.decode()
        stale = client.post(url, {"pupils": "", "confirm": "on"})
        assert "changed since the list was shown" in stale.content.decode()
        with school_scope(school_a.school):
            assert Pupil.objects.filter(pk=school_a.pupil.pk).exists()

        done = client.post(url, {"pupils": str(school_a.pupil.pk), "confirm": "on"},
                           follow=True).content.decode()
        assert "The records of 1 pupil have been deleted" in done
        assert "Born on or before" in done  # the deletion is listed
        with school_scope(school_a.school):
            assert not Pupil.objects.filter(pk=school_a.pupil.pk).exists()

    def test_the_retention_period_is_set_per_school_within_limits(self, school_a, school_b,
                                                                   as_user):
        client = as_user(school_a.head)
        url = f"/s/{school_a.school.slug}/retention/period/"
        for bad, message in [("20", "25 years or more"), ("", "Enter the retention period"),
                             ("ten", "whole number")]:
            page = client.post(url, {"retention_years": bad}).content.decode()
            assert "There is a problem" in page and message in page
        client.post(url, {"retention_years": "35"})
        school_a.school.refresh_from_db()
        school_b.school.refresh_from_db()
        assert (school_a.school.retention_years, school_b.school.retention_years) == (35, 31)

    @pytest.mark.parametrize("role", ["senco", "teacher", "ta", "parent"])
    def test_only_the_head_decides(self, role, school_a, as_user):
        client = as_user(getattr(school_a, role))
        assert client.get(f"/s/{school_a.school.slug}/retention/").status_code == 403
        assert client.post(f"/s/{school_a.school.slug}/retention/period/",
                           {"retention_years": "25"}).status_code == 403

    def test_the_command_lists_by_default_and_deletes_when_asked(self, school_a):
        from django.core.management import call_command

        age(school_a, school_a.pupil, 40)
        out = io.StringIO()
        call_command("apply_retention", "--school", school_a.school.slug, stdout=out)
        assert "1 pupil(s)" in out.getvalue() and "dry run" in out.getvalue()
        with school_scope(school_a.school):
            assert Pupil.objects.filter(pk=school_a.pupil.pk).exists()
        call_command("apply_retention", "--school", school_a.school.slug, "--delete",
                     stdout=out)
        with school_scope(school_a.school):
            assert not Pupil.objects.filter(pk=school_a.pupil.pk).exists()
        assert Entry.objects.filter(action=Entry.Action.DELETE, actor=None).exists()
