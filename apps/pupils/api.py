from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.schools.api import SchoolScopedViewSet, as_api_error
from apps.schools.roles import Action, role_may

from . import selectors, services
from .filters import RegisterFilter
from .models import Pupil, SenProvisionRecord
from .serializers import (
    PupilSerializer,
    SenProvisionRecordSerializer,
    SenStatusChangeSerializer,
)


class PupilViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    SchoolScopedViewSet,
):
    """The SEN register of one school, as the caller may see it."""

    model = Pupil
    serializer_class = PupilSerializer
    filterset_class = RegisterFilter
    required = {
        "create": Action.ADD_PUPIL,
        "update": Action.EDIT_PUPIL,
        "partial_update": Action.EDIT_PUPIL,
        "change_sen_status": Action.CHANGE_SEN_STATUS,
    }

    def visible_queryset(self):
        return selectors.register(self.membership)

    def get_serializer(self, *args, **kwargs):
        """Add the staff and parents of a page of pupils, and this year's spend for the
        pupils being shown, for roles that see money."""
        instance = args[0] if args else None
        serializer_context = self.get_serializer_context()
        if isinstance(instance, list):  # a page of the register was read
            from apps.audit.trail import record_access

            on_page = [p.pk for p in instance]
            record_access(self.school, path=self.request.get_full_path(),
                          school_id=self.school.pk, pupils=on_page)
            serializer_context["people"] = selectors.people_by_pupil(on_page)
        if instance is not None and role_may(self.membership.role, Action.VIEW_MONEY):
            from apps.money.selectors import spend_by_pupil

            pupils = instance if isinstance(instance, list) else [instance]
            serializer_context["spend"] = spend_by_pupil([p.pk for p in pupils], self.school)
        kwargs["context"] = serializer_context
        return self.get_serializer_class()(*args, **kwargs)

    def perform_create(self, serializer):
        pupil = serializer.save()
        # Answer with the pupil as the register shows it (current SEN status included).
        serializer.instance = self.visible_queryset().get(pk=pupil.pk)

    @extend_schema(request=SenStatusChangeSerializer, responses=SenProvisionRecordSerializer)
    @action(detail=True, methods=["post"], url_path="sen-status")
    def change_sen_status(self, request, *args, **kwargs):
        """Move the pupil to another SEN status (N, K or E), closing the open record."""
        pupil = self.get_object()
        data = SenStatusChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            record = services.sen_status_change(
                pupil=pupil, actor=request.user, **data.validated_data
            )
        except DjangoValidationError as error:
            raise as_api_error(error) from None
        return Response(SenProvisionRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=SenProvisionRecordSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="sen-history", pagination_class=None,
            filterset_class=None)
    def sen_history(self, request, *args, **kwargs):
        """Every period of the pupil's SEN provision, newest first."""
        pupil = self.get_object()
        records = SenProvisionRecord.objects.filter(pupil=pupil)
        return Response(SenProvisionRecordSerializer(records, many=True).data)
