"""Doing something outside the database (sending an e-mail) at most once, for a school.

The row that records it is claimed under its unique key and committed, the thing is done,
then the row is marked done (``sent_at``) and committed. A second run finds the claim and
does nothing; a failure while doing it releases the claim for a retry; only a process
killed between doing and marking leaves a claim unmarked, which is never done again but
logged, and listed for someone to check (``manage.py unconfirmed_emails``). Each step
enters the school's scope and commits on its own: the caller runs outside a transaction
(SchoolTask.atomic = False); inside one (a test) the steps are savepoints."""

import logging
from collections.abc import Callable

from django.db import IntegrityError
from django.db.models import QuerySet
from django.utils import timezone

from .tenancy import school_scope

logger = logging.getLogger(__name__)


def at_most_once(*, school, claims: Callable[[], QuerySet], claim: Callable[[], object],
                 act: Callable[[], object], what: str) -> bool:
    """``claims()``: the claim's row, as a queryset (made inside the scope); ``claim()``
    creates it (refused by a unique constraint if it exists). Returns whether it acted."""
    try:
        with school_scope(school):
            claim()
    except IntegrityError:
        with school_scope(school):
            if claims().filter(sent_at__isnull=True).exists():
                logger.warning("claimed but never marked sent: not sent again",
                               extra={"what": what, "school": school.slug})
        return False
    try:
        act()
    except Exception:
        with school_scope(school):  # not done: the retry may do it
            claims().filter(sent_at__isnull=True).delete()
        raise
    with school_scope(school):
        claims().update(sent_at=timezone.now())
    return True
