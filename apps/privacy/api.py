from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins

from apps.pupils.access import access_pupil
from apps.pupils.models import Pupil
from apps.pupils.selectors import pupils_visible_to
from apps.schools.api import SchoolScopedViewSet
from apps.schools.roles import Action

from . import subject_access


class SubjectAccessViewSet(mixins.RetrieveModelMixin, SchoolScopedViewSet):
    """Everything held about one pupil, as the ZIP file the subject access page offers
    (record.json, audit.json, files/, README.txt). SENCO and head only; recorded in the
    audit trail."""

    model = Pupil
    lookup_url_kwarg = "pupil"
    access = staticmethod(access_pupil)
    default_required = Action.EXPORT_RECORD

    def visible_queryset(self):
        return pupils_visible_to(self.membership)

    @extend_schema(responses={(200, "application/zip"): bytes})
    def retrieve(self, request, *args, **kwargs):
        pupil = self.get_object()
        archive = subject_access.export(pupil=pupil, school=self.school, actor=request.user)
        return FileResponse(archive, as_attachment=True,
                            filename=subject_access.filename(pupil),
                            content_type="application/zip")
