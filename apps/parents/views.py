"""Pages for working with parents: meetings and sharing (staff), and the parent portal.

A parent reaches only their own children, and of them only what was shared: every
object comes through ``pupils_visible_to`` (a parent's own children) or a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from apps.plans.views import CyclePage, cycle_url
from apps.pupils.access import access_pupil
from apps.pupils.profile import sections_of
from apps.pupils.profile_views import profile_pdf_response
from apps.pupils.selectors import pupils_visible_to
from apps.pupils.views import PupilPage
from apps.schools.roles import Action, Role
from apps.schools.tenancy import school_scope
from apps.schools.views import FormPage, SchoolView

from . import reminders, selectors, services
from .access import access_meeting, access_shared_plan, access_shared_profile
from .forms import MeetingForm, ShareForm, ViewsForm
from .models import ParentMeeting, PlanSnapshot, SharedProfile


class MeetingView(PupilPage, FormPage):
    action = Action.RECORD_MEETINGS
    form_class = MeetingForm
    title = "Record or plan a meeting with the parents"
    submit = "Save meeting"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "reviews": selectors.reviews_of(self.pupil),
            "suggested": selectors.suggested_review(self.pupil)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "caption": self.pupil.full_name,
            "back_url": reverse("caseload:pupil", kwargs={"school": self.school.slug,
                                                        "pupil_id": self.pupil.pk})}

    def perform(self, data):
        meeting = services.meeting_save(pupil=self.pupil, actor=self.request.user, **data)
        return (reverse("caseload:pupil", kwargs={"school": self.school.slug,
                                                "pupil_id": self.pupil.pk}),
                "The meeting has been recorded." if meeting.held else
                "The meeting is planned and the parents are being invited.")


class ShareView(CyclePage, FormPage):
    action = Action.SHARE_PLANS
    form_class = ShareForm
    title = "Share the plan with the parents"
    submit = "Share the plan"
    intro = ("The parents will see the plan exactly as it is now, as a page and a PDF. "
             "Later changes are not shown until you share it again.")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "pupil_views_recorded": bool(self.cycle.pupil_views.strip())}

    def get_initial(self):
        return {"pupil_views_missing_because": self.cycle.pupil_views_missing_because}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "caption": f"{self.pupil.full_name} – cycle {self.cycle.number}"}

    def perform(self, data):
        services.plan_share(cycle=self.cycle, actor=self.request.user, **data)
        return cycle_url(self.school, self.cycle), (
            "The plan has been shared with the parents. Its PDF is on its way: they can "
            "read the plan on their page now and download it in a few minutes.")


class ShareProfileView(PupilPage, SchoolView, View):
    """POST: share the pupil's current one-page profile with the parents."""

    action = Action.SHARE_PLANS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        url = reverse("pupils:profile", kwargs={"school": self.school.slug,
                                                "pupil_id": self.pupil.pk})
        try:
            shared = services.profile_share(pupil=self.pupil, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(url)
        messages.success(request, f"Version {shared.profile.version} of the profile has "
                                  "been shared with the parents, and they have been e-mailed "
                                  "a link to it.")
        return redirect(url)


# The parent portal -------------------------------------------------------------------


@login_required
def portal(request):
    """Each child of the signed-in parent, across schools; each school read in its own
    scope."""
    children = []
    for membership in request.user.memberships.filter(role=Role.PARENT).select_related(
        "school"
    ):
        with school_scope(membership.school):
            for pupil in pupils_visible_to(membership).order_by("first_name"):
                children.append((membership.school, pupil,
                                 PlanSnapshot.objects.filter(pupil=pupil).first()))
    return render(request, "parents/portal.html", {"children": children})


class ChildPage:
    """A page about one of the parent's own children: anything else is a 404."""

    def resolve_objects(self, *, pupil_id, **kwargs):
        self.pupil = access_pupil(self.membership, pupil_id)
        self.resolve_item(**kwargs)

    def resolve_item(self, **kwargs):
        pass

    def of_this_child(self, door, pk):
        """A record about this child, through its door (404 for anything else)."""
        item = door(self.membership, pk)
        if item.pupil_id != self.pupil.pk:
            raise Http404("Not found.")
        return item

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"pupil": self.pupil}


class ChildView(ChildPage, FormPage):
    """The child's shared plans, planned meetings, and the parent's views for the next
    review."""

    action = Action.FAMILY
    template_name = "parents/child.html"
    form_class = ViewsForm
    submit = "Send my views"

    @property
    def title(self):
        return self.pupil.first_name

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "snapshots": PlanSnapshot.objects.filter(pupil=self.pupil),
            "profile": SharedProfile.objects.filter(pupil=self.pupil).select_related(
                "profile").first(),
            "meetings": ParentMeeting.objects.filter(pupil=self.pupil, held=False,
                                                     date__gte=timezone.localdate()),
            "sent": selectors.views_sent_by(self.request.user, self.pupil),
            "caption": self.school.name, "back_url": reverse("family:portal")}

    def perform(self, data):
        services.views_add(pupil=self.pupil, parent=self.request.user, **data)
        return (reverse("family:child", kwargs={"school": self.school.slug,
                                                "pupil_id": self.pupil.pk}),
                "Thank you: the school has received your views, and they will be part of "
                "the next review.")


class SharedPlanView(ChildPage, SchoolView, TemplateView):
    action = Action.FAMILY
    template_name = "parents/shared_plan.html"

    def resolve_item(self, *, snapshot_id):
        self.snapshot = self.of_this_child(access_shared_plan, snapshot_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"snapshot": self.snapshot,
                                                     "plan": self.snapshot.content}


class SharedProfileView(ChildPage, SchoolView, TemplateView):
    action = Action.FAMILY
    template_name = "parents/shared_profile.html"

    def resolve_item(self, *, shared_id):
        self.shared = self.of_this_child(access_shared_profile, shared_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "shared": self.shared, "sections": sections_of(self.shared.profile)}


class SharedProfilePdfView(ChildPage, SchoolView, View):
    action = Action.FAMILY

    def resolve_item(self, *, shared_id):
        self.shared = self.of_this_child(access_shared_profile, shared_id)

    def get(self, request, *args, **kwargs):
        return profile_pdf_response([self.shared.profile], self.school,
                                    f"profile-{self.shared.pk}.pdf",
                                    title=f"{self.pupil.first_name}'s one-page profile")


class SharedPlanPdfView(ChildPage, SchoolView, View):
    """The stored PDF of a shared plan (rendered once, when it was shared)."""

    action = Action.FAMILY

    def resolve_item(self, *, snapshot_id):
        self.snapshot = self.of_this_child(access_shared_plan, snapshot_id)

    def get(self, request, *args, **kwargs):
        if not self.snapshot.pdf:
            raise Http404("The PDF is still being prepared; try again in a minute.")
        return FileResponse(self.snapshot.pdf.open("rb"), as_attachment=True,
                            filename=f"{self.pupil.first_name}-plan.pdf",
                            content_type="application/pdf")


class MeetingIcsView(ChildPage, SchoolView, View):
    action = Action.FAMILY

    def resolve_item(self, *, meeting_id):
        self.meeting = self.of_this_child(access_meeting, meeting_id)

    def get(self, request, *args, **kwargs):
        response = HttpResponse(reminders.meeting_ics(self.meeting),
                                content_type="text/calendar")
        response["Content-Disposition"] = f'attachment; filename="meeting-{self.meeting.pk}.ics"'
        return response


