"""The SEN record in its open format: one JSON document per pupil with the whole graduated
approach as this school ran it, for the next school, the pupil's parents or any system
that reads the published schema (docs/record-format/). Its fields are named here once,
kind by kind, and the schema names the same; a test keeps the two in step.

Dates are ISO 8601 strings, money and measures are decimal strings (exact), and each
coded value is given with its label (``{"code": "K", "label": "SEN support"}``). Staff
and parents appear by name only. Records point at one another by ``id``, which is unique
within the document and means nothing outside it."""

import datetime
import functools
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
from django.conf import settings
from django.utils import timezone

from apps.escalation.models import AnnualReview, EhcRequest, EscalationDecision, ParentAsk
from apps.money.models import TopUpRequest
from apps.parents.models import ParentMeeting
from apps.plans.models import Cycle
from apps.plans.selectors import dose
from apps.pupils.models import Pupil, SenProvisionRecord
from apps.pupils.profile import current_profile
from apps.reviews.models import ParentViews
from apps.schools.term_dates import school_calendar

# The format's version (semantic: a new major version may break a reader of the last).
VERSION = "1.0.0"
SCHEMA = Path(settings.BASE_DIR) / "docs" / "record-format" / "sen-record.schema.json"
MEDIA_TYPE = "application/vnd.sen-record+json"


def _value(obj, name: str):
    field = obj._meta.get_field(name)
    value = getattr(obj, field.attname)
    if value is None or (value == "" and field.choices):
        return None  # not recorded
    if field.choices:
        return {"code": value, "label": getattr(obj, f"get_{name}_display")()}
    if isinstance(value, datetime.date | datetime.time):  # datetimes are dates too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _pick(obj, *names: str) -> dict:
    return {name: _value(obj, name) for name in names}


def _name(user) -> str | None:
    return (user.get_full_name() or "Name not recorded") if user else None


def _id(kind: str, obj) -> str | None:
    return f"{kind}-{obj.pk}" if obj is not None else None


def _cycle(cycle: Cycle, calendar) -> dict:
    reviews = list(cycle.reviews.prefetch_related("ratings", "impacts").order_by("held_on",
                                                                                  "pk"))
    return _pick(cycle, "number", "stage", "opened_on", "review_date", "closed_on",
                 "strengths", "needs", "pupil_views", "pupil_views_missing_because",
                 "parent_views") | {
        "id": _id("cycle", cycle),
        "stages": [_pick(change, "stage", "began_at", "reason")
                   for change in cycle.stage_changes.order_by("began_at", "pk")],
        "assessments": [_pick(result, "date", "source", "measure", "score")
                        for result in cycle.assessments.order_by("date", "pk")],
        "specialist_advice": [_pick(advice, "source", "date", "author", "summary")
                              for advice in cycle.advice.order_by("date", "pk")],
        "evidence": [_pick(item, "title", "content_type") | {
            "uploaded_at": item.uploaded_at.isoformat()}
            for item in cycle.files.order_by("uploaded_at", "pk")],
        "outcomes": [_pick(outcome, "description", "success_criteria", "measure", "baseline",
                           "target", "target_date") | {
            "id": _id("outcome", outcome), "carried_from": _id("outcome", outcome.carried_from),
            "owner": _name(outcome.owner)}
            for outcome in cycle.outcomes.select_related("owner", "carried_from")
            .order_by("pk")],
        "provision": [_provision(provision, calendar, cycle.closed_on)
                      for provision in cycle.provisions.select_related(
                          "provision_type", "delivered_by", "carried_from").order_by("pk")],
        "reviews": [_pick(review, "held_on", "attendees", "parents_attended", "pupil_views",
                          "parent_views", "next_step", "next_step_reason",
                          "step_down_on") | {
            "ratings": [_pick(rating, "rating", "evidence", "achieved_value")
                        | {"outcome": _id("outcome", rating.outcome)}
                        for rating in sorted(review.ratings.all(), key=lambda r: r.pk)],
            "provision_impact": [_pick(impact, "impact", "comment")
                                 | {"provision": _id("provision", impact.provision)}
                                 for impact in sorted(review.impacts.all(), key=lambda i: i.pk)],
        } for review in reviews],
    }


