"""The one mechanism that scopes every query for school data.

Two walls:

1. django-scopes (in the application): ``SchoolOwned`` models refuse to query outside a
   scope and filter by the active school inside one.
2. Row-level security (on PostgreSQL): every school-owned table has a policy keyed on the
   transaction-local setting ``app.school_id`` (see ``rls.py``), binding the application's
   role (``DATABASE_APP_ROLE``). Unset, a query returns no rows at all.

Entering a school therefore means both: the django-scopes scope and, inside a transaction
(``SET LOCAL``, so nothing leaks through pooled connections), the school and the
application's role. The production processes connect as that role already; a process
connected as the tables' owner (tests, commands) takes it for the block, so the policies
bind there too. Web and API requests enter through ``SchoolView`` / ``SchoolScopedViewSet``;
Celery tasks through ``SchoolTask``. Work that must span schools (migrations, the demo
loader, data generators, tests) uses ``dangerously_all_schools()``, named so that every use
stands out in review: it runs as the role the connection signed in as, and only the owner
is not bound by the policies. The application's role has no way to lift them: there is no
setting that turns them off, and it cannot become the owner.
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django_scopes import scope, scopes_disabled

from backend.db import ROLE_SETTING, SCHOOL_SETTING, local_settings


@contextmanager
def school_scope(school):
    """Run the block as ``school``: only its rows can be read or written."""
    if school is None or getattr(school, "pk", None) is None:
        raise ValueError("school_scope needs a saved School; refusing to run unscoped.")
    with local_settings(**{SCHOOL_SETTING: str(school.pk),
                           ROLE_SETTING: settings.DATABASE_APP_ROLE}), scope(school=school):
        yield


@contextmanager
def dangerously_all_schools():
    """Lift both walls for the block: for migrations, demo data, data generators and tests
    that deliberately span schools. Never on a path that serves a request or runs in a
    worker: connected as the application's role, the second wall stays up, and this
    refuses to start rather than see nothing."""
    with local_settings(**{SCHOOL_SETTING: "", ROLE_SETTING: "none"}), scopes_disabled():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT session_user")
                signed_in_as = cursor.fetchone()[0]
            if signed_in_as == settings.DATABASE_APP_ROLE:
                raise ImproperlyConfigured(
                    "Work across schools runs as the owner of the tables, not as the "
                    f"application's role {signed_in_as!r}: run it with DATABASE_URL set to "
                    "the owner's connection (docs/operating.md, \"Database roles\").")
        yield
