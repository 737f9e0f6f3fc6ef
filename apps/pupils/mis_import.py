"""Pupils from the school's MIS: a CSV file, previewed row by row, then applied all at once.

1. ``imports.import_start``: the file is read (its encoding and CSV dialect worked out), its
   headings matched to our columns (``csv_columns``), and every row checked with the same
   rules as the register's pages (``services.check_pupil``): what will be created,
   updated, left unchanged or refused, and why. Nothing is written to the register.
2. ``imports.import_remap``: the SENCO says which column an unknown heading is; the rows are
   checked again.
3. ``imports.import_confirm`` queues ``import_apply`` (a Celery task): the file is checked again
   and applied in one transaction, through the register's services, so a failure leaves
   the register as it was. Pupils are matched by UPN: created or updated, never deleted.
   Applying the same file twice changes nothing the second time.

Cells are text: nothing in them is evaluated, and a cell that a spreadsheet would run as a
formula (``=HYPERLINK(...)``) refuses its row, so it is never stored to be opened later.
"""

import copy
import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from apps.accounts.selectors import school_members
from apps.schools.roles import STAFF
from backend.csv_upload import FileRefused, looks_like_formula, read_csv

from . import services
from .csv_columns import COLUMN_LABELS, CONTACTS, REQUIRED
from .models import ParentLink, Pupil, PupilImport, SenProvisionRecord
from .rules import NeedType, SenStatus, YearGroup
from .selectors import open_sen_record
from .validators import normalise_upn, validate_upn

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")
STATUS_WORDS = {
    "n": SenStatus.NO_SEN, "": SenStatus.NO_SEN, "nosen": SenStatus.NO_SEN,
    "none": SenStatus.NO_SEN, "k": SenStatus.SEN_SUPPORT, "sensupport": SenStatus.SEN_SUPPORT,
    "e": SenStatus.EHC_PLAN, "ehcplan": SenStatus.EHC_PLAN, "ehcp": SenStatus.EHC_PLAN,
    "educationhealthandcareplan": SenStatus.EHC_PLAN,
}
DETAIL_FIELDS = ("first_name", "last_name", "preferred_first_name", "preferred_last_name",
                 "date_of_birth", "year_group", "class_name", "primary_need",
                 "secondary_need")
IMPORT_REASON = "From the MIS import"


# Reading one cell ----------------------------------------------------------------------

def _date(text: str) -> datetime.date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"\"{text}\" is not a date we can read; use 27/03/2017")


def _year_group(text: str) -> int:
    word = re.sub(r"[^a-z0-9]", "", text.lower())
    if word in ("r", "rec", "reception", "yr", "yearr", "year0", "y0", "0"):
        return YearGroup.RECEPTION
    if word in ("n", "n1", "n2", "nursery", "nur"):
        return YearGroup.NURSERY
    number = re.fullmatch(r"(?:year|yr|y|nc)?(\d{1,2})", word)
    if number and int(number.group(1)) in YearGroup.values:
        return int(number.group(1))
    raise ValueError(f"unknown year group \"{text}\"")


def _status(text: str) -> str:
    word = re.sub(r"[^a-z]", "", text.lower())
    if word in STATUS_WORDS:
        return STATUS_WORDS[word]
    raise ValueError(f"unknown SEN status \"{text}\"; use N, K or E")


NEEDS = {code.lower(): code for code in NeedType.values} | {
    re.sub(r"[^a-z]", "", label.lower()): code for code, label in NeedType.choices}


def _need(text: str) -> str:
    if not text:
        return ""
    code = NEEDS.get(text.lower()) or NEEDS.get(re.sub(r"[^a-z]", "", text.lower()))
    if code is None:
        raise ValueError(f"unknown need code \"{text}\"; use a census code such as SLCN")
    return code


@dataclass
class Contact:
    first_name: str
    last_name: str
    email: str
    relationship: str


