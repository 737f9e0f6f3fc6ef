"""The caseload's pages: the register, the pupil page and meetings with parents. Thin:
each reads its page's read model (selectors.py) and renders it."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import BadRequest
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.template.defaultfilters import pluralize, slugify
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import RedirectView, TemplateView

from apps.audit.trail import record_access
from apps.money.charts import spend_chart
from apps.money.views import WhatWorksPage
from apps.parents.rules import MeetingState
from apps.pupils.access import access_pupils
from apps.pupils.notices import notice_lines
from apps.pupils.profile_views import profile_pdf_response
from apps.pupils.rules import read_only_because
from apps.pupils.views import PupilPage
from apps.reviews.progress import outcome_progress
from apps.schools.access import access_trust
from apps.schools.calendar import school_year
from apps.schools.roles import Action, Role, role_may
from apps.schools.term_dates import school_calendar
from apps.schools.views import FormPage, SchoolView, StatusPart
from backend.pdf import render_pdf

from . import selectors
from .access import access_print_run, print_runs_of
from .bulk import (
    NEEDS,
    BulkAction,
    meetings_plan,
    plans_share,
    refusal,
    review_dates_agree,
)
from .filters import RegisterFilter
from .forms import MeetingsForm, PrintForm, ReviewDateForm, ShareForm
from .my_class import class_profiles, my_class
from .overview import overview
from .printing import print_ask, print_refusal, selection
from .support_plan_summary import summary_cycle, support_plan_summary
from .trust import trust_view, what_works_across


class SchoolHomeView(SchoolView, RedirectView):
    """A school's address leads staff to the overview, and parents to their children."""

    def get_redirect_url(self, *args, **kwargs):
        page = "register" if self.membership.role == Role.PARENT else "overview"
        return reverse(f"caseload:{page}", kwargs={"school": self.school.slug})


class OverviewView(SchoolView, TemplateView):
    """Where staff land: this week's work and the caseload in pictures (overview.py)."""

    action = Action.VIEW_PLANS
    template_name = "caseload/overview.html"

    def get_context_data(self, **kwargs):
        found = overview(self.membership, timezone.localdate())
        return super().get_context_data(**kwargs) | {
            "overview": found,
            "may_import": role_may(self.membership.role, Action.IMPORT_PUPILS),
            "may_record": role_may(self.membership.role, Action.RECORD_SESSIONS)}


class TrustView(LoginRequiredMixin, TemplateView):
    """A trust SEND lead's view of every school of the trust they lead (trust.py)."""

    template_name = "caseload/trust.html"

    def get_context_data(self, **kwargs):
        memberships = access_trust(self.request.user, kwargs["trust_id"])
        return super().get_context_data(**kwargs) | {
            "trust": trust_view(memberships, timezone.localdate())}


class TrustWhatWorksView(LoginRequiredMixin, WhatWorksPage):
    """What works and what it costs across the schools of the trust the lead leads, each
    school for its own current budget year."""

    template_name = "caseload/trust_what_works.html"

    def get(self, request, *args, **kwargs):
        self.memberships = access_trust(request.user, kwargs["trust_id"])
        return super().get(request, *args, **kwargs)

    def figures(self, asked):
        return what_works_across(self.memberships, timezone.localdate(),
                                 year_group=asked.get("year_group"),
                                 need_area=asked.get("need_area") or None)

    def filename(self, found):
        return f"what-works-trust-{found.trust.pk}"


