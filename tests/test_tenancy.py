"""The tenancy mechanism itself: fail closed without a school, filter inside one, and on
PostgreSQL a second wall of row-level security that holds even for raw SQL."""

import pytest
from django.core import checks
from django.db import DatabaseError, transaction
from django_scopes import ScopeError

from apps.pupils.models import Pupil
from apps.schools.checks import check_school_ownership
from apps.schools.tenancy import dangerously_all_schools, school_scope

pytestmark = pytest.mark.django_db


def test_a_query_for_school_data_outside_a_school_scope_is_refused(school_a):
    with pytest.raises(ScopeError):
        list(Pupil.objects.all())
    with pytest.raises(ScopeError):
        Pupil.objects.filter(upn=school_a.pupil.upn).exists()


def test_inside_a_scope_only_that_schools_rows_exist(school_a, school_b):
    with school_scope(school_a.school):
        assert set(Pupil.objects.values_list("pk", flat=True)) == {p.pk for p in school_a.pupils}
        assert not Pupil.objects.filter(pk=school_b.pupil.pk).exists()
        # Related managers are scoped too.
        assert school_b.pupil.sen_records.count() == 0


def test_a_scope_without_a_school_is_refused():
    with pytest.raises(ValueError):
        with school_scope(None):
            pass


def test_scopes_nest_and_unwind(school_a, school_b):
    with school_scope(school_a.school):
        with school_scope(school_b.school):
            assert Pupil.objects.filter(pk=school_b.pupil.pk).exists()
        assert Pupil.objects.filter(pk=school_a.pupil.pk).exists()
        assert not Pupil.objects.filter(pk=school_b.pupil.pk).exists()


def test_every_model_is_school_owned_or_allowlisted_and_unique_within_a_school():
    assert check_school_ownership() == []


def test_the_check_catches_a_model_that_is_not_school_owned(monkeypatch):
    from apps.schools import checks as tenancy_checks

    monkeypatch.setattr(tenancy_checks, "TENANCY_ALLOWLIST",
                        tenancy_checks.TENANCY_ALLOWLIST - {"schools.Membership"})
    errors = check_school_ownership()
    assert [e.id for e in errors] == ["schools.E001"]
    assert isinstance(errors[0], checks.Error)


class TestRowLevelSecurity:
    """On PostgreSQL the database itself refuses to show or accept another school's rows."""

    def count(self, connection):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pupils_pupil")
            return cursor.fetchone()[0]

    def test_the_application_role_cannot_bypass_row_level_security(self, postgres):
        with postgres.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            assert cursor.fetchone() == (False, False), (
                "connect as an ordinary role: superusers bypass row-level security")

    def test_an_unscoped_query_returns_nothing(self, postgres, school_a, school_b):
        assert self.count(postgres) == 0

    def test_a_scoped_raw_query_sees_only_its_school(self, postgres, school_a, school_b):
        with school_scope(school_a.school):
            assert self.count(postgres) == len(school_a.pupils)
        assert self.count(postgres) == 0  # and the setting does not outlive the scope
        with dangerously_all_schools():
            assert self.count(postgres) == len(school_a.pupils) + len(school_b.pupils)

    def test_writing_a_row_for_another_school_is_refused(self, postgres, school_a, school_b):
        with school_scope(school_a.school), pytest.raises(DatabaseError), \
                transaction.atomic():
            with postgres.cursor() as cursor:
                cursor.execute(
                    "UPDATE pupils_pupil SET first_name = 'X' WHERE school_id = %s "
                    "RETURNING id", [school_b.school.pk])
                assert cursor.fetchall() == []  # invisible, so nothing matched...
                cursor.execute(
                    "UPDATE pupils_pupil SET school_id = %s WHERE id = %s",
                    [school_b.school.pk, school_a.pupil.pk])  # ...and moving one is refused

    def test_every_school_owned_table_has_the_policy(self, postgres):
        from apps.schools.rls import school_owned_models

        with postgres.cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_policies WHERE policyname = 'school_isolation'")
            tables = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity")
            forced = {row[0] for row in cursor.fetchall()}
        expected = {m._meta.db_table for m in school_owned_models()}
        assert expected and expected <= tables and expected <= forced


@pytest.mark.django_db(transaction=True)
def test_a_scope_that_opened_the_transaction_leaves_no_school_behind(postgres, school_a):
    """A request's scope opens its transaction, and its school ends with it."""
    with school_scope(school_a.school):
        assert Pupil.objects.count() == len(school_a.pupils)
    with postgres.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.school_id', true)")
        assert cursor.fetchone()[0] in ("", None)
        cursor.execute("SELECT count(*) FROM pupils_pupil")
        assert cursor.fetchone()[0] == 0
