"""A worker that dies while sending e-mail sends nothing twice: each e-mail is claimed
(committed), sent, then marked sent; a claim left unmarked is listed for review, never
sent again; an e-mail that failed to send is released for the task's retry."""

import datetime
import io
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from apps.caseload.tasks import school_daily_digest
from apps.parents.models import ReminderSent
from apps.schools.tenancy import school_scope
from backend.celery import app

from .conftest import require
from .plans_helpers import planned_cycle

TODAY = timezone.localdate()
ROOT = Path(__file__).resolve().parent.parent


def something_to_tell(world):
    """A review due in three days: the SENCO and the responsible teacher each get the
    digest."""
    planned_cycle(world, opened_on=TODAY - datetime.timedelta(days=40),
                  review_date=TODAY + datetime.timedelta(days=3))


@pytest.fixture
def mail_that_dies_after_one(settings):
    """The first e-mail goes; the worker dies (SystemExit: nothing can catch it) as the
    second is being sent, before anything marks it."""
    settings.MAILERS = {"default": {"BACKEND": "tests.crash_mail.DiesAfterOne"}}
    from . import crash_mail

    crash_mail.sent.clear()
    return crash_mail.sent


@pytest.mark.django_db
def test_a_digest_cut_short_by_a_dying_worker_sends_no_e_mail_twice(
        school_a, mail_that_dies_after_one, settings, caplog):
    something_to_tell(school_a)
    with pytest.raises(SystemExit):
        school_daily_digest.delay(school_id=school_a.school.pk)
    assert len(mail_that_dies_after_one) == 2  # one went; the other was going when it died
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with caplog.at_level(logging.WARNING, logger="apps.schools.once"):
        assert school_daily_digest.delay(school_id=school_a.school.pk).get() == 0
    assert not mail.outbox  # delivered again: neither is sent a second time
    assert "never marked sent: not sent again" in caplog.text
    with school_scope(school_a.school):
        claims = dict(ReminderSent.objects.values_list("recipient", "sent_at"))
        ReminderSent.objects.update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
    assert sorted(claims) == sorted([school_a.senco.email, school_a.teacher.email])
    assert sum(sent is None for sent in claims.values()) == 1  # one for review
    out = io.StringIO()
    call_command("unconfirmed_emails", stdout=out)
    unmarked = next(email for email, sent in claims.items() if sent is None)
    assert unmarked in out.getvalue() and out.getvalue().count("daily-digest:") == 1


@pytest.mark.django_db
def test_an_e_mail_that_failed_to_send_is_released_for_the_retry(school_a, settings):
    something_to_tell(school_a)
    settings.MAILERS = {"default": {"BACKEND": "tests.crash_mail.Refuses"}}
    from celery.exceptions import Retry

    with pytest.raises((OSError, Retry)):
        school_daily_digest.apply(kwargs={"school_id": school_a.school.pk}, throw=True)
    with school_scope(school_a.school):
        assert not ReminderSent.objects.exists()  # nothing claimed: the retry may send
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert school_daily_digest.delay(school_id=school_a.school.pk).get() == 2


@pytest.mark.worker
def test_a_worker_killed_while_sending_leaves_the_e_mail_for_review(
        transactional_db, trust, tmp_path):
    """A real worker process, killed (SIGKILL) while its mail server holds the second
    e-mail; the task comes back to a new worker after the visibility timeout, which sends
    nothing again."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    require("worker", broker.startswith("redis") and shutil.which("redis-cli"),
            "needs CELERY_BROKER_URL (Redis)")
    require("postgres", connection.vendor == "postgresql", "needs PostgreSQL")
    from .conftest import build_school

    world = build_school(trust, "Crash School")
    something_to_tell(world)
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.crash_settings",
           "CRASH_OUTBOX": str(outbox), "CELERY_VISIBILITY_TIMEOUT": "3",
           "CELERY_TASK_ALWAYS_EAGER": "0", "DATABASE_URL": database_url()}

    def worker(log=None):
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "backend", "worker",
             "--pool=solo", "--loglevel=WARNING", "--without-mingle", "--without-gossip"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=log.open("w") if log else subprocess.DEVNULL)

    log = tmp_path / "second-worker.log"
    first = worker()
    second = None
    app.conf.task_always_eager = False
    try:
        school_daily_digest.apply_async(kwargs={"school_id": world.school.pk})
        wait_for(lambda: len(list(outbox.iterdir())) == 2, "the second e-mail to start")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        time.sleep(4)  # past the visibility timeout: the task is delivered again
        second = worker(log)
        wait_for(lambda: "never marked sent" in log.read_text(), "the task to run again")
    finally:
        app.conf.task_always_eager = True
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(30)
        connection.close()
    sent = sorted(p.read_text().splitlines()[0] for p in outbox.iterdir())
    assert len(sent) == 2 and len(set(sent)) == 2  # nobody had it twice
    with school_scope(world.school):
        assert ReminderSent.objects.filter(sent_at__isnull=True).count() == 1


def database_url() -> str:
    """The test database, as the worker process must reach it."""
    settings = connection.settings_dict
    return (f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}")


def wait_for(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.django_db
def test_a_notice_cut_short_by_a_dying_worker_is_not_sent_again(
        school_a, mail_that_dies_after_one, settings, django_capture_on_commit_callbacks):
    """The SEN support notice to two parents: the worker dies sending the second."""
    from apps.pupils import services as pupils
    from apps.pupils.models import SenSupportNotice

    from .factories import ParentLinkFactory, UserFactory

    pupil = school_a.pupils[1]  # on SEN support, no parent yet
    with school_scope(school_a.school):
        pupils.sen_status_change(pupil=pupil, actor=school_a.senco, status="N",
                                 on=TODAY, reason="Caught up")
    for n in range(2):
        ParentLinkFactory(pupil=pupil, parent=UserFactory(email=f"carer{n}@example.com"))
    with pytest.raises(SystemExit), django_capture_on_commit_callbacks(execute=True), \
            school_scope(school_a.school):
        pupils.sen_status_change(pupil=pupil, actor=school_a.senco, status="K", on=TODAY,
                                 reason="Needs identified at the autumn assessment")
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    from apps.pupils.tasks import notify_parents_of_sen_support

    with school_scope(school_a.school):
        record = SenSupportNotice.objects.get(sent_at__isnull=False).record
    assert notify_parents_of_sen_support.delay(school_id=school_a.school.pk,
                                               record_id=record.pk).get() == 0
    assert not mail.outbox
    with school_scope(school_a.school):
        assert SenSupportNotice.objects.filter(sent_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_an_unconfirmed_e_mail_is_confirmed_or_released_by_whoever_runs_the_service(
        school_a, mail_that_dies_after_one, settings):
    something_to_tell(school_a)
    with pytest.raises(SystemExit):
        school_daily_digest.delay(school_id=school_a.school.pk)
    with school_scope(school_a.school):
        ReminderSent.objects.update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
        (key,) = ReminderSent.objects.filter(sent_at__isnull=True).values_list("key", flat=True)
    out = io.StringIO()
    call_command("unconfirmed_emails", "--school", school_a.school.slug, "--release", key,
                 stdout=out)
    assert f"{key} released" in out.getvalue()
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert school_daily_digest.delay(school_id=school_a.school.pk).get() == 1  # sent now
    with school_scope(school_a.school):
        assert not ReminderSent.objects.filter(sent_at__isnull=True).exists()
