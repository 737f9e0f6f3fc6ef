"""The subject access export (UK GDPR Article 15): everything held about one pupil, as one
ZIP file for the school to check and send — the record as JSON, every file stored with it
(uploaded evidence, the PDFs shared with parents), the audit trail of who saw or changed
it, and a note in plain English saying what each part is.

Names of the staff and parents who appear in the record are given (they acted in the
child's education); their e-mail addresses and other people's children are not. The
school still reads the export before sending it: the Code's free-text fields may name
other people, which a SENCO must judge (ICO guidance on third-party information)."""

import json
import tempfile
import zipfile
from pathlib import PurePath

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from apps.audit.trail import trail_for

from .record import pupil_record
from .sen_record import sen_record, sen_record_json

README = """Subject access export for {name}
{school}, made on {made} by {by}.

record.json   everything this service holds about {first}: their details, SEN support
              history, support plans with each Assess-Plan-Do-Review cycle (evidence,
              outcomes, provision, sessions delivered, reviews), meetings with parents,
              plans shared with parents, parents' views, top-up requests to the local
              authority and decisions about an EHC needs assessment. Each kind of record is
              listed under its name, one entry per record, with the fields as stored.
              "people" gives the name of each member of staff or parent referred to by
              number.
sen-record.json
              the same SEN support history in the open format that another school's
              system can read (described in docs/record-format/ of this service's source).
audit.json    every time the record was read or changed: when, by whom, from where and,
              for changes, what changed.
files/        every file stored with the record: uploaded evidence and the PDFs of plans
              shared with parents. Listed in record.json under "files".
"""


def _user_fields(model) -> list[str]:
    user_model = get_user_model()
    return [f.name for f in model._meta.get_fields()
            if f.concrete and f.is_relation and f.related_model is user_model]


def _file_fields(model) -> list[str]:
    return [f.name for f in model._meta.get_fields() if isinstance(f, models.FileField)]


def export(*, pupil, school, actor):
    """The export as an open temporary file (rewound), ready to stream."""
    record = pupil_record(pupil)
    data, people, files = {}, set(), []
    out = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for label, queryset in record.items():
            rows = list(queryset)
            data[label] = serializers.serialize("python", rows)
            user_fields, file_fields = _user_fields(queryset.model), _file_fields(
                queryset.model)
            for row, serialised in zip(rows, data[label], strict=True):
                for name in user_fields:
                    value = serialised["fields"].get(name)
                    people.update(value if isinstance(value, list) else [value])
                for name in file_fields:
                    stored = getattr(row, name)
                    if stored:
                        files.append(_add_file(archive, label, row.pk, stored))
        people.discard(None)
        document = {
            "pupil": pupil.full_name,
            "school": {"name": school.name, "urn": school.urn},
            "made_at": timezone.now(),
            "made_by": str(actor),
            "records": data,
            "people": {person.pk: person.get_full_name() or "Name not recorded"
                       for person in get_user_model().objects.filter(pk__in=people)},
            "files": files,
        }
        archive.writestr("record.json", json.dumps(document, cls=DjangoJSONEncoder,
                                                   indent=2, ensure_ascii=False))
        archive.writestr("sen-record.json", sen_record_json(
            sen_record(pupil, school=school, made_by=actor)))
        archive.writestr("audit.json", json.dumps(_audit(school, pupil), cls=DjangoJSONEncoder,
                                                  indent=2, ensure_ascii=False))
        archive.writestr("README.txt", README.format(
            name=pupil.full_name, first=pupil.first_name, school=school.name,
            made=timezone.localdate().strftime("%-d %B %Y"), by=actor))
    out.seek(0)
    return out


def _add_file(archive, label, pk, stored) -> dict:
    name = f"files/{label}-{pk}-{PurePath(stored.name).name}"
    try:
        with stored.open("rb") as source, archive.open(name, "w") as target:
            while chunk := source.read(1024 * 1024):
                target.write(chunk)
    except FileNotFoundError:
        return {"record": f"{label} {pk}", "file": None,
                "note": "The file is missing from storage."}
    return {"record": f"{label} {pk}", "file": name}


def _audit(school, pupil) -> list[dict]:
    return [{"when": entry.timestamp, "who": str(entry.actor or "the system"),
             "action": entry.get_action_display(),
             "record": f"{entry.content_type.app_label}.{entry.content_type.model} "
                       f"{entry.object_pk}",
             "path": (entry.additional_data or {}).get("path"),
             "address": entry.remote_addr, "changes": entry.changes or None}
            for entry in trail_for(school, pupil).iterator()]


def filename(pupil) -> str:
    return f"subject-access-{pupil.upn}-{timezone.localdate().isoformat()}.zip"
