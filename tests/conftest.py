"""Shared fixtures. Tests always have two schools: what belongs to one must never be seen
from the other."""

import os
from contextlib import contextmanager
from dataclasses import dataclass, field

import factory.random
import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection as db_connection
from rest_framework.test import APIClient

from apps.accounts import two_factor
from apps.pupils.rules import NeedType, SenStatus
from apps.schools.roles import Role
from apps.schools.tenancy import school_scope
from backend.celery import app

from .factories import (
    MembershipFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolFactory,
    StaffAssignmentFactory,
    TrustFactory,
    UserFactory,
)
from .two_factor import prove_second_step

# Generated names are the same on every run, so a failure can be reproduced.
factory.random.reseed_random("graduated-approach")


@dataclass
class SchoolWorld:
    school: object
    people: dict = field(default_factory=dict)
    pupils: list = field(default_factory=list)

    def __getattr__(self, name):
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def pupil(self):
        return self.pupils[0]


def build_school(trust, name: str) -> SchoolWorld:
    school = SchoolFactory(name=name, trust=trust)
    world = SchoolWorld(school=school)
    for role in (Role.SENCO, Role.TEACHER, Role.TEACHING_ASSISTANT, Role.HEAD, Role.PARENT):
        user = UserFactory(email=f"{role}@{school.slug}.example")
        MembershipFactory(user=user, school=school, role=role)
        world.people[role.value] = user
    world.people["senco"] = world.people[Role.SENCO.value]
    # Three pupils: one the teacher and TA work with, whose parent is the school's parent;
    # one on SEN support they do not work with; one with no SEN.
    taught = PupilFactory(school=school, primary_need=NeedType.SLCN, year_group=3,
                          sen_status=SenStatus.SEN_SUPPORT)
    other = PupilFactory(school=school, primary_need=NeedType.SEMH, year_group=5,
                         sen_status=SenStatus.SEN_SUPPORT)
    no_sen = PupilFactory(school=school, year_group=5)
    StaffAssignmentFactory(pupil=taught, user=world.people[Role.TEACHER.value])
    StaffAssignmentFactory(pupil=taught, user=world.people[Role.TEACHING_ASSISTANT.value])
    ParentLinkFactory(pupil=taught, parent=world.people[Role.PARENT.value])
    world.pupils = [taught, other, no_sen]
    return world


@pytest.fixture
def trust(db):
    return TrustFactory(name="Test Trust")


@pytest.fixture
def school_a(trust):
    return build_school(trust, "Alder School")


@pytest.fixture
def school_b(trust):
    return build_school(trust, "Birch School")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def as_user(client):
    """Sign the page client in as a user: ``as_user(person)``, with the second step done
    for those whose role needs it."""

    def sign_in(user):
        client.force_login(user)
        if two_factor.is_required(user):
            prove_second_step(client, user)
        return client

    return sign_in


@pytest.fixture
def api_as(api):
    def sign_in(user):
        api.force_authenticate(user)
        return api

    return sign_in


@pytest.fixture
def in_school():
    """Run a block inside a school's scope: ``with in_school(school): ...``."""
    return school_scope



def require(kind: str, available: bool, why: str) -> None:
    """Skip a test whose service is missing — or fail it when the run demands the service
    (``.ci/run`` sets REQUIRE_POSTGRES, REQUIRE_WORKER and REQUIRE_BROWSER)."""
    if available:
        return
    if os.environ.get(f"REQUIRE_{kind.upper()}"):
        pytest.fail(f"{why} (REQUIRE_{kind.upper()} is set)")
    pytest.skip(why)


@pytest.fixture
def postgres(db):
    from django.db import connection

    require("postgres", connection.vendor == "postgresql",
            "needs PostgreSQL: set DATABASE_URL to run it")
    return connection


@pytest.fixture
def application_role(transactional_db):
    """A second connection to the test database signed in as the application's role
    (DATABASE_APP_ROLE), as the web and worker processes connect in production: what it
    sees is what the second wall lets through. Rows must be committed for it to see them,
    hence a transactional test."""
    import psycopg
    from django.conf import settings

    require("postgres", db_connection.vendor == "postgresql",
            "needs PostgreSQL: set DATABASE_URL to run it")
    options = db_connection.get_connection_params()
    options.pop("cursor_factory", None)
    options.pop("context", None)
    options["user"] = settings.DATABASE_APP_ROLE
    options.pop("password", None)
    with psycopg.connect(**options, autocommit=True) as connection:
        yield connection


@pytest.fixture
def celery_worker_on_broker(transactional_db, settings):
    """A real Celery worker consuming from the configured broker (Redis in CI)."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    require("worker", broker.startswith("redis"), "needs CELERY_BROKER_URL (Redis)")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=30):
            yield app
    finally:
        app.conf.task_always_eager = True
        db_connection.close()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary folder, never the project's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def plan_records(world) -> dict:
    """One of every plan record for the world's first pupil: a reviewed cycle 1 (closed)
    and an open cycle 2 with evidence, outcome, provision and a session. Returns ids."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.plans import services as plans
    from apps.plans.rules import Stage

    from .plans_helpers import D, planned_cycle, review_and_close

    first, _ = planned_cycle(world, stage=Stage.REVIEW)
    review, second = review_and_close(world, first)
    with school_scope(world.school):
        second = plans.cycle_update(cycle=second, actor=world.senco,
                                    pupil_views="The group is fun.")
        session = plans.session_record(provision=second.provisions.get(), actor=world.senco,
                                       date=D(2025, 12, 10))
        assessment = plans.assessment_save(cycle=second, actor=world.senco,
                                           date=D(2025, 12, 9), source="Teacher",
                                           measure="Reading age", score="6y 4m")
        advice = plans.advice_save(cycle=second, actor=world.senco, source="salt",
                                   date=D(2025, 12, 9), author="A. Therapist",
                                   summary="Use visual supports.")
        upload = plans.evidence_file_add(
            cycle=second, actor=world.senco, title="Speech report",
            upload=SimpleUploadedFile("report.pdf", b"%PDF-1.4 report",
                                      content_type="application/pdf"))
        return {
            "pupil": world.pupil.pk,
            "plan": first.plan_id,
            "cycle": second.pk,
            "closed-cycle": first.pk,
            "outcome": second.outcomes.get().pk,
            "provision": second.provisions.get().pk,
            "provision-type": second.provisions.get().provision_type_id,
            "session": session.pk,
            "assessment-result": assessment.pk,
            "specialist-advice": advice.pk,
            "evidence-file": upload.pk,
            "review": review.pk,
        }


@contextmanager
def broker_at(url: str):
    """Tasks are sent to ``url`` for the block, not run in the process. Celery reads
    CELERY_BROKER_URL from the environment before its own setting, so both change; and it
    keeps its connection pools on the app, dropped so that the next send connects anew."""
    conf = app.conf
    before = conf.task_always_eager, conf.broker_url, os.environ.get("CELERY_BROKER_URL")

    def drop_pools():
        app._pool = None
        app.amqp._producer_pool = None

    conf.task_always_eager, conf.broker_url = False, url
    os.environ["CELERY_BROKER_URL"] = url
    drop_pools()
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = before[:2]
        if before[2] is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = before[2]
        drop_pools()
