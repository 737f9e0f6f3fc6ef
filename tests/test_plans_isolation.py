"""Isolation for every plan, cycle and review endpoint: another school's records, or a
pupil the person does not work with, answer 404; ids of theirs in a write are a 400;
parents see nothing of plans yet."""

import pytest

from .conftest import plan_records

pytestmark = pytest.mark.django_db

RESOURCES = ["provision-types", "plans", "cycles", "assessment-results", "specialist-advice",
             "evidence-files", "outcomes", "provisions", "sessions", "reviews"]
DETAIL = {  # resource -> key in plan_records
    "provision-types": "provision-type", "plans": "plan", "cycles": "cycle",
    "assessment-results": "assessment-result", "specialist-advice": "specialist-advice",
    "evidence-files": "evidence-file", "outcomes": "outcome", "provisions": "provision",
    "sessions": "session", "reviews": "review",
}
ACTIONS = [
    ("post", "cycles/{cycle}/move/"),
    ("post", "reviews/{review}/close/"),
    ("get", "evidence-files/{evidence-file}/download/"),
    ("get", "pupils/{pupil}/timeline/"),
]


@pytest.fixture
def b_records(school_b):
    return plan_records(school_b)


def detail_urls(records):
    urls = []
    for resource, key in DETAIL.items():
        for method in ("get", "patch", "put", "delete"):
            urls.append((method, f"{resource}/{records[key]}/"))
    urls += [(m, path.format(**records)) for m, path in ACTIONS]
    return urls


@pytest.mark.parametrize("role", ["senco", "teacher", "ta", "head", "parent"])
def test_another_schools_plan_records_are_not_found(role, school_a, school_b, b_records,
                                                    api_as):
    api = api_as(school_a.people[role])
    for slug in (school_b.school.slug, school_a.school.slug):
        if slug == school_b.school.slug:
            for resource in RESOURCES:
                response = api.get(f"/api/v1/schools/{slug}/{resource}/")
                assert response.status_code == 404, resource
        for method, path in detail_urls(b_records):
            response = getattr(api, method)(f"/api/v1/schools/{slug}/{path}", {},
                                            format="json")
            assert response.status_code == 404, (slug, method, path, response.content)


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
    from .plans_helpers import planned_cycle

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


PAGES = [
    "pupils/{pupil}/plan/start/", "pupils/{pupil}/timeline/",
    "cycles/{cycle}/", "cycles/{cycle}/assess/", "cycles/{cycle}/review-date/",
    "cycles/{cycle}/assessments/new/", "cycles/{cycle}/advice/new/",
    "cycles/{cycle}/files/new/", "cycles/{cycle}/provisions/new/",
    "cycles/{cycle}/provisions/{provision}/", "cycles/{cycle}/outcomes/new/",
    "cycles/{cycle}/outcomes/{outcome}/", "cycles/{cycle}/sessions/new/",
    "cycles/{cycle}/review/", "evidence/{evidence-file}/",
    "library/{provision-type}/",
]
POST_ONLY = ["cycles/{cycle}/move/", "cycles/{cycle}/close/"]


@pytest.mark.parametrize("role", ["senco", "teacher", "ta", "head", "parent"])
def test_plan_pages_of_another_school_are_not_found(role, school_a, school_b, b_records,
                                                    as_user):
    client = as_user(school_a.people[role])
    for slug in (school_b.school.slug, school_a.school.slug):
        for page in PAGES:
            response = client.get(f"/s/{slug}/" + page.format(**b_records))
            assert response.status_code == 404, (slug, page, response.status_code)
        for page in POST_ONLY:
            response = client.post(f"/s/{slug}/" + page.format(**b_records), {"to": "plan"})
            assert response.status_code == 404, (slug, page)
    for page in ["sessions/group/", "library/", "library/new/"]:
        assert client.get(f"/s/{school_b.school.slug}/{page}").status_code == 404


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
