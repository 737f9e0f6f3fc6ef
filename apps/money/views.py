"""Money pages: the overview, settings, the SEN budget, the provision map with its
exports, and top-up requests from draft to decision, with the request PDF."""


import datetime

from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from apps.audit.trail import record_access
from apps.pupils.selectors import pupils_visible_to
from apps.pupils.views import PupilPage
from apps.schools.calendar import ONE_DAY
from apps.schools.roles import Action, role_may
from apps.schools.views import FormPage, SchoolView
from backend.pdf import render_pdf

from . import exports, services
from .access import access_top_up
from .charts import map_charts
from .forms import (
    ApproveForm,
    CostSettingsForm,
    DeclineForm,
    SenBudgetForm,
    SubmitForm,
    TopUpChangeForm,
    TopUpDraftForm,
    WhatWorksFilterForm,
    WithdrawForm,
)
from .models import SenBudget, TopUpRequest
from .provision_map import provision_map
from .rules import SpendState, TopUpStatus
from .selectors import (
    settings_history,
    settings_on,
    spend_by_pupil,
    year_rules,
    year_rules_asked,
)
from .what_works import WHAT_WORKS_CAVEAT, what_works


def money_url(school, name="overview", **kwargs):
    return reverse(f"money:{name}", kwargs={"school": school.slug, **kwargs})


class OverviewView(SchoolView, TemplateView):
    action = Action.VIEW_MONEY
    template_name = "money/overview.html"

    def get_context_data(self, **kwargs):
        rules_ = year_rules(self.school)
        pupils = list(pupils_visible_to(self.membership))
        spend = spend_by_pupil([p.pk for p in pupils], self.school, rules_=rules_)
        names = {p.pk: p for p in pupils}
        watch = sorted(((names[pk], s) for pk, s in spend.items()
                        if s.state != SpendState.UNDER),
                       key=lambda pair: -pair[1].projected)
        return super().get_context_data(**kwargs) | {
            "year": rules_, "settings": settings_on(settings_history(self.school),
                                                    timezone.localdate()),
            "watch": watch,
            "budget": SenBudget.objects.filter(year_start=rules_.period.start).first(),
            "requests": TopUpRequest.objects.select_related("pupil")[:20],
            "may_manage": role_may(self.membership.role, Action.MANAGE_MONEY),
        }


class SettingsView(FormPage):
    action = Action.MANAGE_MONEY
    form_class = CostSettingsForm
    title = "Cost settings"
    submit = "Save settings"
    intro = ("Hourly rates include on-costs. The element 2 threshold is £6,000 unless your "
             "local authority sets another figure.")

    def get_initial(self):
        current = settings_on(settings_history(self.school), timezone.localdate())
        return {name: getattr(current, name) for name in services.SETTINGS_FIELDS} | {
            "effective_from": timezone.localdate().isoformat()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"caption": self.school.name,
                                                     "back_url": money_url(self.school)}

    def perform(self, data):
        services.cost_settings_save(school=self.school, actor=self.request.user, **data)
        return money_url(self.school), "The cost settings have been saved."


class BudgetView(FormPage):
    action = Action.MANAGE_MONEY
    form_class = SenBudgetForm
    submit = "Save budget"

    @property
    def title(self):
        year = year_rules(self.school).period
        return f"Notional SEN budget, {year.start:%Y} to {year.end:%Y}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"caption": self.school.name,
                                                     "back_url": money_url(self.school)}

    def perform(self, data):
        services.sen_budget_save(school=self.school, actor=self.request.user,
                                 year_start=year_rules(self.school).period.start, **data)
        return money_url(self.school), "The SEN budget has been saved."