class RegisterView(SchoolView, TemplateView):
    action = Action.VIEW_PUPILS
    template_name = "caseload/register.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        register = selectors.register(self.membership)
        filterset = RegisterFilter(self.request.GET, queryset=register, request=self.request)
        pupils = filterset.qs if filterset.is_valid() else register.none()
        page, query = self.page_of(pupils, self.page_size)
        page.object_list = selectors.register_rows(membership=self.membership,
                                                   pupils=list(page.object_list))
        record_access(self.school, path=self.request.get_full_path(), school_id=self.school.pk,
                      pupils=[row.pupil.pk for row in page.object_list])
        return super().get_context_data(**kwargs) | {
            "filter": filterset, "page": page, "query": query,
            "may_add": role_may(self.membership.role, Action.ADD_PUPIL),
            "bulk_actions": [(bulk.value, bulk.label) for bulk in BulkAction
                             if role_may(self.membership.role, NEEDS[bulk])],
            "may_print": role_may(self.membership.role, Action.VIEW_PLANS),
            "sees_money": selectors.sees_money(self.membership),
            "sees_plans": selectors.sees_plans(self.membership)}


class BulkView(FormPage):
    """A bulk action on pupils chosen on the register (bulk.py): the chosen pupils and the
    action's form on one page; on confirmation, all of it done or none. The pupils come as
    ``pupil`` ids, each through the one door (a pupil the member may not see is a 404), the
    action as ``action`` (one that does not exist is a 400)."""

    template_name = "caseload/bulk.html"
    forms = {BulkAction.REVIEW_DATE: ReviewDateForm, BulkAction.MEETINGS: MeetingsForm,
             BulkAction.SHARE: ShareForm}
    submits = {BulkAction.REVIEW_DATE: "Agree the review date",
               BulkAction.MEETINGS: "Plan the meetings and invite the parents",
               BulkAction.SHARE: "Share the plans"}

    def resolve_objects(self, **kwargs):
        asked = self.request.POST if self.request.method == "POST" else self.request.GET
        if asked.get("action") not in BulkAction.values:
            raise BadRequest("Choose what to do with the pupils.")
        self.bulk = BulkAction(asked["action"])
        self.action = NEEDS[self.bulk]
        self.pupils = access_pupils(self.membership, asked.getlist("pupil"))
        self.title = self.bulk.label
        self.submit = self.submits[self.bulk]
        self.form_class = self.forms[self.bulk]

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "bulk": self.bulk, "pupils": self.pupils, "refusal": refusal(self.pupils),
            "back_url": reverse("caseload:register", kwargs={"school": self.school.slug})}

    def perform(self, data):
        actor = self.request.user
        if self.bulk == BulkAction.REVIEW_DATE:
            done = review_dates_agree(pupils=self.pupils, actor=actor, **data)
            said = "The review date has been agreed"
        elif self.bulk == BulkAction.MEETINGS:
            done = meetings_plan(pupils=self.pupils, actor=actor, **data)
            said = "The meetings have been planned and the parents are being invited"
        else:
            done = plans_share(pupils=self.pupils, actor=actor)
            said = "The plans have been shared and the parents are being told"
        return (reverse("caseload:register", kwargs={"school": self.school.slug}),
                f"{said}: {len(done)} pupil{pluralize(len(done))}.")


class PrintView(FormPage):
    """Print for a parents' evening (printing.py): the pupils chosen on the register, by
    its filters (a class, a year group, the reviews this month: every matching pupil, not
    one page of them) or ticked one by one (``pupil`` ids, each through the one door),
    and what to print; on confirmation the run is sent to the worker and its page shows
    its progress. A filter value that does not exist is a 400."""

    action = Action.VIEW_PLANS
    template_name = "caseload/print.html"
    form_class = PrintForm
    title = "Print plans or profiles"
    submit = "Print"

    def resolve_objects(self, **kwargs):
        asked = self.request.GET
        if "chosen" in asked or "pupil" in asked:  # ticked on the register
            self.pupils = access_pupils(self.membership, asked.getlist("pupil"))
            count = len(self.pupils)
            self.described = f"{count} chosen pupil{pluralize(count)}"
            return
        filterset = RegisterFilter(asked, queryset=selectors.register(self.membership),
                                   request=self.request)
        if not filterset.is_valid():
            raise BadRequest("That is not a choice on the register.")
        self.pupils = list(filterset.qs.order_by("last_name", "first_name", "pk"))
        self.described = filterset.in_words()

    def get_context_data(self, **kwargs):
        refused = print_refusal(len(self.pupils))
        return super().get_context_data(**kwargs) | {
            "pupils": self.pupils, "described": self.described, "refusal": refused,
            "with_plans": 0 if refused else len(selection(self.pupils, "plans").printed),
            "with_profiles": 0 if refused else len(selection(self.pupils,
                                                             "profiles").printed),
            "runs": list(print_runs_of(self.membership)[:10]),
            "back_url": reverse("caseload:register", kwargs={"school": self.school.slug})}

    def perform(self, data):
        run = print_ask(school=self.school, actor=self.request.user, pupils=self.pupils,
                        what=data["what"], described=self.described)
        return (reverse("caseload:print_run", kwargs={"school": self.school.slug,
                                                      "run_id": run.pk}),
                "Your print has been asked for.")


