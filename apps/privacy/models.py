"""A pupil's SEN history received from another school, in the open record format
(sen_record.py): kept as the document it came as, read-only, labelled with its source,
and never counted in this school's own figures."""

from django.conf import settings
from django.db import models

from apps.pupils.models import Pupil
from apps.schools.models import School, SchoolOwned

from .rules import TransferState


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


class OutgoingTransfer(SchoolOwned):
    """A pupil's record sent to another school of the same trust, in the sending school.
    The record is frozen as it was when sent (the open format, sen_record.py), so the
    sending school keeps a read-only copy of exactly what went, whatever happens next.
    The receiving school holds only an ``IncomingTransfer`` saying who and from where until
    its SENCO accepts (transfer.py)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    to_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    leaving_on = models.DateField()
    document = models.JSONField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=TransferState.choices,
                             default=TransferState.WAITING)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The receiving SENCO who accepted or declined, or the sending one who withdrew.
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"Record sent to {self.to_school}"


class IncomingTransfer(SchoolOwned):
    """A record another school of the trust is sending, in the receiving school: who the
    pupil is and where from, enough for the SENCO to recognise them, and nothing of their
    SEN history until the SENCO accepts. Points at its ``OutgoingTransfer`` by id only:
    each school's rows stay its own, so either school's retention can delete its side."""

    from_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    outgoing_id = models.PositiveBigIntegerField()
    upn = models.CharField("UPN", max_length=13)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    leaving_on = models.DateField()
    sent_by_name = models.CharField(max_length=200)
    sent_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=TransferState.choices,
                             default=TransferState.WAITING)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    # Set when accepted: the pupil on this school's roll, and the history that arrived.
    pupil = models.ForeignKey(Pupil, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    received = models.ForeignKey(ReceivedRecord, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    # When this school's SENCOs were e-mailed that it is waiting (owed until then).
    sencos_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [models.UniqueConstraint(
            fields=["school", "from_school", "outgoing_id"], name="one_incoming_per_outgoing")]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def __str__(self):
        return f"Record from {self.from_school}"
