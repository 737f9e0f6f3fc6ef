"""The API for escalation: readiness per pupil, decisions, requests with their clock and
the LA's decisions, and the evidence bundle as JSON."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.pupils.access import access_pupil
from apps.pupils.models import Pupil
from apps.pupils.selectors import pupils_visible_to
from apps.schools.api import SchoolScopedViewSet, VisibleField, call_service
from apps.schools.roles import Action
from backend.openapi import ErrorResponse409Serializer

from . import rules, services
from .access import (
    access_annual_review,
    access_ehc_request,
    annual_reviews_visible_to,
    decisions_visible_to,
    ehc_requests_visible_to,
)
from .annual_review import annual_review_save, steps
from .models import AnnualReview, ClockException, EhcRequest, EscalationDecision
from .selectors import clock, deadlines, readiness_by_pupil


class ClockExceptionSerializer(serializers.ModelSerializer):
    regulation = serializers.CharField(read_only=True)

    class Meta:
        model = ClockException
        fields = ["id", "deadline", "reason", "details", "starts_on", "ends_on", "regulation"]


class DeadlineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=rules.Deadline.choices)
    label = serializers.CharField()
    whose = serializers.CharField()
    due_on = serializers.DateField()
    expected_on = serializers.DateField(help_text="Later than due_on by an exception's length.")
    done_on = serializers.DateField(allow_null=True)
    missed = serializers.BooleanField()
    annotation = serializers.CharField(help_text="The exception in words, or empty.")


class StepsSerializer(serializers.Serializer):
    advice_requested_on = serializers.DateField(required=False, allow_null=True)
    advice_sent_on = serializers.DateField(required=False, allow_null=True)
    draft_plan_on = serializers.DateField(required=False, allow_null=True)
    comments_sent_on = serializers.DateField(required=False, allow_null=True)


class RequestSerializer(serializers.ModelSerializer):
    pupil = VisibleField(visible=pupils_visible_to)
    decide_by = serializers.DateField(read_only=True)
    not_issue_notice_by = serializers.DateField(read_only=True)
    final_plan_by = serializers.DateField(read_only=True)
    next_deadline = serializers.SerializerMethodField()
    deadline_missed = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    exceptions = ClockExceptionSerializer(many=True, read_only=True)

    class Meta:
        model = EhcRequest
        fields = ["id", "pupil", "requester", "parents_informed_on", "received_on", "status",
                  "assessment_decided_on", "plan_decided_on", "advice_requested_on",
                  "advice_sent_on", "draft_plan_on", "comments_sent_on", "decide_by",
                  "not_issue_notice_by", "final_plan_by", "next_deadline", "deadline_missed",
                  "deadlines", "exceptions"]
        read_only_fields = ["status", "assessment_decided_on", "plan_decided_on",
                            "advice_requested_on", "advice_sent_on", "draft_plan_on",
                            "comments_sent_on"]

    # One reading of the request's dates per row, shared by the three fields below.
    def to_representation(self, instance):
        self._deadlines = deadlines(instance)
        return super().to_representation(instance)

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, request):
        return DeadlineSerializer(self._deadlines, many=True).data

    def get_next_deadline(self, request) -> str | None:
        due = clock(request, dates=self._deadlines).due_on
        return due.isoformat() if due else None

    def get_deadline_missed(self, request) -> bool:
        return clock(request, dates=self._deadlines).missed


class LaDecisionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[s for s in rules.RequestStatus.values
                                               if s != rules.RequestStatus.REQUESTED])
    on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True)


class EscalationDecisionSerializer(serializers.ModelSerializer):
    pupil = VisibleField(visible=pupils_visible_to)

    class Meta:
        model = EscalationDecision
        fields = ["id", "pupil", "decided_on", "decision", "reason", "signals"]
        read_only_fields = ["signals"]
        extra_kwargs = {"decided_on": {"required": False}}


class ReadinessSerializer(serializers.Serializer):
    pupil = serializers.IntegerField()
    name = serializers.CharField()
    recommendation = serializers.CharField()
    signals = serializers.ListField(child=serializers.DictField())


class EhcRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, SchoolScopedViewSet):
    """Requests for an EHC needs assessment and their statutory dates (``?open=true``)."""

    model = EhcRequest
    serializer_class = RequestSerializer
    default_required = Action.VIEW_PLANS
    required = {"create": Action.MANAGE_ESCALATION, "outcome": Action.MANAGE_ESCALATION,
                "steps": Action.MANAGE_ESCALATION, "exception": Action.MANAGE_ESCALATION}

    access = staticmethod(access_ehc_request)

    def visible_queryset(self):
        requests = ehc_requests_visible_to(self.membership).prefetch_related("exceptions")
        if self.request.query_params.get("open") == "true":
            requests = requests.filter(status__in=rules.OPEN)
        return requests

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = call_service(services.request_record, pupil=data.pop("pupil"),
                                           actor=self.request.user, **data)

    @extend_schema(request=LaDecisionSerializer, responses=RequestSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, *args, **kwargs):
        """Record the LA's decision; an issued plan puts the pupil on the register as E."""
        ehc_request = self.get_object()
        data = LaDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.request_outcome, request=ehc_request, actor=request.user,
                     **data.validated_data)
        return Response(RequestSerializer(ehc_request,
                                          context=self.get_serializer_context()).data)

    @extend_schema(request=StepsSerializer, responses=RequestSerializer)
    @action(detail=True, methods=["post"])
    def steps(self, request, *args, **kwargs):
        """Record the dates of the assessment's steps (those sent; the rest stay)."""
        data = StepsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ehc_request = call_service(services.request_steps, request=self.get_object(),
                                   actor=request.user, **data.validated_data)
        return Response(RequestSerializer(ehc_request,
                                          context=self.get_serializer_context()).data)

    @extend_schema(request=ClockExceptionSerializer, responses={201: ClockExceptionSerializer})
    @action(detail=True, methods=["post"])
    def exception(self, request, *args, **kwargs):
        """Record an exception to one of the LA's time limits (regs 5(4), 10(4), 13(3))."""
        ehc_request = self.get_object()
        data = ClockExceptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = call_service(services.exception_record, request=ehc_request,
                            actor=request.user, **data.validated_data)
        return Response(ClockExceptionSerializer(made).data, status=201)


