"""The review of a cycle (Code 6.52-6.56): the meeting, a rating for every outcome, the
impact of each provision, and the decision about what happens next."""

from django.db import models

from apps.plans.models import Cycle, Outcome, Provision
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