class ProvisionMapView(SchoolView, TemplateView):
    """The provision map on a page, or as CSV, XLSX or PDF (``?download=``)."""

    action = Action.VIEW_MONEY
    template_name = "money/provision_map.html"
    pupils_per_page = 50  # the page lists pupils 50 at a time; the downloads list them all
    downloads = {
        "csv": ("text/csv; charset=utf-8", "csv", lambda m, s: exports.as_csv(m)),
        "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "xlsx", lambda m, s: exports.as_xlsx(m)),
        "pdf": ("application/pdf", "pdf", exports.as_pdf),
    }

    def get(self, request, *args, **kwargs):
        kind = request.GET.get("download")
        if kind is None:
            return super().get(request, *args, **kwargs)
        if kind not in self.downloads:
            raise Http404("No such download.")
        content_type, extension, render = self.downloads[kind]
        year = year_rules_asked(self.school, request.GET.get("year"))
        map_ = provision_map(self.school, year, timezone.localdate())
        record_access(self.school, path=request.get_full_path(), school_id=self.school.pk,
                      pupils=sorted(map_.total.pupils))
        response = HttpResponse(render(map_, self.school), content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="provision-map-{self.school.slug}-'
            f'{map_.year.start:%Y}.{extension}"')
        return response

    def get_context_data(self, **kwargs):
        year = year_rules_asked(self.school, self.request.GET.get("year"))
        map_ = provision_map(self.school, year, timezone.localdate(), with_detail=False)
        pupils, query = self.page_of(map_.by_pupil, self.pupils_per_page)
        by_need, by_year = map_charts(map_)
        return super().get_context_data(**kwargs) | {
            "map": map_, "pupils": pupils, "query": query,
            "by_need_chart": by_need, "by_year_chart": by_year}


