"""Pupils from the MIS: a CSV previewed row by row, then applied all or nothing."""

import datetime
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Invitation
from apps.pupils import imports, mis_import, services
from apps.pupils.models import ParentLink, Pupil, PupilImport, SenProvisionRecord
from apps.pupils.rules import SenStatus
from apps.schools.tenancy import school_scope

from .factories import valid_upn

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "sims-300-pupils.csv"
HEADINGS = "UPN,Legal first name,Legal last name,Date of birth,Year group,SEN status,Primary need"


def csv_file(*rows: str, headings: str = HEADINGS) -> bytes:
    return ("\n".join([headings, *rows]) + "\n").encode()


def start(world, data: bytes, name="pupils.csv") -> PupilImport:
    with school_scope(world.school):
        return imports.import_start(school=world.school, actor=world.senco, file_name=name,
                                    data=data)


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    """Confirm an import and run its task (queued after commit)."""
    def run(world, pupil_import, invite_parents=False) -> PupilImport:
        with school_scope(world.school):
            with django_capture_on_commit_callbacks(execute=True):
                imports.import_confirm(pupil_import=pupil_import, actor=world.senco,
                                       invite_parents=invite_parents)
            return PupilImport.objects.get(pk=pupil_import.pk)
    return run


def actions(pupil_import) -> dict:
    return {row["line"]: (row["action"], row["reasons"], row["changes"])
            for row in pupil_import.plan}


def test_the_sample_sims_export_imports_300_pupils_once(school_a, confirm):
    before = len(mail.outbox)
    preview = start(school_a, SAMPLE.read_bytes(), SAMPLE.name)
    assert {row["action"] for row in preview.plan} == {"create"}
    assert len(preview.plan) == 300
    with school_scope(school_a.school):
        assert Pupil.objects.count() == 3  # nothing written by the preview
    done = confirm(school_a, preview)
    assert (done.status, done.created, done.updated, done.text) == ("done", 300, 0, "")
    with school_scope(school_a.school):
        assert Pupil.objects.count() == 303
        on_support = SenProvisionRecord.objects.filter(
            ended_on=None, status__in=[SenStatus.SEN_SUPPORT, SenStatus.EHC_PLAN],
            pupil__upn__startswith="U801200110003")
        record = on_support.get()
        assert record.started_on == datetime.date(2026, 9, 19)
        assert record.pupil.primary_need == "HI" and record.pupil.class_name == "3A"
        assert ParentLink.objects.filter(pupil__in=Pupil.objects.filter(
            upn__startswith="Q8012001")).count() >= 1
        assert not Invitation.objects.exists()
    assert len(mail.outbox) == before  # no notices, no invitations: the file said not to

    again = start(school_a, SAMPLE.read_bytes())
    assert {row["action"] for row in again.plan} == {"unchanged"}
    with pytest.raises(Exception, match="Nothing in this file would change the register"):
        confirm(school_a, again)


