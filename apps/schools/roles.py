"""Roles people hold in a school, and what each role may do: one table, in one place."""

from django.db import models


class Role(models.TextChoices):
    SENCO = "senco", "SENCO"
    TEACHER = "teacher", "Class or subject teacher"
    TEACHING_ASSISTANT = "ta", "Teaching assistant"
    HEAD = "head", "Headteacher"
    TRUST_LEAD = "trust_lead", "Trust SEND lead"
    PARENT = "parent", "Parent or carer"


# Who sees which pupils (pupils/selectors.py: pupils_visible_to). SENCO, head and trust
# lead see the whole register. Teachers and teaching assistants see the pupils whose work
# is theirs, and see them only while it is:
#   - the pupils of the classes they teach (Code 6.52: the class teacher stays
#     responsible for the pupil's progress, and must know the strategies that help them,
#     Code 6.49);
#   - the pupils for whom they deliver provision in an open cycle that has not ended (Code
#     6.52: whoever delivers an intervention works closely with the class teacher and
#     records its impact); when it ends, or is given to someone else, so does this;
#   - pupils linked to them by hand (a mentor, a subject teacher, a key worker).
# Parents see only their own children.
WHOLE_REGISTER = frozenset({Role.SENCO, Role.HEAD, Role.TRUST_LEAD})
ASSIGNED_PUPILS = frozenset({Role.TEACHER, Role.TEACHING_ASSISTANT})
OWN_CHILDREN = frozenset({Role.PARENT})
STAFF = WHOLE_REGISTER | ASSIGNED_PUPILS
# Who must sign in with a second step (accounts/two_factor.py): everyone who can see every
# child's record in a school. The DfE's cyber security standards for schools expect
# multi-factor authentication for staff with access to sensitive personal data.
SECOND_FACTOR = WHOLE_REGISTER
# The roles a member of staff may be invited to. Parents are invited from their child's
# page (pupils), never as a role picked here.
STAFF_ROLES = [Role.SENCO, Role.TEACHER, Role.TEACHING_ASSISTANT, Role.HEAD, Role.TRUST_LEAD]
STAFF_ROLE_CHOICES = [(role.value, role.label) for role in STAFF_ROLES]


class Action(models.TextChoices):
    VIEW_PUPILS = "view_pupils", "see pupils"
    ADD_PUPIL = "add_pupil", "add a pupil"
    IMPORT_PUPILS = "import_pupils", "import pupils from the MIS"
    EDIT_PUPIL = "edit_pupil", "change a pupil's details and needs"
    CHANGE_SEN_STATUS = "change_sen_status", "move a pupil on or off the SEN register"
    VIEW_PLANS = "view_plans", "see support plans"
    MANAGE_PLANS = "manage_plans", "manage support plans and move cycles"
    DRAFT_ASSESS = "draft_assess", "draft the Assess stage"
    RECORD_SESSIONS = "record_sessions", "record delivered sessions"
    MANAGE_PROVISION_LIBRARY = "manage_library", "change the provision library"
    VIEW_MONEY = "view_money", "see what support costs"
    MANAGE_MONEY = "manage_money", "change cost settings and the SEN budget"
    MANAGE_TOP_UPS = "manage_top_ups", "draft and record top-up requests"
    RECORD_MEETINGS = "record_meetings", "record and plan meetings with parents"
    SHARE_PLANS = "share_plans", "share plans with parents"
    FAMILY = "family", "use the parent pages"
    MANAGE_ESCALATION = "manage_escalation", "record EHC needs assessment decisions and requests"
    VIEW_AUDIT = "view_audit", "read a pupil's audit trail"
    EXPORT_RECORD = "export_record", "export everything held about a pupil"
    APPLY_RETENTION = "apply_retention", "delete records past the school's retention period"
    MANAGE_SCHOOL = "manage_school", "change the school's settings"
    VIEW_PEOPLE = "view_people", "see who works at the school"
    MANAGE_PEOPLE = "manage_people", "invite staff, change their roles and record leavers"
    INVITE_PARENTS = "invite_parents", "invite a pupil's parents and carers"
    WRITE_PROFILE = "write_profile", "write a pupil's one-page profile"
    SEE_SCHOOL_REPORTS = "see_school_reports", ("see the school's reports: the SEN "
                                                "information report and inclusion figures")
    TRANSFER_RECORD = "transfer_record", ("send a pupil's record to another school of the "
                                          "trust, and accept one sent here")


