from rest_framework import serializers

from apps.accounts.selectors import school_members
from apps.pupils.selectors import pupils_visible_to, school_teachers_and_tas
from apps.schools.api import VisibleField
from apps.schools.roles import STAFF
from apps.schools.term_dates import school_calendar

from . import selectors
from .models import (
    AssessmentResult,
    Cycle,
    DeliveredSession,
    EvidenceFile,
    GroupSession,
    Outcome,
    Provision,
    ProvisionType,
    SpecialistAdvice,
    SupportPlan,
)
from .rules import SessionStatus, Stage, next_stage


def visible(model):
    return lambda membership: selectors.visible(model, membership)


def open_cycles(membership):
    return selectors.visible(Cycle, membership).exclude(stage=Stage.CLOSED)


class SchoolPeople(serializers.PrimaryKeyRelatedField):
    """A member of staff of the request's school."""

    def __init__(self, *, people=None, **kwargs):
        self.people = people or (lambda school: school_members(school, STAFF))
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.people(self.context["school"]).distinct()


class ProvisionTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProvisionType
        fields = ["id", "name", "description", "need_area", "staff_type", "usual_group_size",
                  "usual_sessions_per_week", "usual_minutes"]
        validators = []  # the name's uniqueness within the school is the service's to check


class SupportPlanSerializer(serializers.ModelSerializer):
    pupil = VisibleField(visible=pupils_visible_to)
    opened_on = serializers.DateField(write_only=True, required=False,
                                      help_text="When cycle 1 opens (default: today).")
    cycles = serializers.SerializerMethodField()

    class Meta:
        model = SupportPlan
        fields = ["id", "pupil", "cycle_weeks", "opened_on", "cycles"]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["pupil"].read_only = True
        return fields

    def get_cycles(self, plan) -> list[int]:
        return [cycle.pk for cycle in plan.cycles.all()]


class CycleSerializer(serializers.ModelSerializer):
    pupil = serializers.IntegerField(source="plan.pupil_id", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Cycle
        fields = ["id", "plan", "pupil", "number", "stage", "opened_on", "review_date",
                  "closed_on", "is_overdue", "needs", "strengths", "pupil_views",
                  "parent_views", "pupil_views_missing_because"]
        read_only_fields = ["plan", "number", "stage", "opened_on", "closed_on"]


class AdviceSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class CycleDetailSerializer(CycleSerializer):
    """One cycle, with what it still needs before its next move and advice on its plan."""

    missing_for_next_stage = serializers.SerializerMethodField()
    quality = serializers.SerializerMethodField()

    class Meta(CycleSerializer.Meta):
        fields = CycleSerializer.Meta.fields + ["missing_for_next_stage", "quality"]

    def get_missing_for_next_stage(self, cycle) -> list[str]:
        following = next_stage(cycle.stage)
        return selectors.missing_for(cycle, following) if following else []

    @staticmethod
    def get_quality(cycle) -> list[dict]:
        return [{"code": a.code, "message": a.message} for a in selectors.cycle_quality(cycle)]


class CycleMoveSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Stage.choices, help_text="The next stage.")


class AssessmentResultSerializer(serializers.ModelSerializer):
    cycle = VisibleField(visible=open_cycles)

    class Meta:
        model = AssessmentResult
        fields = ["id", "cycle", "date", "source", "measure", "score"]


class SpecialistAdviceSerializer(serializers.ModelSerializer):
    cycle = VisibleField(visible=open_cycles)

    class Meta:
        model = SpecialistAdvice
        fields = ["id", "cycle", "source", "date", "author", "summary"]


class EvidenceFileSerializer(serializers.ModelSerializer):
    cycle = VisibleField(visible=open_cycles)
    upload = serializers.FileField(write_only=True)

    class Meta:
        model = EvidenceFile
        fields = ["id", "cycle", "title", "upload", "content_type", "uploaded_at"]
        read_only_fields = ["content_type", "uploaded_at"]