class PrintRunView(StatusPart, SchoolView, TemplateView):
    """A print run's progress, then its download; ``?part=status`` is the progress alone,
    which the page asks for again every few seconds while the run is going."""

    action = Action.VIEW_PLANS
    template_name = "caseload/print_run.html"
    status_template = "caseload/print_status.html"

    def resolve_objects(self, *, run_id):
        self.run = access_print_run(self.membership, run_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"run": self.run}


class PrintDownloadView(SchoolView, View):
    """A finished print run's PDF (404 until it is ready), recorded in the audit trail as
    a reading of each of its pupils' records."""

    action = Action.VIEW_PLANS

    def resolve_objects(self, *, run_id):
        self.run = access_print_run(self.membership, run_id)

    def get(self, request, *args, **kwargs):
        run = self.run
        if run.status != run.Status.READY or not run.pdf:
            raise Http404("This print is not ready.")
        record_access(self.school, path=request.get_full_path(), school_id=self.school.pk,
                      pupils=run.pupil_ids)
        return FileResponse(run.pdf.open("rb"), as_attachment=True,
                            content_type="application/pdf",
                            filename=f"{slugify(str(run))[:80]}.pdf")


class SupportPlanSummaryView(PupilPage, SchoolView, View):
    """The current plan in the shape of an Individual Support Plan
    (support_plan_summary.py): a PDF of one or two A4 pages, or the same as JSON
    (``as_json``). 404 when the pupil has no plan open."""

    action = Action.VIEW_PLANS
    as_json = False

    def get(self, request, *args, **kwargs):
        cycle = summary_cycle(self.pupil)
        if cycle is None:
            raise Http404("This pupil has no support plan open.")
        found = support_plan_summary(self.pupil, cycle, timezone.localdate())
        name = f"support-plan-summary-{self.pupil.upn}"
        if self.as_json:
            response = JsonResponse(found.as_json(),
                                    json_dumps_params={"indent": 2, "ensure_ascii": False})
            response["Content-Disposition"] = f'attachment; filename="{name}.json"'
            return response
        response = HttpResponse(render_pdf("caseload/support_plan_summary_pdf.html", {
            "summary": found, "school": self.school}), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response


class PupilView(PupilPage, SchoolView, TemplateView):
    action = Action.VIEW_PUPILS
    template_name = "caseload/pupil.html"

    def get_context_data(self, **kwargs):
        role = self.membership.role
        summary = selectors.pupil_summary(membership=self.membership, pupil=self.pupil)
        # A leaver's record is read: no page offers to change it (the services refuse too).
        on_roll = not read_only_because(summary.pupil)
        may_change_status = on_roll and role_may(role, Action.CHANGE_SEN_STATUS)
        notice_record, notices = (notice_lines(summary.pupil) if may_change_status
                                  else (None, []))
        return super().get_context_data(**kwargs) | {
            "notice_record": notice_record, "notices": notices,
            "notices_to_give": any(line.notice is None for line in notices),
            "summary": summary, "pupil": summary.pupil,
            "spend_chart": spend_chart(summary.spend) if summary.spend else None,
            "progress": (outcome_progress(summary.current_cycle) if summary.current_cycle
                         else []),
            "read_only_because": read_only_because(summary.pupil),
            "may_edit": on_roll and role_may(role, Action.EDIT_PUPIL),
            "may_change_status": may_change_status,
            "may_invite_parents": on_roll and role_may(role, Action.INVITE_PARENTS),
            "may_see_plans": selectors.sees_plans(self.membership),
            "may_start_plan": on_roll and role_may(role, Action.MANAGE_PLANS),
            "may_record_meetings": on_roll and role_may(role, Action.RECORD_MEETINGS),
            "may_request_top_up": on_roll and role_may(role, Action.MANAGE_TOP_UPS),
            "may_audit": role_may(role, Action.VIEW_AUDIT),
            "may_see_reports": role_may(role, Action.SEE_SCHOOL_REPORTS),
            "may_export": role_may(role, Action.EXPORT_RECORD),
            # a leaver's record is sent too: the MIS often records the leaving first
            "may_transfer": (self.school.trust_id is not None
                             and role_may(role, Action.TRANSFER_RECORD)),
            "uses_default_calendar": this_year_uses_default_calendar(self.school)}


def this_year_uses_default_calendar(school) -> bool:
    """Whether this school year's school days come from the default calendar (the pages
    that count them say so)."""
    return school_calendar(school).uses_default(school_year(timezone.localdate()))


class MeetingsView(SchoolView, TemplateView):
    """Meetings with parents this school year (Code 6.65), those needing action first, so
    the first page is the one to act on."""

    action = Action.VIEW_PLANS
    template_name = "caseload/meetings.html"
    page_size = 50

    # ?state= narrows the list: one state, or those needing action (missed or at risk)
    states = {**{state.value: state.label for state in MeetingState},
              "needs_action": "Missed or at risk"}

    def get_context_data(self, **kwargs):
        state = self.request.GET.get("state") or None
        if state is not None and state not in self.states:
            raise BadRequest("No such state of meetings.")
        rows = selectors.meeting_rows(membership=self.membership)
        needing_action = sum(1 for row in rows if row.meetings.needs_action)
        if state == "needs_action":
            rows = [row for row in rows if row.meetings.needs_action]
        elif state is not None:
            rows = [row for row in rows if row.meetings.state == state]
        page, query = self.page_of(rows, self.page_size)
        return super().get_context_data(**kwargs) | {
            "page": page, "query": query, "state_label": self.states.get(state),
            "shown": len(rows), "needing_action": needing_action,
            "uses_default_calendar": this_year_uses_default_calendar(self.school)}


class MyClassView(SchoolView, TemplateView):
    """For a class teacher or teaching assistant: their pupils on SEN support with what
    helps them, and the sessions they run this week (my_class.py)."""

    action = Action.VIEW_PLANS
    template_name = "caseload/my_class.html"

    def get_context_data(self, **kwargs):
        found = my_class(self.membership, timezone.localdate())
        record_access(self.school, path=self.request.get_full_path(), school_id=self.school.pk,
                      pupils=[entry.pupil.pk for entry in found.pupils])
        return super().get_context_data(**kwargs) | {
            "my_class": found,
            "may_record": role_may(self.membership.role, Action.RECORD_SESSIONS)}


class MyClassProfilesView(SchoolView, View):
    """Every one-page profile of My class, one A4 page each, to print."""

    action = Action.VIEW_PLANS

    def get(self, request, *args, **kwargs):
        profiles = class_profiles(self.membership)
        if not profiles:
            raise Http404("None of these pupils has a one-page profile yet.")
        record_access(self.school, path=request.get_full_path(), school_id=self.school.pk,
                      pupils=[profile.pupil_id for profile in profiles])
        return profile_pdf_response(profiles, self.school, "my-class-profiles.pdf",
                                    title="One-page profiles")
