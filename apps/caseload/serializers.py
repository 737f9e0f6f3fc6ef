"""The caseload's read models as the API sends them: the same rows as the pages."""

from rest_framework import serializers

from apps.escalation.rules import Recommendation
from apps.money.rules import SpendState
from apps.parents.rules import MeetingState
from apps.plans.rules import Stage
from apps.pupils.rules import NeedType, SenStatus, YearGroup
from apps.pupils.serializers import SenProvisionRecordSerializer


class RegisterRowSerializer(serializers.Serializer):
    """A pupil as the register shows them (``selectors.RegisterRow``)."""

    id = serializers.IntegerField(source="pupil.pk")
    upn = serializers.CharField(source="pupil.upn")
    first_name = serializers.CharField(source="pupil.first_name")
    last_name = serializers.CharField(source="pupil.last_name")
    date_of_birth = serializers.DateField(source="pupil.date_of_birth")
    year_group = serializers.ChoiceField(choices=YearGroup.choices, source="pupil.year_group")
    class_name = serializers.CharField(source="pupil.class_name")
    primary_need = serializers.ChoiceField(choices=NeedType.choices, allow_blank=True,
                                           source="pupil.primary_need")
    secondary_need = serializers.ChoiceField(choices=NeedType.choices, allow_blank=True,
                                             source="pupil.secondary_need")
    need_areas = serializers.ListField(child=serializers.CharField(),
                                       source="pupil.need_areas")
    sen_status = serializers.ChoiceField(choices=SenStatus.choices, allow_null=True,
                                         source="pupil.sen_status")
    sen_status_since = serializers.DateField(allow_null=True, source="pupil.sen_status_since")
    review_overdue = serializers.BooleanField(
        source="pupil.review_overdue",
        help_text="A cycle is past its agreed review date with no review.")
    spend_state = serializers.ChoiceField(
        choices=SpendState.choices, allow_null=True, source="spend.state",
        help_text="This budget year's cost against the element 2 threshold; null for roles "
                  "that do not see money.")
    staff = serializers.ListField(child=serializers.IntegerField(),
                                  help_text="User ids of the teachers and TAs.")
    parents = serializers.ListField(child=serializers.IntegerField(),
                                    help_text="User ids of the parents and carers.")


class CurrentCycleSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    review_date = serializers.DateField(allow_null=True)
    review_overdue = serializers.BooleanField(source="is_overdue")


class MeetingsSerializer(serializers.Serializer):
    held = serializers.IntegerField()
    planned = serializers.IntegerField()
    expected = serializers.IntegerField(
        help_text="Three, or fewer for a pupil who joined SEN support during the year.")
    state = serializers.ChoiceField(choices=MeetingState.choices)


class SignalSerializer(serializers.Serializer):
    code = serializers.CharField()
    reason = serializers.CharField()


class PupilReadinessSerializer(serializers.Serializer):
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    signals = SignalSerializer(many=True)


class PupilSpendSummarySerializer(serializers.Serializer):
    spent = serializers.DecimalField(max_digits=11, decimal_places=2)
    committed = serializers.DecimalField(max_digits=11, decimal_places=2)
    projected = serializers.DecimalField(max_digits=11, decimal_places=2)
    threshold = serializers.DecimalField(max_digits=11, decimal_places=2)
    top_up_income = serializers.DecimalField(max_digits=11, decimal_places=2)
    state = serializers.ChoiceField(choices=SpendState.choices)


class PupilSummarySerializer(RegisterRowSerializer):
    """The pupil page (``selectors.PupilSummary``): the register's row, then the record
    that brings the caseload together. What a role does not see is null."""

    email = serializers.CharField(
        source="pupil.email",
        help_text="The pupil's own e-mail address: a young person is sent the notice of SEN "
                  "support themself.")

    sen_history = SenProvisionRecordSerializer(many=True)
    current_cycle = CurrentCycleSerializer(allow_null=True)
    meetings = MeetingsSerializer(allow_null=True,
                                  help_text="This school year's meetings with parents.")
    readiness = PupilReadinessSerializer(allow_null=True,
                                    help_text="Signals for an EHC needs assessment.")
    spend = PupilSpendSummarySerializer(allow_null=True, help_text="This budget year's cost.")


class MeetingRowSerializer(serializers.Serializer):
    pupil = serializers.IntegerField(source="pupil.pk")
    name = serializers.CharField(source="pupil.full_name")
    held = serializers.IntegerField(source="meetings.held")
    planned = serializers.IntegerField(source="meetings.planned")
    expected = serializers.IntegerField(source="meetings.expected")
    state = serializers.ChoiceField(choices=MeetingState.choices, source="meetings.state")


class TaskSerializer(serializers.Serializer):
    pupil = serializers.IntegerField(source="pupil.pk")
    pupil_name = serializers.CharField(source="pupil.full_name")
    what = serializers.CharField()
    when = serializers.DateField(allow_null=True)
    url = serializers.CharField(help_text="The page where it is done.")


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    heading = serializers.CharField()
    count = serializers.IntegerField()
    tasks = TaskSerializer(many=True, help_text="Every one of them, not only those the "
                                                "page shows first.")


class BarSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.IntegerField()


class OverviewSerializer(serializers.Serializer):
    """The overview page's read model (``overview.Overview``)."""

    today = serializers.DateField()
    to_do = serializers.IntegerField()
    on_caseload = serializers.IntegerField()
    sections = SectionSerializer(many=True)
    by_stage = BarSerializer(many=True, source="by_stage.bars")
    by_need = BarSerializer(many=True, source="by_need.bars")
