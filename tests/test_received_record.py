"""SEN history received from another school: a record exported at one school, uploaded at
the next, checked, previewed and added as history from that school (read-only, labelled,
apart from this school's figures); a file that is not such a record is refused with the
problem named, and nothing is kept."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from apps.plans.models import Cycle
from apps.privacy import received, sen_record
from apps.privacy.models import IncomingTransfer, ReceivedRecord
from apps.pupils.models import Pupil
from apps.schools.tenancy import school_scope

from .factories import PupilFactory
from .test_sen_record import whole_history

pytestmark = pytest.mark.django_db


def exported(world) -> bytes:
    whole_history(world)
    with school_scope(world.school):
        document = sen_record.sen_record(world.pupil, school=world.school,
                                         made_by=world.senco)
    return sen_record.sen_record_json(document).encode()


def joining(world, upn):
    """The same child, on roll at ``world``'s school."""
    return PupilFactory(school=world.school, upn=upn, first_name="Sam", last_name="Moved")


def upload(client, world, pupil, data: bytes, name="record.json"):
    return client.post(f"/s/{world.school.slug}/pupils/{pupil.pk}/history/add/",
                       {"file": SimpleUploadedFile(name, data, "application/json")})


def test_a_record_exported_at_one_school_is_the_same_history_at_the_next(
        school_a, school_b, as_user):
    data = exported(school_a)
    newcomer = joining(school_b, school_a.pupil.upn)
    client = as_user(school_b.senco)
    response = upload(client, school_b, newcomer, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    preview = client.get(response["Location"]).content.decode()
    assert "SEN history from Alder School" in preview and "Not yet part of" in preview
    assert "Follows a two-step instruction in class (1)" in preview
    confirmed = client.post(response["Location"], {"confirm": "1"})
    assert confirmed.status_code == 302
    with school_scope(school_b.school):
        record = ReceivedRecord.objects.get()
        assert record.confirmed_at and record.source_school == "Alder School"
        assert record.document == json.loads(data)  # the same history, as it came
        assert not Cycle.objects.filter(plan__pupil=newcomer).exists()  # not this school's
    listed = client.get(f"/s/{school_b.school.slug}/pupils/{newcomer.pk}/history/")
    assert "From Alder School" in listed.content.decode()
    head = as_user(school_b.head)  # sees plans, may not add history
    assert head.get(response["Location"]).status_code == 200
    assert head.post(response["Location"], {"discard": "1"}).status_code == 403


@pytest.mark.parametrize("spoil, problem", [
    (lambda d: d["pupil"].update(upn="A123456789012"), "The record is for the pupil with UPN"),
    (lambda d: d["school"].pop("urn"), "school: 'urn' is a required property"),
    (lambda d: d["cycles"][0].update(needs="<script>alert(1)</script>"),
     "The record holds markup (HTML tags or entities), which a school's record never holds: "
     "at cycles → 1 → needs"),
])
def test_a_record_that_is_not_right_is_refused_with_the_problem_named(
        school_a, school_b, as_user, spoil, problem):
    document = json.loads(exported(school_a))
    spoil(document)
    newcomer = joining(school_b, school_a.pupil.upn)
    response = upload(as_user(school_b.senco), school_b, newcomer,
                      json.dumps(document).encode())
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'").replace("&gt;", ">")
    assert "govuk-error-summary" in page and problem in page, page[:4000]
    with school_scope(school_b.school):
        assert not ReceivedRecord.objects.exists()


def test_a_file_too_large_or_not_json_is_refused(school_a):
    pupil = school_a.pupil
    for data, problem in [(b"{" * (received.RECORD_MAX_BYTES + 1), "larger than 20 MB"),
                          (b"not json", "The file is not JSON"),
                          (b"\xff\xfe\x00", "The file is not text")]:
        with pytest.raises(received.ValidationError) as refused:
            received.record_check(data, pupil)
        assert problem in " ".join(refused.value.messages)


def test_a_preview_can_be_thrown_away_and_only_the_senco_sees_it(school_a, school_b, as_user):
    data = exported(school_a)
    newcomer = joining(school_b, school_a.pupil.upn)
    response = upload(as_user(school_b.senco), school_b, newcomer, data)
    assert as_user(school_b.head).get(response["Location"]).status_code == 404  # a preview
    assert upload(as_user(school_b.head), school_b, newcomer, data).status_code == 403
    thrown = as_user(school_b.senco).post(response["Location"], {"discard": "1"})
    assert thrown.status_code == 302
    with school_scope(school_b.school):
        assert not ReceivedRecord.objects.exists()


def test_a_demo_pupils_record_sent_from_oakfield_is_the_same_history_at_riverside(as_user):
    """The demo trust: Oakfield's SENCO sends a pupil's record to Riverside Academy, whose
    SENCO accepts and adds it; the history there is the record Oakfield exports."""
    from django.core.management import call_command

    from apps.privacy.models import OutgoingTransfer
    from apps.schools.models import Membership, School

    call_command("load_demo", stdout=open("/dev/null", "w"))
    oakfield, riverside = (School.objects.get(slug=slug)
                           for slug in ("oakfield-primary", "riverside-academy"))
    senco_of = {m.school_id: m.user for m in Membership.objects.filter(role="senco")}
    with school_scope(oakfield):
        pupil = max(Pupil.objects.filter(left_on__isnull=True),
                    key=lambda p: (Cycle.objects.filter(plan__pupil=p).count(), -p.pk))
        assert Cycle.objects.filter(plan__pupil=pupil).count() >= 2
    client = as_user(senco_of[oakfield.pk])
    exported = client.get(f"/s/{oakfield.slug}/pupils/{pupil.pk}/sen-record.json").json()
    client.post(f"/s/{oakfield.slug}/pupils/{pupil.pk}/transfer/",
                {"to_school": str(riverside.pk), "leaving_on": "2027-07-21"})
    with school_scope(riverside):
        newcomer = PupilFactory(school=riverside, upn=pupil.upn)
        incoming = IncomingTransfer.objects.get()
    client = as_user(senco_of[riverside.pk])
    accepted = client.post(f"/s/{riverside.slug}/transfers/in/{incoming.pk}/", {"accept": "1"})
    assert client.post(accepted["Location"], {"confirm": "1"}).status_code == 302
    with school_scope(riverside):
        arrived = ReceivedRecord.objects.get(pupil=newcomer).document
    with school_scope(oakfield):
        assert OutgoingTransfer.objects.get().state == "accepted"
    # The same history, cycle by cycle, as Oakfield exports it (made at another moment).
    assert arrived | {"made_at": None} == exported | {"made_at": None}
    page = client.get(accepted["Location"]).content.decode()
    for cycle in exported["cycles"]:
        for outcome in cycle["outcomes"]:
            assert escape(outcome["description"]) in page
