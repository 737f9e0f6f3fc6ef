"""The base for every page under /s/<school>/, and the school chooser."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from apps.audit.trail import record_access

from .access import access_school
from .calendar import ONE_DAY, Period, school_year
from .forms import CalendarFileForm, SchoolSettingsForm, TermDatesForm
from .models import School
from .roles import Action, Role, role_may
from .services import school_settings_save
from .tenancy import school_scope
from .term_dates import (
    CalendarFileRefused,
    as_form,
    copied_forward,
    form_from_ics,
    school_calendar,
    term_dates_save,
    weeks_in_words,
    year_in_words,
)


class SchoolView(LoginRequiredMixin):
    """Resolve the school in the URL to the user's membership (or 404), then the objects in
    the URL (``resolve_objects``: 404 for anything the member may not see), then check the
    role may take ``action`` (or 403), and run the whole view — rendering included —
    inside that school's scope. Pages get ``self.school`` and ``self.membership``.

    Objects are resolved before the role is checked, so a 403 is only ever given about
    something the person can already see; everything else is the same 404."""

    action: Action | None = None

    def resolve_objects(self, **kwargs):
        """Turn ids in the URL into objects through their access functions."""

    # The objects a page may have resolved, most specific first: the one it is about.
    audited = ("snapshot", "item", "top_up", "ehc_request", "meeting", "cycle", "pupil")

    def record_access(self, request):
        """Every page about a pupil's record leaves an audit entry (apps/audit)."""
        for name in self.audited:
            obj = getattr(self, name, None)
            if obj is not None and getattr(obj, "pk", None):
                record_access(obj, path=request.get_full_path(), school_id=self.school.pk)
                return

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.membership = access_school(request.user, kwargs.pop("school"))
        self.school = self.membership.school
        request.membership = self.membership
        with school_scope(self.school):
            self.resolve_objects(**kwargs)
            if self.action is not None and not role_may(self.membership.role, self.action):
                raise PermissionDenied(f"Your role cannot {self.action.label}.")
            self.record_access(request)
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(school=self.school, membership=self.membership)
        return context

    def page_of(self, items, per_page: int):
        """The page of ``items`` asked for (``?page=``), and the rest of the query string
        for its links (templates/includes/pagination.html keeps the filters)."""
        page = Paginator(items, per_page).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return page, query.urlencode()


class StatusPart:
    """A page with a region that polls itself while work runs in the worker (an import,
    a print): ``?part=status`` answers with ``status_template`` alone, which
    assets/js/app.mjs swaps into the page."""

    status_template = ""

    def get_template_names(self):
        if self.request.GET.get("part") == "status":
            return [self.status_template]
        return super().get_template_names()


class ServiceFormView(SchoolView, FormView):
    """A form whose cleaned data goes to a service. ``perform`` returns where to go next
    and what to tell the user; a ValidationError from the service comes back onto the form
    (error summary, field by field) and nothing is saved."""

    # a service's field name -> the form's, where they differ
    service_field_map: dict[str, str] = {}

    def perform(self, data) -> tuple[str, str]:
        raise NotImplementedError

    def explain_error(self, form, error) -> None:
        """Add anything that helps the person put it right (see CycleFormPage)."""

    def form_valid(self, form):
        try:
            url, message = self.perform(form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error, self.service_field_map)
            self.explain_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(url)


class FormPage(ServiceFormView):
    """A one-form page rendered by templates/includes/form_page.html."""

    template_name = "includes/form_page.html"
    title = ""
    submit = "Save"
    intro = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "title": self.title, "submit": self.submit, "intro": self.intro}


@login_required
def home(request):
    """Where signing in lands: the only school, or a choice between several."""
    memberships = list(request.user.memberships.select_related("school", "school__trust")
                       .order_by("school__name"))
    if memberships and all(m.role == Role.PARENT for m in memberships):
        return redirect("family:portal")  # parents start with their children, across schools
    if len(memberships) == 1:
        return redirect(reverse("caseload:overview",
                                kwargs={"school": memberships[0].school.slug}))
    trusts = {m.school.trust for m in memberships
              if m.role == Role.TRUST_LEAD and m.school.trust_id}
    return render(request, "schools/choose.html", {
        "memberships": memberships, "trusts": sorted(trusts, key=lambda t: t.name)})


