from .roles import PERMISSIONS, Action


def current_school(request):
    """The school and role of the page being shown, and the user's other schools."""
    membership = getattr(request, "membership", None)
    context = {"membership": membership, "school": getattr(membership, "school", None),
               "money_roles": PERMISSIONS[Action.VIEW_MONEY]}
    if request.user.is_authenticated:
        context["school_count"] = request.user.memberships.count() if membership else None
    return context