@dataclass
class Row:
    """One row read: the values for our columns, or why it is refused."""

    line: int
    upn: str = ""
    values: dict = field(default_factory=dict)  # our column -> value, for mapped columns
    contacts: list[Contact] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def _read_row(line: int, cells: list[str], headings: list[str], mapping: dict,
              today: datetime.date) -> Row:
    raw = {}
    for heading, cell in zip(headings, cells, strict=False):
        key = mapping.get(heading, "")
        if key:
            raw[key] = cell.strip()
    row = Row(line=line, upn=normalise_upn(raw.get("upn", "")).upper())
    for key, cell in raw.items():
        if looks_like_formula(cell):
            row.reasons.append(f"{COLUMN_LABELS[key]} looks like a spreadsheet formula "
                               f"(\"{cell[:30]}\"); enter it as plain text")
    if row.reasons:
        return row
    for key in REQUIRED:
        if not raw.get(key):
            row.reasons.append(f"{COLUMN_LABELS[key]} is empty")
    if raw.get("upn"):
        try:
            validate_upn(row.upn)
        except ValidationError as error:
            row.reasons.append(f"UPN {raw['upn']}: {error.messages[0]}")
    readers = {"date_of_birth": _date, "sen_status_since": _date, "year_group": _year_group,
               "sen_status": _status, "primary_need": _need, "secondary_need": _need}
    for key, cell in raw.items():
        if key.startswith("contact") or key == "upn":
            continue
        if key in readers and (cell or key in ("sen_status", "primary_need",
                                               "secondary_need")):
            try:
                row.values[key] = readers[key](cell)
            except ValueError as error:
                row.reasons.append(f"{COLUMN_LABELS[key]}: {error}")
        elif key not in readers:
            row.values[key] = cell
    for key in ("date_of_birth", "sen_status_since"):
        if isinstance(row.values.get(key), datetime.date) and row.values[key] > today:
            row.reasons.append(f"{COLUMN_LABELS[key]} {row.values[key]:%d/%m/%Y} is in "
                               "the future")
    for prefix in CONTACTS:
        email = raw.get(f"{prefix}_email", "")
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            row.reasons.append(f"{COLUMN_LABELS[prefix + '_email']} \"{email}\" is not an "
                               "e-mail address")
            continue
        first, _, last = raw.get(f"{prefix}_name", "").rpartition(" ")
        row.contacts.append(Contact(
            first_name=first or last, last_name=last if first else "",
            email=email.lower(),
            relationship=raw.get(f"{prefix}_relationship", "") or "Parent or carer"))
    return row


# The plan ------------------------------------------------------------------------------

def missing_columns(mapping: dict) -> list[str]:
    mapped = set(mapping.values())
    return [COLUMN_LABELS[key] for key in REQUIRED if key not in mapped]


def _describe(key, value) -> str:
    if key == "year_group":
        return YearGroup(value).label
    if key in ("primary_need", "secondary_need"):
        return value or "none"
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    return value or "(empty)"


def plan_rows(*, school, headings, lines, mapping, today=None):
    """What the file would do, row by row: a list of (Row, action, changes, pupil), where
    action is "create", "update", "unchanged" or "refuse"."""
    today = today or timezone.localdate()
    rows = [_read_row(line, cells, headings, mapping, today) for line, cells in lines]
    seen = Counter(row.upn for row in rows if row.upn)
    for row in rows:
        if row.upn and seen[row.upn] > 1:
            others = [str(r.line) for r in rows if r.upn == row.upn and r is not row]
            row.reasons.append(f"UPN {row.upn} is also on row {', '.join(others)}")
    existing = {pupil.upn: pupil for pupil in Pupil.objects.filter(
        upn__in=[row.upn for row in rows if row.upn])}
    statuses = {record.pupil_id: record for record in SenProvisionRecord.objects.filter(
        pupil__in=list(existing.values()), ended_on__isnull=True)}
    staff_emails = set(school_members(school, STAFF).values_list("email", flat=True))
    linked = _linked_emails(existing.values())
    planned = []
    for row in rows:
        pupil = existing.get(row.upn)
        for contact in row.contacts:
            if contact.email in staff_emails:
                row.reasons.append(f"Contact {contact.email} is a member of staff here; "
                                   "use their home e-mail address")
        if row.reasons:
            planned.append((row, "refuse", [], pupil))
            continue
        details = {key: value for key, value in row.values.items() if key in DETAIL_FIELDS}
        status = row.values.get("sen_status")
        since = row.values.get("sen_status_since")
        if pupil is None:
            candidate = Pupil(school=school, upn=row.upn, **details)
            action, changes = "create", []
        else:
            candidate = copy.copy(pupil)  # checked with the file's values, not saved
            changes = [f"{COLUMN_LABELS[key]}: {_describe(key, getattr(pupil, key))} to "
                       f"{_describe(key, value)}"
                       for key, value in details.items() if getattr(pupil, key) != value]
            for key, value in details.items():
                setattr(candidate, key, value)
            current = statuses.get(pupil.pk)
            if status and current and status != current.status:
                changes.append(f"SEN status: {current.status} to {status}")
                if since and since < current.started_on:
                    row.reasons.append(
                        f"SEN status start date {since:%d/%m/%Y} is before "
                        f"{current.started_on:%d/%m/%Y}, when the current status began")
            action = "update" if changes else "unchanged"
        new_contacts = [c for c in row.contacts if (pupil and pupil.pk, c.email) not in linked]
        changes += [f"Adds {c.relationship.lower()} {c.email}" for c in new_contacts
                    if pupil is not None]
        if pupil is not None and new_contacts and action == "unchanged":
            action = "update"
        try:
            # The file's UPNs are unique (checked above) and matched to the school's pupils
            # by UPN, so no other pupil has this one.
            services.check_pupil(candidate, upn_taken=False, sen_status=status or (
                statuses[pupil.pk].status if pupil and pupil.pk in statuses
                else SenStatus.NO_SEN))
        except ValidationError as error:
            row.reasons += [f"{COLUMN_LABELS.get(key, key)}: {' '.join(messages)}"
                            for key, messages in error.message_dict.items()]
        planned.append((row, "refuse" if row.reasons else action, changes, pupil))
    return planned


