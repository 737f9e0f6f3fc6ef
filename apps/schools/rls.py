"""Row-level security on PostgreSQL: the second wall behind django-scopes.

After every ``migrate`` (and test-database creation), run as the owner of the tables:

- each school-owned table gets RLS enabled with one policy: a row is visible and writable
  only when its ``school_id`` equals the transaction-local setting ``app.school_id`` (see
  ``tenancy.py``); with none set, a query sees nothing;
- the application's role (``DATABASE_APP_ROLE``) is granted reads and writes of every
  table and nothing more: it owns none, so it is bound by the policies, cannot switch them
  off, cannot disable a trigger, and cannot truncate; on the audit trail it may only read
  and add (apps/audit/trail.py holds that table's own policy).

The owner is not bound by the policies (they are enabled, not forced): it is the role of
migrations and of the commands that span schools. Superusers bypass RLS in PostgreSQL, so
neither role may be one (docs/operating.md and ``.ci/run`` show how to create them).
"""

from django.apps import apps
from django.conf import settings
from django.db import connections

from apps.audit.models import Entry
from backend.db import CURRENT_SCHOOL

from .models import SchoolOwned

POLICY = "school_isolation"


def school_owned_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if issubclass(model, SchoolOwned) and not model._meta.proxy
    ]


def policy_sql(table: str) -> list[str]:
    # The policy gives the planner no school to use on a joined table: queries that join
    # across tables name the school where it matters.
    condition = f"school_id = {CURRENT_SCHOOL}"
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'CREATE POLICY {POLICY} ON "{table}" USING ({condition}) WITH CHECK ({condition})',
    ]


def grants_sql(role: str) -> list[str]:
    audit = Entry._meta.db_table
    return [
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
        # The audit trail is append-only for the application: read and add, never
        # change, delete or empty.
        f'REVOKE UPDATE, DELETE, TRUNCATE ON "{audit}" FROM "{role}"',
    ]


def install_row_level_security(sender=None, using="default", **kwargs):
    if sender is not None and sender.label != "schools":
        return  # post_migrate fires once per app; one pass after all of them is enough
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in school_owned_models():
            if model._meta.db_table in existing:
                for statement in policy_sql(model._meta.db_table):
                    cursor.execute(statement)
        for statement in grants_sql(settings.DATABASE_APP_ROLE):
            cursor.execute(statement)
