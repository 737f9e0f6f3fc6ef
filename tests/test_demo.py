"""The demo data loads, prints the logins, and a second run duplicates nothing."""

import io
import re

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.pupils.models import Pupil, SenProvisionRecord
from apps.schools.models import Membership, School
from apps.schools.roles import Role
from apps.schools.tenancy import dangerously_all_schools

pytestmark = pytest.mark.django_db


def totals():
    with dangerously_all_schools():
        return (School.objects.count(), User.objects.count(), Membership.objects.count(),
                Pupil.objects.count(), SenProvisionRecord.objects.count())


def test_demo_data_is_complete_and_idempotent():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = totals()
    call_command("load_demo", stdout=io.StringIO())
    assert totals() == first
    schools, users, memberships, pupils, records = first
    assert schools == 2 and 35 <= pupils <= 45 and records > pupils
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    parent = User.objects.get(email="parent@example.com")
    assert parent.memberships.count() == 2
    with dangerously_all_schools():
        children = Pupil.objects.filter(parent_links__parent=parent)
        assert sorted(children.values_list("school__slug", flat=True)) == [
            "oakfield-primary", "riverside-academy"]
    with dangerously_all_schools():
        from django.db.models import Count, Q

        from apps.plans.models import SupportPlan

        past = SupportPlan.objects.annotate(
            closed=Count("cycles", filter=Q(cycles__stage="closed")),
            open=Count("cycles", filter=~Q(cycles__stage="closed")))
        assert past.exists()
        assert {p.closed for p in past} <= {1, 2, 3, 4} and {p.open for p in past} == {1}
        assert len({p.closed for p in past}) > 1  # a spread of histories
    from apps.escalation.selectors import clock, open_requests, readiness_by_pupil
    from apps.schools.tenancy import school_scope

    levels, missed = set(), 0
    for school in School.objects.all():
        with school_scope(school):
            ids = list(Pupil.objects.values_list("pk", flat=True))
            levels |= {r.recommendation for r in readiness_by_pupil(ids, school).values()}
            missed += sum(clock(request).missed for request in open_requests())
    assert {"none", "consider", "strong", "holds_plan"} <= levels and missed >= 1
    text = out.getvalue()
    printed = [int(n) for n in re.findall(r"\((\d+) in all\)", text)]
    assert sum(printed) == pupils  # counted inside each school's scope
    assert "senco@oakfield.example" in text and "demo-password-2026" in text