class WhatWorksPage(TemplateView):
    """What works and what it costs (what_works.py) on a page, or as CSV or XLSX with
    ``?download=``; filtered by year group and area of need (and budget year, where the
    page offers it). A filter value that does not exist is a 400, an unknown download a
    404: nothing is shown for a question that was not asked. A page supplies ``years``
    (the budget years it offers, or none), ``figures`` and ``filename``."""

    downloads = {
        "csv": ("text/csv; charset=utf-8", "csv", exports.what_works_csv),
        "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "xlsx", exports.what_works_xlsx),
    }

    def years(self) -> list[tuple[str, str]]:
        return []

    def figures(self, asked: dict):
        raise NotImplementedError

    def filename(self, found) -> str:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        kind = request.GET.get("download")
        if kind is not None and kind not in self.downloads:
            raise Http404("No such download.")
        years = self.years()
        form = WhatWorksFilterForm(request.GET or None, years=years)
        if not years:
            del form.fields["year"]
        if form.is_bound and not form.is_valid():
            raise BadRequest("; ".join(error for errors in form.errors.values()
                                       for error in errors))
        found = self.figures(form.cleaned_data if form.is_bound else {})
        if kind is None:
            return self.render_to_response(self.get_context_data(
                form=form, found=found, caveat=WHAT_WORKS_CAVEAT,
                query=request.GET.urlencode()))
        content_type, extension, render = self.downloads[kind]
        response = HttpResponse(render(found), content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{self.filename(found)}.{extension}"')
        return response


class WhatWorksView(SchoolView, WhatWorksPage):
    action = Action.VIEW_MONEY
    template_name = "money/what_works.html"
    years_offered = 3  # this budget year and the two before

    def years(self):
        # Budget years by their first day: the latest few, and an earlier one asked for.
        days = [timezone.localdate()]
        for _ in range(self.years_offered - 1):
            days.append(year_rules(self.school, days[-1]).period.start - ONE_DAY)
        if asked_day := _day(self.request.GET.get("year")):
            days.append(asked_day)
        periods = sorted({year_rules(self.school, day).period for day in days},
                         key=lambda period: period.start, reverse=True)
        return [(period.start.isoformat(), f"{period.start:%B %Y} to {period.end:%B %Y}")
                for period in periods]

    def figures(self, asked):
        rules_ = year_rules_asked(self.school, asked.get("year") or None)
        return what_works(rules_, timezone.localdate(), year_group=asked.get("year_group"),
                          need_area=asked.get("need_area") or None)

    def filename(self, found):
        return f"what-works-{self.school.slug}-{found.year.start:%Y}"


def _day(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return None


class TopUpDraftView(PupilPage, FormPage):
    action = Action.MANAGE_TOP_UPS
    form_class = TopUpDraftForm
    title = "Draft a top-up request"
    submit = "Draft the request"

    def get_context_data(self, **kwargs):
        spend = spend_by_pupil([self.pupil.pk], self.school)
        return super().get_context_data(**kwargs) | {
            "caption": self.pupil.full_name,
            "intro": self.describe(spend[self.pupil.pk]),
            "back_url": reverse("caseload:pupil", kwargs={"school": self.school.slug,
                                                        "pupil_id": self.pupil.pk})}

    @staticmethod
    def describe(spend):
        return (f"Projected cost this year: £{spend.projected:,.2f} against the £"
                f"{spend.threshold:,.2f} the school meets from its notional SEN budget "
                f"(£{spend.above_threshold:,.2f} above it). The request carries the costed "
                "provision and every cycle so far as evidence.")

    def perform(self, data):
        request = services.top_up_draft(pupil=self.pupil, actor=self.request.user,
                                        amount=data["amount_requested"],
                                        reason=data["reason"])
        return money_url(self.school, "top_up", request_id=request.pk), (
            "The top-up request has been drafted.")


class TopUpPage:
    """A page about one top-up request, reached only through a pupil the member sees."""

    def resolve_objects(self, *, request_id):
        self.top_up = access_top_up(self.membership, request_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "top_up": self.top_up, "caption": self.top_up.pupil.full_name,
            "back_url": money_url(self.school, "top_up", request_id=self.top_up.pk)}


class TopUpView(TopUpPage, SchoolView, TemplateView):
    action = Action.VIEW_MONEY
    template_name = "money/top_up.html"

    def get_context_data(self, **kwargs):
        may = role_may(self.membership.role, Action.MANAGE_TOP_UPS)
        status = self.top_up.status
        return super().get_context_data(**kwargs) | {
            "back_url": money_url(self.school),
            "may_change": may and status == TopUpStatus.DRAFT,
            "may_submit": may and status == TopUpStatus.DRAFT,
            "may_decide": may and status == TopUpStatus.SUBMITTED,
            "may_withdraw": may and status in (TopUpStatus.DRAFT, TopUpStatus.SUBMITTED)}


class TopUpActionView(TopUpPage, FormPage):
    """One of: change, submit, approve, decline, withdraw (``step`` from the URL)."""

    action = Action.MANAGE_TOP_UPS
    service_field_map = {"decided_on": "on", "submitted_on": "on"}
    steps = {
        "change": (TopUpChangeForm, "Change the request", services.top_up_update),
        "submit": (SubmitForm, "Record that the request was sent", services.top_up_submit),
        "approve": (ApproveForm, "Record the approval", services.top_up_approve),
        "decline": (DeclineForm, "Record that it was declined", services.top_up_decline),
        "withdraw": (WithdrawForm, "Withdraw the request", services.top_up_withdraw),
    }

    def resolve_objects(self, *, request_id, step):
        super().resolve_objects(request_id=request_id)
        if step not in self.steps:
            raise Http404("No such step.")
        self.form_class, self.title, self.service = self.steps[step]
        self.step = step
        self.submit = self.title

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.step == "change":
            kwargs["instance"] = self.top_up
        return kwargs

    def get_initial(self):
        return {"on": timezone.localdate().isoformat()}

    def perform(self, data):
        if self.step == "approve":
            data = {"amount": data["approved_amount"], "period_start": data["period_start"],
                    "period_end": data["period_end"], "on": data["on"]}
        if self.step == "decline":
            data = {"reason": data["decline_reason"], "on": data["on"]}
        self.service(request=self.top_up, actor=self.request.user, **data)
        return (money_url(self.school, "top_up", request_id=self.top_up.pk),
                "The request has been updated.")


class TopUpPdfView(TopUpPage, SchoolView, View):
    """The request for the local authority, as a PDF."""

    action = Action.VIEW_MONEY

    def get(self, request, *args, **kwargs):
        pdf = render_pdf("money/top_up_pdf.html", {"top_up": self.top_up,
                                                  "school": self.school,
                                                  "evidence": self.top_up.evidence})
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="top-up-request-{self.top_up.pk}.pdf"')
        return response
