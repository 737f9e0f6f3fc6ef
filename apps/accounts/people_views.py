"""The school's people: staff and their roles, leavers, invitations; and the page where an
invitation's link is accepted."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View
from django.views.generic import FormView, TemplateView

from apps.audit.trail import school_trail
from apps.schools.roles import SECOND_FACTOR, Action, Role
from apps.schools.tenancy import school_scope
from apps.schools.views import FormPage, SchoolView
from backend.csv_upload import MAX_BYTES, FileRefused, decode

from . import invitations, members, staff_import
from .access import access_invitation, access_member
from .changes import describe
from .forms import (
    AcceptForm,
    InviteForm,
    LeaverForm,
    NewSchoolForm,
    RoleForm,
    StaffFileForm,
)
from .invitation_link import (
    LINK_REASONS,
    STATE_LABELS,
    LinkRefused,
    invitation_from_token,
    state_of,
)
from .onboarding import school_create
from .selectors import invitations_visible_to, members_visible_to

# How many recent changes the people page lists.
RECENT_CHANGES = 20


def people_url(school) -> str:
    return reverse("people:people", kwargs={"school": school.slug})


class PeopleView(SchoolView, TemplateView):
    """Staff with their roles, leavers, and staff invitations not yet accepted (parents are
    listed on their child's page)."""

    action = Action.MANAGE_PEOPLE
    template_name = "accounts/people.html"

    def get_context_data(self, **kwargs):
        everyone = members_visible_to(self.membership).exclude(role=Role.PARENT).order_by(
            "user__last_name", "user__first_name")
        now = timezone.now()
        waiting = [(invitation, STATE_LABELS[state_of(invitation, now)])
                   for invitation in invitations_visible_to(self.membership).filter(
                       accepted_at__isnull=True, revoked_at__isnull=True)
                   .exclude(role=Role.PARENT)]
        return super().get_context_data(**kwargs) | {
            "current": [m for m in everyone if m.left_on is None],
            "leavers": [m for m in everyone if m.left_on is not None],
            "waiting": waiting,
            "changes": [(entry, describe(entry))
                        for entry in school_trail(self.school)[:RECENT_CHANGES]],
        }


class InviteView(FormPage):
    action = Action.MANAGE_PEOPLE
    form_class = InviteForm
    title = "Invite a member of staff"
    submit = "Send the invitation"
    intro = ("They will get an e-mail with a link to set a password and join the school. "
             "The link works once and for 7 days. Parents and carers are invited from "
             "their child's page.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"back_url": people_url(self.school)}

    def perform(self, data):
        invitation = invitations.invite(school=self.school, actor=self.request.user, **data)
        return people_url(self.school), (
            f"An invitation has been sent to {invitation.email}.")


class MemberPage(FormPage):
    action = Action.MANAGE_PEOPLE

    def resolve_objects(self, *, member_id):
        self.member = access_member(self.membership, member_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "back_url": people_url(self.school), "caption": str(self.member.user)}


class MemberRoleView(MemberPage):
    form_class = RoleForm
    title = "Change role and classes"
    submit = "Save"

    def get_initial(self):
        return {"role": self.member.role, "classes": self.member.classes}

    def perform(self, data):
        members.member_change_role(membership=self.member, actor=self.request.user, **data)
        return people_url(self.school), (
            f"{self.member.user} is now {Role(data['role']).label}"
            f"{', teaching ' + ', '.join(data['classes']) if data['classes'] else ''}.")


class MemberLeaveView(MemberPage):
    form_class = LeaverForm
    title = "Record that they have left"
    submit = "Record the leaver"

    def get_initial(self):
        return {"on": timezone.localdate().isoformat()}

    def perform(self, data):
        members.member_leave(membership=self.member, actor=self.request.user, **data)
        return people_url(self.school), (
            f"{self.member.user} has left the school and can no longer sign in to it.")


class InvitationStepView(SchoolView, View):
    """Resend or withdraw an invitation (a button on the people page or a pupil's page)."""

    action = Action.MANAGE_PEOPLE
    http_method_names = ["post"]
    step = ""

    def resolve_objects(self, *, invitation_id):
        self.invitation = access_invitation(self.membership, invitation_id)

    def post(self, request, *args, **kwargs):
        service = {"resend": invitations.resend, "revoke": invitations.revoke}[self.step]
        try:
            service(invitation=self.invitation, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, (
                f"A new link has been sent to {self.invitation.email}."
                if self.step == "resend" else
                f"The invitation to {self.invitation.email} has been withdrawn."))
        return redirect(self.back_to())

    def back_to(self) -> str:
        target = self.request.POST.get("back", "")
        prefix = f"/s/{self.school.slug}/"
        return target if target.startswith(prefix) else people_url(self.school)


def accept_invitation(request, token: str):
    """The page an invitation's link opens. Someone new sets their name and a password;
    someone with an account signs in first and accepts; a link that cannot be used says
    why, and offers to ask for a new one where that would help."""
    try:
        school, invitation = invitation_from_token(token)
    except LinkRefused as refused:
        return _refused(request, refused)
    context = {"invitation": invitation, "school": school, "second_step_roles": SECOND_FACTOR}
    user = request.user
    with school_scope(school):
        if user.is_authenticated:
            if user.email.lower() != invitation.email:
                return render(request, "accounts/invitation_other_account.html", context)
            if request.method == "POST":
                return _accepted(request, invitation, user=user)
            return render(request, "accounts/invitation_accept.html", context)
        if invitations.needs_sign_in(invitation):
            return render(request, "accounts/invitation_sign_in.html", context | {
                "sign_in": f"{reverse('accounts:login')}?{urlencode({'next': request.path})}"})
        form = AcceptForm(request.POST or None, email=invitation.email, initial={
            "first_name": invitation.first_name, "last_name": invitation.last_name})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            return _accepted(request, invitation, password=data["password1"],
                             first_name=data["first_name"], last_name=data["last_name"])
        return render(request, "accounts/invitation_new_account.html",
                      context | {"form": form})


def _accepted(request, invitation, **kwargs):
    try:
        user = invitations.accept(invitation=invitation, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("home")
    if not request.user.is_authenticated:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, f"Welcome to {invitation.school.name}.")
    return redirect("home")


def _refused(request, refused: LinkRefused):
    invitation = refused.invitation
    may_ask = refused.reason in ("expired", "replaced") and invitation is not None
    asked = False
    if may_ask and request.method == "POST":
        with school_scope(invitation.school):
            invitations.ask_for_renewal(invitation=invitation, link_key=refused.link_key)
        asked = True
    return render(request, "accounts/invitation_refused.html", {
        "reason": LINK_REASONS[refused.reason], "may_ask": may_ask and not asked,
        "asked": asked, "invitation": invitation}, status=410 if invitation else 404)



class NewSchoolView(FormView):
    """For whoever runs the service (a superuser, signed in with two steps): create a
    school and invite its first SENCO. Anyone else gets the same 404 as an unknown page."""

    template_name = "includes/form_page.html"
    form_class = NewSchoolForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise Http404("Not found.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "title": "Add a school", "submit": "Add the school and invite its SENCO",
            "intro": "The SENCO is e-mailed an invitation to set up the school. They then "
                     "invite the rest of the staff."}

    def form_valid(self, form):
        try:
            school, invitation = school_create(**form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
            return self.form_invalid(form)
        messages.success(self.request, f"{school.name} has been added. An invitation has been "
                         f"sent to {invitation.email}.")
        return redirect("accounts:new_school")


class StaffImportView(SchoolView, TemplateView):
    """Upload a CSV of staff, see what it will do, confirm: invitations for the new, the
    file's role and classes for those already here."""

    action = Action.MANAGE_PEOPLE
    template_name = "accounts/staff_import.html"

    def get_context_data(self, form=None, rows=None, token="", **kwargs):
        counts = {action: sum(1 for row in rows or [] if row.action == action)
                  for action in ("invite", "update", "unchanged", "refuse")}
        return super().get_context_data(**kwargs) | {
            "form": form or StaffFileForm(), "rows": rows, "token": token, "counts": counts,
            "back_url": people_url(self.school)}

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            try:
                invited, updated = staff_import.apply(
                    school=self.school, actor=request.user,
                    text=staff_import.unsign(request.POST.get("token", "")))
            except (ValidationError, FileRefused) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
                return redirect("people:import", school=self.school.slug)
            messages.success(request, f"{invited} invitation{'s' if invited != 1 else ''} "
                             f"sent, {updated} member{'s' if updated != 1 else ''} of staff "
                             "updated.")
            return redirect(people_url(self.school))
        form = StaffFileForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"].read(MAX_BYTES + 1)
            try:
                text = decode(data)
                rows = staff_import.plan(school=self.school, actor=request.user, text=text)
            except FileRefused as refused:
                form.add_error("file", str(refused))
            else:
                return self.render_to_response(self.get_context_data(
                    form=form, rows=rows, token=staff_import.sign(text)))
        return self.render_to_response(self.get_context_data(form=form))
