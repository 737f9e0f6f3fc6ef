"""Register pages. Thin: parse, call a selector or service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, RedirectView, TemplateView

from apps.schools.roles import Action, role_may
from apps.schools.views import SchoolView

from . import selectors, services
from .access import access_pupil
from .filters import RegisterFilter
from .forms import NewPupilForm, PupilForm, SenStatusForm
from .models import SenProvisionRecord
from .rules import SenStatus


class RegisterView(SchoolView, TemplateView):
    action = Action.VIEW_PUPILS
    template_name = "pupils/register.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        register = selectors.register(self.membership)
        filterset = RegisterFilter(self.request.GET, queryset=register)
        pupils = filterset.qs if filterset.is_valid() else register.none()
        page = Paginator(pupils, self.page_size).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=filterset,
            page=page,
            query=query.urlencode(),
            may_add=role_may(self.membership.role, Action.ADD_PUPIL),
        )
        return context


class PupilView(SchoolView, TemplateView):
    action = Action.VIEW_PUPILS
    template_name = "pupils/pupil_detail.html"

    def resolve_objects(self, *, pupil_id):
        self.pupil = access_pupil(self.membership, pupil_id)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pupil = self.pupil
        context.update(
            pupil=pupil,
            sen_history=SenProvisionRecord.objects.filter(pupil=pupil).select_related(
                "recorded_by"
            ),
            staff=pupil.staff.order_by("last_name", "first_name"),
            parent_links=pupil.parent_links.select_related("parent"),
            may_edit=role_may(self.membership.role, Action.EDIT_PUPIL),
            may_change_status=role_may(self.membership.role, Action.CHANGE_SEN_STATUS),
        )
        return context


def pupil_url(school, pupil):
    return reverse("pupils:pupil", kwargs={"school": school.slug, "pupil_id": pupil.pk})


class PupilCreateView(SchoolView, FormView):
    action = Action.ADD_PUPIL
    template_name = "pupils/pupil_form.html"
    form_class = NewPupilForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"school": self.school}

    def form_valid(self, form):
        try:
            pupil = services.pupil_create(school=self.school, actor=self.request.user,
                                          **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
            return self.form_invalid(form)
        messages.success(self.request, f"{pupil.full_name} has been added to the register.")
        return redirect(pupil_url(self.school, pupil))


class PupilEditView(SchoolView, FormView):
    action = Action.EDIT_PUPIL
    template_name = "pupils/pupil_form.html"
    form_class = PupilForm

    def resolve_objects(self, *, pupil_id):
        self.pupil = access_pupil(self.membership, pupil_id)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"school": self.school}

    def get_initial(self):
        pupil = self.pupil
        initial = {name: getattr(pupil, name) for name in services.PUPIL_FIELDS}
        initial["date_of_birth"] = pupil.date_of_birth.isoformat()
        initial["staff"] = list(pupil.staff.all())
        initial["parents"] = list(pupil.parents.all())
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"pupil": self.pupil}

    def form_valid(self, form):
        pupil = self.pupil
        try:
            services.pupil_update(pupil=pupil, actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
            return self.form_invalid(form)
        messages.success(self.request, f"{pupil.full_name}'s details have been saved.")
        return redirect(pupil_url(self.school, pupil))


class SenStatusChangeView(SchoolView, FormView):
    action = Action.CHANGE_SEN_STATUS
    template_name = "pupils/sen_status_form.html"
    form_class = SenStatusForm

    def resolve_objects(self, *, pupil_id):
        self.pupil = access_pupil(self.membership, pupil_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"pupil": self.pupil}

    def form_valid(self, form):
        pupil = self.pupil
        try:
            record = services.sen_status_change(pupil=pupil, actor=self.request.user,
                                                **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
            return self.form_invalid(form)
        text = f"{pupil.full_name} is now recorded as {record.get_status_display()}."
        if record.status == SenStatus.SEN_SUPPORT and pupil.parent_links.exists():
            text += " Their parents are being sent the formal notice of SEN support."
        messages.success(self.request, text)
        return redirect(pupil_url(self.school, pupil))


class SchoolHomeView(SchoolView, RedirectView):
    def get_redirect_url(self, *args, **kwargs):
        return reverse("pupils:register", kwargs={"school": self.school.slug})
