"""The pupil import pages: upload a CSV from the MIS, check the preview (and say what an
unknown heading is), confirm, watch it run."""

import io

from celery.result import AsyncResult
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from apps.schools.roles import Action
from apps.schools.views import SchoolView, ServiceFormView, StatusPart
from backend.csv_upload import MAX_BYTES, FileRefused
from backend.spreadsheets import CsvWriter

from . import imports
from .access import access_pupil_import, pupil_imports_visible_to
from .csv_columns import COLUMNS, PROFILE_LABELS, PROFILES
from .forms import ImportConfirmForm, ImportFileForm, ImportMappingForm
from .mis_import import missing_columns
from .models import PupilImport

# How many earlier imports the upload page lists.
RECENT_IMPORTS = 10


def import_url(school, pupil_import) -> str:
    return reverse("pupils:import", kwargs={"school": school.slug,
                                            "import_id": pupil_import.pk})


class ImportStartView(ServiceFormView):
    action = Action.IMPORT_PUPILS
    template_name = "pupils/import_start.html"
    form_class = ImportFileForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "profiles": PROFILE_LABELS, "columns": COLUMNS,
            "recent": pupil_imports_visible_to(self.membership)[:RECENT_IMPORTS]}

    def perform(self, data):
        upload = data["file"]
        try:
            pupil_import = imports.import_start(
                school=self.school, actor=self.request.user, file_name=upload.name,
                data=upload.read(MAX_BYTES + 1))
        except FileRefused as refused:
            raise ValidationError({"file": str(refused)}) from None
        return import_url(self.school, pupil_import), (
            "The file has been read. Nothing has changed yet: check what it will do.")


class ImportView(StatusPart, SchoolView, TemplateView):
    """The preview (with the headings' mapping and the confirm button), then progress."""

    action = Action.IMPORT_PUPILS
    template_name = "pupils/import.html"
    status_template = "pupils/import_status.html"

    def resolve_objects(self, *, import_id):
        self.pupil_import = access_pupil_import(self.membership, import_id)

    def get_context_data(self, mapping_form=None, confirm_form=None, **kwargs):
        pupil_import = self.pupil_import
        plan = pupil_import.plan
        counts = {action: sum(1 for row in plan if row["action"] == action)
                  for action in ("create", "update", "unchanged", "refuse")}
        return super().get_context_data(**kwargs) | {
            "pupil_import": pupil_import, "counts": counts,
            "missing": missing_columns(pupil_import.mapping),
            "rows": [row for row in plan if row["action"] != "unchanged"],
            "mapping_form": mapping_form or ImportMappingForm(mapping=pupil_import.mapping),
            "confirm_form": confirm_form or ImportConfirmForm(),
            "progress": self.progress(),
        }

    def progress(self) -> dict | None:
        """How far a running import has got, from its task's result (with a broker)."""
        pupil_import = self.pupil_import
        if pupil_import.status != PupilImport.Status.APPLYING or not pupil_import.task_id:
            return None
        info = AsyncResult(pupil_import.task_id).info
        return info if isinstance(info, dict) and "done" in info else None

    def post(self, request, *args, **kwargs):
        if "remap" in request.POST:
            form = ImportMappingForm(request.POST, mapping=self.pupil_import.mapping)
            if form.is_valid():
                try:
                    imports.import_remap(pupil_import=self.pupil_import,
                                         mapping=form.mapping())
                except ValidationError as error:
                    form.add_error(None, error.messages)
                else:
                    messages.success(request, "The rows have been checked again.")
                    return redirect(import_url(self.school, self.pupil_import))
            return self.render_to_response(self.get_context_data(mapping_form=form))
        form = ImportConfirmForm(request.POST)
        if form.is_valid():
            try:
                imports.import_confirm(pupil_import=self.pupil_import, actor=request.user,
                                       **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return redirect(import_url(self.school, self.pupil_import))
        return self.render_to_response(self.get_context_data(confirm_form=form))


class ImportTemplateView(SchoolView, TemplateView):
    """An empty CSV with one MIS's headings (``?mis=sims``), to check an export against."""

    action = Action.IMPORT_PUPILS

    def get(self, request, *args, **kwargs):
        profile = request.GET.get("mis", "template")
        if profile not in PROFILES:
            raise Http404("No such template.")
        out = io.StringIO()
        CsvWriter(out).writerow(
            [PROFILES[profile][c.key][0] for c in COLUMNS if c.key in PROFILES[profile]])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="pupils-{profile}.csv"'
        return response
