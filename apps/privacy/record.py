"""Everything held about one pupil: the pupil and every record that reaches them, in every
app. The list of what belongs to a pupil's record is the audit trail's
(``audit.trail.PUPIL_PATHS``); a test keeps it complete against the models."""

from django.apps import apps
from django.db.models import Count, QuerySet

from apps.audit.trail import PUPIL_PATHS


def lookup(path: str) -> str:
    """``cycle.plan.pupil_id`` (an attribute path) as ``cycle__plan__pupil_id``."""
    return path.replace(".", "__")


def pupil_record(pupil) -> dict[str, QuerySet]:
    """Each kind of record (``app_label.Model``) with this pupil's rows. Inside the
    pupil's school scope."""
    return {label: apps.get_model(label).objects.filter(**{lookup(path): pupil.pk})
            .order_by("pk") for label, path in PUPIL_PATHS.items()}


def record_counts(pupil_ids) -> dict[int, dict[str, int]]:
    """How many records of each kind every one of these pupils has: one grouped count a
    kind, however many pupils."""
    counts = {pk: dict.fromkeys(PUPIL_PATHS, 0) for pk in pupil_ids}
    for label, path in PUPIL_PATHS.items():
        key = lookup(path)
        rows = (apps.get_model(label).objects.filter(**{f"{key}__in": list(counts)})
                .order_by().values(key).annotate(n=Count("pk")))
        for row in rows:
            counts[row[key]][label] = row["n"]
    return counts
