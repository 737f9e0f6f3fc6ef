"""The SEN record in its open format (apps/privacy/sen_record.py): one JSON document per
pupil with the whole graduated approach, valid against the published schema
(docs/record-format/), downloaded from the pupil page and the API by the SENCO or head,
and inside the subject access export."""

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings

from apps.audit.models import Entry
from apps.escalation import services as escalation
from apps.money import services as money
from apps.parents import services as parents
from apps.privacy import sen_record
from apps.pupils import profile
from apps.schools.tenancy import school_scope

from .conftest import plan_records

pytestmark = pytest.mark.django_db

FORMAT = settings.BASE_DIR / "docs" / "record-format"


def whole_history(world) -> dict:
    """Every kind of record the format holds, for the world's first pupil."""
    records = plan_records(world)
    pupil, today = world.pupil, datetime.date(2025, 12, 12)
    with school_scope(world.school):
        parents.meeting_save(pupil=pupil, actor=world.senco, held=True, kind="review",
                             date=datetime.date(2025, 11, 20), attendees="Mum, SENCO",
                             parent_views="Reading at home is going well.")
        parents.views_add(pupil=pupil, parent=world.parent, views="He is calmer in the mornings.")
        money.top_up_draft(pupil=pupil, actor=world.senco, amount=Decimal("1234.56"),
                           reason="Speech and language therapy")
        escalation.request_record(pupil=pupil, actor=world.senco, requester="parent",
                                  received_on=today)
        profile.profile_save(pupil=pupil, actor=world.senco,
                             **(dict.fromkeys(profile.FIELDS, "")
                                | {"about_me": "I like trains."}))
    return records


def test_the_schema_is_valid_and_its_example_validates():
    schema = json.loads((FORMAT / "sen-record.schema.json").read_text())
    sen_record.jsonschema.Draft202012Validator.check_schema(schema)
    example = json.loads((FORMAT / "example.json").read_text())
    assert sen_record.problems(example) == []
    assert example["version"] == sen_record.VERSION
    assert f"## {sen_record.VERSION}" in (FORMAT / "CHANGELOG.md").read_text()


def test_a_whole_history_is_one_document_valid_against_the_schema(school_a):
    records = whole_history(school_a)
    with school_scope(school_a.school):
        document = sen_record.sen_record(school_a.pupil, school=school_a.school,
                                         made_by=school_a.senco)
    assert sen_record.problems(json.loads(sen_record.sen_record_json(document))) == []
    assert document["pupil"]["upn"] == school_a.pupil.upn
    assert document["pupil"]["secondary_need"] is None  # not recorded: null, not ""
    assert document["school"]["urn"] == school_a.school.urn
    closed, current = document["cycles"]
    assert closed["stage"] == {"code": "closed", "label": "Closed"}
    assert current["id"] == f"cycle-{records['cycle']}"
    (outcome,) = current["outcomes"]
    assert outcome["carried_from"] == closed["outcomes"][0]["id"]  # carried into cycle 2
    (provision,) = current["provision"]
    assert provision["delivered_sessions"] == 1 and provision["outcomes"] == [outcome["id"]]
    assert Decimal(provision["planned_sessions"]) >= 0
    (review,) = closed["reviews"]
    assert review["ratings"][0]["outcome"] == closed["outcomes"][0]["id"]
    assert [a["measure"] for a in current["assessments"]] == ["Reading age"]
    assert [e["title"] for e in current["evidence"]] == ["Speech report"]
    assert document["meetings"][0]["parent_views"] == "Reading at home is going well."
    assert document["parents_views"][0]["views"] == "He is calmer in the mornings."
    assert document["top_ups"][0]["amount_requested"] == "1234.56"  # exact, as a string
    assert document["ehc"]["requests"][0]["requester"]["code"] == "parent"
    assert document["profile"]["about_me"] == "I like trains."
    assert document["register"][-1]["status"] == {"code": "K", "label": "SEN support"}


def test_a_record_that_breaks_the_schema_is_named_where(school_a):
    with school_scope(school_a.school):
        document = sen_record.sen_record(school_a.pupil, school=school_a.school,
                                         made_by=school_a.senco)
    document["pupil"]["date_of_birth"] = "12/03/2015"
    del document["school"]["urn"]
    document["extra"] = 1
    found = sen_record.problems(json.loads(json.dumps(document)))
    assert any(p.startswith("pupil → date_of_birth:") for p in found), found
    assert any(p.startswith("school: 'urn' is a required property") for p in found), found
    assert any("'extra' was unexpected" in p for p in found), found


def test_the_senco_downloads_it_from_the_pupil_page_and_the_api(school_a, as_user, api_as):
    whole_history(school_a)
    slug, pupil = school_a.school.slug, school_a.pupil
    page = as_user(school_a.senco).get(f"/s/{slug}/pupils/{pupil.pk}/").content.decode()
    assert f'href="/s/{slug}/pupils/{pupil.pk}/sen-record.json"' in page
    response = as_user(school_a.senco).get(f"/s/{slug}/pupils/{pupil.pk}/sen-record.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="sen-record-{pupil.upn}-')
    downloaded = json.loads(response.content)
    assert sen_record.problems(downloaded) == []
    assert Entry.objects.filter(action=Entry.Action.ACCESS,
                                additional_data__path__endswith="sen-record.json").exists()
    from_api = api_as(school_a.senco).get(
        f"/api/v1/schools/{slug}/pupils/{pupil.pk}/sen-record/").json()
    assert {**from_api, "made_at": None} == {**downloaded, "made_at": None}
    teacher = as_user(school_a.teacher)  # sees the pupil, may not export the record
    assert teacher.get(f"/s/{slug}/pupils/{pupil.pk}/sen-record.json").status_code == 403


def test_the_subject_access_export_includes_it(school_a, as_user):
    whole_history(school_a)
    slug, pupil = school_a.school.slug, school_a.pupil
    response = as_user(school_a.head).get(
        f"/s/{slug}/pupils/{pupil.pk}/subject-access/?download=zip")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    document = json.loads(archive.read("sen-record.json"))
    assert sen_record.problems(document) == []
    assert len(document["cycles"]) == 2
    assert "sen-record.json" in archive.read("README.txt").decode()
