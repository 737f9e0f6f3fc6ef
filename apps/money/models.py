"""Cost settings (dated), the notional SEN budget per year, and top-up requests."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from apps.pupils.models import Pupil
from apps.schools.models import SchoolOwned

from . import rules


def between(low, high, what):
    message = f"{what} must be between {low} and {high}."
    return [MinValueValidator(low, message=message), MaxValueValidator(high, message=message)]


RATE = between(rules.MIN_RATE, rules.MAX_RATE, "An hourly rate (£)")


class CostSettings(SchoolOwned):
    """The school's costing from ``effective_from`` on. A change is a new row, so past
    years keep the figures they were costed with."""

    effective_from = models.DateField()
    teacher_rate = models.DecimalField("teacher hourly rate (£)", max_digits=9,
                                       decimal_places=4, validators=RATE,
                                       default=rules.DEFAULT_RATES["teacher"])
    ta_rate = models.DecimalField("teaching assistant hourly rate (£)", max_digits=9,
                                  decimal_places=4, validators=RATE,
                                  default=rules.DEFAULT_RATES["ta"])
    specialist_rate = models.DecimalField("specialist hourly rate (£)", max_digits=9,
                                          decimal_places=4, validators=RATE,
                                          default=rules.DEFAULT_RATES["specialist"])
    threshold = models.DecimalField(
        "element 2 threshold (£)", max_digits=9, decimal_places=2,
        default=rules.ELEMENT_2_THRESHOLD,
        validators=between(rules.MIN_THRESHOLD, rules.MAX_THRESHOLD, "The threshold (£)"))
    approaching_percent = models.PositiveSmallIntegerField(
        "approaching from (% of the threshold)", default=rules.APPROACHING_PERCENT,
        validators=between(rules.MIN_PERCENT, rules.MAX_PERCENT, "The approaching level (%%)"))
    budget_year = models.CharField(max_length=10, choices=rules.BudgetYear.choices,
                                   default=rules.BudgetYear.ACADEMIC)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_from"]
        constraints = [models.UniqueConstraint(fields=["school", "effective_from"],
                                               name="one_cost_setting_per_date")]

    def rate_for(self, staff_type: str) -> Decimal:
        return getattr(self, f"{rules.RATE_FOR_STAFF_TYPE[staff_type]}_rate")


class SenBudget(SchoolOwned):
    """The school's notional SEN budget for one budget year (the provision map's total)."""

    year_start = models.DateField()
    amount = models.DecimalField(max_digits=11, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.00"))])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "year_start"],
                                               name="one_sen_budget_per_year")]


class TopUpRequest(SchoolOwned):
    """A request to the local authority for element 3 top-up for one pupil and year."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="top_up_requests")
    year_start = models.DateField()
    status = models.CharField(max_length=10, choices=rules.TopUpStatus.choices,
                              default=rules.TopUpStatus.DRAFT)
    projected_cost = models.DecimalField(max_digits=11, decimal_places=2)
    threshold = models.DecimalField(max_digits=9, decimal_places=2)
    amount_requested = models.DecimalField(max_digits=11, decimal_places=2,
                                           validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.TextField("reason for the amount", blank=True)
    evidence = models.JSONField(default=dict)
    submitted_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    approved_amount = models.DecimalField(max_digits=11, decimal_places=2, null=True,
                                          blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["school", "status"])]
        constraints = [
            # One open request (draft or submitted) per pupil and budget year: two drafts
            # made at the same moment cannot both be saved.
            # (The open statuses are rules.OPEN_TOP_UPS.)
            models.UniqueConstraint(
                fields=["school", "pupil", "year_start"],
                condition=models.Q(status__in=["draft", "submitted"]),
                name="one_open_top_up_a_year"),
        ]
