from .roles import PERMISSIONS, Action


def current_school(request):
    """The school and role of the page being shown, and how many schools the user belongs
    to (read with the membership: access.access_school)."""
    membership = getattr(request, "membership", None)
    return {"membership": membership, "school": getattr(membership, "school", None),
            "school_count": getattr(membership, "school_count", None),
            "money_roles": PERMISSIONS[Action.VIEW_MONEY],
            "people_roles": PERMISSIONS[Action.MANAGE_PEOPLE],
            "report_roles": PERMISSIONS[Action.SEE_SCHOOL_REPORTS]}
