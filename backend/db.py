"""PostgreSQL settings held for a block of work, inside its transaction."""

from contextlib import contextmanager

from django.db import connection, transaction

# The school whose rows this transaction may read and write: the key of every row-level
# security policy (apps/schools/rls.py, apps/audit/trail.py).
SCHOOL_SETTING = "app.school_id"
# That school in SQL, for the policies. A scalar subquery: PostgreSQL evaluates it once per
# query (an InitPlan) rather than once per row, and it leaves the planner's estimates of
# the rows a school has intact.
CURRENT_SCHOOL = f"(SELECT NULLIF(current_setting('{SCHOOL_SETTING}', true), '')::bigint)"
# The role the transaction runs as: "none" is the role the connection signed in as.
ROLE_SETTING = "role"


def _set_local(settings: dict[str, str]) -> dict[str, str]:
    """Set transaction-local PostgreSQL settings in one statement, returning their previous
    values. Setting ``role`` is ``SET LOCAL ROLE``: PostgreSQL refuses a role the connection
    is not a member of."""
    names = list(settings)
    columns = ", ".join("current_setting(%s, true)" for _ in names)
    changes = ", ".join("set_config(%s, %s, true)" for _ in names)
    parameters = names + [part for name in names for part in (name, settings[name])]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}, {changes}", parameters)
        previous = cursor.fetchone()[:len(names)]
    return {name: value or "" for name, value in zip(names, previous, strict=True)}


@contextmanager
def local_settings(**settings: str):
    """Hold PostgreSQL transaction-local settings for the block, then put back the old ones.

    On an error the surrounding savepoint is rolled back, and PostgreSQL undoes the settings
    with it; on success they are restored explicitly, so nested blocks unwind correctly. A
    block that opened the transaction itself has nothing to restore: the settings end with
    the transaction, at the block's end. Elsewhere than on PostgreSQL, the block just runs
    in a transaction. (Setting names with a dot are passed as keyword arguments through a
    dict: ``local_settings(**{SCHOOL_SETTING: "1"})``.)
    """
    outermost = not connection.in_atomic_block and connection.get_autocommit()
    with transaction.atomic():
        if connection.vendor != "postgresql":
            yield
            return
        previous = _set_local(settings)
        yield
        if not outermost:
            _set_local(previous)
