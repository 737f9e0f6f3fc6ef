from rest_framework import serializers

from apps.plans import selectors as plan_selectors
from apps.plans.models import Cycle, Outcome, Provision
from apps.plans.rules import Stage
from apps.schools.api import VisibleField

from .models import OutcomeRating, ProvisionImpact, Review


class RatingSerializer(serializers.ModelSerializer):
    outcome = VisibleField(visible=lambda m: plan_selectors.visible(Outcome, m))

    class Meta:
        model = OutcomeRating
        fields = ["outcome", "rating", "evidence", "achieved_value"]
        validators = []


class ImpactSerializer(serializers.ModelSerializer):
    provision = VisibleField(visible=lambda m: plan_selectors.visible(Provision, m))

    class Meta:
        model = ProvisionImpact
        fields = ["provision", "impact", "comment"]
        validators = []


class ReviewSerializer(serializers.ModelSerializer):
    """The review of one cycle. Saving again updates it (and the ratings given)."""

    cycle = VisibleField(
        visible=lambda m: plan_selectors.visible(Cycle, m).exclude(stage=Stage.CLOSED))
    ratings = RatingSerializer(many=True, required=False)
    impacts = ImpactSerializer(many=True, required=False)

    class Meta:
        model = Review
        fields = ["id", "cycle", "held_on", "attendees", "parents_attended", "pupil_views",
                  "parent_views", "ratings", "impacts", "next_step", "next_step_reason",
                  "step_down_on"]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            fields["cycle"].read_only = True
        return fields


class CloseResultSerializer(serializers.Serializer):
    closed_cycle = serializers.IntegerField()
    next_cycle = serializers.IntegerField(allow_null=True)
