from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS, PKOnlyObject

from apps.schools.api import as_api_error

from .models import Pupil, SenProvisionRecord
from .rules import SenStatus
from .selectors import school_parents, school_teachers_and_tas


class SenProvisionRecordSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SenProvisionRecord
        fields = ["id", "status", "status_label", "started_on", "start_reason", "ended_on",
                  "end_reason"]


class SenStatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SenStatus.choices)
    on = serializers.DateField(help_text="The date the change takes effect.")
    reason = serializers.CharField(max_length=500)


class SchoolPeopleField(serializers.PrimaryKeyRelatedField):
    """A user id that must belong to the request's school in a fitting role. The queryset is
    built per request from the serializer context, never at import time."""

    def __init__(self, *, people, **kwargs):
        self.people = people
        super().__init__(**kwargs)

    @classmethod
    def many_init(cls, *args, **kwargs):
        return SchoolPeopleList(child_relation=cls(*args, **kwargs), **{
            key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS})

    def get_queryset(self):
        return self.people(self.context["school"]).distinct()


class SchoolPeopleList(serializers.ManyRelatedField):
    """Shows the ids the view has already read for a page of pupils
    (``context["people"]``, from ``selectors.people_by_pupil``), where it has; otherwise
    the pupil's own relation."""

    def get_attribute(self, instance):
        known = self.context.get("people", {}).get(self.field_name)
        if known is None:
            return super().get_attribute(instance)
        return [PKOnlyObject(pk) for pk in known.get(instance.pk, ())]


class PupilSerializer(serializers.ModelSerializer):
    """A pupil on the register. ``staff`` and ``parents`` are user ids of people who belong
    to this school; anyone else's id is rejected with a 400."""

    sen_status = serializers.ChoiceField(
        choices=SenStatus.choices,
        default=SenStatus.NO_SEN,
        help_text="Current SEN provision. Set on creation; change it with "
        "POST .../pupils/{id}/sen-status/.",
    )
    sen_status_since = serializers.DateField(read_only=True)
    review_overdue = serializers.BooleanField(
        read_only=True, help_text="A cycle is past its agreed review date with no review.")
    need_areas = serializers.ListField(child=serializers.CharField(), read_only=True)
    spend_state = serializers.SerializerMethodField(
        help_text="This budget year's cost against the element 2 threshold (under, "
                  "approaching, over); null for roles that do not see money.")
    staff = SchoolPeopleField(many=True, required=False, people=school_teachers_and_tas)
    parents = SchoolPeopleField(many=True, required=False, people=school_parents)

    class Meta:
        model = Pupil
        fields = [
            "id", "upn", "first_name", "last_name", "date_of_birth", "year_group",
            "class_name", "primary_need", "secondary_need", "need_areas", "sen_status",
            "sen_status_since", "review_overdue", "spend_state", "staff", "parents",
        ]
        # Uniqueness of the UPN within the school is checked by the service, which knows
        # the school; no validator here can see another school's rows.
        validators = []
        extra_kwargs = {"upn": {"validators": []}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["sen_status"].read_only = True
        return fields

    def get_spend_state(self, pupil) -> str | None:
        spend = self.context.get("spend", {}).get(pupil.pk)
        return spend.state if spend else None

    def create(self, validated_data):
        from .services import pupil_create

        try:
            return pupil_create(
                school=self.context["school"],
                actor=self.context["request"].user,
                **validated_data,
            )
        except DjangoValidationError as error:
            raise as_api_error(error) from None

    def update(self, instance, validated_data):
        from .services import pupil_update

        validated_data.pop("sen_status", None)
        try:
            return pupil_update(
                pupil=instance, actor=self.context["request"].user, **validated_data
            )
        except DjangoValidationError as error:
            raise as_api_error(error) from None
