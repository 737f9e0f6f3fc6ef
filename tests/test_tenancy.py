"""The tenancy mechanism itself: fail closed without a school, filter inside one, and on
PostgreSQL a second wall of row-level security that holds even for raw SQL."""

import psycopg
import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django_scopes import ScopeError

from apps.audit.models import Entry
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


def count(cursor, table="pupils_pupil") -> int:
    cursor.execute(f"SELECT count(*) FROM {table}")
    return cursor.fetchone()[0]


def as_school(cursor, school) -> None:
    """What ``school_scope`` does on PostgreSQL, by hand on a raw connection."""
    cursor.execute("SELECT set_config('app.school_id', %s, true)", [str(school.pk)])


class TestRowLevelSecurity:
    """On PostgreSQL the database itself refuses to show or accept another school's rows,
    to the application's role, which the production processes sign in as."""

    def test_the_application_role_is_ordinary_and_owns_nothing(self, application_role):
        with application_role.cursor() as cursor:
            cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles "
                           "WHERE rolname = current_user")
            assert cursor.fetchone() == (False, False), (
                "an ordinary role: superusers and BYPASSRLS roles bypass the policies")
            cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
            assert cursor.fetchone()[0] == 0  # an owner could switch the policies off

    def test_an_unscoped_query_returns_nothing(self, application_role, school_a, school_b):
        with application_role.cursor() as cursor:
            assert count(cursor) == 0

    def test_a_scoped_query_sees_only_its_school(self, application_role, school_a, school_b):
        with application_role.cursor() as cursor, application_role.transaction():
            as_school(cursor, school_a.school)
            assert count(cursor) == len(school_a.pupils)
        with application_role.cursor() as cursor:
            assert count(cursor) == 0  # and the setting does not outlive the transaction

    def test_the_role_cannot_lift_the_wall(self, application_role, school_a, school_b):
        """No setting turns the policies off, the role cannot become the owner, and it may
        not alter, empty or disable triggers on a table."""
        from django.db import connection

        owner = connection.settings_dict["USER"]
        with application_role.cursor() as cursor:
            for statement in ("SET app.all_schools = 'on'", "RESET ROLE", "SET ROLE NONE"):
                cursor.execute(statement)
                assert count(cursor) == 0, statement
            for statement in (f'SET ROLE "{owner}"',
                              "ALTER TABLE pupils_pupil DISABLE ROW LEVEL SECURITY",
                              "ALTER TABLE pupils_pupil DISABLE TRIGGER USER",
                              "DROP POLICY school_isolation ON pupils_pupil",
                              "TRUNCATE pupils_pupil"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege), \
                        application_role.transaction():
                    cursor.execute(statement)
        with dangerously_all_schools():
            assert Pupil.objects.count() == len(school_a.pupils) + len(school_b.pupils)

    def test_writing_a_row_for_another_school_is_refused(self, application_role, school_a,
                                                         school_b):
        with application_role.cursor() as cursor:
            with application_role.transaction():
                as_school(cursor, school_a.school)
                cursor.execute("UPDATE pupils_pupil SET first_name = 'X' "
                               "WHERE school_id = %s RETURNING id", [school_b.school.pk])
                assert cursor.fetchall() == []  # invisible, so nothing matched...
            with pytest.raises(psycopg.errors.InsufficientPrivilege), \
                    application_role.transaction():
                as_school(cursor, school_a.school)
                cursor.execute("UPDATE pupils_pupil SET school_id = %s WHERE id = %s",
                               [school_b.school.pk, school_a.pupil.pk])  # ...moving one: no

    def test_every_school_owned_table_has_the_policy(self, postgres):
        from apps.schools.rls import school_owned_models

        with postgres.cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_policies WHERE policyname = 'school_isolation'")
            tables = {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT relname FROM pg_class WHERE relrowsecurity")
            enabled = {row[0] for row in cursor.fetchall()}
        expected = {m._meta.db_table for m in school_owned_models()} | {"audit_entry"}
        assert len(expected) > 1 and expected <= tables and expected <= enabled


class TestTheAuditTrailBehindTheWall:
    """Each entry carries its school; the application's role reads only its school's
    entries, adds none to another's, and cannot change, delete or empty the trail."""

    def test_a_school_reads_only_its_own_entries(self, application_role, school_a,
                                                 school_b, as_user):
        for school in (school_a, school_b):
            as_user(school.senco).get(f"/s/{school.school.slug}/pupils/{school.pupil.pk}/")
        with dangerously_all_schools():
            mine = Entry.objects.filter(school_id=school_a.school.pk).count()
            assert mine and Entry.objects.exclude(school_id=school_a.school.pk).exists()
        with application_role.cursor() as cursor:
            assert count(cursor, "audit_entry") == 0
            with application_role.transaction():
                as_school(cursor, school_a.school)
                assert count(cursor, "audit_entry") == mine
                cursor.execute("SELECT DISTINCT school_id FROM audit_entry")
                assert cursor.fetchall() == [(school_a.school.pk,)]

    def test_the_role_cannot_change_delete_empty_or_forge_entries(self, application_role,
                                                                 school_a, school_b, as_user):
        as_user(school_a.senco).get(f"/s/{school_a.school.slug}/pupils/{school_a.pupil.pk}/")
        with dangerously_all_schools():
            before = list(Entry.objects.order_by("pk").values_list("pk", "remote_addr"))
        with application_role.cursor() as cursor:
            for statement in ("UPDATE audit_entry SET remote_addr = '10.0.0.1'",
                              "DELETE FROM audit_entry", "TRUNCATE audit_entry",
                              "ALTER TABLE audit_entry DISABLE TRIGGER USER"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege), \
                        application_role.transaction():
                    as_school(cursor, school_a.school)
                    cursor.execute(statement)
            with pytest.raises(psycopg.errors.InsufficientPrivilege), \
                    application_role.transaction():  # an entry in another school's trail
                as_school(cursor, school_a.school)
                cursor.execute(
                    "INSERT INTO audit_entry (content_type_id, object_pk, object_repr, action, "
                    "changes_text, cid, timestamp, additional_data, actor_email) "
                    "SELECT content_type_id, object_pk, object_repr, 3, '', '', now(), "
                    "jsonb_build_object('school', %s::bigint), '' FROM audit_entry LIMIT 1",
                    [school_b.school.pk])
        with dangerously_all_schools():
            assert list(Entry.objects.order_by("pk").values_list("pk", "remote_addr")) == before


def test_work_across_schools_refuses_the_application_role(postgres, settings):
    """Connected as the application's role, ``dangerously_all_schools`` would see nothing:
    it says so rather than run."""
    with postgres.cursor() as cursor:
        cursor.execute("SELECT session_user")
        settings.DATABASE_APP_ROLE = cursor.fetchone()[0]  # as if signed in as that role
    with pytest.raises(ImproperlyConfigured, match="owner of the tables"), \
            dangerously_all_schools():
        pass


@pytest.mark.django_db(transaction=True)
def test_a_scope_that_opened_the_transaction_leaves_no_school_behind(postgres, school_a):
    """A request's scope opens its transaction, and its school and role end with it."""
    with school_scope(school_a.school):
        assert Pupil.objects.count() == len(school_a.pupils)
    with postgres.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.school_id', true), current_user = "
                       "session_user")
        assert cursor.fetchone() in (("", True), (None, True))
