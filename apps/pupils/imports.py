"""The steps of a pupil import from the MIS, as the SENCO takes them (the reading, checking
and applying are in ``mis_import``)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.csv_upload import decode, read_csv

from .csv_columns import COLUMN_LABELS, guess_mapping
from .mis_import import missing_columns, replan
from .models import PupilImport
from .tasks import apply_pupil_import


def import_start(*, school, actor, file_name: str, data: bytes) -> PupilImport:
    """Read and check the file; nothing is written to the register. ``FileRefused`` for a
    file that cannot be read."""
    headings, _ = read_csv(data)
    pupil_import = PupilImport(school=school, uploaded_by=actor, file_name=file_name[:200],
                               text=decode(data), mapping=guess_mapping(headings))
    replan(pupil_import)
    pupil_import.save()
    return pupil_import


def import_remap(*, pupil_import, mapping: dict) -> PupilImport:
    """The SENCO's choice of our column for each heading; the rows checked again."""
    _still_preview(pupil_import)
    headings = list(pupil_import.mapping)
    chosen = [key for key in mapping.values() if key]
    doubled = {key for key in chosen if chosen.count(key) > 1}
    if doubled:
        raise ValidationError({"mapping": "Choose each of our columns for one heading only: "
                               + ", ".join(COLUMN_LABELS[key] for key in sorted(doubled))})
    pupil_import.mapping = {heading: mapping.get(heading, "") for heading in headings}
    replan(pupil_import)
    pupil_import.save(update_fields=["mapping", "plan"])
    return pupil_import


def _still_preview(pupil_import) -> None:
    if pupil_import.status != PupilImport.Status.PREVIEW:
        raise ValidationError("This import has already been confirmed.")


def import_confirm(*, pupil_import, actor, invite_parents: bool) -> PupilImport:
    """Queue the import. Refused if a required column is unmapped or no row would change."""
    with transaction.atomic():
        pupil_import = PupilImport.objects.select_for_update().get(pk=pupil_import.pk)
        _still_preview(pupil_import)
        missing = missing_columns(pupil_import.mapping)
        if missing:
            raise ValidationError(f"Say which heading holds: {', '.join(missing)}.")
        if not any(row["action"] in ("create", "update") for row in pupil_import.plan):
            raise ValidationError("Nothing in this file would change the register.")
        pupil_import.status = PupilImport.Status.QUEUED
        pupil_import.invite_parents = invite_parents
        pupil_import.save(update_fields=["status", "invite_parents"])
        apply_pupil_import.delay_on_commit(school_id=pupil_import.school_id,
                                           import_id=pupil_import.pk)
    return pupil_import
