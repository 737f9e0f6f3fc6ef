"""The API for one-page profiles: every version, newest first (``?pupil=`` for one
pupil's), and a new version written from the one it was based on (412 if another was
saved since). The register itself is served by apps.caseload."""

import django_filters
from rest_framework import mixins, serializers

from apps.schools.api import SchoolScopedViewSet, VisibleField, call_service
from apps.schools.roles import Action

from . import profile
from .access import access_profile, profiles_visible_to
from .models import Profile
from .selectors import pupils_visible_to


class ProfileSerializer(serializers.ModelSerializer):
    pupil = VisibleField(visible=pupils_visible_to)
    based_on = serializers.IntegerField(
        write_only=True, required=False, allow_null=True, min_value=0,
        help_text="The version this one was written from (0 for the first): if another "
                  "has been saved since, nothing is saved (412).")
    written_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Profile
        fields = ["id", "pupil", "version", *profile.FIELDS, "based_on", "written_by",
                  "written_at"]
        read_only_fields = ["version", "written_at"]
        extra_kwargs = {name: {"required": False} for name in profile.FIELDS}


class ProfileFilter(django_filters.FilterSet):
    pupil = django_filters.NumberFilter(field_name="pupil_id")

    class Meta:
        model = Profile
        fields = ["pupil"]


class ProfileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     mixins.CreateModelMixin, SchoolScopedViewSet):
    model = Profile
    serializer_class = ProfileSerializer
    filterset_class = ProfileFilter
    access = staticmethod(access_profile)
    default_required = Action.VIEW_PLANS
    required = {"create": Action.WRITE_PROFILE}

    def visible_queryset(self):
        return profiles_visible_to(self.membership).order_by("pupil_id", "-version")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        pupil, based_on = data.pop("pupil"), data.pop("based_on", None)
        fields = {name: data.get(name, "") for name in profile.FIELDS}
        serializer.instance = call_service(profile.profile_save, pupil=pupil,
                                           actor=self.request.user, based_on=based_on,
                                           **fields)
