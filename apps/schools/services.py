"""Verbs about a school itself."""

from django.db import transaction

# What the school's SENCO and head keep up to date on the settings page.
SETTINGS_FIELDS = ["name", "estab", "senco_name", "senco_email", "senco_phone", "sendiass_name",
                   "sendiass_phone", "sendiass_email", "sendiass_website", "local_offer_url",
                   "sen_information_report_url", "complaints", "ehc_plan_meetings"]


@transaction.atomic
def school_settings_save(*, school, actor, **fields):
    """Save the school's contact details (the form has checked them field by field)."""
    changed = [name for name in SETTINGS_FIELDS if name in fields
               and getattr(school, name) != fields[name]]
    for name in changed:
        setattr(school, name, fields[name])
    school.full_clean(exclude=["slug", "urn"])
    if changed:
        school.save(update_fields=changed)
    return school