def _linked_emails(pupils) -> set[tuple[int, str]]:
    return set(ParentLink.objects.filter(pupil__in=list(pupils))
               .values_list("pupil_id", "parent__email"))


def summary_of(planned) -> list[dict]:
    """The plan as stored and shown on the preview."""
    return [{"line": row.line, "upn": row.upn,
             "name": " ".join(filter(None, [row.values.get("first_name"),
                                            row.values.get("last_name")])),
             "action": action, "changes": changes, "reasons": row.reasons}
            for row, action, changes, _ in planned]


# The steps -----------------------------------------------------------------------------

def replan(pupil_import) -> None:
    headings, lines = read_csv(pupil_import.text.encode())
    if missing_columns(pupil_import.mapping):
        pupil_import.plan = []
        return
    pupil_import.plan = summary_of(plan_rows(school=pupil_import.school, headings=headings,
                                             lines=lines, mapping=pupil_import.mapping))


def import_apply(*, import_id: int, task_id: str = "", progress=None) -> PupilImport:
    """Apply a confirmed import in one transaction: all rows or none. Returns the import,
    done (with counts) or failed (with why). ``progress(done, total)`` is told as it goes
    (the page reads it from the task's result: ``task_id``). Run twice, it applies once."""
    with transaction.atomic():
        pupil_import = PupilImport.objects.select_for_update().get(pk=import_id)
        if pupil_import.status != PupilImport.Status.QUEUED:
            return pupil_import
        pupil_import.status, pupil_import.task_id = PupilImport.Status.APPLYING, task_id
        pupil_import.save(update_fields=["status", "task_id"])
    try:
        with transaction.atomic():
            created, updated = _apply(pupil_import, progress or (lambda done, total: None))
    except (ValidationError, FileRefused) as error:
        messages = ([f"{COLUMN_LABELS.get(key, key)}: {' '.join(text)}" for key, text in
                     error.message_dict.items()] if hasattr(error, "error_dict") else
                    error.messages if isinstance(error, ValidationError) else [str(error)])
        return _finish(pupil_import, PupilImport.Status.FAILED,
                       "Nothing was imported: " + " ".join(messages))
    pupil_import.created, pupil_import.updated = created, updated
    return _finish(pupil_import, PupilImport.Status.DONE, "")


def _finish(pupil_import, status, message):
    pupil_import.status, pupil_import.message = status, message
    pupil_import.finished_at = timezone.now()
    pupil_import.text = ""  # the pupils' details are in the register now, or not wanted
    pupil_import.save(update_fields=["status", "message", "finished_at", "text", "created",
                                     "updated"])
    return pupil_import


def _apply(pupil_import, progress) -> tuple[int, int]:
    school, actor = pupil_import.school, pupil_import.uploaded_by
    headings, lines = read_csv(pupil_import.text.encode())
    planned = plan_rows(school=school, headings=headings, lines=lines,
                        mapping=pupil_import.mapping)
    created = updated = 0
    for done, (row, action, _, pupil) in enumerate(planned, start=1):
        if action in ("create", "update"):
            details = {k: v for k, v in row.values.items() if k in DETAIL_FIELDS}
            status = row.values.get("sen_status")
            if action == "create":
                pupil = services.pupil_create(
                    school=school, actor=actor, notify_parents=False, upn=row.upn,
                    sen_status=status or SenStatus.NO_SEN,
                    sen_status_since=row.values.get("sen_status_since"), **details)
                created += 1
            else:
                services.pupil_update(pupil=pupil, actor=actor, **details)
                current = open_sen_record(pupil)
                if status and current and status != current.status:
                    services.sen_status_change(
                        pupil=pupil, actor=actor, status=status, reason=IMPORT_REASON,
                        on=row.values.get("sen_status_since") or timezone.localdate())
                updated += 1
            for contact in row.contacts:
                services.parent_add(pupil=pupil, actor=actor,
                                    invite=pupil_import.invite_parents, **contact.__dict__)
        if done % 50 == 0 or done == len(planned):
            progress(done, len(planned))
    return created, updated
