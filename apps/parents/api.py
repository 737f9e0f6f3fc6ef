"""The API for parents' work: meetings and their state per pupil, sharing plans (staff),
and the family endpoints, through which a parent sees only what was shared about their
own children."""

from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.plans.models import Cycle
from apps.plans.rules import Stage
from apps.plans.selectors import visible
from apps.pupils.selectors import pupils_visible_to
from apps.schools.api import SchoolScopedViewSet, VisibleField, call_service
from apps.schools.roles import Action

from . import services
from .models import ParentContribution, ParentMeeting, PlanSnapshot
from .rules import MeetingState
from .selectors import meetings_by_pupil, on_sen_support


class MeetingSerializer(serializers.ModelSerializer):
    pupil = VisibleField(visible=pupils_visible_to)

    class Meta:
        model = ParentMeeting
        fields = ["id", "pupil", "date", "held", "kind", "attendees", "parent_views", "agreed"]


class MeetingStateSerializer(serializers.Serializer):
    pupil = serializers.IntegerField()
    name = serializers.CharField()
    held = serializers.IntegerField()
    planned = serializers.IntegerField()
    state = serializers.CharField()


class SnapshotSerializer(serializers.ModelSerializer):
    cycle = VisibleField(visible=lambda m: visible(Cycle, m).exclude(stage=Stage.CLOSED),
                         write_only=True)
    parent_help = serializers.CharField(write_only=True, required=False, allow_blank=True)
    pdf_ready = serializers.SerializerMethodField()

    class Meta:
        model = PlanSnapshot
        fields = ["id", "pupil", "cycle", "shared_at", "content", "parent_help", "pdf_ready"]
        read_only_fields = ["pupil", "shared_at", "content"]

    def get_pdf_ready(self, snapshot) -> bool:
        return bool(snapshot.pdf)


class ViewsSerializer(serializers.ModelSerializer):
    pupil = VisibleField(visible=pupils_visible_to)

    class Meta:
        model = ParentContribution
        fields = ["id", "pupil", "views", "created_at"]
        read_only_fields = ["created_at"]


def pdf_response(snapshot):
    if not snapshot.pdf:
        raise Http404("The PDF is still being prepared.")
    return FileResponse(snapshot.pdf.open("rb"), as_attachment=True,
                        filename=f"plan-{snapshot.pk}.pdf", content_type="application/pdf")


@extend_validation_errors(["invalid"], field_name="state", actions=["states"], methods=["get"])
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     mixins.CreateModelMixin, SchoolScopedViewSet):
    """Meetings with parents, held or planned. Planned ones invite the parents."""

    model = ParentMeeting
    serializer_class = MeetingSerializer
    default_required = Action.VIEW_PLANS
    required = {"create": Action.RECORD_MEETINGS}

    def visible_queryset(self):
        return ParentMeeting.objects.filter(pupil__in=pupils_visible_to(self.membership))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = call_service(services.meeting_save, pupil=data.pop("pupil"),
                                           actor=self.request.user, **data)

    @extend_schema(responses=MeetingStateSerializer(many=True), parameters=[
        OpenApiParameter("state", enum=MeetingState.values, description="Only this state.")])
    @action(detail=False, methods=["get"], pagination_class=None)
    def states(self, request, *args, **kwargs):
        """Per pupil on SEN support this school year: held, planned, and on track / at risk
        / missed (Code 6.65). Filter with ``state``."""
        wanted = request.query_params.get("state")
        if wanted and wanted not in MeetingState.values:
            raise ValidationError({"state": [f"Choose one of {', '.join(MeetingState.values)}."]})
        pupils = on_sen_support(pupils_visible_to(self.membership))
        meetings = meetings_by_pupil(pupils)
        if wanted:
            pupils = pupils.filter(pk__in=[pk for pk, m in meetings.items() if m.state == wanted])
        rows = [{"pupil": p.pk, "name": p.full_name, "held": meetings[p.pk].held,
                 "planned": meetings[p.pk].planned, "state": meetings[p.pk].state}
                for p in pupils.order_by("last_name", "first_name", "pk").only(
                    "first_name", "last_name") if p.pk in meetings]
        return Response(MeetingStateSerializer(rows, many=True).data)


class SharedPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, SchoolScopedViewSet):
    """Plans shared with parents (staff). Creating one shares a cycle's plan."""

    model = PlanSnapshot
    serializer_class = SnapshotSerializer
    default_required = Action.VIEW_PLANS
    required = {"create": Action.SHARE_PLANS}

    def visible_queryset(self):
        return PlanSnapshot.objects.filter(pupil__in=pupils_visible_to(self.membership))

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = call_service(services.plan_share, cycle=data["cycle"],
                                           actor=self.request.user,
                                           parent_help=data.get("parent_help", ""))

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, *args, **kwargs):
        return pdf_response(self.get_object())


class FamilyPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        SchoolScopedViewSet):
    """For parents: the plans shared about their own children, and their PDFs."""

    model = PlanSnapshot
    serializer_class = SnapshotSerializer
    default_required = Action.FAMILY

    def visible_queryset(self):
        return PlanSnapshot.objects.filter(pupil__in=pupils_visible_to(self.membership))

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, *args, **kwargs):
        return pdf_response(self.get_object())


class FamilyViewsViewSet(mixins.CreateModelMixin, SchoolScopedViewSet):
    """For parents: views for the next review of their child's plan."""

    model = ParentContribution
    serializer_class = ViewsSerializer
    default_required = Action.FAMILY

    def visible_queryset(self):
        return ParentContribution.objects.filter(parent=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = call_service(services.views_add, pupil=data["pupil"],
                                           parent=self.request.user, views=data["views"])
