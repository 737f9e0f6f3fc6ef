"""The door from an id in a URL to a print run (or 404)."""

from apps.schools.access import get_or_404
from apps.schools.models import Membership

from .models import PrintRun


def print_runs_of(membership: Membership):
    """The runs this member asked for at this school: a run holds other pupils' plans
    (chosen by what the member could see when it was asked for), so it is theirs alone."""
    return PrintRun.objects.filter(requested_by=membership.user_id)


def access_print_run(membership: Membership, run_id) -> PrintRun:
    return get_or_404(print_runs_of(membership), run_id)