class SchoolSettingsView(FormPage):
    """The school's contact details that parents see: the SENCO, SENDIASS, the local offer
    and how to complain."""

    action = Action.MANAGE_SCHOOL
    template_name = "schools/settings.html"
    form_class = SchoolSettingsForm
    title = "School settings"
    submit = "Save the settings"
    intro = ("Parents see these in the plans you share, the notice of SEN support and "
             "their pages.")

    def get_form_kwargs(self):
        # A copy: a refused value must not change the school the page is showing.
        return super().get_form_kwargs() | {"instance": School.objects.get(pk=self.school.pk)}

    def perform(self, data):
        school_settings_save(school=self.school, actor=self.request.user, **data)
        return reverse("schools:settings", kwargs={"school": self.school.slug}), (
            "The settings have been saved.")


class TermDatesView(SchoolView, TemplateView):
    """A school year's term dates: entered, copied from the year before, or read from a
    calendar file, then checked together and saved (term_dates.py). Until a year's dates
    are entered, the default calendar counts its school days, and the pages say so."""

    action = Action.MANAGE_SCHOOL
    template_name = "schools/term_dates.html"

    def dispatch(self, request, *args, **kwargs):
        self.year = self.year_asked(request.GET.get("year"))
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def year_asked(asked: str | None) -> Period:
        """``?year=2026`` is the school year from 1 September 2026; else this one."""
        if asked and asked.isdigit() and 2000 <= int(asked) <= 2100:
            return school_year(datetime.date(int(asked), 9, 1))
        if asked:
            raise Http404("No such year.")
        return school_year(timezone.localdate())

    def get_context_data(self, form=None, file_form=None, **kwargs):
        calendar = school_calendar(self.school)
        dates = calendar.year(self.year.start)
        if form is None:
            filled = as_form(dates)
            form = TermDatesForm(initial=filled.fields | {
                "inset_days": filled.inset_days, "closures": filled.closures})
        return super().get_context_data(**kwargs) | {
            "year": self.year, "year_words": year_in_words(self.year), "dates": dates,
            "weeks": weeks_in_words(dates.weeks), "form": form,
            "file_form": file_form or CalendarFileForm(),
            "previous": self.year.start.year - 1, "next": self.year.start.year + 1,
            "title": f"Term dates {year_in_words(self.year)}"}

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "copy":
            previous = school_calendar(self.school).year(self.year.start - ONE_DAY)
            filled = copied_forward(previous, self.year)
            messages.info(request, f"The {year_in_words(previous.year)} dates have been "
                                   "moved on a year below. Check them, then save.")
            return self.filled(filled)
        if action == "file":
            file_form = CalendarFileForm(request.POST, request.FILES)
            if file_form.is_valid():
                try:
                    filled = form_from_ics(file_form.cleaned_data["calendar_file"].read(),
                                           self.year)
                except CalendarFileRefused as refused:
                    file_form.add_error("calendar_file", str(refused))
                else:
                    messages.info(request, "The dates from the file are below. Check them, "
                                           "then save.")
                    return self.filled(filled)
            return self.render_to_response(self.get_context_data(file_form=file_form))
        form = TermDatesForm(request.POST)
        if form.is_valid():
            try:
                saved = term_dates_save(school=self.school, actor=request.user,
                                        year_start=self.year.start, data=form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"The term dates for {year_in_words(self.year)} "
                                          f"have been saved: {weeks_in_words(saved.weeks)} "
                                          "school weeks.")
                return redirect(f"{request.path}?year={self.year.start.year}")
        return self.render_to_response(self.get_context_data(form=form))

    def filled(self, filled):
        form = TermDatesForm(initial=filled.fields | {"inset_days": filled.inset_days,
                                                      "closures": filled.closures})
        return self.render_to_response(self.get_context_data(form=form))
