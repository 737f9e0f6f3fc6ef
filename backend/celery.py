"""The Celery application. Tasks run eagerly unless CELERY_BROKER_URL is set.

Run a worker and beat with:
    celery -A backend worker -l info
    celery -A backend beat -l info
The beat schedule is static, in settings (CELERY_BEAT_SCHEDULE), never in the database.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("backend")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
