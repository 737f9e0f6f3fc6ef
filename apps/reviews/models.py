"""The review of a cycle (Code 6.52-6.56): the meeting, a rating for every outcome, the
impact of each provision, the decision about what happens next, and the views parents
send for it."""

from django.conf import settings
from django.db import models

from apps.plans.models import Cycle, Outcome, Provision
from apps.pupils.models import Pupil
from apps.schools.models import SchoolOwned

from .rules import Impact, NextStep, Rating


class Review(SchoolOwned):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField("date of the review meeting")
    attendees = models.TextField(help_text="Who came, one per line or separated by commas.")
    parents_attended = models.BooleanField("parents or carers attended", default=False)
    pupil_views = models.TextField("the pupil's views", blank=True)
    parent_views = models.TextField("the parents' views", blank=True)
    next_step = models.CharField(max_length=14, choices=NextStep.choices, blank=True)
    next_step_reason = models.TextField("why this next step", blank=True)
    step_down_on = models.DateField(
        "date support ends", null=True, blank=True,
        help_text="Only when stepping down from SEN support.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "cycle"], name="one_review_per_cycle")
        ]
        # This school year's reviews (meetings with parents counted by date), found by
        # date rather than through every cycle of every pupil.
        indexes = [models.Index(fields=["school", "held_on"], name="review_school_held_on")]

    def __str__(self):
        return f"Review of {self.cycle} on {self.held_on}"


class OutcomeRating(SchoolOwned):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings")
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="ratings")
    rating = models.CharField(max_length=14, choices=Rating.choices)
    evidence = models.TextField(blank=True)
    achieved_value = models.DecimalField(
        "measure reached", max_digits=9, decimal_places=2, null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "outcome"], name="outcome_rated_once")
        ]


class ProvisionImpact(SchoolOwned):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="impacts")
    provision = models.ForeignKey(Provision, on_delete=models.CASCADE, related_name="impacts")
    impact = models.CharField(max_length=10, choices=Impact.choices)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "provision"], name="provision_impact_once")
        ]


class ParentViews(SchoolOwned):
    """A parent's views for the review of their child's current cycle, sent from the
    parents' pages (Code 6.64-6.65: parents' views are sought and taken into account).
    New until a member of staff has read them."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    views = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True, editable=False)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+", editable=False)
    # When the SENCO and the pupil's class teachers were e-mailed that these views came;
    # empty while that is owed (apps/parents/owed.py sends it again).
    staff_told_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["school", "cycle"], name="parent_views_by_cycle")]
