"""Escalation pages: a pupil's readiness and decisions, requests and their clocks, the
school's open requests, and the evidence bundle PDF."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from apps.pupils.models import Pupil
from apps.pupils.selectors import pupils_visible_to
from apps.pupils.views import PupilPage
from apps.schools.roles import Action, role_may
from apps.schools.views import FormPage, SchoolView
from backend.pdf import render_pdf

from . import services
from .access import (
    access_annual_review,
    access_ehc_request,
    annual_reviews_visible_to,
    ehc_requests_visible_to,
)
from .annual_review import annual_review_save, plan_reviews, steps
from .forms import (
    AnnualReviewForm,
    DecisionForm,
    ExceptionForm,
    OutcomeForm,
    ParentAskForm,
    RequestForm,
    StepsForm,
)
from .models import EhcRequest, EscalationDecision
from .selectors import clock, deadlines, open_requests, readiness_by_pupil


def escalation_url(school, pupil):
    return reverse("escalation:pupil", kwargs={"school": school.slug, "pupil_id": pupil.pk})


class PupilEscalationView(PupilPage, SchoolView, TemplateView):
    action = Action.VIEW_PLANS
    template_name = "escalation/pupil.html"

    def get_context_data(self, **kwargs):
        readiness = readiness_by_pupil([self.pupil.pk],
                                       self.school)[self.pupil.pk]
        requests = [(r, clock(r), deadlines(r)) for r in
                    EhcRequest.objects.filter(pupil=self.pupil).prefetch_related("exceptions")]
        return super().get_context_data(**kwargs) | {
            "readiness": readiness, "requests": requests,
            "no_assessment_because": readiness.no_assessment_because(self.pupil),
            "decisions": EscalationDecision.objects.filter(pupil=self.pupil),
            "may_manage": role_may(self.membership.role, Action.MANAGE_ESCALATION)}


class PupilForm(PupilPage, FormPage):
    action = Action.MANAGE_ESCALATION

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "caption": self.pupil.full_name,
            "back_url": escalation_url(self.school, self.pupil)}

    def done(self, message):
        return escalation_url(self.school, self.pupil), message


class DecisionView(PupilForm):
    form_class = DecisionForm
    title = "Record the decision about an EHC needs assessment"
    submit = "Record the decision"
    intro = ("The signals are advice. The legal test is only that the child has or may have "
             "special educational needs and may need provision through an EHC plan.")

    def perform(self, data):
        services.decision_record(pupil=self.pupil, actor=self.request.user, **data)
        return self.done("The decision has been recorded.")


class RequestView(PupilForm):
    form_class = RequestForm
    title = "Record a request for an EHC needs assessment"
    submit = "Record the request"

    def perform(self, data):
        services.request_record(pupil=self.pupil, actor=self.request.user, **data)
        return self.done("The request has been recorded; its statutory dates are shown.")


class ParentAskView(PupilForm):
    form_class = ParentAskForm
    title = "Record that the parents asked for an assessment"
    submit = "Record it"

    def perform(self, data):
        services.parent_ask_record(pupil=self.pupil, actor=self.request.user, **data)
        return self.done("Recorded.")


class RequestPage(FormPage):
    """A one-form page about one request, back to its pupil's escalation page."""

    action = Action.MANAGE_ESCALATION

    def resolve_objects(self, *, request_id):
        self.ehc_request = access_ehc_request(self.membership, request_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "caption": self.ehc_request.pupil.full_name,
            "back_url": escalation_url(self.school, self.ehc_request.pupil)}

    def done(self, message):
        return escalation_url(self.school, self.ehc_request.pupil), message


class RequestOutcomeView(RequestPage):
    form_class = OutcomeForm
    title = "Record the local authority's decision"
    submit = "Record the decision"

    def get_initial(self):
        return {"on": timezone.localdate().isoformat()}

    def perform(self, data):
        services.request_outcome(request=self.ehc_request, actor=self.request.user, **data)
        return self.done("The decision is recorded.")


class RequestStepsView(RequestPage):
    form_class = StepsForm
    title = "Record the dates of the assessment's steps"
    submit = "Save the dates"

    def get_initial(self):
        return {name: getattr(self.ehc_request, name) for name in services.STEP_DATES}

    def perform(self, data):
        services.request_steps(request=self.ehc_request, actor=self.request.user, **data)
        return self.done("The dates are saved.")


