"""A new school: created by whoever runs the service, with its first SENCO invited."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import transaction
from django.utils.text import slugify

from apps.schools.models import School, Trust
from apps.schools.roles import Role
from apps.schools.tenancy import school_scope

from . import invitations

# URNs are six digits and LA codes three (DfE's Get Information about Schools).
URN = RegexValidator(r"^\d{6}$", "Enter the URN as 6 digits, for example 100000.")
LA_CODE = RegexValidator(r"^\d{3}$", "Enter the LA code as 3 digits, for example 201.")


def _free_slug(name: str) -> str:
    base = slugify(name)[:70] or "school"
    slug, n = base, 1
    while School.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def school_create(*, name: str, urn: str, la_code: str, la_name: str, phase: str,
                  trust: str = "", senco_email: str, senco_first_name: str,
                  senco_last_name: str):
    """Create the school (and its trust, the first time a trust is named) and invite its
    first SENCO, who then invites everyone else. Returns the school and the invitation;
    refused, with a message per field, and nothing created, for bad or duplicate values."""
    errors = {}
    for field, value, validator in (("urn", urn, URN), ("la_code", la_code, LA_CODE)):
        try:
            validator(value)
        except ValidationError as error:
            errors[field] = error.messages
    if not errors.get("urn") and School.objects.filter(urn=urn).exists():
        errors["urn"] = [f"A school with URN {urn} already exists."]
    if errors:
        raise ValidationError(errors)
    school = School(name=name.strip(), slug=_free_slug(name), urn=urn, la_code=la_code,
                    la_name=la_name.strip(), phase=phase,
                    trust=Trust.objects.get_or_create(name=trust.strip())[0]
                    if trust.strip() else None)
    school.full_clean()
    school.save()
    with school_scope(school):
        try:
            invitation = invitations.invite(
                school=school, email=senco_email, first_name=senco_first_name,
                last_name=senco_last_name, role=Role.SENCO)
        except ValidationError as error:  # the form and the command call it senco_email
            raise ValidationError({"senco_email": error.message_dict["email"]}) from None
    return school, invitation
