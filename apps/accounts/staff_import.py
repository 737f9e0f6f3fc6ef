"""Staff from a CSV (first name, last name, e-mail, role, classes): previewed row by row,
then applied in one transaction. A new address is invited; a member of staff already here
gets the file's role and classes; nobody is removed. Small files, so it runs in the
request, and the preview carries the file's text signed, so the confirm applies exactly
what was shown."""

import re
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from apps.schools.models import Membership
from apps.schools.roles import STAFF, Role
from backend.csv_upload import FileRefused, looks_like_formula, read_csv

from . import invitations, members
from .models import Invitation

SALT = "accounts.staff_import"
HEADINGS = {
    "first_name": ("firstname", "forename", "legalforename", "givenname"),
    "last_name": ("lastname", "surname", "legalsurname", "familyname"),
    "email": ("email", "emailaddress", "workemail", "schoolemail"),
    "role": ("role", "jobrole", "staffrole"),
    "classes": ("classes", "class", "regroup", "registrationgroups", "teaches"),
}
LABELS = {"first_name": "First name", "last_name": "Last name", "email": "E-mail",
          "role": "Role", "classes": "Classes"}
ROLE_WORDS = {
    "senco": Role.SENCO, "inclusionlead": Role.SENCO,
    "teacher": Role.TEACHER, "classteacher": Role.TEACHER, "subjectteacher": Role.TEACHER,
    "ta": Role.TEACHING_ASSISTANT, "teachingassistant": Role.TEACHING_ASSISTANT,
    "lsa": Role.TEACHING_ASSISTANT, "learningsupportassistant": Role.TEACHING_ASSISTANT,
    "head": Role.HEAD, "headteacher": Role.HEAD, "headofschool": Role.HEAD,
    "principal": Role.HEAD, "trustlead": Role.TRUST_LEAD,
    "trustsendlead": Role.TRUST_LEAD,
}


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass
class StaffRow:
    line: int
    values: dict = field(default_factory=dict)
    action: str = ""  # "invite", "update", "unchanged" or "refuse"
    changes: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def _columns(headings: list[str]) -> dict[str, int]:
    found = {}
    for index, heading in enumerate(headings):
        for key, names in HEADINGS.items():
            if _squash(heading) in names and key not in found:
                found[key] = index
    missing = [LABELS[key] for key in ("first_name", "last_name", "email", "role")
               if key not in found]
    if missing:
        raise FileRefused(f"The file has no {', '.join(missing)} column. The headings "
                          "needed are: First name, Last name, E-mail, Role (and Classes).")
    return found


def plan(*, school, actor, text: str) -> list[StaffRow]:
    """What the file would do, row by row. Nothing is written."""
    headings, lines = read_csv(text.encode())
    columns = _columns(headings)
    current = {m.user.email: m for m in Membership.everyone.filter(school=school)
               .select_related("user")}
    waiting = set(Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
                  .values_list("email", flat=True))
    rows, seen = [], {}
    for line, cells in lines:
        row = StaffRow(line=line)
        raw = {key: (cells[index].strip() if index < len(cells) else "")
               for key, index in columns.items()}
        for key, cell in raw.items():
            if looks_like_formula(cell):
                row.reasons.append(f"{LABELS[key]} looks like a spreadsheet formula")
        email = raw["email"].lower()
        role = ROLE_WORDS.get(_squash(raw["role"]))
        classes = list(dict.fromkeys(c.strip() for c in re.split(r"[;,]", raw.get(
            "classes", "")) if c.strip()))
        row.values = {"first_name": raw["first_name"], "last_name": raw["last_name"],
                      "email": email, "role": role, "classes": classes}
        for key in ("first_name", "last_name"):
            if not raw[key]:
                row.reasons.append(f"{LABELS[key]} is empty")
        try:
            validate_email(email)
        except ValidationError:
            row.reasons.append(f"\"{raw['email']}\" is not an e-mail address")
        if role is None:
            row.reasons.append(f"Unknown role \"{raw['role']}\"; use SENCO, Teacher, "
                               "Teaching assistant, Headteacher or Trust SEND lead")
        if email in seen:
            row.reasons.append(f"{email} is also on row {seen[email]}")
        seen.setdefault(email, line)
        member = current.get(email)
        if not row.reasons:
            if member and member.left_on is None and member.role not in STAFF:
                row.reasons.append(f"{email} is a parent at this school")
            elif member and member.left_on is None:
                if member.role != role:
                    row.changes.append(f"Role: {member.get_role_display()} to "
                                       f"{Role(role).label}")
                if classes and classes != member.classes:
                    row.changes.append(f"Classes: {', '.join(member.classes) or 'none'} to "
                                       f"{', '.join(classes)}")
                if row.changes and member.user_id == actor.pk:
                    row.reasons.append("This is you: ask another SENCO or the headteacher to "
                                       "change your own role")
                row.action = "update" if row.changes else "unchanged"
            elif email in waiting:
                row.action = "unchanged"
                row.changes.append("Already invited")
            else:
                row.action = "invite"
        if row.reasons:
            row.action = "refuse"
        rows.append(row)
    return rows


def sign(text: str) -> str:
    return signing.dumps(text, salt=SALT, compress=True)


def unsign(token: str) -> str:
    try:
        return signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise ValidationError("The file could not be read back. Upload it again.") from None


@transaction.atomic
def apply(*, school, actor, text: str) -> tuple[int, int]:
    """Invite the new, update the changed: every row or none. Returns (invited, updated)."""
    invited = updated = 0
    for row in plan(school=school, actor=actor, text=text):
        values = row.values
        if row.action == "invite":
            invitations.invite(school=school, actor=actor, **values)
            invited += 1
        elif row.action == "update":
            member = Membership.objects.get(school=school, user__email=values["email"])
            members.member_change_role(membership=member, actor=actor, role=values["role"],
                                       classes=values["classes"] or None)
            updated += 1
    return invited, updated
