"""The API for plans: the provision library, plans, cycles and their records."""

from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from apps.schools.api import SchoolScopedViewSet, call_service, if_match
from apps.schools.pagination import ByPosition
from apps.schools.roles import Action, role_may

from . import selectors, services
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
    SpecialistAdviceSerializer,
    SupportPlanSerializer,
)

WRITES = ("create", "update", "partial_update", "destroy")


class PlansViewSet(SchoolScopedViewSet):
    """Reading needs VIEW_PLANS (staff); writing needs ``write_action``.

    Cycles, outcomes and provisions answer with an ETag of their plan's version; a PUT or
    PATCH sent with If-Match is refused with 412 if someone else saved since."""

    default_required = Action.VIEW_PLANS
    write_action = Action.MANAGE_PLANS

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        cycle = getattr(getattr(self, "_object", None), "cycle", None) or (
            self._object if isinstance(getattr(self, "_object", None), Cycle) else None)
        if cycle is not None and response.status_code < 300:
            version = Cycle.objects.filter(pk=cycle.pk).values_list("version", flat=True)
            response["ETag"] = f'"{version.first()}"'
        return response

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        declared = cls.__dict__.get("required", {})
        cls.required = {name: cls.write_action for name in WRITES} | declared


class ProvisionTypeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.CreateModelMixin, mixins.UpdateModelMixin, PlansViewSet):
    """The school's provision library."""

    model = ProvisionType
    serializer_class = ProvisionTypeSerializer
    write_action = Action.MANAGE_PROVISION_LIBRARY

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
class CycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                   PlansViewSet):
    """Cycles of Assess, Plan, Do and Review. Teachers and TAs may draft the Assess stage
    of pupils they work with; the SENCO agrees the review date and moves cycles."""

    model = Cycle
    filterset_class = CycleFilter
    required = {"update": Action.DRAFT_ASSESS, "partial_update": Action.DRAFT_ASSESS,
                "move": Action.MANAGE_PLANS}

    def visible_queryset(self):
        # In plan order (each pupil's cycles together, by number), read from the index on
        # school, plan and number: a page reads its 50 cycles however long the school's
        # history. In pupils' name order, PostgreSQL sorted every cycle the school ever
        # had to find a page. The page's plans come in a second query, by id.
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
        fresh = self.visible_queryset().get(pk=cycle.pk)
        return Response(CycleDetailSerializer(fresh, context=self.get_serializer_context()).data)


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
    serializer_class = AssessmentResultSerializer
    write_action = Action.DRAFT_ASSESS
    save = staticmethod(services.assessment_save)


class SpecialistAdviceViewSet(CycleItemViewSet):
    model = SpecialistAdvice
    serializer_class = SpecialistAdviceSerializer
    write_action = Action.DRAFT_ASSESS
    save = staticmethod(services.advice_save)


class OutcomeViewSet(CycleItemViewSet):
    model = Outcome
    serializer_class = OutcomeSerializer
    save = staticmethod(services.outcome_save)

    def visible_queryset(self):
        return super().visible_queryset().prefetch_related("provisions")


class ProvisionViewSet(CycleItemViewSet):
    model = Provision
    serializer_class = ProvisionSerializer
    save = staticmethod(services.provision_save)


class EvidenceFileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.CreateModelMixin, mixins.DestroyModelMixin, PlansViewSet):
    """Files of evidence, stored per school and downloaded only through access checks."""

    model = EvidenceFile
    serializer_class = EvidenceFileSerializer
    filterset_class = CycleItemFilter
    write_action = Action.DRAFT_ASSESS

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
                              for content_type in sorted(set(services.ALLOWED_UPLOADS.values()))})
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        return evidence_download(self.get_object())


def evidence_download(item: EvidenceFile) -> FileResponse:
    """Always as an attachment, with the content type we chose on upload."""
    return FileResponse(item.file.open("rb"), as_attachment=True,
                        filename=item.file.name.rsplit("/", 1)[-1],
                        content_type=item.content_type)


class DeliveredSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              mixins.CreateModelMixin, PlansViewSet):
    """Sessions delivered to one pupil. Teachers and TAs record them for pupils they work
    with; minutes default to the provision's."""

    model = DeliveredSession
    serializer_class = DeliveredSessionSerializer
    filterset_class = SessionFilter
    pagination_class = ByPosition
    write_action = Action.RECORD_SESSIONS

    def visible_queryset(self):
        # Prefetched, not joined: the page is then read straight off the (school, date)
        # index, and the three small lookups cost the same at any size of school.
        return selectors.visible(DeliveredSession, self.membership).prefetch_related(
            "provision__cycle__plan")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        session = call_service(services.session_record, actor=self.request.user, **data)
        serializer.instance = self.visible_queryset().get(pk=session.pk)


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
