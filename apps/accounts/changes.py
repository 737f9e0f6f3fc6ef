"""The people page's "Recent changes": audit entries about the school, its people and its
invitations, each said in a sentence."""

import datetime
import re

from apps.audit.models import Entry
from apps.schools.models import School
from apps.schools.roles import Role


def _role(value: str) -> str:
    return Role(value).label if value in Role.values else value


def _date(text: str) -> str:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day.day} {day:%B %Y}"


def describe(entry: Entry) -> str:
    changes = entry.changes_dict or {}
    model, created = entry.content_type.model, entry.action == Entry.Action.CREATE
    if model == "invitation":
        email = changes.get("email", [None, None])[1] or entry.object_repr.split(" as ")[0]
        if created:
            return f"Invited {entry.object_repr}"
        if changes.get("accepted_at", [None, "None"])[1] != "None" and "accepted_at" in changes:
            return f"{email} accepted the invitation"
        if "revoked_at" in changes:
            return f"Withdrew the invitation to {email}"
        if "sent_at" in changes:
            return f"Sent a new link to {email}"
    if model == "membership":
        person = entry.object_repr.split(" — ")[0]
        if created:
            return f"{person} joined as {_role(changes.get('role', ['', ''])[1])}"
        said = []
        if "role" in changes:
            old, new = changes["role"]
            said.append(f"role changed from {_role(old)} to {_role(new)}")
        if "classes" in changes:
            classes = re.sub(r"[\[\]\"']", "", changes["classes"][1]).strip()
            said.append(f"classes now {classes}" if classes else "no classes")
        if "left_on" in changes:
            old, new = changes["left_on"]
            said.append(f"left on {_date(new)}" if new != "None" else "came back")
        if said:
            return f"{person}: {', '.join(said)}"
    if model == "school":
        if created:
            return "The school was added"
        names = [str(School._meta.get_field(name).verbose_name) for name in changes
                 if name in {f.name for f in School._meta.get_fields()}]
        return f"Changed the school's settings: {', '.join(names)}"
    return f"{entry.get_action_display().capitalize()}: {entry.object_repr}"
