"""Plan pages: start a plan, a cycle page that walks Assess, Plan, Do and Review, the
forms that fill it in, recording sessions (one pupil or a group), the provision library,
and evidence downloads. Thin: resolve, call a service or selector, render."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from apps.pupils.selectors import pupils_visible_to
from apps.pupils.views import PupilPage
from apps.schools.roles import Action, role_may
from apps.schools.views import FormPage, SchoolView

from . import services
from .access import (
    access_cycle,
    access_evidence_file,
    access_outcome,
    access_provision,
    access_provision_type,
    access_session,
)
from .evidence import evidence_download
from .forms import (
    AssessForm,
    AssessmentResultForm,
    EvidenceFileForm,
    GroupSessionForm,
    OutcomeForm,
    ProvisionForm,
    ProvisionTypeForm,
    ReviewDateForm,
    SessionCorrectionForm,
    SessionForm,
    SessionRemovalForm,
    SpecialistAdviceForm,
    StartPlanForm,
)
from .models import Cycle, DeliveredSession, Provision, ProvisionType
from .rules import DEFAULT_CYCLE_WEEKS, Stage, may_correct_session
from .sessions import CORRECTABLE, session_correct, session_remove


def cycle_url(school, cycle) -> str:
    # The cycle page shows the review too, so it is served by apps.reviews.
    return reverse("reviews:cycle", kwargs={"school": school.slug, "cycle_id": cycle.pk})


class CyclePage:
    """A page about one cycle: the cycle in the URL goes through the access door (404)."""

    def resolve_objects(self, *, cycle_id, **kwargs):
        self.cycle = access_cycle(self.membership, cycle_id)
        self.pupil = self.cycle.plan.pupil
        self.resolve_item(**kwargs)

    def resolve_item(self, **kwargs):
        pass

    def item_in_cycle(self, door, pk):
        """A record of this cycle, through its door (404 for anything else)."""
        if pk is None:
            return None
        item = door(self.membership, pk)
        if item.cycle_id != self.cycle.pk:
            raise Http404("Not found.")
        return item

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "cycle": self.cycle, "pupil": self.pupil, "back_url": cycle_url(self.school,
                                                                            self.cycle)}


class StartPlanView(PupilPage, FormPage):
    action = Action.MANAGE_PLANS
    form_class = StartPlanForm
    title = "Start a support plan"
    submit = "Start the plan"
    intro = ("The plan holds every Assess, Plan, Do and Review cycle for this pupil. "
             "Cycle 1 opens at the Assess stage.")

    def get_initial(self):
        return {"opened_on": timezone.localdate().isoformat(), "cycle_weeks": DEFAULT_CYCLE_WEEKS}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "caption": self.pupil.full_name,
            "back_url": reverse("caseload:pupil", kwargs={"school": self.school.slug,
                                                        "pupil_id": self.pupil.pk})}

    def perform(self, data):
        plan = services.plan_start(pupil=self.pupil, actor=self.request.user, **data)
        return cycle_url(self.school, plan.cycles.get()), "The support plan has started."


class MoveCycleView(CyclePage, SchoolView, View):
    """POST: move the cycle on one stage. A refusal comes back to the cycle page as an
    error summary listing what is missing."""

    action = Action.MANAGE_PLANS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        to = request.POST.get("to", "")
        try:
            services.cycle_move(cycle=self.cycle, actor=request.user, to=to)
        except ValidationError as error:
            request.session["move_errors"] = [m for ms in error.message_dict.values()
                                              for m in ms]
        else:
            messages.success(request, f"Cycle {self.cycle.number} is now at the "
                                      f"{Stage(self.cycle.stage).label} stage.")
        return redirect(cycle_url(self.school, self.cycle))


class CycleFormPage(CyclePage, FormPage):
    """A form about one cycle, returning to the cycle page. A form that edits the plan
    (``versioned``) carries the plan's version: if someone else saved first, nothing is
    saved and the page says what is saved now where it differs from this entry."""

    versioned = False

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.versioned:
            form.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=self.cycle.version, required=False)
        return form

    def expected_version(self, data) -> int | None:
        return data.pop("version", None)

    def explain_error(self, form, error):
        if getattr(error, "code", None) != "stale" or not hasattr(form, "instance"):
            return
        saved = type(form.instance).objects.filter(pk=form.instance.pk).first()
        for name, field in form.fields.items():
            if saved is None or name == "version" or not hasattr(saved, name):
                continue
            now = getattr(saved, name)
            if name in form.cleaned_data and hasattr(now, "all"):
                continue  # links are shown on the cycle page
            if name in form.cleaned_data and form.cleaned_data[name] != now:
                form.add_error(None, f"Saved now – {field.label}: {now or 'empty'}")
        data = form.data.copy()
        data["version"] = str(Cycle.objects.get(pk=self.cycle.pk).version)
        form.data = data  # saving again now starts from what is saved

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "caption": f"{self.pupil.full_name} – cycle {self.cycle.number}"}

    def done(self, message):
        return cycle_url(self.school, self.cycle), message


class AssessView(CycleFormPage):
    action = Action.DRAFT_ASSESS
    form_class = AssessForm
    title = "Assess: needs, strengths and views"
    versioned = True

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.cycle}

    def perform(self, data):
        services.cycle_update(cycle=self.cycle, actor=self.request.user,
                              expected_version=self.expected_version(data), **data)
        return self.done("The Assess stage has been saved.")


class ReviewDateView(CycleFormPage):
    action = Action.MANAGE_PLANS
    form_class = ReviewDateForm
    title = "Agree the review date"
    intro = "The date agreed with the parents for reviewing this cycle together."
    versioned = True

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.cycle}

    def perform(self, data):
        services.cycle_update(cycle=self.cycle, actor=self.request.user,
                              expected_version=self.expected_version(data), **data)
        return self.done("The review date has been saved.")


class AssessmentResultView(CycleFormPage):
    action = Action.DRAFT_ASSESS
    form_class = AssessmentResultForm
    title = "Add an assessment result"

    def perform(self, data):
        services.assessment_save(cycle=self.cycle, actor=self.request.user, **data)
        return self.done("The assessment result has been added.")


class SpecialistAdviceView(CycleFormPage):
    action = Action.DRAFT_ASSESS
    form_class = SpecialistAdviceForm
    title = "Add specialist advice"

    def perform(self, data):
        services.advice_save(cycle=self.cycle, actor=self.request.user, **data)
        return self.done("The specialist advice has been added.")


class EvidenceFileView(CycleFormPage):
    action = Action.DRAFT_ASSESS
    form_class = EvidenceFileForm
    title = "Attach a file of evidence"
    submit = "Upload"

    def perform(self, data):
        services.evidence_file_add(cycle=self.cycle, actor=self.request.user,
                                   title=data["title"], upload=data["upload"])
        return self.done("The file has been attached.")


class ProvisionView(CycleFormPage):
    """Add a provision, or change one (``provision_id`` in the URL)."""

    action = Action.MANAGE_PLANS
    form_class = ProvisionForm
    submit = "Save provision"
    versioned = True

    def resolve_item(self, provision_id=None):
        self.item = self.item_in_cycle(access_provision, provision_id)

    @property
    def title(self):
        return "Change provision" if self.item else "Add provision"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"school": self.school, "instance": self.item}

    def perform(self, data):
        services.provision_save(cycle=self.cycle, actor=self.request.user, instance=self.item,
                                expected_version=self.expected_version(data), **data)
        return self.done("The provision has been saved.")


class OutcomeView(CycleFormPage):
    """Add an outcome, or change one (``outcome_id`` in the URL)."""

    action = Action.MANAGE_PLANS
    form_class = OutcomeForm
    submit = "Save outcome"
    versioned = True

    def resolve_item(self, outcome_id=None):
        self.item = self.item_in_cycle(access_outcome, outcome_id)

    @property
    def title(self):
        return "Change outcome" if self.item else "Add an outcome"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"school": self.school, "cycle": self.cycle,
                                            "instance": self.item}

    def perform(self, data):
        provisions = list(data.pop("provisions", []))
        services.outcome_save(cycle=self.cycle, actor=self.request.user, instance=self.item,
                              provisions=provisions,
                              expected_version=self.expected_version(data), **data)
        return self.done("The outcome has been saved.")


class SessionView(CycleFormPage):
    """Record one delivered session for this pupil."""

    action = Action.RECORD_SESSIONS
    form_class = SessionForm
    title = "Record a session"
    submit = "Record session"

    def get_form_kwargs(self):
        provisions = Provision.objects.filter(cycle=self.cycle, sessions_per_week__isnull=False)
        return super().get_form_kwargs() | {
            "provisions": provisions.select_related("provision_type")}

    def get_initial(self):
        # "Record a session" from My class names the provision (?provision=); one not of
        # this cycle is ignored, the form's choices being only the cycle's.
        asked = self.request.GET.get("provision", "")
        return {"date": timezone.localdate().isoformat(),
                "provision": int(asked) if asked.isdigit() else None}

    def perform(self, data):
        services.session_record(actor=self.request.user, **data)
        return self.done("The session has been recorded.")


class GroupSessionView(FormPage):
    """One entry for a group session: choose the intervention, then each pupil who has it
    running is marked there or absent."""

    action = Action.RECORD_SESSIONS
    form_class = GroupSessionForm
    template_name = "plans/group_session.html"
    title = "Record a group session"
    submit = "Record group session"

    def resolve_objects(self, **kwargs):
        kinds = ProvisionType.objects.all()
        self.kinds = list(kinds)
        chosen = self.request.GET.get("intervention") or self.request.POST.get("intervention")
        self.kind = next((k for k in self.kinds if str(k.pk) == chosen), None)

    def pupils(self):
        if self.kind is None:
            return []
        running = Provision.objects.filter(provision_type=self.kind).exclude(
            cycle__stage=Stage.CLOSED).values("cycle__plan__pupil")
        return pupils_visible_to(self.membership).filter(pk__in=running).order_by(
            "last_name", "first_name")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"pupils": self.pupils()}

    def get_initial(self):
        return {"date": timezone.localdate().isoformat(),
                "minutes": self.kind.usual_minutes if self.kind else None}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"kinds": self.kinds, "kind": self.kind,
                                                     "caption": self.school.name}

    def form_valid(self, form):
        if self.kind is None:
            form.add_error(None, "Choose the intervention first.")
            return self.form_invalid(form)
        self.form = form
        return super().form_valid(form)

    def perform(self, data):
        group = services.group_session_record(
            provision_type=self.kind, actor=self.request.user, date=data["date"],
            minutes=data["minutes"], note=data["note"], additional=data["additional"],
            attendance=self.form.attendance())
        count = group.sessions.count()
        return (reverse("plans:group_session", kwargs={"school": self.school.slug}),
                f"The {self.kind} session on {group.date:%-d %B %Y} has been recorded for "
                f"{count} pupil{'s' if count != 1 else ''}.")


class LibraryView(SchoolView, TemplateView):
    action = Action.VIEW_PLANS
    template_name = "plans/library.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "kinds": ProvisionType.objects.all(),
            "may_edit": role_may(self.membership.role, Action.MANAGE_PROVISION_LIBRARY)}


class ProvisionTypeView(FormPage):
    action = Action.MANAGE_PROVISION_LIBRARY
    form_class = ProvisionTypeForm
    submit = "Save intervention"

    def resolve_objects(self, provision_type_id=None):
        self.item = None
        if provision_type_id is not None:
            self.item = access_provision_type(self.membership, provision_type_id)

    @property
    def title(self):
        return "Change an intervention" if self.item else "Add an intervention to the library"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.item}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "caption": "Provision library",
            "back_url": reverse("plans:library", kwargs={"school": self.school.slug})}

    def perform(self, data):
        kind = services.provision_type_save(school=self.school, actor=self.request.user,
                                            instance=self.item, **data)
        return (reverse("plans:library", kwargs={"school": self.school.slug}),
                f"{kind} has been saved in the library.")


class EvidenceDownloadView(SchoolView, View):
    action = Action.VIEW_PLANS

    def resolve_objects(self, *, file_id):
        self.item = access_evidence_file(self.membership, file_id)

    def get(self, request, *args, **kwargs):
        return evidence_download(self.item)


class SessionsView(CyclePage, SchoolView, TemplateView):
    """The sessions recorded in this cycle, newest first, each with a way to correct or
    remove it for those who may (the person who recorded it, or the SENCO)."""

    action = Action.VIEW_PLANS
    template_name = "plans/sessions.html"

    def get_context_data(self, **kwargs):
        sessions = (DeliveredSession.objects.filter(provision__cycle=self.cycle)
                    .select_related("provision__provision_type", "recorded_by")
                    .order_by("-date", "-pk"))
        may_record = role_may(self.membership.role, Action.RECORD_SESSIONS)
        rows = [(s, may_record and not self.cycle.is_closed and may_correct_session(
            recorded_by_id=s.recorded_by_id, actor_id=self.request.user.pk,
            actor_role=self.membership.role)) for s in sessions]
        return super().get_context_data(**kwargs) | {
            "rows": rows, "title": f"Sessions recorded in cycle {self.cycle.number}"}


class SessionItemPage(CycleFormPage):
    """A page about one session of this cycle, reached through its door (404 otherwise)."""

    action = Action.RECORD_SESSIONS

    def resolve_item(self, *, session_id, **kwargs):
        self.item = access_session(self.membership, session_id)
        if self.item.provision.cycle_id != self.cycle.pk:
            raise Http404("Not found.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "caption": f"{self.pupil.full_name}: {self.item.provision} on "
                       f"{self.item.date:%-d %B %Y}",
            "back_url": reverse("plans:sessions", kwargs={"school": self.school.slug,
                                                          "cycle_id": self.cycle.pk})}

    def done(self, message):
        return reverse("plans:sessions", kwargs={"school": self.school.slug,
                                                 "cycle_id": self.cycle.pk}), message


class SessionCorrectView(SessionItemPage):
    form_class = SessionCorrectionForm
    title = "Correct a session"
    submit = "Save the correction"

    def get_initial(self):
        return {name: getattr(self.item, name) for name in CORRECTABLE}

    def perform(self, data):
        why = data.pop("correction_reason")
        session_correct(session=self.item, actor=self.request.user, correction_reason=why,
                        **data)
        return self.done("The session has been corrected.")


class SessionRemoveView(SessionItemPage):
    form_class = SessionRemovalForm
    title = "Remove a session"
    submit = "Remove the session"
    intro = ("Remove a session only if it did not happen or was recorded twice. If the "
             "pupil was absent or the session was cancelled, correct it instead.")

    def perform(self, data):
        session_remove(session=self.item, actor=self.request.user,
                       correction_reason=data["correction_reason"])
        return self.done("The session has been removed.")
