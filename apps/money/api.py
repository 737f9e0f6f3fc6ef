"""The API for money: settings, SEN budgets, spend per pupil, the provision map, what works
and what it costs, and top-up requests with their decisions and PDF."""


from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.pupils.rules import NeedArea, YearGroup
from apps.pupils.selectors import pupils_visible_to
from apps.schools.api import SchoolScopedViewSet, call_service
from apps.schools.roles import Action
from backend.pdf import render_pdf

from . import services
from .access import access_top_up, top_ups_visible_to
from .costing import to_pence
from .models import CostSettings, SenBudget, TopUpRequest
from .provision_map import provision_map
from .selectors import spend_by_pupil, year_rules_asked
from .serializers import (
    CostSettingsSerializer,
    DecisionSerializer,
    PupilSpendSerializer,
    SenBudgetSerializer,
    TopUpRequestSerializer,
)
from .what_works import WHAT_WORKS_CAVEAT, what_works


class MoneyViewSet(SchoolScopedViewSet):
    default_required = Action.VIEW_MONEY


class CostSettingsViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, MoneyViewSet):
    """Dated cost settings; a change is a new row from its date on."""

    model = CostSettings
    serializer_class = CostSettingsSerializer
    pagination_class = None
    required = {"create": Action.MANAGE_MONEY}

    def visible_queryset(self):
        return CostSettings.objects.all()

    def perform_create(self, serializer):
        serializer.instance = call_service(services.cost_settings_save, school=self.school,
                                           actor=self.request.user, **serializer.validated_data)


class SenBudgetViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, MoneyViewSet):
    """The notional SEN budget per budget year."""

    model = SenBudget
    serializer_class = SenBudgetSerializer
    pagination_class = None
    required = {"create": Action.MANAGE_MONEY}

    def visible_queryset(self):
        return SenBudget.objects.order_by("year_start")

    def perform_create(self, serializer):
        serializer.instance = call_service(services.sen_budget_save, school=self.school,
                                           actor=self.request.user, **serializer.validated_data)


class SpendViewSet(mixins.ListModelMixin, MoneyViewSet):
    """Each pupil's cost this budget year against the threshold. Filter with ``state``."""

    model = TopUpRequest  # for the schema only; the rows are computed
    serializer_class = PupilSpendSerializer

    def visible_queryset(self):
        return pupils_visible_to(self.membership).order_by("last_name", "first_name", "pk")

    @extend_schema(responses=PupilSpendSerializer(many=True))
    def list(self, request, *args, **kwargs):
        pupils = list(self.visible_queryset())
        year = year_rules_asked(self.school, request.query_params.get("year"))
        spend = spend_by_pupil([p.pk for p in pupils], self.school, rules_=year)
        state = request.query_params.get("state")
        rows = [{"pupil": p.pk, "name": p.full_name, **vars(spend[p.pk]),
                 "share_percent": spend[p.pk].share_percent,
                 "uncovered": spend[p.pk].uncovered}
                for p in pupils if not state or spend[p.pk].state == state]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(PupilSpendSerializer(page, many=True).data)


class ProvisionMapViewSet(mixins.ListModelMixin, MoneyViewSet):
    """The provision map for a budget year (``?year=`` any day in it; default: this one)."""

    model = TopUpRequest  # for the schema only
    pagination_class = None

    def visible_queryset(self):
        return TopUpRequest.objects.none()

    @extend_schema(responses={200: dict})
    def list(self, request, *args, **kwargs):
        year = year_rules_asked(self.school, request.query_params.get("year"))
        m = provision_map(self.school, year, timezone.localdate())

        def text(amount):  # money travels as exact decimal strings, never floats
            return None if amount is None else f"{amount:.2f}"

        def lines(items):
            return [{"label": line.label, "pupils": line.pupil_count, "groups": line.groups,
                     "staff_hours_a_week": text(line.hours), "planned_cost": text(line.cost),
                     "delivered_cost": text(line.delivered_cost),
                     "projected_cost": text(line.projected_cost)} for line in items]

        return Response({
            "year": {"start": m.year.start, "end": m.year.end,
                     "school_weeks": f"{float(m.school_weeks):.1f}",
                     "default_calendar": m.default_calendar},
            "totals": lines([m.total])[0] | {"budget": text(m.budget),
                                             "budget_left": text(m.budget_left)},
            "by_provision": lines(m.by_provision), "by_pupil": lines(m.by_pupil),
            "by_need_area": lines(m.by_need_area),
            "by_intervention_area": lines(m.by_intervention_area),
            "by_year_group": lines(m.by_year_group),
            "detail": [{
                "provision": item.provision_id, "pupil": item.pupil_id, "name": item.pupil,
                "upn": item.upn, "year_group": item.year_group, "need_area": item.need_area,
                "intervention_area": item.intervention_area,
                "intervention": item.intervention, "staff_type": item.staff_type,
                "timetable": item.timetable, "start": item.start, "end": item.end,
                "staff_hours_a_week": text(to_pence(item.weekly_hours)),
                "planned_cost": text(item.planned), "delivered_cost": text(item.delivered),
                "projected_cost": text(item.projected)} for item in m.detail],
        })


class TopUpRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.CreateModelMixin, mixins.UpdateModelMixin, MoneyViewSet):
    """Element 3 top-up requests: drafted from a pupil's projected cost, then submitted,
    approved, declined or withdrawn."""

    model = TopUpRequest
    serializer_class = TopUpRequestSerializer
    steps = {"submit": services.top_up_submit, "approve": services.top_up_approve,
             "decline": services.top_up_decline, "withdraw": services.top_up_withdraw}
    required = {name: Action.MANAGE_TOP_UPS
                for name in ("create", "update", "partial_update", *steps)}

    access = staticmethod(access_top_up)

    def visible_queryset(self):
        return top_ups_visible_to(self.membership).select_related("pupil")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = call_service(
            services.top_up_draft, pupil=data["pupil"], actor=self.request.user,
            amount=data.get("amount_requested"), reason=data.get("reason", ""))

    def perform_update(self, serializer):
        data = serializer.validated_data
        instance = serializer.instance
        call_service(services.top_up_update, request=instance, actor=self.request.user,
                     amount_requested=data.get("amount_requested", instance.amount_requested),
                     reason=data.get("reason", instance.reason))

    def _decide(self, request, step):
        top_up = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        arguments = {"on": values["on"]}
        if step == "approve":
            arguments |= {"amount": values.get("approved_amount"),
                          "period_start": values.get("period_start"),
                          "period_end": values.get("period_end")}
        if step == "decline":
            arguments["reason"] = values.get("decline_reason", "")
        call_service(self.steps[step], request=top_up, actor=request.user, **arguments)
        return Response(TopUpRequestSerializer(top_up, context=self.get_serializer_context())
                        .data)

    @extend_schema(request=DecisionSerializer, responses=TopUpRequestSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        return self._decide(request, "submit")

    @extend_schema(request=DecisionSerializer, responses=TopUpRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        return self._decide(request, "approve")

    @extend_schema(request=DecisionSerializer, responses=TopUpRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        return self._decide(request, "decline")

    @extend_schema(request=DecisionSerializer, responses=TopUpRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        return self._decide(request, "withdraw")

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, *args, **kwargs):
        top_up = self.get_object()
        body = render_pdf("money/top_up_pdf.html", {"top_up": top_up, "school": self.school,
                                                   "evidence": top_up.evidence})
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="top-up-{top_up.pk}.pdf"'
        return response




class WhatWorksQuerySerializer(serializers.Serializer):
    year = serializers.DateField(required=False, help_text="Any day of the budget year; "
                                 "default: this one.")
    year_group = serializers.ChoiceField(choices=YearGroup.choices, required=False)
    need_area = serializers.ChoiceField(choices=NeedArea.choices, required=False)


@extend_validation_errors(["invalid"], field_name="year", actions=["list"], methods=["get"])
@extend_validation_errors(["invalid_choice"], field_name="year_group", actions=["list"],
                          methods=["get"])
@extend_validation_errors(["invalid_choice"], field_name="need_area", actions=["list"],
                          methods=["get"])
class WhatWorksViewSet(MoneyViewSet):
    """What works and what it costs, as its page shows it (money/what_works.py): money as
    exact decimal strings."""

    model = TopUpRequest  # for the schema only
    pagination_class = None

    def visible_queryset(self):
        return TopUpRequest.objects.none()

    @extend_schema(parameters=[WhatWorksQuerySerializer], responses={200: dict})
    def list(self, request, *args, **kwargs):
        asked = WhatWorksQuerySerializer(data=request.query_params)
        asked.is_valid(raise_exception=True)
        year = asked.validated_data.get("year")
        found = what_works(
            year_rules_asked(self.school, year.isoformat() if year else None),
            timezone.localdate(), year_group=asked.validated_data.get("year_group"),
            need_area=asked.validated_data.get("need_area"))

        def text(amount):
            return None if amount is None else f"{amount:.2f}"

        def line(row):
            return {"intervention": row.name, "pupils": row.pupil_count,
                    "few_pupils": row.few, "sessions_planned": f"{row.planned:f}",
                    "sessions_delivered": row.delivered_sessions,
                    "delivered_percent": row.delivered_percent,
                    "outcomes_rated": row.rated, "outcomes_achieved": row.achieved,
                    "cost": text(row.cost), "cost_per_outcome_achieved":
                    text(row.cost_per_achieved)}

        return Response({"year": {"start": found.year.start, "end": found.year.end},
                         "figures_to": found.until, "caveat": WHAT_WORKS_CAVEAT,
                         "interventions": [line(row) for row in found.rows],
                         "total": line(found.total)})
