"""The Common Transfer File (CTF), the DfE's XML file that every school's MIS sends to
the next school when a pupil leaves (Education (Pupil Information) (England) Regulations
2005, reg 9). This service reads and writes its SEN parts, version ``CTF_VERSION``:

- **Reading**, when a pupil joins: the SEN provision history (N, K or E, each from a
  date) and the types of need with their rank. The pupil's needs are taken from the
  ranks (1 the primary need, 2 the secondary) where this school has none recorded yet;
  their SEN provision, where the last school's latest is K or E and differs from this
  school's, is changed from today, the reason naming the last school and since when
  (pupils/services.py: the parents' notice follows, as for any change). An open SEN record
  carried in the file (below) arrives as a record from another school (received.py), to
  check and add.
- **Writing**, when a pupil leaves: a CTF holding the pupil's identifiers, their SEN
  provision history and ranked needs, and the whole open SEN record (sen_record.py) in
  the pupil's ``SuppInfo``, where the CTF lets a supplier carry its own information; a
  system that does not know it passes over it. The file is a partial CTF: the MIS sends
  the rest (addresses, contacts, attendance, assessments).

Both directions are checked against ``SCHEMA`` (docs/ctf/): the parts read and written,
transcribed from the specification's message structure; the rest of a CTF is accepted
unchecked. A file is refused, with the problem named and nothing changed, when it is
over ``RECORD_MAX_BYTES``, is not XML (or declares entities), breaks the schema, holds
no pupil with this pupil's UPN, or holds markup in its text.
"""

import datetime
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import xmlschema
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.pupils.models import Pupil, SenProvisionRecord
from apps.pupils.rules import NeedType, SenStatus
from apps.pupils.selectors import open_sen_record
from apps.pupils.services import pupil_update, sen_status_change
from apps.schools.models import School

from .received import SHOWN_PROBLEMS, document_check, record_keep, shown
from .rules import MARKUP, RECORD_MAX_BYTES
from .sen_record import VERSION as RECORD_VERSION
from .sen_record import sen_record, sen_record_json

CTF_VERSION = "25.0"
SCHEMA = Path(settings.BASE_DIR) / "docs" / "ctf" / "ctf-25-sen.xsd"
SUPPLIER = "Graduated approach tracker"
# The open SEN record inside a pupil's SuppInfo: <SENrecord xmlns=RECORD_NAMESPACE
# version="1.0.0">{the JSON document}</SENrecord>.
RECORD_NAMESPACE = "urn:x-graduated-approach:sen-record"
RECORD_TAG = f"{{{RECORD_NAMESPACE}}}SENrecord"
# The CTF's codes for a destination that is not known (specification, file names).
UNKNOWN_LA, UNKNOWN_ESTAB = "MMM", "MMMM"


@functools.cache
def _schema() -> xmlschema.XMLSchema11:
    return xmlschema.XMLSchema11(SCHEMA)


@dataclass
class CtfPupil:
    """What a CTF says about one pupil's SEN."""

    upn: str
    name: str
    source_school: str
    version: str
    # (start date, SEN provision code), oldest first: each runs until the next starts
    provision: list[tuple[datetime.date, str]] = field(default_factory=list)
    needs: list[tuple[int, str]] = field(default_factory=list)  # (rank, need type), by rank
    record: dict | None = None  # the open SEN record, when the file carries one


def _refuse(*messages: str):
    raise ValidationError({"file": list(messages)})


def _text(element, tag: str) -> str:
    return (element.findtext(tag) or "").strip()


def _markup(root) -> list[str]:
    """Where the text of the file holds markup (escaped tags or entities in a value)."""
    found, path = [], []

    def walk(element):
        path.append(element.tag)
        if element.tag != RECORD_TAG:  # the record is checked as a record (received.py)
            if MARKUP.search(element.text or "") or MARKUP.search(element.tail or ""):
                found.append("/".join(path))
            for child in element:
                walk(child)
        path.pop()

    walk(root)
    return found


def ctf_read(data: bytes, pupil: Pupil) -> CtfPupil:
    """The SEN parts of the CTF in ``data`` for ``pupil``; a ValidationError on ``file``
    naming the problem otherwise."""
    if len(data) > RECORD_MAX_BYTES:
        _refuse(f"The file is larger than {RECORD_MAX_BYTES // (1024 * 1024)} MB, far more "
                "than a Common Transfer File: check it is the CTF for this pupil.")
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        _refuse("The file declares a document type or entities, which a Common Transfer "
                "File never does.")
    except ElementTree.ParseError as error:
        line, column = error.position
        _refuse(f"The file is not XML: {str(error).split(':')[0]} on line {line}, column "
                f"{column}. A Common Transfer File is an XML file (.xml).")
    errors = list(_schema().iter_errors(root))
    if errors:
        _refuse(f"The file is not a Common Transfer File this service can read (CTF "
                f"{CTF_VERSION.split('.')[0]}):",
                *shown([f"{error.path or '/'}: {error.reason}" for error in errors]))
    marked = _markup(root)
    if marked:
        _refuse("The file holds markup (HTML tags or entities) in its text, which a CTF "
                f"never holds: at {', '.join(marked[:SHOWN_PROBLEMS])}.")
    pupils = root.findall("CTFpupilData/Pupil")
    found = next((p for p in pupils if _text(p, "UPN") == pupil.upn), None)
    if found is None:
        upns = ", ".join(_text(p, "UPN") for p in pupils[:SHOWN_PROBLEMS])
        _refuse(f"The file holds no pupil with the UPN {pupil.upn} ({pupil.full_name}): it "
                f"holds {upns}. Check you are on the right pupil's page.")
    source = root.find("Header/SourceSchool")
    read = CtfPupil(
        upn=pupil.upn, name=f"{_text(found, 'Forename')} {_text(found, 'Surname')}",
        source_school=_text(source, "SchoolName"), version=_text(root, "Header/CTFversion"),
        provision=sorted((datetime.date.fromisoformat(_text(sen, "StartDate")),
                          _text(sen, "SENprovision"))
                         for sen in found.findall("SENhistory/SEN")),
        needs=sorted((int(_text(need, "SENtypeRank")), _text(need, "SENtype"))
                     for need in found.findall("SENhistory/SENneeds/SENneed")))
    carried = found.find(f"SuppInfo/{RECORD_TAG}")
    if carried is not None:
        try:
            document = json.loads(carried.text or "")
        except json.JSONDecodeError as error:
            _refuse(f"The SEN record inside the file is not JSON: {error.msg}.")
        read.record = document_check(document, pupil)
    return read


