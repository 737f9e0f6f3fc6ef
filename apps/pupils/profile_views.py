"""The one-page profile (pupil passport) for staff: read it, write a new version, see
who changed what, print it on one A4 page. Sharing it with the parents: apps.parents."""

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from apps.schools.roles import Action, role_may
from apps.schools.views import FormPage, SchoolView
from backend.pdf import render_pdf

from . import profile
from .forms import ProfileForm
from .views import PupilPage


class ProfileView(PupilPage, SchoolView, TemplateView):
    """The pupil's current one-page profile, for staff."""

    action = Action.VIEW_PLANS
    template_name = "pupils/profile.html"

    def get_context_data(self, **kwargs):
        role = self.membership.role
        current = profile.current_profile(self.pupil)
        return super().get_context_data(**kwargs) | {
            "profile": current, "sections": profile.sections_of(current) if current else [],
            "may_write": role_may(role, Action.WRITE_PROFILE) and not self.pupil.left_on,
            "may_share": role_may(role, Action.SHARE_PLANS)}


class ProfileEditView(PupilPage, FormPage):
    action = Action.WRITE_PROFILE
    form_class = ProfileForm
    template_name = "pupils/profile_form.html"
    title = "Write the one-page profile"
    submit = "Save the profile"
    intro = ("Write it with the pupil and their parents, in the pupil's voice: \"I\", not "
             "\"she\". Every save keeps the version before.")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"first_name": self.pupil.first_name}

    def get_initial(self):
        current = profile.current_profile(self.pupil)
        initial = {"based_on": current.version if current else 0}
        if current:
            initial |= {name: getattr(current, name) for name in profile.FIELDS}
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "caption": self.pupil.full_name, "back_url": profile_url(self.school, self.pupil)}

    def perform(self, data):
        profile.profile_save(pupil=self.pupil, actor=self.request.user, **data)
        return profile_url(self.school, self.pupil), "The one-page profile has been saved."


class ProfileHistoryView(PupilPage, SchoolView, TemplateView):
    action = Action.VIEW_PLANS
    template_name = "pupils/profile_history.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "history": profile.profile_history(self.pupil)}


class ProfilePdfView(PupilPage, SchoolView, View):
    """The current profile on one A4 page, to print."""

    action = Action.VIEW_PLANS

    def get(self, request, *args, **kwargs):
        current = profile.current_profile(self.pupil)
        if current is None:
            raise Http404("This pupil has no one-page profile yet.")
        return profile_pdf_response(
            [current], self.school, f"profile-{self.pupil.pk}-v{current.version}.pdf",
            title=f"One-page profile – {self.pupil.full_name}")


def profile_url(school, pupil):
    return reverse("pupils:profile", kwargs={"school": school.slug, "pupil_id": pupil.pk})


def profile_pdf_response(profiles, school, filename: str, *, title: str) -> HttpResponse:
    """Profiles as a PDF, one A4 page each (also the parents' copy and "My class")."""
    body = render_pdf("pupils/profile_pdf.html", {
        "profiles": [(p, profile.sections_of(p)) for p in profiles], "school": school,
        "title": title})
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
