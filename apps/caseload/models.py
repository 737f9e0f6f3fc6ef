"""A print run: one PDF of several pupils' current plans or one-page profiles, for a
parents' evening, laid out by the worker (printing.py)."""

from django.conf import settings
from django.db import models

from apps.schools.models import SchoolOwned


class PrintWhat(models.TextChoices):
    PLANS = "plans", "Their current support plans, as the parents see them"
    PROFILES = "profiles", "Their one-page profiles"


def print_path(instance, filename):
    return f"schools/{instance.school_id}/prints/{filename}"


class PrintRun(SchoolOwned):
    """Asked for by one member of staff and reached only by them (access.py). The pupils
    are chosen when it is asked for; their plans or profiles are read when it is laid out.
    The PDF is kept for ``rules.PRINT_KEPT``, then deleted with the run."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting to start"
        PRINTING = "printing", "Being laid out"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be made"

    what = models.CharField(max_length=10, choices=PrintWhat.choices)
    # Whom it is for, in words ("Class 4B", "12 chosen pupils"), for the page and the file.
    described = models.CharField(max_length=200)
    # The pupils whose plan or profile it prints, in order; those chosen but left out
    # (no plan open, no profile yet), by name with the reason, to tell the requester.
    pupil_ids = models.JSONField(default=list)
    left_out = models.JSONField(default=list)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    # How many pupils' pages are laid out so far, and when that last moved: a run that
    # has not moved for ``rules.PRINT_STALLED`` lost its worker and is owed again.
    done = models.PositiveIntegerField(default=0)
    progressed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    pdf = models.FileField(upload_to=print_path, blank=True, max_length=300)
    pages = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self):
        return f"{self.get_what_display()}: {self.described}"


class InformationReport(SchoolOwned):
    """The school's own words for its SEN information report of one school year
    (information_report.py), under each heading of Schedule 1 (rules.SCHEDULE_1). The
    figures are not kept: they are drawn from the data each time, for a chosen date."""

    year = models.PositiveSmallIntegerField()  # the calendar year the school year begins
    words = models.JSONField(default=dict)  # heading key -> the school's text
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "year"],
                                               name="one_information_report_a_year")]

    def __str__(self):
        return f"SEN information report {self.year} to {self.year + 1}"
