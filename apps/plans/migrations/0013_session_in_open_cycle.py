"""The database refuses a session in a closed cycle, whatever writes it.

The services refuse it first, with a message (plans.services.lock_tallies re-reads the
cycle under the lock that closing takes too); this is the wall behind them. On
PostgreSQL the trigger reads the cycle FOR SHARE: a session written while the cycle is
being closed waits for the closing to commit, then sees the cycle closed. Only the
columns that say what happened are checked on UPDATE, so unlinking a person who has
left (recorded_by) still works on a closed cycle's sessions."""

from django.db import migrations

MESSAGE = "A session cannot be recorded in a closed cycle."
COLUMNS = "provision_id, date, minutes, status"

POSTGRESQL = [f"""
CREATE FUNCTION plans_session_in_open_cycle() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cycle_stage text;
BEGIN
    SELECT c.stage INTO cycle_stage
      FROM plans_provision p JOIN plans_cycle c ON c.id = p.cycle_id
     WHERE p.id = NEW.provision_id
       FOR SHARE OF c;
    IF cycle_stage = 'closed' THEN
        RAISE EXCEPTION '{MESSAGE}'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'session_in_open_cycle';
    END IF;
    RETURN NEW;
END
$$""", f"""
CREATE TRIGGER session_in_open_cycle
    BEFORE INSERT OR UPDATE OF {COLUMNS} ON plans_deliveredsession
    FOR EACH ROW EXECUTE FUNCTION plans_session_in_open_cycle()"""]

POSTGRESQL_UNDO = ["DROP TRIGGER session_in_open_cycle ON plans_deliveredsession",
                   "DROP FUNCTION plans_session_in_open_cycle()"]

CLOSED = """(SELECT c.stage FROM plans_provision p JOIN plans_cycle c ON c.id = p.cycle_id
             WHERE p.id = NEW.provision_id) = 'closed'"""
SQLITE = [f"""
CREATE TRIGGER session_in_open_cycle BEFORE INSERT ON plans_deliveredsession
WHEN {CLOSED} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""", f"""
CREATE TRIGGER session_in_open_cycle_update BEFORE UPDATE OF {COLUMNS}
ON plans_deliveredsession
WHEN {CLOSED} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""]

SQLITE_UNDO = ["DROP TRIGGER session_in_open_cycle",
               "DROP TRIGGER session_in_open_cycle_update"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return apply


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0012_provision_may_go_on'),
    ]

    operations = [
        migrations.RunPython(run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
                             run({"postgresql": POSTGRESQL_UNDO, "sqlite": SQLITE_UNDO})),
    ]
