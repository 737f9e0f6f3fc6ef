"""The API for parents' work: meetings and their state per pupil, sharing plans (staff),
and the family endpoints, through which a parent sees only what was shared about their
own children."""

from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from apps.plans.models import Cycle
from apps.plans.rules import Stage
from apps.plans.selectors import visible
from apps.pupils.selectors import pupils_visible_to
from apps.reviews.access import reviews_visible_to
from apps.reviews.models import ParentViews
from apps.schools.api import SchoolScopedViewSet, VisibleField, call_service
from apps.schools.roles import Action

from . import services
from .access import (
    access_meeting,
    access_shared_plan,
    meetings_visible_to,
    shared_plans_visible_to,
)
from .models import ParentMeeting, PlanSnapshot


class MeetingSerializer(serializers.ModelSerializer):
    pupil = VisibleField(visible=pupils_visible_to)
    review = VisibleField(visible=reviews_visible_to, required=False, allow_null=True,
                          help_text="The review this meeting was: it counts once.")
    unusual_time_confirmed = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text="Needed for a time before 07:00 or after 20:00.")

    class Meta:
        model = ParentMeeting
        fields = ["id", "pupil", "date", "time", "minutes", "place", "held", "kind", "review",
                  "attendees", "parent_views", "agreed", "unusual_time_confirmed"]


class SnapshotSerializer(serializers.ModelSerializer):
    cycle = VisibleField(visible=lambda m: visible(Cycle, m).exclude(stage=Stage.CLOSED),
                         write_only=True)
    parent_help = serializers.CharField(write_only=True, required=False, allow_blank=True)
    pupil_views_missing_because = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=300,
        help_text="Needed while the cycle has no pupil's views: why they are not recorded.")
    pdf_ready = serializers.SerializerMethodField()

    class Meta:
        model = PlanSnapshot
        fields = ["id", "pupil", "cycle", "shared_at", "content", "parent_help",
                  "pupil_views_missing_because", "pdf_ready"]
        read_only_fields = ["pupil", "shared_at", "content"]

    def get_pdf_ready(self, snapshot) -> bool:
        return bool(snapshot.pdf)


class ViewsSerializer(serializers.ModelSerializer):
    pupil = VisibleField(visible=pupils_visible_to)

    class Meta:
        model = ParentViews
        fields = ["id", "pupil", "views", "created_at"]
        read_only_fields = ["created_at"]


def pdf_response(snapshot):
    if not snapshot.pdf:
        raise Http404("The PDF is still being prepared.")
    return FileResponse(snapshot.pdf.open("rb"), as_attachment=True,
                        filename=f"plan-{snapshot.pk}.pdf", content_type="application/pdf")


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     mixins.CreateModelMixin, SchoolScopedViewSet):
    """Meetings with parents, held or planned. Planned ones invite the parents."""

    model = ParentMeeting
    serializer_class = MeetingSerializer
    default_required = Action.VIEW_PLANS
    required = {"create": Action.RECORD_MEETINGS}

    access = staticmethod(access_meeting)

    def visible_queryset(self):
        return meetings_visible_to(self.membership)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = call_service(services.meeting_save, pupil=data.pop("pupil"),
                                           actor=self.request.user, **data)


class SharedPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, SchoolScopedViewSet):
    """Plans shared with parents (staff). Creating one shares a cycle's plan."""

    model = PlanSnapshot
    serializer_class = SnapshotSerializer
    default_required = Action.VIEW_PLANS
    required = {"create": Action.SHARE_PLANS}
    access = staticmethod(access_shared_plan)

    def visible_queryset(self):
        return shared_plans_visible_to(self.membership)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = call_service(services.plan_share, cycle=data["cycle"],
                                           actor=self.request.user,
                                           parent_help=data.get("parent_help", ""),
                                           pupil_views_missing_because=data.get(
                                               "pupil_views_missing_because"))

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
    access = staticmethod(access_shared_plan)

    def visible_queryset(self):
        return shared_plans_visible_to(self.membership)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, *args, **kwargs):
        return pdf_response(self.get_object())


class FamilyViewsViewSet(mixins.CreateModelMixin, SchoolScopedViewSet):
    """For parents: views for the next review of their child's plan."""

    model = ParentViews
    serializer_class = ViewsSerializer
    default_required = Action.FAMILY

    def visible_queryset(self):
        return ParentViews.objects.filter(parent=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = call_service(services.views_add, pupil=data["pupil"],
                                           parent=self.request.user, views=data["views"])
