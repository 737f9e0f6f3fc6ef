"""Parent meetings, plans shared with parents (immutable snapshots), and a record of every
reminder sent (so none is sent twice). The views parents send for a review are the
review's (reviews.models.ParentViews)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.plans.models import Cycle
from apps.pupils.models import Profile, Pupil
from apps.reviews.models import Review
from apps.schools.models import SchoolOwned

from .rules import MeetingKind


class ParentMeeting(SchoolOwned):
    """A meeting with the pupil's parents where SEN was discussed: held (dated today or
    earlier) or planned (a future date)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="parent_meetings")
    date = models.DateField()
    time = models.TimeField("start time", null=True, blank=True)
    minutes = models.PositiveSmallIntegerField("length in minutes", default=30)
    place = models.CharField(max_length=200, blank=True)
    held = models.BooleanField(default=False)
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    # The review this meeting was (a review meeting recorded here as well as on the review
    # form): it counts once towards the three a year (selectors.meetings_by_pupil).
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    attendees = models.TextField(blank=True)
    parent_views = models.TextField("the parents' views", blank=True)
    agreed = models.TextField("what was agreed", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # When the parents were invited to this planned meeting (for its current date);
    # empty while the invitations are owed (apps/parents/owed.py sends owed ones).
    invitations_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["school", "pupil", "date"])]


def snapshot_path(instance, filename):
    return f"schools/{instance.school_id}/shared-plans/{instance.pupil_id}/{filename}"


class PlanSnapshot(SchoolOwned):
    """A plan as shared with the parents: frozen when shared, so what they saw stays
    exactly as it was when the plan changes later."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="snapshots")
    # RESTRICT: a shared cycle cannot be deleted on its own, only with its pupil (when the
    # school deletes records past retention, privacy/retention.py).
    cycle = models.ForeignKey(Cycle, on_delete=models.RESTRICT, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    content = models.JSONField()
    pdf = models.FileField(upload_to=snapshot_path, blank=True, max_length=300)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    # When the parents were e-mailed that the plan is on their pages (never the PDF
    # itself); empty while that is owed (owed.py).
    parents_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-shared_at", "-pk"]

    def save(self, *args, **kwargs):
        if self.pk is not None and kwargs.get("update_fields") is None:
            raise ValueError("A shared plan is immutable; save only its rendered PDF.")
        if self.pk is not None and set(kwargs["update_fields"]) - {"pdf", "pdf_rendered_at",
                                                                   "parents_told_at"}:
            raise ValueError("A shared plan is immutable; save only its rendered PDF.")
        super().save(*args, **kwargs)


class SharedProfile(SchoolOwned):
    """A version of the pupil's one-page profile shared with the parents. Versions never
    change (pupils.models.Profile), so what they saw stays as it was."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    # When the parents were e-mailed a link to it; empty while that is owed (owed.py).
    parents_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-shared_at", "-pk"]


class ReminderSent(SchoolOwned):
    """Every reminder or invitation, claimed under a unique key before it is sent and
    marked sent after (email.send_once): a task that runs twice finds the key and sends
    nothing twice. A claim never marked sent is one whose worker died while sending: it
    may or may not have gone, and is listed for review, not sent again."""

    key = models.CharField(max_length=200)
    recipient = models.EmailField()
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "key"],
                                               name="reminder_sent_once")]
