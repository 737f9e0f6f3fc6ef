"""SEN history received from another school: a file in the open record format
(sen_record.py) checked, previewed, then added to the pupil's record as history from
that school, read-only and labelled with its source. Kept as the document it came as,
apart from this school's own records, so it is never counted in this school's figures.

A file is refused, with nothing kept, when it is over ``RECORD_MAX_BYTES``, is not JSON,
breaks the published schema, is about a pupil with another UPN, or holds markup; the
message names the problem and where it is."""

import copy
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.pupils.models import Pupil

from .models import ReceivedRecord
from .rules import MARKUP, RECORD_MAX_BYTES
from .sen_record import problems

SHOWN_PROBLEMS = 5


def shown(problems: list[str]) -> list[str]:
    """The first ``SHOWN_PROBLEMS`` problems, then how many more there are."""
    more = len(problems) - SHOWN_PROBLEMS
    return [*problems[:SHOWN_PROBLEMS],
            *([f"and {more} more problem{'s' if more > 1 else ''}."] if more > 0 else [])]


def _refuse(*messages: str):
    raise ValidationError({"file": list(messages)})


def _markup(value, path=()):
    """Where a string of the document holds markup: each place as a path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _markup(item, (*path, key))
    elif isinstance(value, list):
        for number, item in enumerate(value, start=1):
            yield from _markup(item, (*path, number))
    elif isinstance(value, str) and MARKUP.search(value):
        yield " → ".join(map(str, path))


def record_check(data: bytes, pupil: Pupil) -> dict:
    """The record in ``data``, checked for ``pupil``; a ValidationError on ``file``
    naming the problem otherwise."""
    if len(data) > RECORD_MAX_BYTES:
        _refuse(f"The file is larger than {RECORD_MAX_BYTES // (1024 * 1024)} MB, far more "
                "than any pupil's SEN record: check it is the record exported for this pupil.")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        _refuse("The file is not text: an SEN record is a JSON file (.json).")
    except json.JSONDecodeError as error:
        _refuse(f"The file is not JSON: {error.msg} on line {error.lineno}.")
    return document_check(document, pupil)


def document_check(document, pupil: Pupil) -> dict:
    """The record ``document`` (read from a file, or sent through the trust: transfer.py)
    checked for ``pupil``; a ValidationError on ``file`` naming the problem otherwise."""
    found = problems(document)
    if found:
        _refuse("The file is not an SEN record in the open format, version 1:", *shown(found))
    upn = document["pupil"]["upn"]
    if upn != pupil.upn:
        _refuse(f"The record is for the pupil with UPN {upn}, not {pupil.full_name} "
                f"({pupil.upn}). Check you are on the right pupil's page.")
    marked = list(_markup(document))
    if marked:
        _refuse("The record holds markup (HTML tags or entities), which a school's record "
                f"never holds: at {', '.join(marked[:SHOWN_PROBLEMS])}.")
    return document


def record_receive(*, pupil: Pupil, actor, upload) -> ReceivedRecord:
    """Check an uploaded record and keep it for its preview (not yet part of the pupil's
    record)."""
    document = record_check(upload.read(RECORD_MAX_BYTES + 1), pupil)
    return record_keep(document, pupil=pupil, actor=actor, file_name=upload.name or "")


def record_keep(document: dict, *, pupil: Pupil, actor, file_name: str = "") -> ReceivedRecord:
    """Keep a checked record (``document_check``) for its preview."""
    return ReceivedRecord.objects.create(
        school=pupil.school, pupil=pupil, document=document, file_name=file_name[:200],
        source_school=document["school"]["name"][:200],
        source_urn=document["school"]["urn"][:20],
        made_at=parse_datetime(document["made_at"]), received_by=actor)


@transaction.atomic
def record_confirm(*, received: ReceivedRecord, actor) -> ReceivedRecord:
    """Add the previewed history to the pupil's record (once)."""
    received = ReceivedRecord.objects.select_for_update().get(pk=received.pk)
    if received.confirmed_at is None:
        received.confirmed_at = timezone.now()
        received.save(update_fields=["confirmed_at"])
    return received


@transaction.atomic
def record_discard(*, received: ReceivedRecord) -> None:
    """Throw away a previewed history that is not wanted."""
    received = ReceivedRecord.objects.select_for_update().get(pk=received.pk)
    if received.confirmed_at is not None:
        raise ValidationError("This history is part of the pupil's record; it cannot be "
                              "thrown away here.")
    received.delete()


def readable(document: dict) -> dict:
    """The document with each rating and provision's outcomes given the outcome's words,
    for the page that shows it."""
    document = copy.deepcopy(document)
    for cycle in document["cycles"]:
        words = {outcome["id"]: outcome["description"] for outcome in cycle["outcomes"]}
        names = {p["id"]: p["intervention"] for p in cycle["provision"]}
        for review in cycle["reviews"]:
            for rating in review["ratings"]:
                rating["outcome_words"] = words.get(rating["outcome"], "")
            for impact in review["provision_impact"]:
                impact["provision_words"] = names.get(impact["provision"], "")
    return document
