"""The caseload's API: the overview, the register (read as the register page reads it,
changed through the register's services) and the meeting states of the meetings page."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.audit.trail import record_access
from apps.parents.rules import MeetingState
from apps.pupils import services
from apps.pupils.access import access_pupil
from apps.pupils.models import Pupil, SenProvisionRecord
from apps.pupils.serializers import (
    ParentInviteSerializer,
    PupilInputSerializer,
    SenProvisionRecordSerializer,
    SenStatusChangeSerializer,
    SenStatusCorrectSerializer,
)
from apps.schools.api import SchoolScopedViewSet, call_service
from apps.schools.roles import Action

from . import selectors
from .filters import RegisterFilter
from .overview import overview
from .serializers import (
    MeetingRowSerializer,
    OverviewSerializer,
    PupilSummarySerializer,
    RegisterRowSerializer,
)


class PupilViewSet(mixins.ListModelMixin, SchoolScopedViewSet):
    """The SEN register of one school, as the caller may see it."""

    model = Pupil
    serializer_class = RegisterRowSerializer
    filterset_class = RegisterFilter
    access = staticmethod(access_pupil)
    required = {
        "create": Action.ADD_PUPIL,
        "update": Action.EDIT_PUPIL,
        "partial_update": Action.EDIT_PUPIL,
        "change_sen_status": Action.CHANGE_SEN_STATUS,
        "correct_sen_status": Action.CHANGE_SEN_STATUS,
        "invite_parent": Action.INVITE_PARENTS,
    }

    def visible_queryset(self):
        return selectors.register(self.membership)

    def summary(self, pupil) -> dict:
        return PupilSummarySerializer(
            selectors.pupil_summary(membership=self.membership, pupil=pupil)).data

    def list(self, request, *args, **kwargs):
        pupils = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        record_access(self.school, path=request.get_full_path(), school_id=self.school.pk,
                      pupils=[pupil.pk for pupil in pupils])
        rows = selectors.register_rows(membership=self.membership, pupils=pupils)
        return self.get_paginated_response(RegisterRowSerializer(rows, many=True).data)

    @extend_schema(responses=PupilSummarySerializer)
    def retrieve(self, request, *args, **kwargs):
        """The pupil as the pupil page shows them."""
        return Response(self.summary(self.get_object()))

    @extend_schema(request=PupilInputSerializer, responses={201: PupilSummarySerializer})
    def create(self, request, *args, **kwargs):
        data = PupilInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        pupil = call_service(services.pupil_create, school=self.school, actor=request.user,
                             **data.validated_data)
        return Response(self.summary(pupil), status=status.HTTP_201_CREATED)

    @extend_schema(request=PupilInputSerializer, responses=PupilSummarySerializer)
    def update(self, request, *args, partial=False, **kwargs):
        pupil = self.get_object()
        data = PupilInputSerializer(pupil, data=request.data, partial=partial,
                                    context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        call_service(services.pupil_update, pupil=pupil, actor=request.user,
                     **data.validated_data)
        return Response(self.summary(pupil))

    @extend_schema(request=PupilInputSerializer, responses=PupilSummarySerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=SenStatusChangeSerializer, responses=SenProvisionRecordSerializer)
    @action(detail=True, methods=["post"], url_path="sen-status")
    def change_sen_status(self, request, *args, **kwargs):
        """Move the pupil to another SEN status (N, K or E), closing the open record."""
        pupil = self.get_object()
        data = SenStatusChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = call_service(services.sen_status_change, pupil=pupil, actor=request.user,
                              **data.validated_data)
        return Response(SenProvisionRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SenStatusCorrectSerializer, responses=SenProvisionRecordSerializer)
    @action(detail=True, methods=["post"], url_path="sen-status/correct")
    def correct_sen_status(self, request, *args, **kwargs):
        """Correct the current SEN status and when it began (a status recorded with the
        wrong date, or an EHC plan issued before the school used this service). No notice
        is sent; the previous period now ends when this one begins."""
        pupil = self.get_object()
        data = SenStatusCorrectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = call_service(services.sen_status_correct, pupil=pupil, actor=request.user,
                              **data.validated_data)
        return Response(SenProvisionRecordSerializer(record).data)

    @extend_schema(request=ParentInviteSerializer, responses={201: PupilSummarySerializer})
    @action(detail=True, methods=["post"], url_path="invite-parent")
    def invite_parent(self, request, *args, **kwargs):
        """Link a parent or carer to the pupil and e-mail them an invitation (someone
        already a parent at the school, or already invited, is linked with no new one)."""
        pupil = self.get_object()
        data = ParentInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.parent_invite, pupil=pupil, actor=request.user,
                     **data.validated_data)
        return Response(self.summary(pupil), status=status.HTTP_201_CREATED)

    @extend_schema(responses=SenProvisionRecordSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="sen-history", pagination_class=None,
            filterset_class=None)
    def sen_history(self, request, *args, **kwargs):
        """Every period of the pupil's SEN provision, newest first."""
        records = SenProvisionRecord.objects.filter(pupil=self.get_object())
        return Response(SenProvisionRecordSerializer(records, many=True).data)


@extend_validation_errors(["invalid"], field_name="state", actions=["list"], methods=["get"])
class MeetingStatesViewSet(SchoolScopedViewSet):
    """Meetings with parents this school year, as the meetings page lists them."""

    model = Pupil
    default_required = Action.VIEW_PLANS
    pagination_class = None  # the whole caseload, as the page orders it

    def visible_queryset(self):
        return Pupil.objects.none()  # the rows are the read model's, below

    @extend_schema(responses=MeetingRowSerializer(many=True), parameters=[
        OpenApiParameter("state", enum=MeetingState.values, description="Only this state.")])
    def list(self, request, *args, **kwargs):
        """Per pupil on SEN support: meetings held and planned, and on track / at risk /
        missed (Code 6.65); missed first, then at risk, then on track, by name within
        each. Filter with ``state``."""
        wanted = request.query_params.get("state") or None
        if wanted and wanted not in MeetingState.values:
            raise ValidationError({"state": [f"Choose one of {', '.join(MeetingState.values)}."]})
        rows = selectors.meeting_rows(membership=self.membership, state=wanted)
        return Response(MeetingRowSerializer(rows, many=True).data)


class OverviewViewSet(SchoolScopedViewSet):
    """This week's work about the pupils the caller sees, and the caseload by stage and by
    need, as the overview page shows them (every task of each list)."""

    model = Pupil
    default_required = Action.VIEW_PLANS
    pagination_class = None

    def visible_queryset(self):
        return Pupil.objects.none()  # the read model's, below

    @extend_schema(responses=OverviewSerializer)
    def retrieve(self, request, *args, **kwargs):
        return Response(OverviewSerializer(
            overview(self.membership, timezone.localdate())).data)
