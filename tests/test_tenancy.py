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

    def test_a_prepared_statement_planned_for_one_school_serves_the_next_only_its_own(
            self, postgres, school_a, school_b):
        """Statements are prepared once they repeat (settings: PREPARE_THRESHOLD): the
        plan kept for the connection must read the school when it runs, not when it was
        planned."""
        def names():
            with postgres.cursor() as cursor:
                cursor.execute("SELECT first_name FROM pupils_pupil WHERE id > %s", [0])
                return sorted(row[0] for row in cursor.fetchall())

        with school_scope(school_a.school):
            for _ in range(8):
                a_names = names()
        with postgres.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements "
                           "WHERE statement LIKE '%%FROM pupils_pupil WHERE id > $1%%'")
            assert cursor.fetchone()[0] == 1, "the statement was not prepared"
        with school_scope(school_b.school):
            b_names = names()
        assert a_names == sorted(p.first_name for p in school_a.pupils)
        assert b_names == sorted(p.first_name for p in school_b.pupils)
        assert names() == []  # outside a scope, still nothing

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


def test_queries_about_dates_are_planned_for_their_dates_and_the_setting_ends_with_them(
        postgres, school_a):
    from backend.db import planned_for_their_dates

    def mode():
        with postgres.cursor() as cursor:
            cursor.execute("SELECT current_setting('plan_cache_mode')")
            return cursor.fetchone()[0]

    with school_scope(school_a.school):
        before = mode()
        with planned_for_their_dates():
            assert mode() == "force_custom_plan"
            assert Pupil.objects.count() == len(school_a.pupils)  # still as the school
        assert mode() == before == "auto"


@pytest.mark.django_db(transaction=True)
def test_a_scope_that_opened_the_transaction_leaves_no_school_behind(postgres, school_a):
    """A request's scope opens its transaction, and its school ends with it (nothing to put
    back: one round trip fewer on every page)."""
    with school_scope(school_a.school):
        assert Pupil.objects.count() == len(school_a.pupils)
    with postgres.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.school_id', true)")
        assert cursor.fetchone()[0] in ("", None)
        cursor.execute("SELECT count(*) FROM pupils_pupil")
        assert cursor.fetchone()[0] == 0
