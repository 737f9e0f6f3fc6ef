"""Doing something outside the database (sending an e-mail) at most once.

Claim it under a unique key (committed), do it, then mark it done (committed). A second
run finds the claim and does nothing; a failure while doing it releases the claim for a
retry; only a process killed between doing and marking leaves a claim unmarked, which is
never done again but left for someone to check (each caller says where). The callables
commit on their own: the caller runs outside a transaction (SchoolTask.atomic = False)."""

from collections.abc import Callable


def at_most_once(*, claim: Callable[[], bool], act: Callable[[], object],
                 mark: Callable[[], object], release: Callable[[], object]) -> bool:
    """``claim()`` is False when the key was claimed before. Returns whether it acted."""
    if not claim():
        return False
    try:
        act()
    except Exception:
        release()
        raise
    mark()
    return True
