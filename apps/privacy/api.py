from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from apps.pupils.access import access_pupil
from apps.pupils.models import Pupil
from apps.pupils.selectors import pupils_visible_to
from apps.schools.api import SchoolScopedViewSet
from apps.schools.roles import Action

from . import sen_record, subject_access


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


class SenRecordViewSet(mixins.RetrieveModelMixin, SchoolScopedViewSet):
    """The pupil's SEN record in the open format, version 1 (the JSON Schema is
    docs/record-format/sen-record.schema.json): the register history, needs, profile,
    every cycle with outcomes, provision and reviews, meetings, parents' views, top-ups
    and the EHC history. SENCO and head only; recorded in the audit trail."""

    model = Pupil
    lookup_url_kwarg = "pupil"
    access = staticmethod(access_pupil)
    default_required = Action.EXPORT_RECORD

    def visible_queryset(self):
        return pupils_visible_to(self.membership)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def retrieve(self, request, *args, **kwargs):
        return Response(sen_record.sen_record(self.get_object(), school=self.school,
                                              made_by=request.user))
