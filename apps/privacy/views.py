"""Pages for a pupil's data rights: who saw or changed their record, the subject access
export, and retention."""

import io

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from apps.audit.trail import record_access, trail_for
from apps.pupils.views import PupilPage
from apps.schools.models import School
from apps.schools.roles import Action, role_may
from apps.schools.views import FormPage, SchoolView, ServiceFormView
from backend.spreadsheets import CsvWriter

from . import received, retention, sen_record, subject_access
from .access import access_received_record, received_records_of
from .forms import DeleteDueForm, ReceivedRecordForm, RetentionPeriodForm


class PupilAuditView(PupilPage, SchoolView, TemplateView):
    """A pupil's audit trail for the SENCO and the head, on a page and as CSV
    (``?download=csv``)."""

    action = Action.VIEW_AUDIT
    template_name = "privacy/audit.html"
    shown = 2000  # the newest entries; the subject access export holds them all

    def get(self, request, *args, **kwargs):
        self.entries = list(trail_for(self.school, self.pupil)[:self.shown])
        if request.GET.get("download") == "csv":
            return self.as_csv()
        return super().get(request, *args, **kwargs)

    def as_csv(self):
        out = io.StringIO()
        writer = CsvWriter(out)
        writer.writerow(["When", "Who", "Action", "Record", "From", "Address", "Why",
                         "Changes"])
        for e in self.entries:
            writer.writerow([e.timestamp.isoformat(), str(e.actor or ""),
                             e.get_action_display(), f"{e.content_type.model} {e.object_pk}",
                             (e.additional_data or {}).get("path", ""), e.remote_addr or "",
                             (e.additional_data or {}).get("reason", ""),
                             e.changes_str if e.changes else ""])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{self.pupil.upn}.csv"'
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"entries": self.entries}


class SubjectAccessView(PupilPage, SchoolView, TemplateView):
    """What the export holds, and the download (``?download=zip``). Reading this page and
    downloading are both in the audit trail, with the address that says which."""

    action = Action.EXPORT_RECORD
    template_name = "privacy/subject_access.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("download") == "zip":
            archive = subject_access.export(pupil=self.pupil, school=self.school,
                                            actor=request.user)
            return FileResponse(archive, as_attachment=True,
                                filename=subject_access.filename(self.pupil),
                                content_type="application/zip")
        return super().get(request, *args, **kwargs)


class SenRecordView(PupilPage, SchoolView, View):
    """The pupil's SEN record in the open format (sen_record.py), as a JSON file for the
    next school: the whole graduated approach, documented in docs/record-format/. Its
    download is in the audit trail, as a reading of the record."""

    action = Action.EXPORT_RECORD

    def get(self, request, *args, **kwargs):
        document = sen_record.sen_record(self.pupil, school=self.school, made_by=request.user)
        response = HttpResponse(sen_record.sen_record_json(document),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{sen_record.filename(self.pupil)}"')
        return response


def received_url(school, pupil, record=None) -> str:
    if record is None:
        return reverse("privacy:received_records", kwargs={"school": school.slug,
                                                           "pupil_id": pupil.pk})
    return reverse("privacy:received_record", kwargs={
        "school": school.slug, "pupil_id": pupil.pk, "received_id": record.pk})


class ReceivedRecordsView(PupilPage, SchoolView, TemplateView):
    """The SEN history received from other schools for this pupil, and (for the SENCO)
    where to add one."""

    action = Action.VIEW_PLANS
    template_name = "privacy/received_records.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "records": list(received_records_of(self.membership, self.pupil)
                            .filter(confirmed_at__isnull=False)),
            "may_receive": role_may(self.membership.role, Action.MANAGE_PLANS)}


class ReceiveRecordView(PupilPage, FormPage):
    """Upload a record exported by another school; it is checked, then shown before it
    is added (received.py)."""

    action = Action.MANAGE_PLANS
    form_class = ReceivedRecordForm
    title = "Add SEN history from another school"
    submit = "Check the file"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "caption": self.pupil.full_name,
            "back_url": received_url(self.school, self.pupil),
            "intro": "The other school exports the record from its pupil page, in the open "
                     "SEN record format. It is added as history from that school: shown as "
                     "it came, and never counted in this school's figures."}

    def perform(self, data):
        record = received.record_receive(pupil=self.pupil, actor=self.request.user,
                                         upload=data["file"])
        return (received_url(self.school, self.pupil, record),
                "The file is an SEN record for this pupil. Check it, then add it.")


class ReceivedRecordView(PupilPage, SchoolView, TemplateView):
    """One history from another school, read-only; while it is a preview, the SENCO adds
    it to the record or throws it away."""

    action = Action.VIEW_PLANS
    template_name = "privacy/received_record.html"
    audited = ("record", "pupil")

    def resolve_objects(self, *, pupil_id, received_id):
        super().resolve_objects(pupil_id=pupil_id)
        self.record = access_received_record(self.membership, self.pupil, received_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "record": self.record, "document": received.readable(self.record.document),
            "errors": kwargs.get("errors", [])}

    def post(self, request, *args, **kwargs):
        if not role_may(self.membership.role, Action.MANAGE_PLANS):
            raise PermissionDenied("Your role cannot add history to a pupil's record.")
        try:
            if "discard" in request.POST:
                received.record_discard(received=self.record)
                messages.success(request, "The file has been thrown away.")
                return redirect(received_url(self.school, self.pupil))
            received.record_confirm(received=self.record, actor=request.user)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(errors=error.messages))
        messages.success(request, f"The history from {self.record.source_school} has been "
                                  "added to the record.")
        return redirect(received_url(self.school, self.pupil, self.record))


class RetentionView(ServiceFormView):
    """The dry run (who is past the retention period, and what would go) and the
    confirmation that deletes it. The head's decision."""

    action = Action.APPLY_RETENTION
    template_name = "privacy/retention.html"
    form_class = DeleteDueForm

    service_field_map = {"pupils": NON_FIELD_ERRORS}

    @cached_property
    def review(self):
        return retention.review(self.school)

    def get_initial(self):
        return {"pupils": ",".join(str(item.pupil.pk) for item in self.review.due)}

    def perform(self, data):
        done = retention.delete_due(self.school, actor=self.request.user,
                                    expected=data["pupils"])
        count = len(done.due)
        return (self.request.path,
                f"The records of {count} pupil{'s' if count != 1 else ''} have been deleted.")

    def get_context_data(self, **kwargs):
        if self.review.due:  # the list names pupils: an access to their records
            record_access(self.school, path=self.request.get_full_path(),
                          school_id=self.school.pk,
                          pupils=[item.pupil.pk for item in self.review.due])
        return super().get_context_data(**kwargs) | {
            "review": self.review, "deletions": retention.deletions(self.school)[:20],
            "period_form": RetentionPeriodForm(instance=self.school)}


class RetentionPeriodView(ServiceFormView):
    action = Action.APPLY_RETENTION
    template_name = "privacy/retention_period.html"
    form_class = RetentionPeriodForm

    def get_form_kwargs(self):
        # A copy: a refused value must not change the school the page is showing.
        return super().get_form_kwargs() | {
            "instance": School.objects.get(pk=self.school.pk)}

    def perform(self, data):
        retention.set_period(school=self.school, years=data["retention_years"])
        return (reverse("privacy:retention", kwargs={"school": self.school.slug}),
                f"Records will be kept until {data['retention_years']} years after a pupil's "
                "date of birth.")
