"""Work owed survives a broker outage: a plan shared or a meeting planned while Redis is
down is saved and answered at once, the page says the PDF or invitation is on its way,
and beat's sweep sends the owed work once the broker is back."""

import datetime
import shutil
import socket
import subprocess
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import OperationalError
from django.db import connection as db_connection
from django.utils import timezone

from apps.accounts import invitations
from apps.accounts.models import Invitation
from apps.accounts.tasks import send_owed_invitations
from apps.parents.models import ParentMeeting, PlanSnapshot
from apps.parents.tasks import send_owed_work
from apps.pupils import services
from apps.pupils.models import SenProvisionRecord
from apps.pupils.rules import SenStatus
from apps.pupils.tasks import send_owed_notices
from apps.schools.roles import Role
from apps.schools.tenancy import school_scope
from backend.celery import app

from .conftest import broker_at, require
from .plans_helpers import planned_cycle

TODAY = timezone.localdate()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_if_minutes_ago(minutes=5):
    """The sweep leaves work younger than two minutes to its own task."""
    then = timezone.now() - datetime.timedelta(minutes=minutes)
    PlanSnapshot.objects.update(shared_at=then)
    ParentMeeting.objects.update(created_at=then)


def share_and_plan(world, client):
    """Share the plan and plan a meeting through the pages; both must answer at once."""
    cycle, _ = planned_cycle(world)
    slug = world.school.slug
    started = time.monotonic()
    shared = client.post(f"/s/{slug}/cycles/{cycle.pk}/share/", {"parent_help": "Read"})
    planned = client.post(f"/s/{slug}/pupils/{world.pupil.pk}/meetings/new/", {
        "held": "no", "date": (TODAY + datetime.timedelta(days=7)).isoformat(),
        "kind": "review"})
    took = time.monotonic() - started
    assert (shared.status_code, planned.status_code) == (302, 302), (shared, planned)
    assert took < 15, f"two requests took {took:.1f} s with the broker down"
    return cycle


def test_with_the_broker_unreachable_writes_stand_and_the_sweep_sends_them_later(
        school_a, as_user, client, django_capture_on_commit_callbacks):
    senco = as_user(school_a.senco)
    with broker_at(f"redis://127.0.0.1:{free_port()}/0"), \
            django_capture_on_commit_callbacks(execute=True):
        share_and_plan(school_a, senco)
    with school_scope(school_a.school):
        snapshot = PlanSnapshot.objects.get()
        meeting = ParentMeeting.objects.get()
        assert not snapshot.pdf and meeting.invitations_sent_at is None
        as_if_minutes_ago()
    assert not mail.outbox
    parent = as_user(school_a.parent)
    page = parent.get(f"/s/{school_a.school.slug}/family/{school_a.pupil.pk}/").content.decode()
    assert "its PDF is on its way" in page
    # Broker back (tasks run in the process again): the PDF, the parents' e-mail about the
    # shared plan, and the meeting's invitation.
    assert send_owed_work() == 3
    with school_scope(school_a.school):
        snapshot.refresh_from_db()
        meeting.refresh_from_db()
    assert snapshot.pdf and snapshot.parents_told_at is not None
    assert meeting.invitations_sent_at is not None
    assert [m.to for m in mail.outbox] == [[school_a.parent.email]] * 2
    assert send_owed_work() == 0  # nothing owed any more


def test_an_invitation_and_a_notice_made_while_the_broker_is_unreachable_are_sent_later(
        school_a, django_capture_on_commit_callbacks):
    """Inviting a member of staff and starting a pupil's SEN support (which owes the
    parents their notice, Code 6.43) also survive an outage: beat's sweeps send them."""
    pupil = school_a.pupil
    with school_scope(school_a.school):
        services.sen_status_change(pupil=pupil, actor=school_a.senco,
                                   status=SenStatus.NO_SEN, on=datetime.date(2025, 9, 20),
                                   reason="Caught up")
    with broker_at(f"redis://127.0.0.1:{free_port()}/0"), \
            django_capture_on_commit_callbacks(execute=True), school_scope(school_a.school):
        invitations.invite(school=school_a.school, email="new.ta@a.example", first_name="Sam",
                           last_name="Lee", role=Role.TEACHING_ASSISTANT, actor=school_a.senco)
        record = services.sen_status_change(
            pupil=pupil, actor=school_a.senco, status=SenStatus.SEN_SUPPORT,
            on=datetime.date(2025, 10, 1), reason="Needs identified with parents")
    assert not mail.outbox
    assert (send_owed_invitations(), send_owed_notices()) == (0, 0)  # too young: in hand
    then = timezone.now() - datetime.timedelta(minutes=5)
    with school_scope(school_a.school):
        assert SenProvisionRecord.objects.get(pk=record.pk).notices_sent_at is None
        Invitation.objects.update(sent_at=then)
        SenProvisionRecord.objects.filter(pk=record.pk).update(recorded_at=then)
    assert (send_owed_invitations(), send_owed_notices()) == (1, 1)  # the broker is back
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["new.ta@a.example",
                                                            school_a.parent.email])
    with school_scope(school_a.school):
        assert SenProvisionRecord.objects.get(pk=record.pk).notices_sent_at is not None
    assert (send_owed_invitations(), send_owed_notices()) == (0, 0)  # nothing owed now
    assert len(mail.outbox) == 2


@pytest.fixture
def redis_of_our_own(transactional_db, tmp_path):
    """A Redis server this test starts and stops, on a port of its own."""
    server = shutil.which("redis-server")
    require("worker", server is not None, "needs redis-server")
    port = free_port()

    def start():
        process = subprocess.Popen(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return process
            time.sleep(0.05)
        pytest.fail("redis-server did not start")

    class Redis:
        url = f"redis://127.0.0.1:{port}/0"
        process = start()

        def stop(self):
            self.process.terminate()
            self.process.wait(10)

        def start_again(self):
            self.process = start()

    redis = Redis()
    try:
        yield redis
    finally:
        redis.process.terminate()
        redis.process.wait(10)
        db_connection.close()


@pytest.mark.worker
def test_a_redis_stopped_and_started_again_loses_nothing(school_a, as_user, redis_of_our_own):
    """On a real Redis: stopped while the plan is shared and the meeting planned, started
    again, then beat's sweep and a worker make the PDF and send the invitation."""
    senco = as_user(school_a.senco)
    with broker_at(redis_of_our_own.url):
        redis_of_our_own.stop()
        share_and_plan(school_a, senco)
        with school_scope(school_a.school):
            assert not PlanSnapshot.objects.get().pdf
            assert ParentMeeting.objects.get().invitations_sent_at is None
            as_if_minutes_ago()
        redis_of_our_own.start_again()
        assert send_owed_work() == 3  # the PDF, the e-mail about it, the invitation
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=30):
            for _ in range(300):
                try:
                    with school_scope(school_a.school):
                        done = (PlanSnapshot.objects.exclude(pdf="").filter(
                                    parents_told_at__isnull=False).exists()
                                and ParentMeeting.objects.filter(
                                    invitations_sent_at__isnull=False).exists())
                except OperationalError:  # SQLite in memory: the worker is writing now
                    done = False
                if done:
                    break
                time.sleep(0.1)
    assert done, "the owed PDF, its e-mail and the invitation were not made"
    assert [m.to for m in mail.outbox] == [[school_a.parent.email]] * 2
