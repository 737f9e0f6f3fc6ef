"""Pages that change the register: add a pupil, change their details, change their SEN
status. And ``PupilPage``, the base of every page about one pupil. (The register and the
pupil page themselves bring the caseload together: apps.caseload.)"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View

from apps.schools.roles import Action
from apps.schools.views import FormPage, SchoolView, ServiceFormView

from . import notices, services
from .access import access_parent_link, access_pupil
from .forms import (
    LeaverForm,
    NewPupilForm,
    NoticeGivenForm,
    ParentInviteForm,
    PupilForm,
    SenStatusCorrectForm,
    SenStatusForm,
)
from .rules import STATUSES_NOTIFIED_TO_PARENTS


class PupilPage:
    """A page about one pupil: the pupil in the URL goes through access_pupil (or 404)."""

    def resolve_objects(self, *, pupil_id):
        self.pupil = access_pupil(self.membership, pupil_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"pupil": self.pupil}


def pupil_url(school, pupil):
    return reverse("caseload:pupil", kwargs={"school": school.slug, "pupil_id": pupil.pk})


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
        if record.status in STATUSES_NOTIFIED_TO_PARENTS:
            readers = notices.readers(record)
            if any(reader.email for reader in readers):
                text += (" The formal notice of SEN support is being sent to "
                         f"{'them' if readers[0].parent is None else 'their parents and carers'}.")
            if any(not reader.email for reader in readers):
                text += " Give the notice by hand to anyone without an e-mail address."
        return pupil_url(self.school, pupil), text


class PupilFormPage(PupilPage, FormPage):
    """A one-form page about a pupil, captioned with their name, back to their page."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "caption": self.pupil.full_name, "back_url": pupil_url(self.school, self.pupil)}


class SenStatusCorrectView(PupilFormPage):
    """Correct the current SEN status and when it began (a past EHC plan, a wrong date)."""

    action = Action.CHANGE_SEN_STATUS
    form_class = SenStatusCorrectForm
    title = "Correct the current SEN status"
    submit = "Save the correction"
    intro = ("For a status recorded with the wrong date or the wrong status, or to enter "
             "what was already true when the school started using this service. No notice "
             "is sent to parents. To record a change from today, change the SEN status "
             "instead.")

    def get_initial(self):
        return {"status": self.pupil.sen_status,
                "since": self.pupil.sen_status_since.isoformat()
                if self.pupil.sen_status_since else None}

    def perform(self, data):
        record = services.sen_status_correct(pupil=self.pupil, actor=self.request.user, **data)
        return pupil_url(self.school, self.pupil), (
            f"{self.pupil.full_name} is recorded as {record.get_status_display()} since "
            f"{record.started_on.day} {record.started_on:%B %Y}.")


class PupilLeaveView(PupilFormPage):
    """Record that the pupil has left the school."""

    action = Action.EDIT_PUPIL
    form_class = LeaverForm
    title = "Record that they have left the school"
    submit = "Record the leaver"
    intro = ("They will leave the working register and their current SEN status will end "
             "that day. Their record is kept, read-only, until the school's retention period "
             "ends.")

    def get_initial(self):
        return {"on": timezone.localdate().isoformat()}

    def perform(self, data):
        services.pupil_leave(pupil=self.pupil, actor=self.request.user, **data)
        return pupil_url(self.school, self.pupil), (
            f"{self.pupil.full_name} is recorded as having left the school.")


class NoticeGivenView(PupilFormPage):
    """Record that the notice of SEN support was given on paper or at a meeting."""

    action = Action.CHANGE_SEN_STATUS
    form_class = NoticeGivenForm
    title = "Record a notice of SEN support given by hand"
    submit = "Record the notice"
    intro = ("The formal notice that the pupil is receiving SEN support goes to each parent "
             "or carer, or to the pupil themself once they are a young person (from the end "
             "of Year 11). Those with an e-mail address are sent it; record here a notice "
             "given on paper or at a meeting.")

    def get_form_kwargs(self):
        _, lines = notices.notice_lines(self.pupil)
        return super().get_form_kwargs() | {
            "readers": [line.reader for line in lines if line.notice is None]}

    def get_initial(self):
        return {"on": timezone.localdate().isoformat()}

    def perform(self, data):
        notice = services.notice_record_given(pupil=self.pupil, actor=self.request.user, **data)
        whom = self.pupil.full_name if notice.to_young_person else notice.parent
        return pupil_url(self.school, self.pupil), (
            f"The notice given to {whom} has been recorded.")


class ParentInviteView(PupilFormPage):
    """Invite a parent or carer of this pupil (never picked from a list of every parent)."""

    action = Action.INVITE_PARENTS
    form_class = ParentInviteForm
    title = "Invite a parent or carer"
    submit = "Send the invitation"

    def perform(self, data):
        done = services.parent_invite(pupil=self.pupil, actor=self.request.user, **data)
        email = data["email"]
        return pupil_url(self.school, self.pupil), (
            f"An invitation has been sent to {email}." if done == "invited" else
            f"{email} already has an invitation or an account here, and is now linked to "
            f"{self.pupil.full_name} too.")


class ParentUnlinkView(PupilPage, SchoolView, View):
    """Remove a parent or carer from the pupil (a button on the pupil page)."""

    action = Action.INVITE_PARENTS
    http_method_names = ["post"]

    def resolve_objects(self, *, pupil_id, link_id):
        super().resolve_objects(pupil_id=pupil_id)
        self.link = access_parent_link(self.membership, self.pupil, link_id)

    def post(self, request, *args, **kwargs):
        services.parent_unlink(link=self.link, actor=request.user)
        messages.success(request, f"{self.link.parent} is no longer linked to "
                         f"{self.pupil.full_name}.")
        return redirect(pupil_url(self.school, self.pupil))

