"""The worker process of test_crash.py: the project's settings, with the e-mail backend
that holds the second message, and unacknowledged tasks looked for every second."""

from backend.settings import *  # noqa: F403
from backend.settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS,
                                   "unacked_restore_interval": 1,
                                   "unacked_restore_throttle": 1}
MAILERS = {"default": {"BACKEND": "tests.crash_mail.FileThenHangs"}}
