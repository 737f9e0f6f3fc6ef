"""Retention (UK GDPR Article 5(1)(e), storage limitation): a pupil's records are kept
until the school's retention period after their date of birth has passed
(``School.retention_years``, date of birth + 31 years by default), then deleted — the
pupil and everything held about them (``record.pupil_record``), stored files included.

Always in two steps: ``review`` is the dry run (who is due, and how many records of each
kind would go), changing nothing; ``delete_due`` deletes, in one transaction, and writes
one audit entry saying what went, under which rule and at whose request. The deleted rows'
own audit entries are not written: they would copy the child's details into the audit
trail at the moment the school removes them."""

import datetime
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from apps.audit.models import Entry
from apps.pupils.models import Pupil

from .record import pupil_record, record_counts


def born_on_or_before(school, today: datetime.date) -> datetime.date:
    """Pupils born on or before this date are past the school's retention period."""
    return today - relativedelta(years=school.retention_years)


@dataclass
class Due:
    pupil: Pupil
    records: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.records.values())


@dataclass
class Review:
    """The dry run: what ``delete_due`` would delete today."""

    school: object
    today: datetime.date
    cutoff: datetime.date
    due: list[Due] = field(default_factory=list)

    @property
    def records(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for item in self.due:
            for label, count in item.records.items():
                totals[label] = totals.get(label, 0) + count
        return {label: count for label, count in totals.items() if count}


def review(school, today: datetime.date | None = None) -> Review:
    """Who is past retention, with a count of each kind of their records. Changes nothing.
    Inside the school's scope."""
    today = today or timezone.localdate()
    cutoff = born_on_or_before(school, today)
    pupils = list(Pupil.objects.filter(date_of_birth__lte=cutoff).order_by("date_of_birth",
                                                                           "pk"))
    counts = record_counts([pupil.pk for pupil in pupils])
    return Review(school=school, today=today, cutoff=cutoff,
                  due=[Due(pupil=pupil, records=counts[pupil.pk]) for pupil in pupils])


def delete_due(school, *, actor, today: datetime.date | None = None,
               expected: set[int] | None = None) -> Review:
    """Delete every pupil past retention and everything held about them. ``expected``: the
    pupils the person saw in the dry run; if the list has changed since, nothing is
    deleted (ValidationError), so no one deletes what they were not shown."""
    with transaction.atomic():
        done = review(school, today)
        ids = {item.pupil.pk for item in done.due}
        if expected is not None and ids != expected:
            raise ValidationError({"pupils": "The pupils past the retention period have "
                                   "changed since the list was shown. Check the list again."})
        files = []
        with disable_auditlog():
            for item in done.due:
                for queryset in pupil_record(item.pupil).values():
                    files += _stored_files(queryset)
                item.pupil.delete()
        Entry.objects.log_create(
            school, force_log=True, action=Entry.Action.DELETE, changes=None,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            additional_data={
                "school": school.pk, "pupil": None,
                "retention": {"pupils": sorted(ids), "records": done.records,
                              "born_on_or_before": done.cutoff.isoformat(),
                              "years": school.retention_years}})
        transaction.on_commit(lambda: _delete_files(files))
    return done


@transaction.atomic
def set_period(*, school, years) -> None:
    """The school's retention period, in years after a pupil's date of birth."""
    school.retention_years = years
    school.full_clean(validate_unique=False, validate_constraints=False)
    school.save(update_fields=["retention_years"])


def deletions(school):
    """The audit entries of past deletions, newest first."""
    return (Entry.objects.filter(content_type=ContentType.objects.get_for_model(school),
                                    object_pk=str(school.pk),
                                    action=Entry.Action.DELETE)
            .select_related("actor").order_by("-timestamp"))


def _stored_files(queryset) -> list:
    names = [f.name for f in queryset.model._meta.get_fields()
             if isinstance(f, models.FileField)]
    return [getattr(row, name) for name in names for row in queryset
            if getattr(row, name)]


def _delete_files(files) -> None:
    """Files go once the rows are gone for good (after the commit)."""
    for stored in files:
        stored.storage.delete(stored.name)
