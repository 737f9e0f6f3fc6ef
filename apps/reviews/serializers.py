from rest_framework import serializers

from apps.plans import selectors as plan_selectors
from apps.plans.models import Cycle, Outcome, Provision
from apps.plans.rules import StaffType, Stage
from apps.schools.api import VisibleField

from .models import OutcomeRating, ProvisionImpact, Review
from .rules import REASON_MAX, Impact, NextStep, Rating


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


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX)


# A pupil's timeline (timeline.py), as the API sends it ----------------------------------


class PersonField(serializers.CharField):
    """A person named by their name (or e-mail address), or null."""

    def to_representation(self, value):
        return str(value)


class DoseSerializer(serializers.Serializer):
    planned_sessions = serializers.FloatField(
        help_text="Sessions a week × the school days so far ÷ 5: 40.8, not rounded.")
    planned_minutes = serializers.FloatField()
    delivered_sessions = serializers.IntegerField()
    delivered_minutes = serializers.IntegerField()
    absent_sessions = serializers.IntegerField()
    cancelled_sessions = serializers.IntegerField()
    percent_of_planned_minutes = serializers.IntegerField(allow_null=True)


class StageEntrySerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    began_at = serializers.DateTimeField()
    moved_by = PersonField(allow_null=True)


class AssessmentEntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    source = serializers.CharField()
    measure = serializers.CharField()
    score = serializers.CharField()


class AdviceEntrySerializer(serializers.Serializer):
    source = serializers.CharField(source="get_source_display")
    date = serializers.DateField()
    author = serializers.CharField()
    summary = serializers.CharField()


class FileEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()


class AssessEntrySerializer(serializers.Serializer):
    """The Assess stage: the cycle's findings and its evidence."""

    needs = serializers.CharField(source="cycle.needs")
    strengths = serializers.CharField(source="cycle.strengths")
    pupil_views = serializers.CharField(source="cycle.pupil_views")
    parent_views = serializers.CharField(source="cycle.parent_views")
    assessments = AssessmentEntrySerializer(many=True)
    specialist_advice = AdviceEntrySerializer(many=True)
    files = FileEntrySerializer(many=True)


class OutcomeEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="outcome.pk")
    description = serializers.CharField(source="outcome.description")
    success_criteria = serializers.CharField(source="outcome.success_criteria")
    measure = serializers.CharField(source="outcome.measure")
    baseline = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True,
                                        source="outcome.baseline")
    target = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True,
                                      source="outcome.target")
    target_date = serializers.DateField(allow_null=True, source="outcome.target_date")
    owner = PersonField(allow_null=True, source="outcome.owner")
    carried_from = serializers.IntegerField(allow_null=True, source="outcome.carried_from_id")
    provisions = serializers.ListField(child=serializers.IntegerField(), source="provision_ids")
    rating = serializers.ChoiceField(choices=Rating.choices, allow_null=True,
                                     source="rating.rating")
    evidence = serializers.CharField(allow_null=True, source="rating.evidence")
    achieved_value = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True,
                                              source="rating.achieved_value")


class ProvisionEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="provision.pk")
    intervention = serializers.CharField(source="provision.provision_type")
    details = serializers.CharField(source="provision.details")
    staff_type = serializers.ChoiceField(choices=StaffType.choices,
                                         source="provision.staff_type")
    delivered_by = PersonField(allow_null=True, source="provision.delivered_by")
    sessions_per_week = serializers.DecimalField(max_digits=4, decimal_places=1,
                                                 allow_null=True,
                                                 source="provision.sessions_per_week")
    minutes_per_session = serializers.IntegerField(allow_null=True,
                                                   source="provision.minutes_per_session")
    group_size = serializers.IntegerField(allow_null=True, source="provision.group_size")
    fixed_cost = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True,
                                          source="provision.fixed_cost")
    start_date = serializers.DateField(source="provision.start_date")
    end_date = serializers.DateField(source="provision.end_date", allow_null=True,
                                     help_text="None: it goes on until it is changed.")
    dose = DoseSerializer()
    impact = serializers.ChoiceField(choices=Impact.choices, allow_null=True,
                                     source="impact.impact")
    impact_comment = serializers.CharField(allow_null=True, source="impact.comment")


class ReviewEntrySerializer(serializers.Serializer):
    held_on = serializers.DateField()
    attendees = serializers.CharField()
    parents_attended = serializers.BooleanField()
    pupil_views = serializers.CharField()
    parent_views = serializers.CharField()
    next_step = serializers.ChoiceField(choices=NextStep.choices, allow_blank=True)
    next_step_reason = serializers.CharField()


class QualitySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class CycleEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="cycle.pk")
    number = serializers.IntegerField(source="cycle.number")
    stage = serializers.ChoiceField(choices=Stage.choices, source="cycle.stage")
    opened_on = serializers.DateField(source="cycle.opened_on")
    review_date = serializers.DateField(allow_null=True, source="cycle.review_date")
    closed_on = serializers.DateField(allow_null=True, source="cycle.closed_on")
    stages = StageEntrySerializer(many=True)
    assess = AssessEntrySerializer(source="*")
    outcomes = OutcomeEntrySerializer(many=True)
    provisions = ProvisionEntrySerializer(many=True)
    dose = DoseSerializer(help_text="The cycle's provision added up.")
    review = ReviewEntrySerializer(allow_null=True)
    quality = QualitySerializer(many=True, source="advice",
                                help_text="Advice on the plan's quality; never blocking.")


class TimelinePupilSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="full_name")
    upn = serializers.CharField()


class TimelinePlanSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    cycle_weeks = serializers.IntegerField()


class TimelineSerializer(serializers.Serializer):
    """A pupil's whole graduated-approach history, oldest cycle first."""

    pupil = TimelinePupilSerializer()
    plan = TimelinePlanSerializer(allow_null=True)
    cycles = CycleEntrySerializer(many=True)