PERMISSIONS: dict[Action, frozenset[Role]] = {
    # Everyone sees pupils, but only those their role may see (pupils/selectors.py).
    Action.VIEW_PUPILS: STAFF | OWN_CHILDREN,
    Action.ADD_PUPIL: frozenset({Role.SENCO}),
    Action.IMPORT_PUPILS: frozenset({Role.SENCO}),
    Action.EDIT_PUPIL: frozenset({Role.SENCO}),
    # The SENCO manages the register (Code 6.88-6.90).
    Action.CHANGE_SEN_STATUS: frozenset({Role.SENCO}),
    # Plans (Code 6.44-6.56): the SENCO manages plans and moves cycles; teachers and TAs
    # record sessions for pupils they work with and may draft the Assess stage. Parents see
    # nothing here until a plan is shared with them.
    Action.VIEW_PLANS: STAFF,
    Action.MANAGE_PLANS: frozenset({Role.SENCO}),
    Action.DRAFT_ASSESS: frozenset({Role.SENCO, Role.TEACHER, Role.TEACHING_ASSISTANT}),
    Action.RECORD_SESSIONS: frozenset({Role.SENCO, Role.TEACHER, Role.TEACHING_ASSISTANT}),
    Action.MANAGE_PROVISION_LIBRARY: frozenset({Role.SENCO}),
    # Money: the head and governors are accountable for the SEN budget; the SENCO costs
    # support and asks the LA for top-up.
    Action.VIEW_MONEY: WHOLE_REGISTER,
    Action.MANAGE_MONEY: frozenset({Role.SENCO, Role.HEAD}),
    Action.MANAGE_TOP_UPS: frozenset({Role.SENCO}),
    # Parents (Code 6.64-6.71): teachers meet parents too (parents' evenings count); the
    # SENCO shares plans; parents see only what is shared about their own children.
    Action.RECORD_MEETINGS: frozenset({Role.SENCO, Role.TEACHER}),
    Action.SHARE_PLANS: frozenset({Role.SENCO}),
    Action.FAMILY: OWN_CHILDREN,
    # Escalation (Code 6.63, 9.14): the SENCO decides and records; staff may read.
    Action.MANAGE_ESCALATION: frozenset({Role.SENCO}),
    # Who saw or changed a child's record: the SENCO and the head (accountable for SEN).
    Action.VIEW_AUDIT: frozenset({Role.SENCO, Role.HEAD}),
    # Data protection (UK GDPR): the school answers a subject access request through its
    # SENCO or head; deleting records past retention is the head's decision, for the school
    # as data controller.
    Action.EXPORT_RECORD: frozenset({Role.SENCO, Role.HEAD}),
    Action.APPLY_RETENTION: frozenset({Role.HEAD}),
    # People: every member of staff may look up colleagues (to name who delivers support);
    # the SENCO and the head run the school's accounts, and the SENCO, who keeps the
    # register, invites parents (Code 6.64: parents are involved from the start).
    # The school's contact details for parents: the SENCO and the head.
    Action.MANAGE_SCHOOL: frozenset({Role.SENCO, Role.HEAD}),
    Action.VIEW_PEOPLE: STAFF,
    Action.MANAGE_PEOPLE: frozenset({Role.SENCO, Role.HEAD}),
    Action.INVITE_PARENTS: frozenset({Role.SENCO}),
    # The one-page profile is written with the pupil by whoever knows them best: the
    # SENCO, the class teacher, the teaching assistant who works with them (Code 6.49);
    # the SENCO shares it with the parents, as a plan (SHARE_PLANS).
    Action.WRITE_PROFILE: frozenset({Role.SENCO, Role.TEACHER, Role.TEACHING_ASSISTANT}),
    # A pupil moving between schools of a trust: the SENCO, who keeps the register (Code
    # 6.88), sends the record, and only the receiving school's SENCO may accept it (Code
    # 6.57: support plans for the move to the next phase, with the information passed on).
    Action.TRANSFER_RECORD: frozenset({Role.SENCO}),
    # The school's published SEN information report (SEND Regulations 2014, reg 51) and
    # the figures an inspector asks for: those accountable for SEN across the school. The
    # report's words are the school's settings (MANAGE_SCHOOL).
    Action.SEE_SCHOOL_REPORTS: WHOLE_REGISTER,
}


def role_may(role: str, action: Action) -> bool:
    return role in PERMISSIONS[action]
