"""The cycle page (Assess, Plan, Do and Review in one place), the review form, closing a
cycle, and the pupil's timeline. Served here because they show the review."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from apps.plans import selectors as plan_selectors
from apps.plans.rules import STAGE_ORDER, Stage, next_stage
from apps.plans.views import CycleFormPage, CyclePage, cycle_url
from apps.pupils.views import PupilPage
from apps.schools.calendar import Period
from apps.schools.roles import Action, role_may
from apps.schools.term_dates import school_calendar
from apps.schools.views import SchoolView

from . import selectors, services
from .forms import ReopenForm, ReviewForm
from .models import OutcomeRating, ProvisionImpact
from .rules import REOPEN_WITHIN
from .timeline import pupil_timeline


class CycleView(CyclePage, SchoolView, TemplateView):
    """One cycle: what was assessed, planned, delivered and reviewed, what is still
    missing before it can move on, and advice on the plan."""

    action = Action.VIEW_PLANS
    template_name = "plans/cycle.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        timeline = pupil_timeline(self.pupil)
        entry = next(e for e in timeline.cycles if e.cycle.pk == self.cycle.pk)
        following = next_stage(self.cycle.stage)
        role = self.membership.role
        if following == Stage.CLOSED:
            missing = selectors.missing_to_close(self.cycle, entry.review)
        else:
            missing = plan_selectors.missing_for(self.cycle, following) if following else []
        open_cycle = not self.cycle.is_closed
        context.update(
            entry=entry,
            cycles=[e.cycle for e in timeline.cycles],
            stages=STAGE_ORDER[:-1],
            next_stage=following,
            next_stage_label=Stage(following).label if following else None,
            missing=missing,
            overdue=plan_selectors.overdue_cycles().filter(pk=self.cycle.pk).exists(),
            uses_default_calendar=school_calendar(self.school).uses_default(Period(
                self.cycle.opened_on, self.cycle.closed_on or timezone.localdate())),
            may_manage=role_may(role, Action.MANAGE_PLANS) and open_cycle,
            may_assess=role_may(role, Action.DRAFT_ASSESS) and open_cycle,
            may_record=role_may(role, Action.RECORD_SESSIONS) and self.cycle.stage == Stage.DO,
            move_errors=self.request.session.pop("move_errors", None),
            may_reopen=(role_may(role, Action.MANAGE_PLANS) and self.cycle.is_closed
                        and not selectors.reopen_refusal(self.cycle)),
            reopen_days=REOPEN_WITHIN.days,
        )
        return context


class ReviewView(CycleFormPage):
    action = Action.MANAGE_PLANS
    form_class = ReviewForm
    template_name = "reviews/review_form.html"
    title = "Record the review"
    submit = "Save the review"
    intro = ("Evaluate the support against each outcome with the pupil and their parents, "
             "then decide the next step (Code 6.52-6.56).")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "outcomes": self.cycle.outcomes.all(),
            "provisions": self.cycle.provisions.select_related("provision_type")}

    def get_context_data(self, **kwargs):
        sent = selectors.parent_views_for(self.cycle)
        return super().get_context_data(**kwargs) | {
            "sent": sent, "new": sum(1 for views in sent if views.read_at is None),
            "read_url": reverse("reviews:parent_views_read", kwargs={
                "school": self.school.slug, "cycle_id": self.cycle.pk})}

    def get_initial(self):
        review = selectors.review_for(self.cycle)
        if review is None:
            return {"parent_views": self.cycle.parent_views,
                    "pupil_views": self.cycle.pupil_views}
        initial = {name: getattr(review, name) for name in services.REVIEW_FIELDS}
        initial["held_on"] = review.held_on.isoformat()
        for rating in OutcomeRating.objects.filter(review=review):
            initial[f"rating_{rating.outcome_id}"] = rating.rating
            initial[f"evidence_{rating.outcome_id}"] = rating.evidence
        for impact in ProvisionImpact.objects.filter(review=review):
            initial[f"impact_{impact.provision_id}"] = impact.impact
        return initial

    def form_valid(self, form):
        self.form = form
        return super().form_valid(form)

    def perform(self, data):
        services.review_save(cycle=self.cycle, actor=self.request.user,
                             **self.form.service_data())
        return self.done("The review has been saved.")


class CloseCycleView(CyclePage, SchoolView, TemplateView):
    """What closing the reviewed cycle will do, and (POST) closing it and carrying out its
    next step once confirmed."""

    action = Action.MANAGE_PLANS
    template_name = "reviews/close.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = selectors.review_for(self.cycle)
        missing = (["This cycle is closed already."] if self.cycle.is_closed
                   else [] if self.cycle.stage == Stage.REVIEW
                   else ["Move the cycle to Review first."])
        missing = missing or selectors.missing_to_close(self.cycle, review)
        return context | {
            "missing": missing,
            "preview": None if missing else selectors.closing_preview(self.cycle, review),
            "reopen_days": REOPEN_WITHIN.days}

    def post(self, request, *args, **kwargs):
        try:
            following = services.cycle_close(cycle=self.cycle, actor=request.user)
        except ValidationError as error:
            request.session["move_errors"] = [m for ms in error.message_dict.values()
                                              for m in ms]
            return redirect(cycle_url(self.school, self.cycle))
        if following:
            messages.success(request, f"Cycle {self.cycle.number} is closed and cycle "
                                      f"{following.number} has opened.")
            return redirect(cycle_url(self.school, following))
        messages.success(request, f"Cycle {self.cycle.number} is closed.")
        return redirect(cycle_url(self.school, self.cycle))


class ReopenCycleView(CycleFormPage):
    """Reopen a cycle closed by mistake (rules.REOPEN_WITHIN), with the reason."""

    action = Action.MANAGE_PLANS
    form_class = ReopenForm
    template_name = "reviews/reopen.html"
    title = "Reopen this cycle"
    submit = "Reopen the cycle"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "refusal": selectors.reopen_refusal(self.cycle),
            "following": self.cycle.plan.cycles.filter(number=self.cycle.number + 1).first(),
            "review": selectors.review_for(self.cycle)}

    def perform(self, data):
        services.cycle_reopen(cycle=self.cycle, actor=self.request.user, **data)
        return self.done(f"Cycle {self.cycle.number} is open again, at Review.")


class ParentViewsReadView(CyclePage, SchoolView, View):
    """POST: the parents' views sent for this cycle are read; they are no longer new."""

    action = Action.VIEW_PLANS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        read = services.parent_views_read(cycle=self.cycle, actor=request.user)
        if read:
            messages.success(request, "The parents' views are marked as read.")
        return redirect(cycle_url(self.school, self.cycle) + "#parent-views-sent")


class TimelineView(PupilPage, SchoolView, TemplateView):
    """The pupil's whole history as one page, oldest first."""

    action = Action.VIEW_PLANS
    template_name = "plans/timeline.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "timeline": pupil_timeline(self.pupil, summary=True)}


