"""The API for plans: the provision library, plans, cycles and their records."""

from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from apps.schools.api import SchoolScopedViewSet, call_service, if_match
from apps.schools.pagination import ByPosition
from apps.schools.roles import Action, role_may

from . import selectors, services
from .access import (
    access_advice,
    access_assessment,
    access_cycle,
    access_evidence_file,
    access_outcome,
    access_plan,
    access_provision,
    access_provision_type,
    access_session,
)
from .evidence import ALLOWED_UPLOADS, evidence_download
from .filters import CycleFilter, CycleItemFilter, PlanFilter, SessionFilter
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
from .serializers import (
    AssessmentResultSerializer,
    CycleDetailSerializer,
    CycleMoveSerializer,
    CycleSerializer,
    DeliveredSessionSerializer,
    EvidenceFileSerializer,
    GroupSessionSerializer,
    OutcomeSerializer,
    ProvisionSerializer,
    ProvisionTypeSerializer,
    SessionCorrectionSerializer,
    SessionRemovalSerializer,
    SpecialistAdviceSerializer,
    SupportPlanSerializer,
)
from .sessions import session_correct, session_remove

WRITES = ("create", "update", "partial_update", "destroy")


class PlansViewSet(SchoolScopedViewSet):
    """Reading needs VIEW_PLANS (staff); writing needs ``write_action``."""

    default_required = Action.VIEW_PLANS
    write_action = Action.MANAGE_PLANS

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        declared = cls.__dict__.get("required", {})
        cls.required = {name: cls.write_action for name in WRITES} | declared


class VersionedMixin:
    """For the records of a cycle's plan (the cycle, its outcomes and provision): each
    answer carries an ETag of the plan's version, and a PUT or PATCH sent with If-Match
    is refused with 412 if someone else saved since (services.claim_version)."""

    @staticmethod
    def plan_version(obj) -> int:
        return obj.version if isinstance(obj, Cycle) else obj.cycle.version

    def tagged(self, response: Response, obj) -> Response:
        response["ETag"] = f'"{self.plan_version(obj)}"'
        return response

    def retrieve(self, request, *args, **kwargs):
        return self.tagged(super().retrieve(request, *args, **kwargs), self.get_object())

    def update(self, request, *args, partial=False, **kwargs):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)  # the service moves the version on
        return self.tagged(Response(serializer.data), serializer.instance)


class ProvisionTypeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.CreateModelMixin, mixins.UpdateModelMixin, PlansViewSet):
    """The school's provision library."""

    model = ProvisionType
    serializer_class = ProvisionTypeSerializer
    write_action = Action.MANAGE_PROVISION_LIBRARY
    access = staticmethod(access_provision_type)

    def visible_queryset(self):
        return ProvisionType.objects.all()

    def perform_create(self, serializer):
        serializer.instance = call_service(
            services.provision_type_save, school=self.school, actor=self.request.user,
            **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = call_service(
            services.provision_type_save, school=self.school, actor=self.request.user,
            instance=serializer.instance, **serializer.validated_data)


class SupportPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, mixins.UpdateModelMixin, PlansViewSet):
    """A pupil's support plan. Creating one opens cycle 1 at the Assess stage."""

    model = SupportPlan
    serializer_class = SupportPlanSerializer
    filterset_class = PlanFilter
    access = staticmethod(access_plan)

    def visible_queryset(self):
        return selectors.visible(SupportPlan, self.membership).prefetch_related("cycles")

    def perform_create(self, serializer):
        plan = call_service(services.plan_start, actor=self.request.user,
                            **serializer.validated_data)
        serializer.instance = self.visible_queryset().get(pk=plan.pk)

    def perform_update(self, serializer):
        call_service(services.plan_update, plan=serializer.instance, actor=self.request.user,
                     cycle_weeks=serializer.validated_data.get(
                         "cycle_weeks", serializer.instance.cycle_weeks))


# A refused move names the cycle's stage: what it is at, or what is missing to leave it.
@extend_validation_errors(["invalid"], field_name="stage", actions=["move"], methods=["post"])
class CycleViewSet(VersionedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   mixins.UpdateModelMixin, PlansViewSet):
    """Cycles of Assess, Plan, Do and Review. Teachers and TAs may draft the Assess stage
    of pupils they work with; the SENCO agrees the review date and moves cycles."""

    model = Cycle
    filterset_class = CycleFilter
    access = staticmethod(access_cycle)
    required = {"update": Action.DRAFT_ASSESS, "partial_update": Action.DRAFT_ASSESS,
                "move": Action.MANAGE_PLANS}

    def visible_queryset(self):
        # In plan order, each pupil's cycles together by number: the order of the index
        # of cycle_number_unique (school, plan, number), which serves a page of them.
        return selectors.with_overdue(
            selectors.visible(Cycle, self.membership).prefetch_related("plan")
        ).order_by("plan_id", "number")

    def get_serializer_class(self):
        return CycleDetailSerializer if self.detail else CycleSerializer

    def perform_update(self, serializer):
        data = serializer.validated_data
        if "review_date" in data and not role_may(self.membership.role, Action.MANAGE_PLANS):
            raise PermissionDenied("Only the SENCO agrees the review date.")
        call_service(services.cycle_update, cycle=serializer.instance,
                     actor=self.request.user, expected_version=if_match(self.request), **data)

    @extend_schema(request=CycleMoveSerializer, responses=CycleDetailSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, *args, **kwargs):
        """Move the cycle on to its next stage; a refusal lists what is missing."""
        cycle = self.get_object()
        data = CycleMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.cycle_move, cycle=cycle, actor=request.user,
                     to=data.validated_data["to"])
        fresh = access_cycle(self.membership, cycle.pk)
        return self.tagged(Response(CycleDetailSerializer(
            fresh, context=self.get_serializer_context()).data), fresh)


class CycleItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, mixins.UpdateModelMixin,
                       mixins.DestroyModelMixin, PlansViewSet):
    """A record that belongs to one cycle, written through ``save`` (a service taking
    ``cycle``, ``actor``, ``instance`` and fields) while the cycle is open."""

    filterset_class = CycleItemFilter
    save: staticmethod

    def visible_queryset(self):
        return selectors.visible(self.model, self.membership).select_related("cycle")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        cycle = data.pop("cycle")
        item = call_service(type(self).save, cycle=cycle, actor=self.request.user, **data)
        serializer.instance = self.visible_queryset().get(pk=item.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("cycle", None)
        extra = {}
        if self.model in (Outcome, Provision):
            extra["expected_version"] = if_match(self.request)
        item = call_service(type(self).save, cycle=serializer.instance.cycle,
                            actor=self.request.user, instance=serializer.instance,
                            **extra, **data)
        serializer.instance = self.visible_queryset().get(pk=item.pk)

    def perform_destroy(self, instance):
        call_service(services.cycle_item_delete, item=instance, actor=self.request.user)


class AssessmentResultViewSet(CycleItemViewSet):
    model = AssessmentResult
    access = staticmethod(access_assessment)
    serializer_class = AssessmentResultSerializer
    write_action = Action.DRAFT_ASSESS
    save = staticmethod(services.assessment_save)


class SpecialistAdviceViewSet(CycleItemViewSet):
    model = SpecialistAdvice
    access = staticmethod(access_advice)
    serializer_class = SpecialistAdviceSerializer
    write_action = Action.DRAFT_ASSESS
    save = staticmethod(services.advice_save)


class OutcomeViewSet(VersionedMixin, CycleItemViewSet):
    model = Outcome
    access = staticmethod(access_outcome)
    serializer_class = OutcomeSerializer
    save = staticmethod(services.outcome_save)

    def visible_queryset(self):
        return super().visible_queryset().prefetch_related("provisions")


class ProvisionViewSet(VersionedMixin, CycleItemViewSet):
    model = Provision
    access = staticmethod(access_provision)
    serializer_class = ProvisionSerializer
    save = staticmethod(services.provision_save)


class EvidenceFileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.CreateModelMixin, mixins.DestroyModelMixin, PlansViewSet):
    """Files of evidence, stored per school and downloaded only through access checks."""

    model = EvidenceFile
    serializer_class = EvidenceFileSerializer
    filterset_class = CycleItemFilter
    write_action = Action.DRAFT_ASSESS
    access = staticmethod(access_evidence_file)

    def visible_queryset(self):
        return selectors.visible(EvidenceFile, self.membership).select_related("cycle")

    def perform_create(self, serializer):
        data = serializer.validated_data
        item = call_service(services.evidence_file_add, cycle=data["cycle"],
                            actor=self.request.user, title=data["title"], upload=data["upload"])
        serializer.instance = item

    def perform_destroy(self, instance):
        call_service(services.cycle_item_delete, item=instance, actor=self.request.user)

    @extend_schema(responses={(200, content_type): bytes
                              for content_type in sorted(set(ALLOWED_UPLOADS.values()))})
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        return evidence_download(self.get_object())


class DeliveredSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              mixins.CreateModelMixin, mixins.UpdateModelMixin, PlansViewSet):
    """Sessions delivered to one pupil. Teachers and TAs record them for pupils they work
    with; minutes default to the provision's. The person who recorded one, or the SENCO,
    corrects it (PATCH, with ``correction_reason``) or removes it (``remove/``) while its
    cycle is open."""

    model = DeliveredSession
    serializer_class = DeliveredSessionSerializer
    filterset_class = SessionFilter
    pagination_class = ByPosition
    write_action = Action.RECORD_SESSIONS
    access = staticmethod(access_session)

    def visible_queryset(self):
        # Prefetched, not joined, so that the page is read in the order of the index
        # session_school_date (school, date, id) alone.
        return selectors.visible(DeliveredSession, self.membership).prefetch_related(
            "provision__cycle__plan")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return SessionCorrectionSerializer
        return super().get_serializer_class()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        session = call_service(services.session_record, actor=self.request.user, **data)
        serializer.instance = self.visible_queryset().get(pk=session.pk)

    def update(self, request, *args, **kwargs):
        changes = SessionCorrectionSerializer(self.get_object(), data=request.data,
                                              partial=True)
        changes.is_valid(raise_exception=True)
        data = dict(changes.validated_data)
        if "correction_reason" not in data:
            raise ValidationError({"correction_reason": ["Say why the session is being "
                                                         "corrected."]})
        call_service(session_correct, session=self.get_object(), actor=request.user, **data)
        fresh = self.visible_queryset().get(pk=kwargs["pk"])
        return Response(DeliveredSessionSerializer(
            fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=SessionRemovalSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def remove(self, request, *args, **kwargs):
        reason = SessionRemovalSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        call_service(session_remove, session=self.get_object(), actor=request.user,
                     **reason.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupSessionViewSet(mixins.CreateModelMixin, PlansViewSet):
    """One entry for a session delivered to a group: each pupil there or absent."""

    model = GroupSession
    serializer_class = GroupSessionSerializer
    write_action = Action.RECORD_SESSIONS

    def visible_queryset(self):
        return GroupSession.objects.none()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        attendance = {row["pupil"]: row["status"] for row in data.pop("attendance")}
        group = call_service(services.group_session_record, actor=request.user,
                             attendance=attendance, **data)
        body = GroupSessionSerializer(group, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)
