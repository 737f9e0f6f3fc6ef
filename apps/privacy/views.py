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
from apps.pupils.views import PupilPage, pupil_url
from apps.schools.models import School
from apps.schools.roles import Action, role_may
from apps.schools.views import FormPage, SchoolView, ServiceFormView
from backend.spreadsheets import CsvWriter

from . import ctf, received, retention, sen_record, subject_access, transfer
from .access import (
    access_destination,
    access_incoming_transfer,
    access_outgoing_transfer,
    access_received_record,
    destinations,
    incoming_transfers_of,
    outgoing_transfers_of,
    received_records_of,
)
from .forms import (
    CtfExportForm,
    CtfImportForm,
    DeleteDueForm,
    ReceivedRecordForm,
    RetentionPeriodForm,
    TransferForm,
)
from .rules import TransferState


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


class PupilFormPage(PupilPage, FormPage):
    """A one-form page about a pupil: captioned with their name, and back to ``back_url``
    (their page unless said otherwise)."""

    def back_url(self) -> str:
        return pupil_url(self.school, self.pupil)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "caption": self.pupil.full_name, "back_url": self.back_url()}


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


class ReceiveRecordView(PupilFormPage):
    """Upload a record exported by another school; it is checked, then shown before it
    is added (received.py)."""

    action = Action.MANAGE_PLANS
    form_class = ReceivedRecordForm
    title = "Add SEN history from another school"
    submit = "Check the file"
    intro = ("The other school exports the record from its pupil page, in the open SEN "
             "record format. It is added as history from that school: shown as it came, "
             "and never counted in this school's figures.")

    def back_url(self):
        return received_url(self.school, self.pupil)

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


def transfers_url(school) -> str:
    return reverse("privacy:transfers", kwargs={"school": school.slug})


class TransferSendView(PupilFormPage):
    """The SENCO records that the pupil is leaving for another school of the trust; the
    record goes to that school's SENCO to accept (transfer.py)."""

    action = Action.TRANSFER_RECORD
    form_class = TransferForm
    submit = "Send the record"
    service_field_map = {"transfer": "to_school"}
    intro = ("The receiving school's SENCO is told, and sees who is coming and from where. "
             "Nothing of the SEN history reaches them until they accept it. This school "
             "keeps a copy of the record exactly as it was sent.")

    @property
    def title(self):
        return f"Send {self.pupil.first_name}'s record to another school of the trust"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"schools": list(destinations(self.school))}

    def perform(self, data):
        to_school = access_destination(self.membership, data["to_school"])
        outgoing = transfer.transfer_send(pupil=self.pupil, to_school=to_school,
                                          leaving_on=data["leaving_on"], actor=self.request.user)
        return (reverse("privacy:outgoing_transfer", kwargs={
                    "school": self.school.slug, "transfer_id": outgoing.pk}),
                f"{self.pupil.full_name}'s record has been sent to {to_school.name}. It "
                "arrives when their SENCO accepts it.")


class TransfersView(SchoolView, TemplateView):
    """Records sent to this school by others of the trust, and those it has sent."""

    action = Action.TRANSFER_RECORD
    template_name = "privacy/transfers.html"

    def get_context_data(self, **kwargs):
        incoming = list(incoming_transfers_of(self.membership))
        return super().get_context_data(**kwargs) | {
            "waiting": [t for t in incoming if t.state == TransferState.WAITING],
            "answered": [t for t in incoming if t.state != TransferState.WAITING],
            "outgoing": list(outgoing_transfers_of(self.membership))}


class TransferAnswerMixin:
    """A transfer page whose buttons post an answer to a service; a refusal is shown in the
    error summary and changes nothing."""

    def answer(self, request, perform):
        try:
            return perform()
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(errors=error.messages))

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"errors": kwargs.get("errors", [])}


