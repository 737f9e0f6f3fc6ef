"""The overview: staff land on it after signing in; it lists this week's work about the
pupils they see, each item linking to where it is done, with counts that match the lists
they link to; and it draws the caseload by stage and by need with the figures beside."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.caseload.overview import overview
from apps.money import services as money
from apps.plans.models import Cycle
from apps.pupils.rules import NeedType, SenStatus
from apps.reviews.models import ParentViews
from apps.schools.models import Membership
from apps.schools.tenancy import school_scope

from .factories import PupilFactory
from .plans_helpers import planned_cycle

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def pupil_links(page: str, school) -> set[str]:
    """The pupils a list page links to, by id."""
    return set(re.findall(rf'href="/s/{school.slug}/pupils/(\d+)/"', page))


def due_and_overdue(world):
    """The first pupil's review is due in five days; the second's was due three days ago."""
    due, _ = planned_cycle(world, world.pupils[0], opened_on=TODAY - 40 * DAY,
                           review_date=TODAY + 5 * DAY)
    overdue, _ = planned_cycle(world, world.pupils[1], opened_on=TODAY - 60 * DAY,
                               review_date=TODAY + 5 * DAY)
    with school_scope(world.school):
        Cycle.objects.filter(pk=overdue.pk).update(review_date=TODAY - 3 * DAY)
    return due, overdue


def sections(world, user):
    membership = Membership.objects.get(user=user, school=world.school)
    with school_scope(world.school):
        return {section.key: section for section in overview(membership, TODAY).sections}


def test_staff_land_on_the_overview_and_parents_on_their_children(school_a, as_user):
    client = as_user(school_a.senco)
    assert client.get("/").url == f"/s/{school_a.school.slug}/overview/"
    assert client.get(f"/s/{school_a.school.slug}/").url == f"/s/{school_a.school.slug}/overview/"
    client = as_user(school_a.parent)
    assert client.get(f"/s/{school_a.school.slug}/").url == f"/s/{school_a.school.slug}/pupils/"
    assert client.get(f"/s/{school_a.school.slug}/overview/").status_code == 403


def test_each_count_matches_the_list_it_links_to(school_a, as_user):
    due, overdue = due_and_overdue(school_a)
    found = sections(school_a, school_a.senco)
    assert [t.pupil.pk for t in found["reviews_due"].tasks] == [school_a.pupils[0].pk]
    assert [t.pupil.pk for t in found["reviews_overdue"].tasks] == [school_a.pupils[1].pk]
    client = as_user(school_a.senco)
    slug = school_a.school.slug
    page = client.get(f"/s/{slug}/overview/").content.decode()
    assert "Reviews due in the next 14 days: 1" in page and "Reviews overdue: 1" in page
    assert f'href="/s/{slug}/cycles/{due.pk}/review/"' in page  # where the review is done
    assert (TODAY - 3 * DAY).strftime("%-d %B %Y") in page
    for key in ("reviews_due", "reviews_overdue", "meetings"):
        section = found[key]
        listed = pupil_links(client.get(section.all_url).content.decode(), school_a.school)
        assert listed == {str(task.pupil.pk) for task in section.tasks}, key
        if section.tasks:
            assert section.all_url.replace("&", "&amp;") in page


def test_parents_views_top_ups_and_an_overdue_annual_review_are_listed(school_a, as_user):
    cycle, _ = planned_cycle(school_a, opened_on=TODAY - 30 * DAY, review_date=TODAY + 60 * DAY)
    ehc = PupilFactory(school=school_a.school, primary_need=NeedType.ASD,
                       sen_status=SenStatus.EHC_PLAN)
    with school_scope(school_a.school):
        ParentViews.objects.create(school=school_a.school, pupil=school_a.pupil, cycle=cycle,
                                   parent=school_a.parent, views="He is happier at home.")
        request = money.top_up_draft(pupil=school_a.pupil, actor=school_a.senco,
                                     amount=Decimal("1200.00"),
                                     reason="Needs a full-time assistant from January.")
        money.top_up_submit(request=request, actor=school_a.senco, on=TODAY)
        ehc.sen_records.update(started_on=TODAY - 400 * DAY)
    found = sections(school_a, school_a.senco)
    assert [t.url for t in found["parent_views"].tasks] == [
        f"/s/{school_a.school.slug}/cycles/{cycle.pk}/"]
    assert [t.when for t in found["top_ups"].tasks] == [TODAY]
    assert [(t.pupil.pk, t.what) for t in found["annual_reviews"].tasks] == [
        (ehc.pk, "Annual review overdue")]
    # A teacher sees neither money nor the pupils they do not work with.
    found = sections(school_a, school_a.teacher)
    assert "top_ups" not in found and not found["annual_reviews"].tasks
    assert len(found["parent_views"].tasks) == 1  # their pupil's parents' views
    # Read, the views leave the list.
    with school_scope(school_a.school):
        ParentViews.objects.update(read_at=timezone.now())
    assert not sections(school_a, school_a.senco)["parent_views"].tasks


def test_a_teacher_sees_only_their_pupils_and_this_weeks_sessions(school_a, as_user):
    due_and_overdue(school_a)  # the overdue review is of a pupil the teacher does not see
    found = sections(school_a, school_a.teacher)
    assert [t.pupil.pk for t in found["reviews_due"].tasks] == [school_a.pupils[0].pk]
    assert not found["reviews_overdue"].tasks
    page = as_user(school_a.ta).get(f"/s/{school_a.school.slug}/overview/").content.decode()
    assert "Sessions you run this week" in page and "My class: 1 pupil" in page


def test_the_caseload_is_drawn_by_stage_and_need_with_its_figures(school_a, as_user):
    planned_cycle(school_a, opened_on=TODAY - 40 * DAY, review_date=TODAY + 40 * DAY)
    page = as_user(school_a.senco).get(
        f"/s/{school_a.school.slug}/overview/").content.decode()
    assert page.count('role="img"') == 2
    # In words for those who cannot see the drawing: pupil 0 is at Do, pupil 1 has no plan.
    assert ("Assess: 0 pupils; Plan: 0 pupils; Do: 1 pupil; Review: 0 pupils; "
            "No plan yet: 1 pupil.") in page
    assert ("Communication and interaction: 1 pupil; Cognition and learning: 0 pupils; "
            "Social, emotional and mental health: 1 pupil;") in page
    assert '<th scope="row" class="govuk-table__header">No plan yet</th>' in page


def test_a_bad_list_filter_is_refused(school_a, as_user):
    client = as_user(school_a.senco)
    assert client.get(f"/s/{school_a.school.slug}/meetings/?state=late").status_code == 400


def test_the_overview_reads_the_same_number_of_times_however_many_pupils(school_a, as_user):
    client = as_user(school_a.senco)
    url = f"/s/{school_a.school.slug}/overview/"
    due_and_overdue(school_a)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(3):
        pupil = PupilFactory(school=school_a.school, sen_status=SenStatus.SEN_SUPPORT,
                             primary_need=NeedType.MLD)
        planned_cycle(school_a, pupil, opened_on=TODAY - 40 * DAY, review_date=TODAY + 2 * DAY)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_another_schools_work_never_shows(school_a, school_b, as_user):
    due_and_overdue(school_b)
    page = as_user(school_a.senco).get(
        f"/s/{school_a.school.slug}/overview/").content.decode()
    assert "Reviews due in the next 14 days: 0" in page and "Reviews overdue: 0" in page
    assert not any(pupil.full_name in page for pupil in school_b.pupils)
    assert f"/s/{school_b.school.slug}/" not in page


def test_the_demo_senco_lands_on_the_overview_and_every_count_matches_its_list(as_user):
    from django.core.management import call_command

    from apps.accounts.models import User

    call_command("load_demo", stdout=io.StringIO())
    senco = User.objects.get(email="senco@oakfield.example")
    client = as_user(senco)
    url = client.get("/").url
    assert url == "/s/oakfield-primary/overview/"
    page = client.get(url).content.decode()
    school = senco.memberships.get().school
    found = sections(type("Demo", (), {"school": school}), senco)
    assert found["reviews_overdue"].count and found["meetings"].count  # the demo has both
    for section in found.values():
        assert f"{section.heading}: {section.count}</h2>" in page.replace("&#x27;", "'")
        if section.all_url and section.key != "annual_reviews":
            listed_page = client.get(section.all_url).content.decode()
            listed = pupil_links(listed_page, school)
            if section.key == "ehc_requests":  # every open request, due or not
                assert set(re.findall(rf'href="/s/{school.slug}/pupils/(\d+)/', listed_page)
                           ) >= {str(task.pupil.pk) for task in section.tasks}
            else:
                assert listed == {str(task.pupil.pk) for task in section.tasks}, section.key
    # The trust lead sees both demo schools on one page.
    lead = User.objects.get(email="trust.lead@riverside-trust.example")
    trust = lead.memberships.first().school.trust_id
    page = as_user(lead).get(f"/trusts/{trust}/").content.decode()
    assert "Oakfield Primary School" in page and "Riverside Academy" in page


def test_the_api_gives_the_same_lists_and_counts_as_the_page(school_a, api_as):
    due_and_overdue(school_a)
    body = api_as(school_a.senco).get(
        f"/api/v1/schools/{school_a.school.slug}/overview/").json()
    found = sections(school_a, school_a.senco)
    assert [(s["key"], s["count"]) for s in body["sections"]] == [
        (key, section.count) for key, section in found.items()]
    overdue = next(s for s in body["sections"] if s["key"] == "reviews_overdue")
    assert [t["pupil"] for t in overdue["tasks"]] == [school_a.pupils[1].pk]
    assert {bar["label"]: bar["value"] for bar in body["by_stage"]}["Do"] == 2
