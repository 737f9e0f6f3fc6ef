"""A pupil's record sent to another school of the same trust: the sending SENCO sends it,
the receiving SENCO accepts it, and it arrives as history from the sending school (as a
record uploaded would), while the sending school keeps its copy read-only. Nothing of the
history crosses before the receiving school accepts; a school outside the trust, or anyone
at the receiving school but its SENCO, gets a 404; every step is in both audit trails."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from apps.audit.models import Entry
from apps.privacy import sen_record, transfer
from apps.privacy.models import IncomingTransfer, OutgoingTransfer, ReceivedRecord
from apps.privacy.rules import TransferState
from apps.privacy.tasks import send_owed_transfer_emails
from apps.schools.tenancy import dangerously_all_schools, school_scope

from .conftest import build_school
from .factories import PupilFactory
from .test_sen_record import whole_history

pytestmark = pytest.mark.django_db

LEAVING = "2026-07-20"


def send(client, sender, to_school, pupil=None):
    pupil = pupil or sender.pupil
    return client.post(f"/s/{sender.school.slug}/pupils/{pupil.pk}/transfer/",
                       {"to_school": str(to_school.pk), "leaving_on": LEAVING})


def incoming_of(receiver) -> IncomingTransfer:
    with school_scope(receiver.school):
        return IncomingTransfer.objects.get()


def outgoing_of(sender) -> OutgoingTransfer:
    with school_scope(sender.school):
        return OutgoingTransfer.objects.get()


def joining(receiver, upn):
    return PupilFactory(school=receiver.school, upn=upn, first_name="Sam", last_name="Moved")


def incoming_url(receiver, incoming):
    return f"/s/{receiver.school.slug}/transfers/in/{incoming.pk}/"


def test_a_record_sent_within_the_trust_arrives_as_the_same_history_once_accepted(
        school_a, school_b, as_user, django_capture_on_commit_callbacks):
    whole_history(school_a)
    newcomer = joining(school_b, school_a.pupil.upn)
    sender = as_user(school_a.senco)
    form = sender.get(f"/s/{school_a.school.slug}/pupils/{school_a.pupil.pk}/transfer/")
    assert "Birch School" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = send(sender, school_a, school_b.school)
    assert response.status_code == 302, response.content.decode()[:3000]
    outgoing = outgoing_of(school_a)
    assert outgoing.state == TransferState.WAITING
    with school_scope(school_a.school):
        assert outgoing.document == {**sen_record.sen_record(
            school_a.pupil, school=school_a.school, made_by=school_a.senco),
            "made_at": outgoing.document["made_at"]}
    # The receiving school knows who and from where, and nothing of the history yet.
    incoming = incoming_of(school_b)
    assert (incoming.upn, incoming.from_school, incoming.state) == (
        school_a.pupil.upn, school_a.school, TransferState.WAITING)
    with school_scope(school_b.school):
        assert not ReceivedRecord.objects.exists()
    [email] = mail.outbox
    assert email.to == [school_b.senco.email] and incoming_url(school_b, incoming) in email.body
    assert "Follows a two-step" not in email.body

    receiver = as_user(school_b.senco)
    page = receiver.get(incoming_url(school_b, incoming)).content.decode()
    assert "Sam Moved" in page and "Accept the record" in page
    accepted = receiver.post(incoming_url(school_b, incoming), {"accept": "1"})
    assert accepted.status_code == 302
    preview = receiver.get(accepted["Location"]).content.decode()
    assert "SEN history from Alder School" in preview and "Not yet part of" in preview
    assert receiver.post(accepted["Location"], {"confirm": "1"}).status_code == 302
    with school_scope(school_b.school):
        record = ReceivedRecord.objects.get()
        assert record.confirmed_at and record.pupil == newcomer
        assert record.document == outgoing.document  # the same history, as it went
    assert outgoing_of(school_a).state == TransferState.ACCEPTED
    assert incoming_of(school_b).state == TransferState.ACCEPTED

    # The sending school keeps its copy, read-only, and may download it.
    sender = as_user(school_a.senco)
    copy = sender.get(f"/s/{school_a.school.slug}/transfers/out/{outgoing.pk}/")
    assert "Accepted" in copy.content.decode() and "Withdraw" not in copy.content.decode()
    download = sender.get(f"/s/{school_a.school.slug}/transfers/out/{outgoing.pk}/"
                          "?download=json")
    assert sen_record.problems(download.json()) == []

    # Every step, on both sides, in each school's own trail.
    with dangerously_all_schools():
        def steps(school, model):
            return list(Entry.objects.filter(school_id=school.pk,
                                             content_type__model=model)
                        .order_by("pk").values_list("action", flat=True))
        create, update, access = (Entry.Action.CREATE, Entry.Action.UPDATE,
                                  Entry.Action.ACCESS)
        assert steps(school_a.school, "outgoingtransfer") == [create, update, access, access]
        assert steps(school_b.school, "incomingtransfer") == [create, access, access, update]
        assert steps(school_b.school, "receivedrecord")[0] == create


def test_a_school_outside_the_trust_or_this_school_is_a_404_and_nothing_is_sent(
        school_a, school_b, as_user):
    outside = build_school(None, "Elm Academy")
    client = as_user(school_a.senco)
    assert send(client, school_a, outside.school).status_code == 404
    assert send(client, school_a, school_a.school).status_code == 404
    with dangerously_all_schools():
        assert not OutgoingTransfer.objects.exists() and not IncomingTransfer.objects.exists()
    # A school outside any trust has nowhere to send a record.
    assert send(as_user(outside.senco), outside, school_a.school).status_code == 404


def test_only_the_receiving_schools_senco_may_see_or_answer_a_transfer(
        school_a, school_b, as_user):
    send(as_user(school_a.senco), school_a, school_b.school)
    incoming = incoming_of(school_b)
    joining(school_b, school_a.pupil.upn)
    for person in (school_b.head, school_b.teacher, school_b.parent):
        client = as_user(person)
        assert client.get(incoming_url(school_b, incoming)).status_code == 404
        assert client.post(incoming_url(school_b, incoming), {"accept": "1"}).status_code == 404
    # The sending SENCO cannot answer it: under their school there is no such transfer,
    # and the receiving school is not theirs.
    client = as_user(school_a.senco)
    assert client.post(f"/s/{school_a.school.slug}/transfers/in/{incoming.pk}/",
                       {"accept": "1"}).status_code == 404
    assert client.post(incoming_url(school_b, incoming), {"accept": "1"}).status_code == 404
    # Nor may the receiving school reach the sending school's copy.
    outgoing = outgoing_of(school_a)
    assert as_user(school_b.senco).get(
        f"/s/{school_b.school.slug}/transfers/out/{outgoing.pk}/").status_code == 404
    assert incoming_of(school_b).state == TransferState.WAITING
    with school_scope(school_b.school):
        assert not ReceivedRecord.objects.exists()


def test_accepting_needs_the_pupil_on_roll_and_a_refusal_changes_nothing(
        school_a, school_b, as_user):
    send(as_user(school_a.senco), school_a, school_b.school)
    incoming = incoming_of(school_b)
    receiver = as_user(school_b.senco)
    response = receiver.post(incoming_url(school_b, incoming), {"accept": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert f"There is no pupil with UPN {school_a.pupil.upn}" in page
    assert outgoing_of(school_a).state == TransferState.WAITING
    assert incoming_of(school_b).state == TransferState.WAITING


def test_a_withdrawn_transfer_cannot_be_accepted_and_a_declined_one_is_seen_declined(
        school_a, school_b, as_user):
    joining(school_b, school_a.pupil.upn)
    sender = as_user(school_a.senco)
    send(sender, school_a, school_b.school)
    outgoing = outgoing_of(school_a)
    # A second transfer of the same pupil while one waits is refused.
    again = send(sender, school_a, school_b.school)
    assert again.status_code == 200 and "already waiting at Birch School" in (
        again.content.decode())
    sender.post(f"/s/{school_a.school.slug}/transfers/out/{outgoing.pk}/", {"withdraw": "1"})
    assert incoming_of(school_b).state == TransferState.WITHDRAWN
    receiver = as_user(school_b.senco)
    response = receiver.post(incoming_url(school_b, incoming_of(school_b)), {"accept": "1"})
    assert "already been answered: Withdrawn" in response.content.decode()
    with school_scope(school_b.school):
        assert not ReceivedRecord.objects.exists()
    assert outgoing_of(school_a).state == TransferState.WITHDRAWN

    sender = as_user(school_a.senco)
    send(sender, school_a, school_b.school)
    with school_scope(school_b.school):
        waiting = IncomingTransfer.objects.get(state=TransferState.WAITING)
    receiver = as_user(school_b.senco)
    assert receiver.post(incoming_url(school_b, waiting), {"decline": "1"}).status_code == 302
    with school_scope(school_a.school):
        assert OutgoingTransfer.objects.filter(state=TransferState.DECLINED).count() == 1
    listed = as_user(school_a.senco).get(f"/s/{school_a.school.slug}/transfers/")
    assert "Declined by the receiving school" in listed.content.decode()


def test_bad_dates_are_field_errors(school_a, school_b, as_user):
    response = as_user(school_a.senco).post(
        f"/s/{school_a.school.slug}/pupils/{school_a.pupil.pk}/transfer/",
        {"to_school": str(school_b.school.pk), "leaving_on": "31/02/2026"})
    assert response.status_code == 200
    assert "Enter the date they leave as a real date" in response.content.decode()
    with dangerously_all_schools():
        assert not OutgoingTransfer.objects.exists()


def test_the_receiving_sencos_e_mail_is_sent_again_when_it_was_owed(school_a, school_b):
    with school_scope(school_a.school):
        transfer.transfer_send(pupil=school_a.pupil, to_school=school_b.school,
                               leaving_on=datetime.date(2026, 7, 20), actor=school_a.senco)
    # Sent after commit; in a test's transaction it never was: the sweep finds it, once
    # it is older than a task on its way.
    with school_scope(school_b.school):
        IncomingTransfer.objects.update(sent_at=datetime.datetime(2026, 1, 1,
                                                                  tzinfo=datetime.UTC))
    assert send_owed_transfer_emails() == 1
    assert len(mail.outbox) == 1 and incoming_of(school_b).sencos_told_at is not None
    assert send_owed_transfer_emails() == 0


@pytest.mark.django_db(transaction=True)
def test_an_acceptance_racing_a_withdrawal_cannot_both_win(postgres, school_a, school_b):
    """The sending SENCO withdraws inside an open transaction; the receiving SENCO's
    acceptance waits for the sending school's row, then finds it withdrawn."""
    import threading

    from django.db import connection
    from django.test import Client

    from .test_cycles import waiting_for_a_lock
    from .two_factor import prove_second_step

    joining(school_b, school_a.pupil.upn)
    with school_scope(school_a.school):
        transfer.transfer_send(pupil=school_a.pupil, to_school=school_b.school,
                               leaving_on=datetime.date(2026, 7, 20), actor=school_a.senco)
    incoming = incoming_of(school_b)
    answers, started = [], threading.Event()

    def accept():
        try:
            client = Client()
            client.force_login(school_b.senco)
            prove_second_step(client, school_b.senco)
            started.wait(10)
            answers.append(client.post(incoming_url(school_b, incoming), {"accept": "1"}))
        finally:
            connection.close()

    other = threading.Thread(target=accept)
    other.start()
    with school_scope(school_a.school):  # one transaction, committed at its end
        transfer.transfer_withdraw(outgoing=OutgoingTransfer.objects.get(),
                                   actor=school_a.senco)
        started.set()
        waiting_for_a_lock(connection, other)
    other.join(20)
    assert answers and answers[0].status_code == 200
    assert "already been answered: Withdrawn" in answers[0].content.decode()
    assert outgoing_of(school_a).state == incoming_of(school_b).state == TransferState.WITHDRAWN
    with school_scope(school_b.school):
        assert not ReceivedRecord.objects.exists()


def test_a_record_that_never_became_a_pupils_is_forgotten_a_year_on(school_a, school_b):
    from apps.privacy.tasks import forget_unclaimed_transfers

    joining(school_b, school_a.pupil.upn)
    with school_scope(school_a.school):
        for pupil in school_a.pupils[:2]:
            transfer.transfer_send(pupil=pupil, to_school=school_b.school,
                                   leaving_on=datetime.date(2026, 7, 20), actor=school_a.senco)
    with school_scope(school_b.school):
        accepted, declined = IncomingTransfer.objects.order_by("pk")
        transfer.transfer_accept(incoming=accepted, actor=school_b.senco)
        transfer.transfer_decline(incoming=declined, actor=school_b.senco)
        long_ago = timezone.now() - datetime.timedelta(days=366)
        IncomingTransfer.objects.update(answered_at=long_ago, sent_at=long_ago)
    assert forget_unclaimed_transfers() == 1
    with school_scope(school_b.school):
        assert list(IncomingTransfer.objects.all()) == [accepted]  # a pupil's: kept
    with school_scope(school_a.school):
        assert OutgoingTransfer.objects.count() == 2  # the sender's own copies stay
