"""``__in`` with a list: the same rows on every database, and on PostgreSQL one array
parameter whatever the list's length (backend/lookups.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.pupils.models import Pupil, SenProvisionRecord
from apps.pupils.rules import SenStatus
from apps.schools.tenancy import school_scope

pytestmark = pytest.mark.django_db


def sql_of(queryset) -> str:
    return queryset.query.get_compiler(connection=connection).as_sql()[0]


def test_a_list_finds_the_rows_it_names(school_a, school_b):
    taught, other, no_sen = school_a.pupils
    with school_scope(school_a.school), CaptureQueriesContext(connection) as queries:
        assert set(Pupil.objects.filter(pk__in=[taught.pk, no_sen.pk, None])) == {taught, no_sen}
        assert set(Pupil.objects.filter(pk__in=[str(other.pk)])) == {other}
        assert set(SenProvisionRecord.objects.filter(pupil__in=[taught, other.pk]).values_list(
            "pupil", flat=True)) == {taught.pk, other.pk}
        assert set(Pupil.objects.filter(sen_records__status__in=[
            SenStatus.SEN_SUPPORT]).distinct()) == {taught, other}
        n = len(queries)
        assert not Pupil.objects.filter(pk__in=[]).exists()
        assert not Pupil.objects.filter(pk__in=[None]).exists()
        assert len(queries) == n  # an empty list asks the database nothing
        # Another school's pupil, named in the list, is still not found.
        assert not Pupil.objects.filter(pk__in=[school_b.pupil.pk]).exists()
        assert set(Pupil.objects.filter(
            pk__in=Pupil.objects.filter(pk__in=[taught.pk]))) == {taught}


def test_on_postgresql_a_list_is_one_array_parameter(postgres, school_a):
    ids = [pupil.pk for pupil in school_a.pupils]
    with school_scope(school_a.school):
        two, three = (sql_of(Pupil.objects.filter(pk__in=ids[:n])) for n in (2, 3))
        related = sql_of(SenProvisionRecord.objects.filter(pupil__in=ids))
        subquery = sql_of(Pupil.objects.filter(pk__in=Pupil.objects.filter(upn="x")))
    assert '"pupils_pupil"."id" = ANY(%s)' in two and two == three
    assert '"pupils_senprovisionrecord"."pupil_id" = ANY(%s)' in related
    assert "IN (SELECT" in subquery


def test_elsewhere_a_list_is_written_as_django_writes_it(school_a):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL binds one array (the test above)")
    with school_scope(school_a.school):
        sql = sql_of(Pupil.objects.filter(pk__in=[1, 2]))
    assert '"pupils_pupil"."id" IN (%s, %s)' in sql
