"""Row-level security binds the application's role, not the tables' owner (rls.py): lift
the FORCE that bound the owner too, before any later migration reads or writes school data
as the owner. (Every migrate also does this after the last migration; a data migration
that runs before then needs it now.)"""

from django.db import migrations


def owner_not_bound(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid::regclass::text FROM pg_class WHERE relforcerowsecurity "
                       "AND relnamespace = current_schema()::regnamespace")
        for (table,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")


class Migration(migrations.Migration):

    dependencies = [
        ("schools", "0007_term_dates"),
    ]

    operations = [migrations.RunPython(owner_not_bound, migrations.RunPython.noop)]
