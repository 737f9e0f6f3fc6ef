"""What the API accepts for the register: a pupil's details (validated here, saved by
``services``), a change of SEN status, and the history of SEN provision. How the register
reads back is the caseload's (apps/caseload/serializers.py)."""

from rest_framework import serializers

from .models import Pupil, SenProvisionRecord
from .rules import SenStatus
from .selectors import school_parents, school_teachers_and_tas


class SenProvisionRecordSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SenProvisionRecord
        fields = ["id", "status", "status_label", "started_on", "start_reason", "ended_on",
                  "end_reason", "recorded_at"]


class SenStatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SenStatus.choices)
    on = serializers.DateField(help_text="The date the change takes effect.")
    reason = serializers.CharField(max_length=500)


class SenStatusCorrectSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SenStatus.choices)
    since = serializers.DateField(help_text="When the status began; may be in the past.")
    reason = serializers.CharField(max_length=500)


class SchoolPeopleField(serializers.PrimaryKeyRelatedField):
    """A user id that must belong to the request's school in a fitting role. The queryset is
    built per request from the serializer context, never at import time."""

    def __init__(self, *, people, **kwargs):
        self.people = people
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.people(self.context["school"]).distinct()


class PupilInputSerializer(serializers.ModelSerializer):
    """A pupil's details as sent to add or change them. ``staff`` and ``parents`` are user
    ids of people who belong to this school; anyone else's id is rejected with a 400."""

    sen_status = serializers.ChoiceField(
        choices=SenStatus.choices,
        default=SenStatus.NO_SEN,
        help_text="Current SEN provision. Set on creation; change it with "
        "POST .../pupils/{id}/sen-status/.",
    )
    staff = SchoolPeopleField(many=True, required=False, people=school_teachers_and_tas)
    parents = SchoolPeopleField(many=True, required=False, people=school_parents)

    class Meta:
        model = Pupil
        fields = ["upn", "first_name", "last_name", "preferred_first_name",
                  "preferred_last_name", "date_of_birth", "year_group",
                  "class_name", "primary_need", "secondary_need", "email", "sen_status",
                  "staff", "parents"]
        # Uniqueness of the UPN within the school is checked by the service, which knows
        # the school; no validator here can see another school's rows.
        validators = []
        extra_kwargs = {"upn": {"validators": []}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:  # a change of status has its own endpoint
            fields.pop("sen_status")
        return fields


class ParentInviteSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    relationship = serializers.CharField(max_length=60, help_text=(
        "For example: Mother, Father, Grandparent, Foster carer."))