class ProvisionSerializer(serializers.ModelSerializer):
    cycle = VisibleField(visible=open_cycles)
    provision_type = VisibleField(visible=lambda m: ProvisionType.objects.all())
    delivered_by = SchoolPeople(people=school_teachers_and_tas, required=False,
                                allow_null=True)
    dose = serializers.SerializerMethodField()

    class Meta:
        model = Provision
        fields = ["id", "cycle", "provision_type", "details", "staff_type", "delivered_by",
                  "sessions_per_week", "minutes_per_session", "group_size", "fixed_cost",
                  "start_date", "end_date", "carried_from", "dose"]
        read_only_fields = ["carried_from"]
        extra_kwargs = {"staff_type": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["cycle"].read_only = True
        return fields

    def get_dose(self, provision) -> dict:
        if "calendar" not in self.context:  # one calendar for a whole list
            self.context["calendar"] = school_calendar(provision.school)
        d = selectors.dose(provision, self.context["calendar"], provision.cycle.closed_on)
        return {"planned_sessions": float(d.planned_sessions),
                "planned_minutes": round(d.planned_minutes),
                "delivered_sessions": d.delivered_sessions,
                "delivered_minutes": d.delivered_minutes,
                "absent_sessions": d.absent_sessions,
                "cancelled_sessions": d.cancelled_sessions,
                "percent_of_planned_minutes": d.percent_of_planned_minutes}


class OutcomeSerializer(serializers.ModelSerializer):
    cycle = VisibleField(visible=open_cycles)
    owner = SchoolPeople(required=False, allow_null=True)
    provisions = VisibleField(visible=visible(Provision), many=True, required=False)

    class Meta:
        model = Outcome
        fields = ["id", "cycle", "description", "success_criteria", "measure", "baseline",
                  "target", "target_date", "owner", "provisions", "carried_from"]
        read_only_fields = ["carried_from"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["cycle"].read_only = True
        return fields


class DeliveredSessionSerializer(serializers.ModelSerializer):
    provision = VisibleField(visible=visible(Provision))
    pupil = serializers.IntegerField(source="provision.cycle.plan.pupil_id", read_only=True)
    minutes = serializers.IntegerField(required=False, help_text="Default: the provision's.")

    class Meta:
        model = DeliveredSession
        fields = ["id", "provision", "pupil", "date", "minutes", "status", "reason", "note",
                  "additional", "group_session", "recorded_at"]
        read_only_fields = ["group_session", "recorded_at"]


class SessionCorrectionSerializer(serializers.ModelSerializer):
    """A correction to a session recorded by mistake: what changes, and why."""

    correction_reason = serializers.CharField(
        write_only=True, max_length=300, help_text="Why it is corrected (audit trail).")

    class Meta:
        model = DeliveredSession
        fields = ["date", "minutes", "status", "reason", "note", "additional",
                  "correction_reason"]


class SessionRemovalSerializer(serializers.Serializer):
    correction_reason = serializers.CharField(
        max_length=300, help_text="Why it is removed (audit trail).")


class AttendanceSerializer(serializers.Serializer):
    pupil = VisibleField(visible=pupils_visible_to)
    status = serializers.ChoiceField(
        choices=[SessionStatus.DELIVERED, SessionStatus.ABSENT],
        default=SessionStatus.DELIVERED,
    )


class GroupSessionSerializer(serializers.ModelSerializer):
    provision_type = VisibleField(visible=lambda m: ProvisionType.objects.all())
    attendance = AttendanceSerializer(many=True, write_only=True)
    additional = serializers.BooleanField(
        write_only=True, default=False,
        help_text="An additional session that day: the group had already met for this.")
    sessions = DeliveredSessionSerializer(many=True, read_only=True)

    class Meta:
        model = GroupSession
        fields = ["id", "provision_type", "date", "minutes", "note", "additional",
                  "attendance", "sessions"]