class IncomingTransferView(TransferAnswerMixin, SchoolView, TemplateView):
    """A record another school of the trust is sending: who and from where, and the
    pupil on this school's roll with that UPN; the SENCO accepts or declines."""

    action = Action.TRANSFER_RECORD
    template_name = "privacy/incoming_transfer.html"
    audited = ("transfer",)

    def resolve_objects(self, *, transfer_id):
        self.transfer = access_incoming_transfer(self.membership, transfer_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "transfer": self.transfer, "pupil": transfer.pupil_for(self.transfer),
            "waiting": self.transfer.state == TransferState.WAITING}

    def post(self, request, *args, **kwargs):
        def perform():
            if "decline" in request.POST:
                transfer.transfer_decline(incoming=self.transfer, actor=request.user)
                messages.success(request, "The transfer has been declined. "
                                          f"{self.transfer.from_school.name} can see this.")
                return redirect(transfers_url(self.school))
            accepted = transfer.transfer_accept(incoming=self.transfer, actor=request.user)
            messages.success(request, f"The record from {self.transfer.from_school.name} has "
                                      "arrived. Check it, then add it to the pupil's record.")
            return redirect(received_url(self.school, accepted.pupil, accepted.received))
        return self.answer(request, perform)


class OutgoingTransferView(TransferAnswerMixin, SchoolView, TemplateView):
    """A record this school sent: where it stands, and the copy exactly as it went
    (read-only; ``?download=json`` gives the file). While it waits, the SENCO may
    withdraw it."""

    action = Action.TRANSFER_RECORD
    template_name = "privacy/outgoing_transfer.html"
    audited = ("transfer",)

    def resolve_objects(self, *, transfer_id):
        self.transfer = access_outgoing_transfer(self.membership, transfer_id)

    def get(self, request, *args, **kwargs):
        if request.GET.get("download") == "json":
            response = HttpResponse(sen_record.sen_record_json(self.transfer.document),
                                    content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="{sen_record.filename(self.transfer.pupil)}"')
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "transfer": self.transfer, "pupil": self.transfer.pupil,
            "document": received.readable(self.transfer.document),
            "waiting": self.transfer.state == TransferState.WAITING}

    def post(self, request, *args, **kwargs):
        def perform():
            transfer.transfer_withdraw(outgoing=self.transfer, actor=request.user)
            messages.success(request, f"The transfer to {self.transfer.to_school.name} has "
                                      "been withdrawn.")
            return redirect(request.path)
        return self.answer(request, perform)


class CtfImportView(PupilFormPage):
    """The SEN parts of the Common Transfer File the last school sent, for a pupil who
    has joined (ctf.py)."""

    action = Action.CHANGE_SEN_STATUS
    form_class = CtfImportForm
    title = "Add the SEN history from a Common Transfer File"
    submit = "Add the SEN history"
    intro = (f"The needs are taken in their rank where none is recorded here yet, and the "
             f"SEN provision (K or E) from today if it differs from this school's, naming "
             f"the last school. A CTF {ctf.CTF_VERSION.split('.')[0]} file is read; the rest "
             f"of it (addresses, contacts, attendance) is for your MIS.")

    def perform(self, data):
        imported = ctf.ctf_import(pupil=self.pupil, actor=self.request.user,
                                  upload=data["file"])
        said = " ".join(imported.changes) or ("Nothing to change: this school's record "
                                              "already says the same.")
        if imported.received is not None:
            return (received_url(self.school, self.pupil, imported.received),
                    f"{said} The file also carried the last school's SEN record: check "
                    "it, then add it.")
        return pupil_url(self.school, self.pupil), f"The Common Transfer File has been read. {said}"


class CtfExportView(PupilFormPage):
    """A Common Transfer File with the pupil's SEN history and whole SEN record, for the
    next school (ctf.py). Downloading it is in the audit trail as a reading."""

    action = Action.EXPORT_RECORD
    form_class = CtfExportForm
    submit = "Download the CTF"

    @property
    def title(self):
        return f"Download a Common Transfer File with {self.pupil.first_name}'s SEN history"

    @property
    def intro(self):
        return (f"A CTF {ctf.CTF_VERSION.split('.')[0]} file holding "
                f"{self.pupil.first_name}'s SEN provision history, needs in their rank and "
                "the whole SEN record, which a system that reads the open format takes in "
                "too. Your MIS sends the rest of the CTF.")

    def form_valid(self, form):
        try:
            name, data = ctf.ctf_export(
                pupil=self.pupil, school=self.school, actor=self.request.user,
                sex=form.cleaned_data["sex"], destination=form.cleaned_data["destination"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        response = HttpResponse(data, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
