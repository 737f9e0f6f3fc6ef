"""The one mechanism that scopes every query for school data.

Two walls:

1. django-scopes (in the application): ``SchoolOwned`` models refuse to query outside a
   scope and filter by the active school inside one.
2. Row-level security (on PostgreSQL): every school-owned table has a policy keyed on the
   transaction-local setting ``app.school_id`` (see ``rls.py``). Unset, a query returns no
   rows at all.

Entering a school therefore means both: the django-scopes scope and ``SET LOCAL`` of the
school inside a transaction (``set_config(..., true)``), so nothing leaks through pooled
connections. Web and API requests enter through ``SchoolView`` / ``SchoolScopedViewSet``;
Celery tasks through ``SchoolTask``; management commands and tests that must span schools
use ``dangerously_all_schools()``, named so that every use stands out in review.
"""

from contextlib import contextmanager

from django_scopes import scope, scopes_disabled

from backend.db import local_setting

SCHOOL_SETTING = "app.school_id"
ALL_SCHOOLS_SETTING = "app.all_schools"


@contextmanager
def school_scope(school):
    """Run the block as ``school``: only its rows can be read or written."""
    if school is None or getattr(school, "pk", None) is None:
        raise ValueError("school_scope needs a saved School; refusing to run unscoped.")
    with local_setting(SCHOOL_SETTING, str(school.pk)), scope(school=school):
        yield


@contextmanager
def dangerously_all_schools():
    """Lift both walls for the block: for demo data, data generators and fan-out tasks
    that deliberately span schools. Never use it on a path that serves a request."""
    with local_setting(ALL_SCHOOLS_SETTING, "on"), scopes_disabled():
        yield
