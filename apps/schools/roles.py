"""Roles people hold in a school, and what each role may do: one table, in one place."""

from django.db import models


class Role(models.TextChoices):
    SENCO = "senco", "SENCO"
    TEACHER = "teacher", "Class or subject teacher"
    TEACHING_ASSISTANT = "ta", "Teaching assistant"
    HEAD = "head", "Headteacher"
    TRUST_LEAD = "trust_lead", "Trust SEND lead"
    PARENT = "parent", "Parent or carer"


# Who sees which pupils. SENCO, head and trust lead see the whole register; teachers and
# teaching assistants see the pupils they work with (Code 6.52: the class teacher stays
# responsible); parents see only their own children.
WHOLE_REGISTER = frozenset({Role.SENCO, Role.HEAD, Role.TRUST_LEAD})
ASSIGNED_PUPILS = frozenset({Role.TEACHER, Role.TEACHING_ASSISTANT})
OWN_CHILDREN = frozenset({Role.PARENT})
STAFF = WHOLE_REGISTER | ASSIGNED_PUPILS


class Action(models.TextChoices):
    VIEW_PUPILS = "view_pupils", "see pupils"
    ADD_PUPIL = "add_pupil", "add a pupil"
    EDIT_PUPIL = "edit_pupil", "change a pupil's details and needs"
    CHANGE_SEN_STATUS = "change_sen_status", "move a pupil on or off the SEN register"


PERMISSIONS: dict[Action, frozenset[Role]] = {
    # Everyone sees pupils, but only those their role may see (pupils/selectors.py).
    Action.VIEW_PUPILS: STAFF | OWN_CHILDREN,
    Action.ADD_PUPIL: frozenset({Role.SENCO}),
    Action.EDIT_PUPIL: frozenset({Role.SENCO}),
    # The SENCO manages the register (Code 6.88-6.90).
    Action.CHANGE_SEN_STATUS: frozenset({Role.SENCO}),
}


def role_may(role: str, action: Action) -> bool:
    return role in PERMISSIONS[action]
