"""The audit trail: every kind of access to a pupil's record is recorded with who, when,
which school, what and from where; writes field by field; entries cannot be altered."""

import pytest
from django.db import DatabaseError, connection, transaction

from apps.audit.models import Entry
from apps.audit.trail import AppendOnly

from .conftest import plan_records

pytestmark = pytest.mark.django_db


def entries_for(world, pupil, action=None):
    found = Entry.objects.filter(additional_data__school=world.school.pk,
                                    additional_data__pupil=pupil.pk)
    return found.filter(action=action) if action is not None else found


def test_every_kind_of_access_is_recorded(school_a, as_user, api_as):
    records = plan_records(school_a)
    pupil, slug = school_a.pupil, school_a.school.slug
    before = entries_for(school_a, pupil, Entry.Action.ACCESS).count()
    client = as_user(school_a.senco)
    client.get(f"/s/{slug}/pupils/{pupil.pk}/")                       # a page
    client.get(f"/s/{slug}/cycles/{records['cycle']}/")                # a page of the plan
    client.get(f"/s/{slug}/pupils/{pupil.pk}/ehc/bundle/")             # a PDF
    client.get(f"/s/{slug}/evidence/{records['evidence-file']}/")      # a file
    api_as(school_a.senco).get(f"/api/v1/schools/{slug}/pupils/{pupil.pk}/")  # the API
    accesses = entries_for(school_a, pupil, Entry.Action.ACCESS).order_by("pk")
    assert accesses.count() - before == 5
    latest = accesses.last()
    assert latest.actor == school_a.senco and latest.remote_addr == "127.0.0.1"
    assert latest.additional_data["path"] == f"/api/v1/schools/{slug}/pupils/{pupil.pk}/"
    # Lists and exports record which pupils they showed.
    client.get(f"/s/{slug}/pupils/")
    listed = Entry.objects.filter(action=Entry.Action.ACCESS,
                                     additional_data__path=f"/s/{slug}/pupils/").last()
    assert pupil.pk in listed.additional_data["pupils"]


def test_writes_are_recorded_field_by_field(school_a, api_as):
    pupil = school_a.pupil
    api_as(school_a.senco).patch(f"/api/v1/schools/{school_a.school.slug}/pupils/{pupil.pk}/",
                                 {"class_name": "5Z"}, format="json")
    change = entries_for(school_a, pupil, Entry.Action.UPDATE).last()
    assert change.changes_dict["class_name"] == ["4B", "5Z"]
    assert change.actor == school_a.senco


def test_a_token_caller_is_named_and_requests_leave_no_receivers_behind(school_a, api):
    """The caller is known only after DRF reads the token. Naming them must not connect a
    signal receiver per request (one left behind each time slowed every later save)."""
    from django.db.models.signals import pre_save
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=school_a.teacher)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = f"/api/v1/schools/{school_a.school.slug}/pupils/{school_a.pupil.pk}/"
    api.get(url)
    receivers = len(pre_save.receivers)
    for _ in range(5):
        assert api.get(url).status_code == 200
    assert len(pre_save.receivers) == receivers
    latest = entries_for(school_a, school_a.pupil, Entry.Action.ACCESS).order_by("pk").last()
    assert latest.actor == school_a.teacher and latest.remote_addr == "127.0.0.1"


def test_entries_cannot_be_changed_or_deleted(school_a, as_user):
    as_user(school_a.senco).get(f"/s/{school_a.school.slug}/pupils/{school_a.pupil.pk}/")
    entry = Entry.objects.filter(action=Entry.Action.ACCESS).order_by("pk").last()
    entry.remote_addr = "10.0.0.1"
    with pytest.raises(AppendOnly), transaction.atomic():
        entry.save()
    with pytest.raises(AppendOnly), transaction.atomic():
        entry.delete()
    if connection.vendor == "postgresql":  # and the database itself refuses
        for statement in ("UPDATE audit_entry SET remote_addr = '10.0.0.1'",
                          "DELETE FROM audit_entry"):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
                c.execute(statement)
    assert Entry.objects.get(pk=entry.pk).remote_addr == "127.0.0.1"


def test_the_senco_and_head_read_and_export_a_pupils_trail(school_a, school_b, as_user):
    pupil, slug = school_a.pupil, school_a.school.slug
    as_user(school_a.teacher).get(f"/s/{slug}/pupils/{pupil.pk}/")
    for role in ("senco", "head"):
        client = as_user(school_a.people[role])
        page = client.get(f"/s/{slug}/pupils/{pupil.pk}/audit/").content.decode()
        assert "Who saw or changed this record" in page and school_a.teacher.get_full_name() in page
        csv_text = client.get(f"/s/{slug}/pupils/{pupil.pk}/audit/",
                              {"download": "csv"}).content.decode()
        assert csv_text.startswith("When,Who,Action") and ",access," in csv_text
    assert as_user(school_a.teacher).get(f"/s/{slug}/pupils/{pupil.pk}/audit/"
                                         ).status_code == 403
    assert as_user(school_a.senco).get(
        f"/s/{slug}/pupils/{school_b.pupil.pk}/audit/").status_code == 404