def _provision(provision, calendar, until) -> dict:
    so_far = dose(provision, calendar, until)
    return _pick(provision, "details", "staff_type", "sessions_per_week",
                 "minutes_per_session", "group_size", "start_date", "end_date",
                 "delivered_sessions", "delivered_minutes", "absent_sessions",
                 "cancelled_sessions") | {
        "id": _id("provision", provision),
        "carried_from": _id("provision", provision.carried_from),
        "intervention": provision.provision_type.name,
        "need_area": provision.provision_type.get_need_area_display() or None,
        "delivered_by": _name(provision.delivered_by),
        "planned_sessions": f"{so_far.planned_sessions:f}",
        "outcomes": [_id("outcome", outcome) for outcome in provision.outcomes.order_by("pk")],
    }


def sen_record(pupil: Pupil, *, school, made_by) -> dict:
    """The pupil's record in the open format, version ``VERSION``. Inside the school's
    scope; reads a fixed number of queries a cycle."""
    calendar = school_calendar(school)
    profile = current_profile(pupil)
    cycles = (Cycle.objects.filter(plan__pupil=pupil).select_related("plan")
              .order_by("opened_on", "plan_id", "number"))
    return {
        "format": "sen-record", "version": VERSION,
        "made_at": timezone.now().isoformat(), "made_by": _name(made_by),
        "school": {"name": school.name, "urn": school.urn, "local_authority": school.la_name},
        "pupil": _pick(pupil, "upn", "first_name", "last_name", "preferred_first_name",
                       "preferred_last_name", "date_of_birth", "year_group", "primary_need",
                       "secondary_need", "left_on", "destination"),
        "register": [_pick(record, "status", "started_on", "start_reason", "ended_on",
                           "end_reason")
                     for record in SenProvisionRecord.objects.filter(pupil=pupil)
                     .order_by("started_on", "pk")],
        "profile": None if profile is None else _pick(
            profile, "version", "about_me", "good_at", "find_hard", "what_helps",
            "communication", "who_to_talk_to", "own_words", "written_with") | {
            "written_at": profile.written_at.isoformat()},
        "cycles": [_cycle(cycle, calendar) for cycle in cycles],
        "meetings": [_pick(meeting, "date", "time", "minutes", "kind", "held", "attendees",
                           "parent_views", "agreed")
                     for meeting in ParentMeeting.objects.filter(pupil=pupil)
                     .order_by("date", "pk")],
        "parents_views": [_pick(views, "views") | {
            "cycle": _id("cycle", views.cycle), "given_by": _name(views.parent),
            "given_at": views.created_at.isoformat()}
            for views in ParentViews.objects.filter(pupil=pupil)
            .select_related("parent", "cycle").order_by("created_at", "pk")],
        "top_ups": [_pick(request, "year_start", "status", "projected_cost", "threshold",
                          "amount_requested", "reason", "submitted_on", "decided_on",
                          "approved_amount", "period_start", "period_end", "decline_reason")
                    for request in TopUpRequest.objects.filter(pupil=pupil)
                    .order_by("year_start", "pk")],
        "ehc": {
            "parents_asked": [_pick(ask, "asked_on", "note")
                              for ask in ParentAsk.objects.filter(pupil=pupil)
                              .order_by("asked_on", "pk")],
            "decisions": [_pick(decision, "decided_on", "decision", "reason")
                          for decision in EscalationDecision.objects.filter(pupil=pupil)
                          .order_by("decided_on", "pk")],
            "requests": [_pick(request, "requester", "parents_informed_on", "received_on",
                               "status", "assessment_decided_on", "plan_decided_on",
                               "advice_requested_on", "advice_sent_on", "draft_plan_on",
                               "comments_sent_on", "closed_reason")
                         for request in EhcRequest.objects.filter(pupil=pupil)
                         .order_by("received_on", "pk")],
            "annual_reviews": [_pick(review, "meeting_on", "held", "parent_views",
                                     "pupil_views", "outcomes", "proposed_amendments",
                                     "transfer", "decision", "decision_on")
                               for review in AnnualReview.objects.filter(pupil=pupil)
                               .order_by("meeting_on", "pk")],
        },
    }


def sen_record_json(record: dict) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False)


def filename(pupil: Pupil) -> str:
    return f"sen-record-{pupil.upn}-{timezone.localdate().isoformat()}.json"


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text())
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def problems(document) -> list[str]:
    """Where a document breaks the published schema, each place named in words ("cycles
    → 2 → outcomes → 1: 'description' is a required property"); [] when it is valid."""
    found = sorted(_validator().iter_errors(document), key=lambda error: list(error.path))
    return [f"{' → '.join(str(part) for part in error.absolute_path) or 'the document'}: "
            f"{error.message}" for error in found]