class ExceptionView(RequestPage):
    form_class = ExceptionForm
    title = "Record an exception to a statutory time limit"
    submit = "Record the exception"
    intro = ("The SEND Regulations 2014 let a local authority's time limit go where it is "
             "impractical to meet it (regulations 5(4), 10(4) and 13(3)). The deadline is "
             "then shown with the exception, expected later by its length, not as missed.")

    def perform(self, data):
        services.exception_record(request=self.ehc_request, actor=self.request.user, **data)
        return self.done("The exception is recorded.")


class OpenRequestsView(SchoolView, TemplateView):
    action = Action.VIEW_PLANS
    template_name = "escalation/requests.html"

    def get_context_data(self, **kwargs):
        rows = [(r, clock(r)) for r in open_requests(ehc_requests_visible_to(self.membership))]
        return super().get_context_data(**kwargs) | {"rows": rows}


class BundleView(PupilPage, SchoolView, View):
    """The evidence bundle for the LA, as a PDF under the Code's 9.14 headings."""

    action = Action.VIEW_PLANS

    def get(self, request, *args, **kwargs):
        try:
            bundle = services.evidence_bundle(self.pupil)
        except ValidationError as refused:
            messages.info(request, refused.messages[0])
            return redirect(escalation_url(self.school, self.pupil))
        body = render_pdf("escalation/bundle_pdf.html", {"bundle": bundle, "school": self.school})
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="evidence-{self.pupil.upn}.pdf"')
        return response


def annual_reviews_url(school, pupil):
    return reverse("escalation:annual_reviews",
                   kwargs={"school": school.slug, "pupil_id": pupil.pk})


class PupilAnnualReviewsView(PupilPage, SchoolView, TemplateView):
    """A pupil's EHC plan: when its next annual review is due, and each review with its
    dated steps."""

    action = Action.VIEW_PLANS
    template_name = "escalation/annual_reviews.html"

    def get_context_data(self, **kwargs):
        found = plan_reviews(Pupil.objects.filter(pk=self.pupil.pk))
        reviews = list(annual_reviews_visible_to(self.membership).filter(pupil=self.pupil))
        return super().get_context_data(**kwargs) | {
            "plan": found[0] if found else None,
            "reviews": [(review, steps(review)) for review in reviews],
            "may_manage": role_may(self.membership.role, Action.MANAGE_ESCALATION)}


class AnnualReviewFormView(PupilPage, FormPage):
    """Plan or record an annual review, or change one (``review_id``)."""

    action = Action.MANAGE_ESCALATION
    form_class = AnnualReviewForm
    submit = "Save the annual review"

    def resolve_objects(self, *, pupil_id, review_id=None):
        super().resolve_objects(pupil_id=pupil_id)
        self.review = None
        if review_id is not None:
            self.review = access_annual_review(self.membership, review_id)
            if self.review.pupil_id != self.pupil.pk:
                raise Http404

    @property
    def title(self):
        return ("Change the annual review" if self.review
                else "Plan or record an annual review of the EHC plan")

    def get_initial(self):
        if self.review is None:
            return {"meeting_on": timezone.localdate().isoformat()}
        r = self.review
        return {"held": "yes" if r.held else "no", "meeting_on": r.meeting_on,
                "invitations_sent_on": r.invitations_sent_on, "parent_views": r.parent_views,
                "pupil_views": r.pupil_views, "proposed_amendments": r.proposed_amendments,
                "transfer": r.transfer, "report_sent_on": r.report_sent_on,
                "decision": r.decision, "decision_on": r.decision_on,
                } | AnnualReviewForm.initial_outcomes(r.outcomes)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "caption": self.pupil.full_name,
            "back_url": annual_reviews_url(self.school, self.pupil)}

    def perform(self, data):
        annual_review_save(pupil=self.pupil, actor=self.request.user, review=self.review,
                           **AnnualReviewForm.service_data(data))
        return annual_reviews_url(self.school, self.pupil), "The annual review is saved."


class DueAnnualReviewsView(SchoolView, TemplateView):
    """Every pupil with an EHC plan this member sees, overdue reviews first."""

    action = Action.VIEW_PLANS
    template_name = "escalation/annual_reviews_due.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "rows": plan_reviews(pupils_visible_to(self.membership))}
