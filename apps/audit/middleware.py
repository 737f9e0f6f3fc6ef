"""Who, and from which address, for every audit entry written while a request is handled.

It takes the place of django-auditlog's middleware, which connects a signal receiver for
each request: when two such contexts nest (the middleware's, then one naming an API
caller who is known only after DRF authenticates a token), the outer receiver is never
disconnected, and every later save of an entry walks them all. Here one receiver is
connected once (apps.py) and reads the request at the moment an entry is written, so the
caller is named however they signed in.

The address is the connection's (REMOTE_ADDR), never a client-supplied X-Forwarded-For:
behind a proxy, let the WSGI server set REMOTE_ADDR from the trusted proxy's header.
"""

from contextvars import ContextVar

from auditlog.cid import set_cid
from django.contrib.auth import get_user_model

_current_request = ContextVar("audit_request", default=None)


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        set_cid(request)
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def name_the_actor(sender, instance, **kwargs):
    """pre_save of an audit entry: the signed-in person and their address, unless the entry
    already says (a task, or a deletion recorded on someone's behalf)."""
    request = _current_request.get()
    if request is None or instance.pk is not None:
        return
    user = getattr(request, "user", None)
    if (instance.actor_id is None and isinstance(user, get_user_model())
            and user.is_authenticated):
        instance.actor = user
        instance.actor_email = user.email
    if not instance.remote_addr:
        instance.remote_addr = request.META.get("REMOTE_ADDR")
