from django.apps import AppConfig


class ParentsConfig(AppConfig):
    """Working with parents: meetings (Code 6.65), plans shared as snapshots and PDFs, the
    parent portal, and reminders. Reads pupils, plans and reviews; nothing reads it."""

    name = "apps.parents"
    label = "parents"
    verbose_name = "Parents"
