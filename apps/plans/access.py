"""The doors from an id to a plan, a cycle or one of a cycle's records the member may see,
and to an intervention of the school's library: 404 for anything else, the same answer for
missing, another school's and another pupil's."""

from apps.schools.access import get_or_404
from apps.schools.models import Membership
from apps.schools.roles import Action, role_may

from .models import (
    AssessmentResult,
    Cycle,
    DeliveredSession,
    EvidenceFile,
    Outcome,
    Provision,
    ProvisionType,
    SpecialistAdvice,
    SupportPlan,
)
from .selectors import visible, with_overdue


def access_plan(membership: Membership, pk) -> SupportPlan:
    return get_or_404(visible(SupportPlan, membership).select_related("pupil"), pk)


def access_cycle(membership: Membership, pk) -> Cycle:
    """The cycle, with ``is_overdue``."""
    return get_or_404(with_overdue(visible(Cycle, membership)).select_related("plan__pupil"),
                      pk)


def _cycle_record(model, membership: Membership, pk):
    return get_or_404(visible(model, membership).select_related("cycle"), pk)


def access_outcome(membership: Membership, pk) -> Outcome:
    return _cycle_record(Outcome, membership, pk)


def access_provision(membership: Membership, pk) -> Provision:
    return _cycle_record(Provision, membership, pk)


def access_assessment(membership: Membership, pk) -> AssessmentResult:
    return _cycle_record(AssessmentResult, membership, pk)


def access_advice(membership: Membership, pk) -> SpecialistAdvice:
    return _cycle_record(SpecialistAdvice, membership, pk)


def access_evidence_file(membership: Membership, pk) -> EvidenceFile:
    return _cycle_record(EvidenceFile, membership, pk)


def access_session(membership: Membership, pk) -> DeliveredSession:
    return get_or_404(visible(DeliveredSession, membership)
                      .select_related("provision__cycle__plan"), pk)


def access_provision_type(membership: Membership, pk) -> ProvisionType:
    """An intervention of the school's library: every member of staff may read it; for a
    role that may not see plans (a parent) it does not exist."""
    queryset = ProvisionType.objects.all()
    if not role_may(membership.role, Action.VIEW_PLANS):
        queryset = queryset.none()
    return get_or_404(queryset, pk)
