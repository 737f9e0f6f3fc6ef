from rest_framework import serializers

from apps.pupils.selectors import pupils_visible_to
from apps.schools.api import VisibleField

from .models import CostSettings, SenBudget, TopUpRequest


class CostSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = CostSettings
        fields = ["id", "effective_from", "teacher_rate", "ta_rate", "specialist_rate",
                  "threshold", "approaching_percent", "budget_year"]
        validators = []


class SenBudgetSerializer(serializers.ModelSerializer):
    class Meta:
        model = SenBudget
        fields = ["id", "year_start", "amount"]
        validators = []


class PupilSpendSerializer(serializers.Serializer):
    pupil = serializers.IntegerField()
    name = serializers.CharField()
    planned = serializers.DecimalField(max_digits=11, decimal_places=2)
    spent = serializers.DecimalField(
        max_digits=11, decimal_places=2, help_text="Delivered to date.")
    committed = serializers.DecimalField(
        max_digits=11, decimal_places=2, help_text="Still planned, to each provision's end.")
    projected = serializers.DecimalField(max_digits=11, decimal_places=2)
    threshold = serializers.DecimalField(max_digits=11, decimal_places=2)
    share_percent = serializers.IntegerField()
    top_up_income = serializers.DecimalField(max_digits=11, decimal_places=2)
    uncovered = serializers.DecimalField(max_digits=11, decimal_places=2)
    state = serializers.CharField()


class TopUpRequestSerializer(serializers.ModelSerializer):
    pupil = VisibleField(visible=pupils_visible_to)
    amount_requested = serializers.DecimalField(
        max_digits=11, decimal_places=2, required=False, allow_null=True,
        help_text="Default: the projected cost above the threshold.")

    class Meta:
        model = TopUpRequest
        fields = ["id", "pupil", "year_start", "status", "projected_cost", "threshold",
                  "amount_requested", "reason", "submitted_on", "decided_on",
                  "approved_amount", "period_start", "period_end", "decline_reason",
                  "evidence"]
        read_only_fields = ["year_start", "status", "projected_cost", "threshold",
                            "submitted_on", "decided_on", "approved_amount", "period_start",
                            "period_end", "decline_reason", "evidence"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            fields["pupil"].read_only = True
        return fields


class DecisionSerializer(serializers.Serializer):
    """For submit (on), approve (approved_amount, period_start, period_end, on), decline
    (decline_reason, on) and withdraw (on)."""

    on = serializers.DateField()
    approved_amount = serializers.DecimalField(max_digits=11, decimal_places=2,
                                               required=False, allow_null=True)
    period_start = serializers.DateField(required=False, allow_null=True)
    period_end = serializers.DateField(required=False, allow_null=True)
    decline_reason = serializers.CharField(required=False, allow_blank=True)
