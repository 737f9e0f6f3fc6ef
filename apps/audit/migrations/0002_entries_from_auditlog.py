"""Move the entries written before the trail had its own table (django-auditlog's
``auditlog_logentry``) into ``audit_entry``, then drop the old table, which nothing uses
once AUDITLOG_LOGENTRY_MODEL names ours: no copy of the trail stays outside the wall, and
its keys to people and content types would stop those tables being emptied (a test
database's flush). A later release of django-auditlog that migrates its own table would
fail here, on the next migrate: read its migration before upgrading."""

from django.core.management.color import no_style
from django.db import migrations

COLUMNS = ("id, content_type_id, object_pk, object_id, object_repr, serialized_data, action, "
           "changes_text, changes, actor_id, cid, remote_addr, remote_port, timestamp, "
           "additional_data, actor_email")


def move_entries(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO audit_entry ({COLUMNS}) "
                       f"SELECT {COLUMNS} FROM auditlog_logentry ORDER BY id")
    schema_editor.execute("DROP TABLE auditlog_logentry")
    with connection.cursor() as cursor:
        # Entries keep their ids, so new ones must be numbered after them.
        for statement in connection.ops.sequence_reset_sql(
                no_style(), [apps.get_model("audit", "Entry")]):
            cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(move_entries, migrations.RunPython.noop, elidable=True)]
