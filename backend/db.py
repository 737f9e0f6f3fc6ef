"""PostgreSQL settings held for a block of work, inside its transaction."""

from contextlib import contextmanager

from django.db import connection, transaction


def _set_local(name: str, value: str) -> str:
    """Set a transaction-local PostgreSQL setting, returning its previous value."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting(%s, true), set_config(%s, %s, true)", [name, name, value]
        )
        previous = cursor.fetchone()[0]
    return previous or ""


@contextmanager
def local_setting(name: str, value: str):
    """Hold a PostgreSQL transaction-local setting for the block, then put back the old one.

    On an error the surrounding savepoint is rolled back, and PostgreSQL undoes the setting
    with it; on success it is restored explicitly, so nested blocks unwind correctly. A
    block that opened the transaction itself has nothing to restore: the setting ends with
    the transaction, at the block's end. Elsewhere than on PostgreSQL, the block just runs
    in a transaction.
    """
    outermost = not connection.in_atomic_block and connection.get_autocommit()
    with transaction.atomic():
        if connection.vendor != "postgresql":
            yield
            return
        previous = _set_local(name, value)
        yield
        if not outermost:
            _set_local(name, previous)