class EscalationDecisionViewSet(mixins.ListModelMixin, mixins.CreateModelMixin,
                                SchoolScopedViewSet):
    """The SENCO's decisions, including decisions not to request."""

    model = EscalationDecision
    serializer_class = EscalationDecisionSerializer
    default_required = Action.VIEW_PLANS
    required = {"create": Action.MANAGE_ESCALATION}

    def visible_queryset(self):
        return decisions_visible_to(self.membership)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = call_service(services.decision_record, pupil=data.pop("pupil"),
                                           actor=self.request.user, **data)


class ReadinessViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       SchoolScopedViewSet):
    """Signals and the recommendation per pupil (``?recommendation=strong``); a pupil's
    ``evidence`` is the bundle as JSON."""

    model = Pupil
    serializer_class = ReadinessSerializer
    default_required = Action.VIEW_PLANS
    access = staticmethod(access_pupil)

    def visible_queryset(self):
        return pupils_visible_to(self.membership).order_by("last_name", "first_name", "pk")

    def rows(self, pupils):
        readiness = readiness_by_pupil([p.pk for p in pupils], self.school)
        return [{"pupil": p.pk, "name": p.full_name,
                 "recommendation": readiness[p.pk].recommendation,
                 "signals": [{"code": s.code, "reason": s.reason,
                              "records": [{"kind": r.kind, "id": r.id} for r in s.records]}
                             for s in readiness[p.pk].signals]} for p in pupils]

    def list(self, request, *args, **kwargs):
        rows = self.rows(list(self.visible_queryset()))
        wanted = request.query_params.get("recommendation")
        rows = [r for r in rows if not wanted or r["recommendation"] == wanted]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ReadinessSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.rows([self.get_object()])[0])

    @extend_schema(responses={200: dict, 409: ErrorResponse409Serializer})
    @action(detail=True, methods=["get"])
    def evidence(self, request, *args, **kwargs):
        """The evidence bundle under the Code's 9.14 headings, as JSON; 409 while the pupil
        holds an EHC plan or a request is with the local authority."""
        return Response(call_service(services.evidence_bundle, pupil=self.get_object()))


class OutcomeProgressSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    progress = serializers.CharField(required=False, allow_blank=True, default="")


class StepSerializer(serializers.Serializer):
    label = serializers.CharField()
    due_on = serializers.DateField()
    done_on = serializers.DateField(allow_null=True)
    missed = serializers.BooleanField()


class AnnualReviewSerializer(serializers.ModelSerializer):
    """An annual review of a pupil's EHC plan, with its dated steps (read only)."""

    pupil = VisibleField(visible=pupils_visible_to)
    outcomes = OutcomeProgressSerializer(many=True, required=False)
    steps = serializers.SerializerMethodField()

    class Meta:
        model = AnnualReview
        fields = ["id", "pupil", "meeting_on", "held", "invitations_sent_on", "parent_views",
                  "pupil_views", "outcomes", "proposed_amendments", "transfer",
                  "report_sent_on", "decision", "decision_on", "steps"]

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, review):
        return StepSerializer(steps(review), many=True).data


class AnnualReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.CreateModelMixin, mixins.UpdateModelMixin,
                          SchoolScopedViewSet):
    """Annual reviews of EHC plans (SEND Regulations 2014 regs 18-22)."""

    model = AnnualReview
    serializer_class = AnnualReviewSerializer
    default_required = Action.VIEW_PLANS
    required = {"create": Action.MANAGE_ESCALATION, "update": Action.MANAGE_ESCALATION,
                "partial_update": Action.MANAGE_ESCALATION}
    access = staticmethod(access_annual_review)

    def visible_queryset(self):
        return annual_reviews_visible_to(self.membership)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = call_service(annual_review_save, pupil=data.pop("pupil"),
                                           actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        review = serializer.instance
        if data.pop("pupil", review.pupil).pk != review.pupil_id:
            raise serializers.ValidationError({"pupil": ["A review stays with its pupil."]})
        serializer.instance = call_service(annual_review_save, pupil=review.pupil,
                                           actor=self.request.user, review=review, **data)
