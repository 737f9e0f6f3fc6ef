"""Register pages. Thin: parse, call a selector or service, render."""

from django.urls import reverse
from django.views.generic import RedirectView, TemplateView

from apps.schools.roles import Action, role_may
from apps.schools.views import SchoolView, ServiceFormView
from backend.links import row_link

from . import selectors, services
from .access import access_pupil
from .filters import RegisterFilter
from .forms import NewPupilForm, PupilForm, SenStatusForm
from .models import Pupil, SenProvisionRecord
from .rules import STATUSES_NOTIFIED_TO_PARENTS


class RegisterView(SchoolView, TemplateView):
    action = Action.VIEW_PUPILS
    template_name = "pupils/register.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        register = selectors.register(self.membership)
        filterset = RegisterFilter(self.request.GET, queryset=register, request=self.request)
        pupils = filterset.qs if filterset.is_valid() else register.none()
        page, query = self.page_of(pupils, self.page_size)
        from apps.audit.trail import record_access

        on_page = [pupil.pk for pupil in page]
        link = row_link("pupils:pupil", "pupil_id", school=self.school.slug)
        for pupil in page:
            pupil.url = link(pupil.pk)
        record_access(self.school, path=self.request.get_full_path(),
                      school_id=self.school.pk, pupils=on_page)
        sees_plans = role_may(self.membership.role, Action.VIEW_PLANS)
        sees_money = role_may(self.membership.role, Action.VIEW_MONEY)
        if sees_money or sees_plans:
            # Cost is shown to those who see money, and is one of the readiness signals.
            from apps.money.selectors import spend_by_pupil

            spend = spend_by_pupil(on_page, self.school)
        if sees_plans:
            from apps.escalation.selectors import readiness_by_pupil

            readiness = readiness_by_pupil(on_page, self.school, spend=spend)
            for pupil in page:
                pupil.readiness = readiness[pupil.pk]
        if sees_money:
            for pupil in page:
                pupil.spend = spend[pupil.pk]
        context.update(
            filter=filterset,
            page=page,
            query=query,
            may_add=role_may(self.membership.role, Action.ADD_PUPIL),
            sees_money=sees_money,
            sees_plans=sees_plans,
        )
        return context


class PupilPage:
    """A page about one pupil: the pupil in the URL goes through access_pupil (or 404)."""

    def resolve_objects(self, *, pupil_id):
        self.pupil = access_pupil(self.membership, pupil_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"pupil": self.pupil}


class PupilView(PupilPage, SchoolView, TemplateView):
    action = Action.VIEW_PUPILS
    template_name = "pupils/pupil_detail.html"

    def current_cycle(self):
        # The pupil page is where the caseload comes together: it reads the current cycle
        # from plans (as the register reads overdue reviews), for staff only.
        if not role_may(self.membership.role, Action.VIEW_PLANS):
            return None
        from apps.plans.selectors import current_cycle

        return current_cycle(self.pupil)

    def readiness(self):
        """Signals for an EHC needs assessment (Code 6.63), for staff."""
        if not role_may(self.membership.role, Action.VIEW_PLANS):
            return None
        from apps.escalation.selectors import readiness_by_pupil

        return readiness_by_pupil(Pupil.objects.filter(pk=self.pupil.pk), self.school)[
            self.pupil.pk]

    def meetings(self):
        """Meetings with parents this school year (Code 6.65), for staff."""
        if not role_may(self.membership.role, Action.VIEW_PLANS):
            return None
        from apps.parents.selectors import meetings_by_pupil

        return meetings_by_pupil(Pupil.objects.filter(pk=self.pupil.pk))[self.pupil.pk]

    def spend(self):
        """This budget year's cost against the threshold, for those who see money."""
        if not role_may(self.membership.role, Action.VIEW_MONEY):
            return None
        from apps.money.selectors import spend_by_pupil

        return spend_by_pupil(Pupil.objects.filter(pk=self.pupil.pk), self.school)[
            self.pupil.pk]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pupil = self.pupil
        context.update(
            sen_history=SenProvisionRecord.objects.filter(pupil=pupil).select_related(
                "recorded_by"
            ),
            staff=pupil.staff.order_by("last_name", "first_name"),
            parent_links=pupil.parent_links.select_related("parent"),
            may_edit=role_may(self.membership.role, Action.EDIT_PUPIL),
            may_see_plans=role_may(self.membership.role, Action.VIEW_PLANS),
            may_start_plan=role_may(self.membership.role, Action.MANAGE_PLANS),
            current_cycle=self.current_cycle(),
            spend=self.spend(),
            meetings=self.meetings(),
            readiness=self.readiness(),
            may_audit=role_may(self.membership.role, Action.VIEW_AUDIT),
            may_export=role_may(self.membership.role, Action.EXPORT_RECORD),
            may_record_meetings=role_may(self.membership.role, Action.RECORD_MEETINGS),
            may_request_top_up=role_may(self.membership.role, Action.MANAGE_TOP_UPS),
            may_change_status=role_may(self.membership.role, Action.CHANGE_SEN_STATUS),
        )
        return context


def pupil_url(school, pupil):
    return reverse("pupils:pupil", kwargs={"school": school.slug, "pupil_id": pupil.pk})


class PupilCreateView(ServiceFormView):
    action = Action.ADD_PUPIL
    template_name = "pupils/pupil_form.html"
    form_class = NewPupilForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"school": self.school}

    def perform(self, data):
        pupil = services.pupil_create(school=self.school, actor=self.request.user, **data)
        return pupil_url(self.school, pupil), f"{pupil.full_name} has been added to the register."


class PupilEditView(PupilPage, ServiceFormView):
    action = Action.EDIT_PUPIL
    template_name = "pupils/pupil_form.html"
    form_class = PupilForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"school": self.school}

    def get_initial(self):
        initial = {name: getattr(self.pupil, name) for name in services.PUPIL_FIELDS}
        initial["date_of_birth"] = self.pupil.date_of_birth.isoformat()
        initial["staff"] = list(self.pupil.staff.all())
        initial["parents"] = list(self.pupil.parents.all())
        return initial

    def perform(self, data):
        services.pupil_update(pupil=self.pupil, actor=self.request.user, **data)
        return pupil_url(self.school, self.pupil), (
            f"{self.pupil.full_name}'s details have been saved.")


class SenStatusChangeView(PupilPage, ServiceFormView):
    action = Action.CHANGE_SEN_STATUS
    template_name = "pupils/sen_status_form.html"
    form_class = SenStatusForm

    def perform(self, data):
        pupil = self.pupil
        record = services.sen_status_change(pupil=pupil, actor=self.request.user, **data)
        text = f"{pupil.full_name} is now recorded as {record.get_status_display()}."
        if record.status in STATUSES_NOTIFIED_TO_PARENTS and pupil.parent_links.exists():
            text += " Their parents and carers are being sent the formal notice of SEN support."
        return pupil_url(self.school, pupil), text


class SchoolHomeView(SchoolView, RedirectView):
    def get_redirect_url(self, *args, **kwargs):
        return reverse("pupils:register", kwargs={"school": self.school.slug})
