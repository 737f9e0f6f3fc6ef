"""System check: every model of ours is school-owned or explicitly allowed not to be, and
every uniqueness rule on school data includes the school (so that one school's values
never collide with, or reveal, another's; it is also what sharding by school needs)."""

from django.apps import apps
from django.core import checks
from django.db import models

from .models import SchoolOwned

# Models that are not school-owned in the usual way: who people are, which schools they
# belong to, and the audit trail.
TENANCY_ALLOWLIST = {
    "accounts.User",
    "schools.Trust",
    "schools.School",
    "schools.Membership",
    # Carries its school as a column and has a policy of its own (apps/audit/trail.py): an
    # entry may outlive its school's data, and is written where no school is in hand.
    "audit.Entry",
}


def _label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


@checks.register(checks.Tags.models)
def check_school_ownership(app_configs=None, **kwargs):
    errors = []
    for model in apps.get_models():
        if not model.__module__.startswith("apps."):
            continue
        label = _label(model)
        if label in TENANCY_ALLOWLIST:
            continue
        if not issubclass(model, SchoolOwned):
            errors.append(
                checks.Error(
                    f"{label} is neither school-owned nor on the tenancy allowlist.",
                    hint="Inherit apps.schools.models.SchoolOwned, or add it to "
                    "TENANCY_ALLOWLIST in apps/schools/checks.py with a reason.",
                    obj=model,
                    id="schools.E001",
                )
            )
            continue
        for field in model._meta.local_fields:
            if field.unique and not field.primary_key:
                errors.append(
                    checks.Error(
                        f"{label}.{field.name} is unique across all schools.",
                        hint="Use a UniqueConstraint that includes 'school'.",
                        obj=model,
                        id="schools.E002",
                    )
                )
        together = [tuple(fields) for fields in model._meta.unique_together]
        together += [
            tuple(c.fields)
            for c in model._meta.constraints
            if isinstance(c, models.UniqueConstraint)
        ]
        for fields in together:
            if "school" not in fields:
                errors.append(
                    checks.Error(
                        f"{label} has a uniqueness rule {fields} without 'school'.",
                        hint="Add 'school' to the constraint's fields.",
                        obj=model,
                        id="schools.E003",
                    )
                )
    return errors
