from auditlog.models import AbstractLogEntry
from django.db import models
from django.db.models.fields.json import KT
from django.db.models.functions import Cast


class Entry(AbstractLogEntry):
    """An audit entry (django-auditlog's, as AUDITLOG_LOGENTRY_MODEL) with the school it
    belongs to as a column of its own, so that the same row-level security as every
    school's data keeps one school's trail from another (apps/schools/rls.py).

    The school is derived by the database from the entry's ``additional_data`` (trail.py
    writes it on every entry), so the two cannot disagree. It is a number, not a foreign
    key: a school's trail outlives the school's data."""

    school_id = models.GeneratedField(
        expression=Cast(KT("additional_data__school"), models.BigIntegerField()),
        output_field=models.BigIntegerField(null=True),
        db_persist=True,
        db_index=True,
    )

    class Meta(AbstractLogEntry.Meta):
        db_table = "audit_entry"
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
