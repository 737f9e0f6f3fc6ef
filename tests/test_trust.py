"""The trust view: a trust SEND lead sees every school of the trust they lead on one page,
each school's figures as its own pages count them and the total; nothing of a school they
do not lead, and no other trust."""

import datetime

import pytest
from django.utils import timezone

from apps.caseload.trust import trust_view
from apps.plans.models import Cycle
from apps.schools.access import access_trust
from apps.schools.roles import Role
from apps.schools.tenancy import school_scope

from .factories import MembershipFactory, SchoolFactory, TrustFactory, UserFactory
from .plans_helpers import planned_cycle

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def lead_of(*worlds):
    lead = UserFactory(email="lead@trust.example")
    for world in worlds:
        MembershipFactory(user=lead, school=world.school, role=Role.TRUST_LEAD)
    return lead


def overdue(world, pupil):
    cycle, _ = planned_cycle(world, pupil, opened_on=TODAY - 60 * DAY,
                             review_date=TODAY + 5 * DAY)
    with school_scope(world.school):
        Cycle.objects.filter(pk=cycle.pk).update(review_date=TODAY - 3 * DAY)


def test_the_lead_sees_each_school_and_the_total(school_a, school_b, as_user):
    overdue(school_a, school_a.pupils[0])
    overdue(school_b, school_b.pupils[0])
    overdue(school_b, school_b.pupils[1])
    lead = lead_of(school_a, school_b)
    found = trust_view(access_trust(lead, school_a.school.trust_id), TODAY)
    assert [f.school.name for f in found.schools] == ["Alder School", "Birch School"]
    assert [f.reviews_overdue for f in found.schools] == [1, 2]
    assert [f.sen_support for f in found.schools] == [2, 2]  # two on SEN support each
    assert found.total.reviews_overdue == 3 and found.total.sen_support == 4
    assert dict(found.total.need_rows)["Communication and interaction"] == 2
    page = as_user(lead).get(f"/trusts/{school_a.school.trust_id}/").content.decode()
    for world in (school_a, school_b):
        assert f'href="/s/{world.school.slug}/overview/"' in page
    # The figure links to the school's own list, which counts the same pupils.
    assert f'href="/s/{school_b.school.slug}/pupils/?overdue=true">2<' in page
    client = as_user(lead)
    assert f'href="/trusts/{school_a.school.trust_id}/"' in client.get("/").content.decode()
    school_page = client.get(f"/s/{school_a.school.slug}/overview/").content.decode()
    assert f'href="/trusts/{school_a.school.trust_id}/"' in school_page  # in the menu


def test_a_school_the_lead_does_not_lead_is_not_shown(school_a, school_b, as_user):
    overdue(school_b, school_b.pupils[0])
    lead = lead_of(school_a)  # school B is in the same trust, but not theirs
    page = as_user(lead).get(f"/trusts/{school_a.school.trust_id}/").content.decode()
    assert "Alder School" in page and "Birch School" not in page
    assert not any(pupil.full_name in page for pupil in school_b.pupils)


def test_another_trust_or_another_role_is_a_404(school_a, as_user, client):
    other = SchoolFactory(name="Cedar School", trust=TrustFactory(name="Other Trust"))
    lead = lead_of(school_a)
    client = as_user(lead)
    assert client.get(f"/trusts/{other.trust_id}/").status_code == 404
    assert client.get("/trusts/999999/").status_code == 404
    client = as_user(school_a.senco)  # not a trust lead
    assert client.get(f"/trusts/{school_a.school.trust_id}/").status_code == 404
    client.logout()
    response = client.get(f"/trusts/{school_a.school.trust_id}/")
    assert response.status_code == 302 and "sign-in" in response.url


def test_what_works_across_the_trust_adds_up_each_schools_figures(school_a, school_b,
                                                                 as_user):
    from apps.money.selectors import year_rules
    from apps.money.what_works import what_works

    from .factories import ProvisionTypeFactory

    for world in (school_a, school_b):
        kind = ProvisionTypeFactory(school=world.school, name="Talk Boost")
        planned_cycle(world, world.pupils[0], kind=kind, opened_on=TODAY - 30 * DAY,
                      review_date=TODAY + 30 * DAY)
    lead = lead_of(school_a, school_b)
    client = as_user(lead)
    trust = school_a.school.trust_id
    assert f'href="/trusts/{trust}/what-works/"' in client.get(
        f"/trusts/{trust}/").content.decode()
    page = client.get(f"/trusts/{trust}/what-works/").content.decode()
    assert "Talk Boost" in page
    each = []
    for world in (school_a, school_b):
        with school_scope(world.school):
            each.append(what_works(year_rules(world.school, TODAY), TODAY).rows[0])
    csv_text = client.get(f"/trusts/{trust}/what-works/?download=csv").content.decode()
    talk_boost = next(line for line in csv_text.splitlines() if line.startswith("Talk Boost"))
    assert talk_boost.split(",")[1] == "2"  # a pupil at each school
    assert talk_boost.split(",")[7] == str(each[0].cost + each[1].cost)
    assert client.get(f"/trusts/{trust}/what-works/?need_area=hearts").status_code == 400
    assert as_user(school_a.senco).get(f"/trusts/{trust}/what-works/").status_code == 404
