"""The audit trail, with django-auditlog: one table of entries, each with the actor, the
time, the client address, the object, the action (create, update, delete, access) and,
for writes, the changes field by field. Every entry carries its school and pupil in
``additional_data`` (the school also as a column, models.py), so a pupil's whole trail is
one query.

Why django-auditlog: it records field-level changes of any registered model and access
events in one append-only table, works on SQLite (the quick start) and PostgreSQL alike,
and takes the actor and address from the request by middleware. (django-pghistory needs
PostgreSQL triggers; django-simple-history keeps a history table per model and no reads.)

Append-only: the application refuses to update or delete an entry, and on PostgreSQL a
trigger refuses it in the database too, behind the row-level security every school's data
has (POLICIES, below).
"""

from auditlog.registry import auditlog
from django.apps import apps
from django.db import connections
from django.db.models.signals import pre_delete, pre_save

from backend.db import CURRENT_SCHOOL

from .models import Entry

# How each model reaches its pupil: together, everything held about a pupil (the subject
# access export reads this list too; tests/test_privacy.py keeps it complete).
PUPIL_PATHS = {
    "pupils.Pupil": "pk",
    "pupils.SenProvisionRecord": "pupil_id",
    "pupils.StaffAssignment": "pupil_id",
    "pupils.ParentLink": "pupil_id",
    "pupils.SenSupportNotice": "record.pupil_id",
    "pupils.Profile": "pupil_id",
    "plans.SupportPlan": "pupil_id",
    "plans.Cycle": "plan.pupil_id",
    "plans.StageChange": "cycle.plan.pupil_id",
    "plans.AssessmentResult": "cycle.plan.pupil_id",
    "plans.SpecialistAdvice": "cycle.plan.pupil_id",
    "plans.EvidenceFile": "cycle.plan.pupil_id",
    "plans.Outcome": "cycle.plan.pupil_id",
    "plans.Provision": "cycle.plan.pupil_id",
    "plans.OutcomeProvision": "outcome.cycle.plan.pupil_id",
    "plans.DeliveredSession": "provision.cycle.plan.pupil_id",
    "reviews.Review": "cycle.plan.pupil_id",
    "reviews.OutcomeRating": "outcome.cycle.plan.pupil_id",
    "reviews.ProvisionImpact": "provision.cycle.plan.pupil_id",
    "reviews.ParentViews": "pupil_id",
    "parents.ParentMeeting": "pupil_id",
    "parents.PlanSnapshot": "pupil_id",
    "parents.SharedProfile": "pupil_id",
    "money.TopUpRequest": "pupil_id",
    "escalation.EscalationDecision": "pupil_id",
    "escalation.ParentAsk": "pupil_id",
    "escalation.EhcRequest": "pupil_id",
    "escalation.ClockException": "request.pupil_id",
    "escalation.AnnualReview": "pupil_id",
    "privacy.ReceivedRecord": "pupil_id",
    "privacy.OutgoingTransfer": "pupil_id",
    "privacy.IncomingTransfer": "pupil_id",
}


# The school itself and its people: settings changed, who was invited, joined, changed
# role or left, and by whom; and the words it publishes in its SEN information report.
# (The link's key is left out: with the secret key it would make a working link.)
SCHOOL_MODELS = {
    "schools.School": [],
    "schools.Membership": [],
    "schools.TermDate": [],
    "accounts.Invitation": ["link_key", "emailed_key", "renewal_asked_key"],
    "caseload.InformationReport": [],
}


def pupil_id_of(obj) -> int | None:
    path = PUPIL_PATHS.get(f"{obj._meta.app_label}.{obj.__class__.__name__}")
    if path is None:
        return None
    value = obj
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def additional_data(obj) -> dict:
    """The school and pupil a change belongs to, and why it was made where the service
    making it gave a reason (``audit_reason``: a session corrected or removed)."""
    school = obj.pk if obj._meta.label == "schools.School" else getattr(obj, "school_id", None)
    data = {"school": school, "pupil": pupil_id_of(obj)}
    if getattr(obj, "audit_reason", None):
        data["reason"] = obj.audit_reason
    return data


def register_models():
    for label in PUPIL_PATHS:
        model = apps.get_model(label)
        model.get_additional_data = additional_data
        auditlog.register(model, exclude_fields=["updated_at"])
    for label, secret in SCHOOL_MODELS.items():
        model = apps.get_model(label)
        model.get_additional_data = additional_data
        auditlog.register(model, exclude_fields=secret)


def school_trail(school):
    """Changes to the school's settings and people (invited, joined, changed role, left),
    newest first."""
    return (Entry.objects.filter(school_id=school.pk, additional_data__pupil=None)
            .filter(content_type__app_label__in=["schools", "accounts"])
            .select_related("actor", "content_type").order_by("-timestamp", "-pk"))


def record_access(obj, *, path: str, school_id: int | None, pupils=None) -> None:
    """Record that a record (or a list of pupils, or an export) was read."""
    Entry.objects.log_create(
        obj, force_log=True, action=Entry.Action.ACCESS, changes=None,
        additional_data={"school": school_id, "pupil": pupil_id_of(obj),
                         "pupils": pupils, "path": path})


def trail_for(school, pupil):
    """A pupil's trail, newest first."""
    return (Entry.objects.filter(school_id=school.pk, additional_data__pupil=pupil.pk)
            .select_related("actor", "content_type").order_by("-timestamp", "-pk"))


class AppendOnly(RuntimeError):
    pass


def _refuse_change(sender, instance, **kwargs):
    if instance.pk is not None and Entry.objects.filter(pk=instance.pk).exists():
        raise AppendOnly("Audit entries cannot be changed.")


def _refuse_delete(sender, instance, **kwargs):
    raise AppendOnly("Audit entries cannot be deleted.")


def guard_append_only():
    pre_save.connect(_refuse_change, sender=Entry, dispatch_uid="audit.no_change")
    pre_delete.connect(_refuse_delete, sender=Entry, dispatch_uid="audit.no_delete")


TRIGGER = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_append_only ON {table};
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
"""

# The same wall as every school's data (apps/schools/rls.py): an entry is read only in its
# school's work. One is added there too, or outside any school's work (a school created, a
# person joining): those entries still name their school. The application's role may not
# change, delete or empty the table (its grants, in apps/schools/rls.py); the trigger
# above stops its owner too, short of dropping it.
POLICIES = """
ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS school_isolation ON {table};
CREATE POLICY school_isolation ON {table} FOR SELECT USING (school_id = {school});
DROP POLICY IF EXISTS school_entries ON {table};
CREATE POLICY school_entries ON {table} FOR INSERT
    WITH CHECK ({school} IS NULL OR school_id = {school});
"""


def install_append_only_trigger(sender=None, using="default", **kwargs):
    if sender is not None and sender.label != "audit":  # the app whose table it guards
        return
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    table = Entry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(TRIGGER.format(table=table))
        cursor.execute(POLICIES.format(table=table, school=CURRENT_SCHOOL))