@dataclass
class CtfImported:
    """What importing a CTF changed, in words for the page."""

    changes: list[str]
    received: object | None  # the ReceivedRecord to check and add, when one came


@transaction.atomic
def ctf_import(*, pupil: Pupil, actor, upload) -> CtfImported:
    """Take the SEN parts of a CTF for a pupil who has joined (all of it, or nothing)."""
    read = ctf_read(upload.read(RECORD_MAX_BYTES + 1), pupil)
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    changes = []
    ranked = [code for _, code in read.needs]
    try:
        if ranked and not pupil.primary_need:
            pupil_update(pupil=pupil, actor=actor, primary_need=ranked[0],
                         secondary_need=ranked[1] if len(ranked) > 1 else "")
            changes.append("Needs: " + ", then ".join(NeedType(code).label.lower()
                                                      for code in ranked[:2]) + ".")
        current = open_sen_record(pupil)
        if read.provision:
            since, code = read.provision[-1]
            if code != SenStatus.NO_SEN and (current is None or current.status != code):
                label = SenStatus(code).label
                sen_status_change(
                    pupil=pupil, actor=actor, status=code, on=timezone.localdate(),
                    reason=(f"Joined from {read.source_school}: {label} there since "
                            f"{since:%-d %B %Y} (Common Transfer File)")[:500])
                changes.append(f"SEN provision: {label}, from today.")
    except ValidationError as error:
        _refuse("The CTF's SEN history could not be recorded for this pupil:",
                *error.messages)
    received = None
    if read.record is not None:
        received = record_keep(read.record, pupil=pupil, actor=actor,
                               file_name=upload.name or "")
    return CtfImported(changes=changes, received=received)


def academic_year(on: datetime.date) -> str:
    """The CTF's academic year: the calendar year it began, from 1 August."""
    return str(on.year if on.month >= 8 else on.year - 1)


def _add(parent, tag: str, text=None, **attributes):
    element = ElementTree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = str(text)
    return element


def ctf_export(*, pupil: Pupil, school: School, actor, sex: str,
               destination: tuple[str, str] | None) -> tuple[str, bytes]:
    """The file name and the XML of a CTF for ``pupil`` to ``destination`` (LA and
    establishment numbers; None when not known), checked against the schema."""
    if not school.estab:
        raise ValidationError("Enter this school's DfE establishment number in the school "
                              "settings first: a Common Transfer File names the school by it.")
    la, estab = destination or (UNKNOWN_LA, UNKNOWN_ESTAB)
    now = timezone.localtime()
    root = ElementTree.Element("CTfile")
    header = _add(root, "Header")
    _add(header, "DocumentName", "Common Transfer File")
    _add(header, "CTFversion", CTF_VERSION)
    _add(header, "DateTime", now.replace(microsecond=0, tzinfo=None).isoformat())
    _add(header, "DocumentQualifier", "partial")
    _add(header, "SupplierID", SUPPLIER)
    source = _add(header, "SourceSchool")
    _add(source, "LEA", school.la_code)
    _add(source, "Estab", school.estab)
    _add(source, "URN", school.urn)
    _add(source, "SchoolName", school.name)
    _add(source, "AcademicYear", academic_year(now.date()))
    dest = _add(header, "DestSchool")
    _add(dest, "LEA", la)
    _add(dest, "Estab", estab)
    element = _add(_add(root, "CTFpupilData"), "Pupil")
    _add(element, "UPN", pupil.upn)
    _add(element, "Surname", pupil.last_name)
    _add(element, "Forename", pupil.first_name)
    _add(element, "DOB", pupil.date_of_birth.isoformat())
    _add(element, "Sex", sex)
    history = _add(element, "SENhistory")
    for period in SenProvisionRecord.objects.filter(pupil=pupil).order_by("started_on", "pk"):
        sen = _add(history, "SEN")
        _add(sen, "StartDate", period.started_on.isoformat())
        _add(sen, "SENprovision", period.status)
    needs = [code for code in (pupil.primary_need, pupil.secondary_need) if code]
    if needs:
        ranked = _add(history, "SENneeds")
        for rank, code in enumerate(needs, start=1):
            need = _add(ranked, "SENneed")
            _add(need, "SENtypeRank", rank)
            _add(need, "SENtype", code)
    document = sen_record(pupil, school=school, made_by=actor)
    _add(_add(element, "SuppInfo"), RECORD_TAG, sen_record_json(document),
         version=RECORD_VERSION)
    errors = list(_schema().iter_errors(root))
    if errors:  # the service's own file: a fault here is a bug, not the school's
        raise RuntimeError(f"The CTF written breaks its schema: {errors[0]}")
    return (f"{school.la_code}{school.estab}_CTF_{la}{estab}_001.xml",
            ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True))
