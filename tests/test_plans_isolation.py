"""Plans within and across schools: lists hold only the school's records, a pupil the
person does not work with answers 404, ids of another school's records in a write are a
400, and parents see nothing of plans yet. (Every route's 404 for another school's records
is tests/test_isolation.py.)"""

import datetime

import pytest

from apps.plans import services as plans
from apps.pupils.models import StaffAssignment
from apps.schools.tenancy import school_scope

from .conftest import plan_records
from .plans_helpers import planned_cycle

pytestmark = pytest.mark.django_db

DETAIL = {  # resource -> key in plan_records
    "provision-types": "provision-type", "plans": "plan", "cycles": "cycle",
    "assessment-results": "assessment-result", "specialist-advice": "specialist-advice",
    "evidence-files": "evidence-file", "outcomes": "outcome", "provisions": "provision",
    "sessions": "session", "reviews": "review",
}


@pytest.fixture
def b_records(school_b):
    return plan_records(school_b)


@pytest.mark.parametrize("role", ["senco", "head", "teacher"])
def test_lists_never_include_another_schools_records(role, school_a, school_b, b_records,
                                                     api_as):
    a_records = plan_records(school_a)
    api = api_as(school_a.people[role])
    for resource, key in DETAIL.items():
        if resource == "provision-types":
            continue
        rows = api.get(f"/api/v1/schools/{school_a.school.slug}/{resource}/").json()
        ids = {row["id"] for row in rows["results"]}
        assert b_records[key] not in ids, resource
        assert a_records[key] in ids or resource == "cycles" and a_records["cycle"] in ids


def test_a_teacher_sees_plans_only_of_pupils_they_work_with(school_a, api_as):
    records = plan_records(school_a)  # the pupil the teacher works with
    other, _ = planned_cycle(school_a, school_a.pupils[1])
    api = api_as(school_a.teacher)
    base = f"/api/v1/schools/{school_a.school.slug}"
    cycles = {c["id"] for c in api.get(f"{base}/cycles/").json()["results"]}
    assert records["cycle"] in cycles and other.pk not in cycles
    assert api.get(f"{base}/cycles/{other.pk}/").status_code == 404
    assert api.get(f"{base}/pupils/{school_a.pupils[1].pk}/timeline/").status_code == 404


def test_parents_see_nothing_of_plans_yet(school_a, api_as):
    records = plan_records(school_a)  # the parent's own child
    api = api_as(school_a.parent)
    base = f"/api/v1/schools/{school_a.school.slug}"
    assert api.get(f"{base}/cycles/").status_code == 403
    assert api.get(f"{base}/cycles/{records['cycle']}/").status_code == 403
    assert api.get(f"{base}/pupils/{records['pupil']}/timeline/").status_code == 403


def test_writes_pointing_at_another_schools_records_are_rejected(school_a, school_b,
                                                                  b_records, api_as):
    a_records = plan_records(school_a)
    api = api_as(school_a.senco)
    base = f"/api/v1/schools/{school_a.school.slug}"
    attempts = [
        ("outcomes/", {"cycle": b_records["cycle"], "description": "Reads"}, "cycle"),
        ("provisions/", {"cycle": a_records["cycle"], "provision_type":
                         b_records["provision-type"], "start_date": "2025-12-09",
                         "end_date": "2026-01-09"}, "provision_type"),
        ("sessions/", {"provision": b_records["provision"], "date": "2025-12-11"},
         "provision"),
        ("group-sessions/", {"provision_type": a_records["provision-type"],
                             "date": "2025-12-11", "minutes": 30,
                             "attendance": [{"pupil": b_records["pupil"]}]},
         "attendance.0.pupil"),
        ("reviews/", {"cycle": b_records["cycle"], "held_on": "2025-12-11",
                      "attendees": "x"}, "cycle"),
        ("outcomes/", {"cycle": a_records["cycle"], "description": "Reads",
                       "provisions": [b_records["provision"]]}, "provisions"),
    ]
    for path, body, attr in attempts:
        response = api.post(f"{base}/{path}", body, format="json")
        assert response.status_code == 400, (path, response.content)
        assert attr in {e["attr"] for e in response.json()["errors"]}, response.json()


def test_a_record_of_another_cycle_under_this_cycles_url_is_not_found(school_a, as_user):
    records = plan_records(school_a)
    client = as_user(school_a.senco)
    closed = records["closed-cycle"]
    response = client.get(f"/s/{school_a.school.slug}/cycles/{closed}/provisions/"
                          f"{records['provision']}/")
    assert response.status_code == 404


def test_the_group_session_page_lists_only_pupils_the_person_works_with(school_a, as_user):
    from .factories import ProvisionTypeFactory
    from .plans_helpers import planned_cycle

    kind = ProvisionTypeFactory(school=school_a.school, name="Lego therapy")
    for pupil in school_a.pupils[:2]:
        planned_cycle(school_a, pupil, kind=kind)
    page = as_user(school_a.ta).get(f"/s/{school_a.school.slug}/sessions/group/",
                                    {"intervention": kind.pk}).content.decode()
    assert school_a.pupils[0].full_name in page
    assert school_a.pupils[1].full_name not in page  # the TA does not work with this pupil


def test_who_delivers_provision_sees_the_pupil_only_while_it_runs(school_a, api_as):
    """Code 6.52: whoever delivers an intervention works with the pupil. The TA is linked
    by hand to pupils[0] only; delivering pupils[1]'s provision lets them see pupils[1],
    and ending it, or giving it to someone else, takes that away again."""
    pupil = school_a.pupils[1]
    cycle, provision = planned_cycle(school_a, pupil)
    api = api_as(school_a.ta)
    base = f"/api/v1/schools/{school_a.school.slug}"

    def seen():
        listed = {p["id"] for p in api.get(f"{base}/pupils/").json()["results"]}
        detail = api.get(f"{base}/pupils/{pupil.pk}/").status_code
        assert (pupil.pk in listed) == (detail == 200)
        return pupil.pk in listed

    def change(**fields):
        with school_scope(school_a.school):
            provision.refresh_from_db()
            plans.provision_save(cycle=cycle, actor=school_a.senco, instance=provision,
                                 **fields)

    assert not seen()
    change(delivered_by=school_a.ta, end_date=None)
    assert seen()
    assert api.get(f"{base}/cycles/{cycle.pk}/").status_code == 200
    change(end_date=datetime.date.today() - datetime.timedelta(days=1))
    assert not seen()  # it has ended
    change(end_date=None, delivered_by=school_a.teacher)
    assert not seen()  # someone else delivers it now
    change(delivered_by=school_a.ta)
    assert seen()
    with school_scope(school_a.school):
        StaffAssignment.objects.create(school=school_a.school, pupil=pupil, user=school_a.ta)
    change(delivered_by=None)
    assert seen()  # linked by hand as well