def test_each_bad_row_is_refused_with_its_reason_and_the_rest_imported(school_a, confirm):
    good = valid_upn(1)
    bad_letter = "Z" + valid_upn(2)[1:]
    future = (datetime.date.today() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    data = csv_file(
        f"{good},Ada,Lovelace,01/02/2018,Year 3,K,SPLD",
        f"{bad_letter},Bad,Letter,01/02/2018,3,N,",
        f"{valid_upn(3)},Unknown,Year,01/02/2018,Year 15,N,",
        f"{valid_upn(4)},Born,Tomorrow,{future},3,N,",
        f"{valid_upn(5)},Twin,One,01/02/2018,3,N,",
        f"{valid_upn(5)},Twin,Two,01/02/2018,3,N,",
        f"{valid_upn(6)},Odd,Need,01/02/2018,3,K,XYZ",
        f'{valid_upn(7)},"=HYPERLINK(""http://evil.example"")",Formula,01/02/2018,3,N,',
        f"{valid_upn(8)},No,Need,01/02/2018,3,K,",
    )
    preview = start(school_a, data)
    rows = actions(preview)
    assert rows[2][0] == "create"
    reasons = {line: " ".join(rows[line][1]) for line in rows if rows[line][0] == "refuse"}
    assert "check letter" in reasons[3]
    assert 'unknown year group "Year 15"' in reasons[4]
    assert "in the future" in reasons[5]
    assert "also on row 7" in reasons[6] and "also on row 6" in reasons[7]
    assert 'unknown need code "XYZ"' in reasons[8]
    assert "looks like a spreadsheet formula" in reasons[9]
    assert "Select the primary need" in reasons[10]
    done = confirm(school_a, preview)
    assert done.created == 1
    with school_scope(school_a.school):
        assert Pupil.objects.filter(last_name="Lovelace").exists()
        assert not Pupil.objects.filter(first_name__startswith="=").exists()


def test_a_later_file_updates_by_upn_and_never_deletes(school_a, confirm):
    first = csv_file(f"{valid_upn(11)},Ben,Hall,03/04/2017,4,N,",
                     f"{valid_upn(12)},Cara,Hill,03/04/2017,4,N,")
    confirm(school_a, start(school_a, first))
    later = csv_file(f"{valid_upn(11)},Ben,Hall,03/04/2017,5,K,SEMH")
    preview = start(school_a, later)
    [(action, reasons, changes)] = actions(preview).values()
    assert action == "update" and not reasons
    assert "Year group: Year 4 to Year 5" in changes and "SEN status: N to K" in changes
    assert confirm(school_a, preview).updated == 1
    with school_scope(school_a.school):
        ben = Pupil.objects.get(upn=valid_upn(11))
        assert (ben.year_group, ben.primary_need) == (5, "SEMH")
        assert services.open_sen_record(ben).status == SenStatus.SEN_SUPPORT
        assert Pupil.objects.filter(upn=valid_upn(12)).exists()  # not in the file: kept


def test_the_apply_is_all_or_nothing(school_a, monkeypatch, confirm):
    preview = start(school_a, csv_file(*(f"{valid_upn(20 + n)},P,N{n},01/02/2018,3,N,"
                                          for n in range(5))))
    calls = []
    real = services.pupil_create

    def fails_on_the_fourth(**kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise ValidationError({"upn": "Another pupil in this school already has this UPN."})
        return real(**kwargs)

    monkeypatch.setattr(services, "pupil_create", fails_on_the_fourth)
    failed = confirm(school_a, preview)
    assert failed.status == "failed" and failed.message.startswith("Nothing was imported")
    with school_scope(school_a.school):
        assert not Pupil.objects.filter(first_name="P").exists()


def test_headings_in_any_order_and_an_unknown_heading_mapped_by_the_senco(school_a, confirm):
    data = csv_file(f"Lee,{valid_upn(30)},3,Kim,01/02/2018",
                    headings="Surname,Pupil Number,Year,Forename,DOB")
    preview = start(school_a, data)
    assert mis_import.missing_columns(preview.mapping) == ["UPN"]
    assert preview.plan == []
    with school_scope(school_a.school), pytest.raises(Exception, match="Say which heading"):
        imports.import_confirm(pupil_import=preview, actor=school_a.senco,
                               invite_parents=False)
    with school_scope(school_a.school):
        imports.import_remap(pupil_import=preview, mapping=preview.mapping | {
            "Pupil Number": "upn"})
    assert [row["action"] for row in preview.plan] == ["create"]
    assert confirm(school_a, preview).created == 1
    with school_scope(school_a.school):
        assert Pupil.objects.get(upn=valid_upn(30)).full_name == "Kim Lee"


@pytest.mark.parametrize(("data", "message"), [
    (b"PK\x03\x04rest-of-a-zip", "Excel workbook"),
    (b"UPN,Name\n\x81\x8d\x8f,\x90\x9d\n", "characters could not be read"),
    (b"UPN,Name\n" + b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    (b"   \n", "empty"),
])
def test_a_file_that_cannot_be_read_says_why_and_writes_nothing(school_a, as_user, data,
                                                                 message):
    page = as_user(school_a.senco).post(
        reverse("pupils:import_start", kwargs={"school": school_a.school.slug}),
        {"file": SimpleUploadedFile("pupils.csv", data)})
    assert page.status_code == 200 and message in page.content.decode()
    with school_scope(school_a.school):
        assert not PupilImport.objects.exists()


def test_windows_1252_and_semicolons_are_read(school_a):
    data = f"UPN;Legal first name;Legal last name;Date of birth;Year group\n" \
           f"{valid_upn(40)};Zoë;Brontë;01/02/2018;R\n".encode("cp1252")
    preview = start(school_a, data)
    assert [row["action"] for row in preview.plan] == ["create"]
    assert preview.plan[0]["name"] == "Zoë Brontë"


def test_the_pages_take_the_senco_from_upload_to_done(school_a, as_user,
                                                     django_capture_on_commit_callbacks):
    client = as_user(school_a.senco)
    slug = school_a.school.slug
    uploaded = client.post(reverse("pupils:import_start", kwargs={"school": slug}), {
        "file": SimpleUploadedFile("mis.csv", csv_file(
            f"{valid_upn(50)},Eve,Moss,01/02/2018,3,N,",
            f"{valid_upn(51)},Bad,Year,01/02/2018,Year 99,N,"))}, follow=True)
    body = uploaded.content.decode()
    assert "Nothing has changed yet" in body and "Import 1 pupil" in body
    assert "unknown year group" in body
    page = uploaded.redirect_chain[-1][0]
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(page, {"confirm": ""}, follow=True)
    assert "Waiting to start" in queued.content.decode()  # the task runs after the commit
    assert "1 pupil added, 0 updated" in client.get(page).content.decode()
    assert "1 pupil added" in client.get(page, {"part": "status"}).content.decode()
    template = client.get(reverse("pupils:import_template", kwargs={"school": slug}),
                          {"mis": "arbor"})
    assert template.content.decode().startswith("UPN,Legal first name,Legal last name")


@pytest.mark.parametrize("role", ["teacher", "ta", "head", "parent"])
def test_only_the_senco_imports(role, school_a, as_user):
    page = as_user(school_a.people[role]).get(
        reverse("pupils:import_start", kwargs={"school": school_a.school.slug}))
    assert page.status_code == 403


def test_the_preview_costs_the_same_queries_for_3_or_30_rows(school_a, confirm):
    def rows(count, first):
        return csv_file(*(f"{valid_upn(first + n)},P,Q{n},01/02/2018,3,K,SLCN"
                          for n in range(count)))

    counts = []
    for count, first in ((3, 100), (30, 200)):
        confirm(school_a, start(school_a, rows(count, first)))
        with CaptureQueriesContext(connection) as queries:
            start(school_a, rows(count, first))  # the same file again: every pupil exists
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.worker
def test_a_real_worker_applies_the_import_and_reports_progress(celery_worker_on_broker, trust):
    import time

    from celery.result import AsyncResult

    from .conftest import build_school

    world = build_school(trust, "Worker School")
    preview = start(world, SAMPLE.read_bytes())
    with school_scope(world.school):
        imports.import_confirm(pupil_import=preview, actor=world.senco,
                               invite_parents=False)  # enqueued on commit, to Redis
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with school_scope(world.school):
            done = PupilImport.objects.get(pk=preview.pk)
        if done.status in ("done", "failed"):
            break
        time.sleep(0.5)
    assert (done.status, done.created) == ("done", 300), done.message
    assert done.task_id and AsyncResult(done.task_id).get(timeout=30) == "done"
