"""A pupil's SEN history received from another school, in the open record format
(sen_record.py): kept as the document it came as, read-only, labelled with its source,
and never counted in this school's own figures."""

from django.conf import settings
from django.db import models

from apps.pupils.models import Pupil
from apps.schools.models import SchoolOwned


class ReceivedRecord(SchoolOwned):
    """Checked when uploaded (received.py), then previewed; it becomes part of the pupil's
    record when the SENCO confirms it (``confirmed_at``). An unconfirmed one is seen only
    on its preview and is deleted when discarded."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    document = models.JSONField()
    file_name = models.CharField(max_length=200)
    # Where it came from, as the document says (its school's name and URN, when made).
    source_school = models.CharField(max_length=200)
    source_urn = models.CharField(max_length=20, blank=True)
    made_at = models.DateTimeField()
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self):
        return f"SEN history from {self.source_school}"
