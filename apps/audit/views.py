"""A pupil's audit trail for the SENCO and the head, on a page and as CSV."""

import csv
import io

from django.http import HttpResponse
from django.views.generic import TemplateView

from apps.pupils.views import PupilPage
from apps.schools.roles import Action
from apps.schools.views import SchoolView

from .trail import trail_for


class PupilAuditView(PupilPage, SchoolView, TemplateView):
    action = Action.VIEW_AUDIT
    template_name = "audit/pupil.html"

    def get(self, request, *args, **kwargs):
        entries = list(trail_for(self.school, self.pupil)[:2000])
        if request.GET.get("download") == "csv":
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["When", "Who", "Action", "Record", "From", "Address", "Changes"])
            for e in entries:
                writer.writerow([e.timestamp.isoformat(), str(e.actor or ""),
                                 e.get_action_display(), f"{e.content_type.model} {e.object_pk}",
                                 (e.additional_data or {}).get("path", ""), e.remote_addr or "",
                                 e.changes_str if e.changes else ""])
            response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="audit-{self.pupil.upn}.csv"')
            return response
        self.entries = entries
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"entries": self.entries}
