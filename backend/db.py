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
def local_setting(name: str, value: str, *, savepoint: bool = True):
    """Hold a PostgreSQL transaction-local setting for the block, then put back the old one.

    On an error the surrounding savepoint is rolled back, and PostgreSQL undoes the setting
    with it; on success it is restored explicitly, so nested blocks unwind correctly. A
    block that opened the transaction itself (in autocommit mode) has nothing to restore:
    the setting ends with the transaction, at the block's end. Elsewhere than on
    PostgreSQL, the block just runs in a transaction. ``savepoint=False`` saves two round
    trips inside a transaction, for a setting that may outlast an error (the transaction
    is then rolled back anyway).
    """
    outermost = not connection.in_atomic_block and connection.get_autocommit()
    with transaction.atomic(savepoint=savepoint):
        if connection.vendor != "postgresql":
            yield
            return
        previous = _set_local(name, value)
        yield
        if not outermost:
            _set_local(name, previous)


@contextmanager
def planned_for_their_dates():
    """Plan the block's statements for the dates they are run with, prepared or not.

    A prepared statement (settings: PREPARE_THRESHOLD) may be given one generic plan for
    any values, when PostgreSQL judges it no dearer than a plan made for the values. Not
    knowing the dates, it misjudges how much of a whole school's history a window of
    dates selects: at the large benchmark scale the generic plan walked every cycle of
    the school to count this year's reviews (4.6 ms against 1.1) and read this year's
    sessions through the wrong index (14 ms against 9; the provision map, before it costed
    delivered sessions from its provisions' tallies). Wrap such queries in this.
    """
    with local_setting("plan_cache_mode", "force_custom_plan", savepoint=False):
        yield
