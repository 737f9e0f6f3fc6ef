"""Row-level security on PostgreSQL: the second wall behind django-scopes.

After every ``migrate`` (and test-database creation) each school-owned table gets RLS
enabled *and forced* (so it applies to the table's owner too) with one policy: a row is
visible and writable only when its ``school_id`` equals the transaction-local setting
``app.school_id``, or when ``app.all_schools`` is ``on`` (see ``tenancy.py``). With neither
set, a query sees nothing. Superusers bypass RLS in PostgreSQL, so the application must
connect as an ordinary role (docs/operating.md and ``.ci/run`` show how).
"""

from django.apps import apps
from django.db import connections

from .models import SchoolOwned
from .tenancy import ALL_SCHOOLS_SETTING, SCHOOL_SETTING

POLICY = "school_isolation"


def school_owned_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if issubclass(model, SchoolOwned) and not model._meta.proxy
    ]


def policy_sql(table: str) -> list[str]:
    # Each setting is read in a scalar subquery, which PostgreSQL evaluates once per query
    # (an InitPlan) rather than once per row, and which leaves the planner's estimates of
    # the rows a school has intact. (The policy gives the planner no school to use on a
    # joined table: queries that join across tables name the school where it matters.)
    condition = (
        f"(SELECT current_setting('{ALL_SCHOOLS_SETTING}', true) = 'on') "
        f"OR school_id = (SELECT NULLIF(current_setting('{SCHOOL_SETTING}', true), '')::bigint)"
    )
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'CREATE POLICY {POLICY} ON "{table}" USING ({condition}) WITH CHECK ({condition})',
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
