"""The graduated approach through the API: two full cycles, a group session, the
timeline, overdue cycles, and query counts that do not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import plan_records
from .factories import ProvisionTypeFactory

pytestmark = pytest.mark.django_db


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


class Journey:
    def __init__(self, api, world):
        self.api, self.base = api, f"/api/v1/schools/{world.school.slug}"

    def get(self, path, **params):
        return ok(self.api.get(f"{self.base}/{path}", params))

    def post(self, path, body, status=201):
        return ok(self.api.post(f"{self.base}/{path}", body, format="json"), status)

    def patch(self, path, body):
        return ok(self.api.patch(f"{self.base}/{path}", body, format="json"))

    def refused(self, path, body, method="post"):
        response = getattr(self.api, method)(f"{self.base}/{path}", body, format="json")
        assert response.status_code == 400, response.content
        return {e["attr"]: e["detail"] for e in response.json()["errors"]}

    def run_cycle(self, cycle, kind, *, review_date, start, held_on, next_step, rating):
        self.patch(f"cycles/{cycle}/", {"needs": "Struggles to decode unfamiliar words",
                                        "strengths": "Enjoys non-fiction"})
        self.post(f"cycles/{cycle}/move/", {"to": "plan"}, status=200)
        provision = self.post("provisions/", {"cycle": cycle, "provision_type": kind,
                                              "start_date": start, "end_date": review_date})
        self.post("outcomes/", {"cycle": cycle, "description": "Reads 40 words a minute",
                                "success_criteria": "Timed reading, 3 weeks running",
                                "measure": "words per minute", "baseline": "22",
                                "target": "40", "provisions": [provision["id"]]})
        self.patch(f"cycles/{cycle}/", {"review_date": review_date})
        self.post(f"cycles/{cycle}/move/", {"to": "do"}, status=200)
        self.post("sessions/", {"provision": provision["id"], "date": start})
        self.post(f"cycles/{cycle}/move/", {"to": "review"}, status=200)
        outcomes = self.get("outcomes/", cycle=cycle)["results"]
        review = self.post("reviews/", {
            "cycle": cycle, "held_on": held_on, "attendees": "SENCO, mum, class teacher",
            "parents_attended": True, "parent_views": "Happier about reading",
            "next_step": next_step,
            "ratings": [{"outcome": o["id"], "rating": rating, "evidence": "Timed reading"}
                        for o in outcomes],
            "impacts": [{"provision": provision["id"], "impact": "some"}]})
        return self.post(f"reviews/{review['id']}/close/", {}, status=200)


def test_the_senco_takes_a_pupil_through_two_full_cycles(school_a, api_as):
    journey = Journey(api_as(school_a.senco), school_a)
    kind = journey.post("provision-types/", {
        "name": "Reading catch-up", "need_area": "cognition", "staff_type": "ta",
        "usual_group_size": 1, "usual_sessions_per_week": "3", "usual_minutes": 20})["id"]
    plan = journey.post("plans/", {"pupil": school_a.pupil.pk, "opened_on": "2025-09-08"})
    first = plan["cycles"][0]
    closed = journey.run_cycle(first, kind, review_date="2025-12-08", start="2025-09-09",
                               held_on="2025-12-08", next_step="new_cycle",
                               rating="partly")
    second = closed["next_cycle"]
    assert second and closed["closed_cycle"] == first
    carried = journey.get("outcomes/", cycle=second)["results"]
    assert len(carried) == 1 and carried[0]["carried_from"]
    journey.run_cycle(second, kind, review_date="2026-03-20", start="2025-12-09",
                      held_on="2026-03-20", next_step="continue", rating="achieved")
    timeline = journey.get(f"pupils/{school_a.pupil.pk}/timeline/")
    assert [c["number"] for c in timeline["cycles"]] == [1, 2, 3]
    one, two, three = timeline["cycles"]
    assert [s["stage"] for s in one["stages"]] == ["assess", "plan", "do", "review", "closed"]
    assert one["outcomes"][0]["rating"] == "partly"
    assert one["review"]["next_step"] == "new_cycle" and one["review"]["parents_attended"]
    assert one["provisions"][0]["dose"]["delivered_sessions"] == 1
    assert two["outcomes"][1]["rating"] == "achieved"
    assert three["stage"] == "assess" and three["outcomes"] == []


def test_refused_moves_and_bad_input_name_the_problem(school_a, api_as):
    journey = Journey(api_as(school_a.senco), school_a)
    plan = journey.post("plans/", {"pupil": school_a.pupil.pk, "opened_on": "2025-09-08"})
    cycle = plan["cycles"][0]
    errors = journey.refused(f"cycles/{cycle}/move/", {"to": "do"})
    assert "it can only move on to Plan" in errors["stage"]
    errors = journey.refused(f"cycles/{cycle}/move/", {"to": "plan"})
    assert "Describe the pupil's needs" in errors["stage"]
    detail = journey.get(f"cycles/{cycle}/")
    assert detail["missing_for_next_stage"] == ["Describe the pupil's needs at the Assess stage."]
    errors = journey.refused(f"cycles/{cycle}/", {"review_date": "2025-09-01"}, "patch")
    assert "after the cycle opened" in errors["review_date"]
    kind = ProvisionTypeFactory(school=school_a.school).pk
    errors = journey.refused("provisions/", {
        "cycle": cycle, "provision_type": kind, "minutes_per_session": 500, "group_size": 0,
        "sessions_per_week": "2", "start_date": "2025-10-01", "end_date": "2025-09-30"})
    assert set(errors) >= {"minutes_per_session", "group_size"}
    assert journey.get("provisions/", cycle=cycle)["count"] == 0


def test_a_ta_records_a_group_session_for_three_pupils_in_one_step(school_a, api_as):
    from apps.plans.rules import Stage

    from .factories import StaffAssignmentFactory
    from .plans_helpers import planned_cycle

    kind = ProvisionTypeFactory(school=school_a.school, name="Social skills group")
    for pupil in school_a.pupils:
        planned_cycle(school_a, pupil, kind=kind, stage=Stage.DO)
        StaffAssignmentFactory(pupil=pupil, user=school_a.ta) if pupil != school_a.pupil \
            else None
    journey = Journey(api_as(school_a.ta), school_a)
    group = journey.post("group-sessions/", {
        "provision_type": kind.pk, "date": "2025-10-06", "minutes": 45,
        "note": "Turn-taking game",
        "attendance": [{"pupil": p.pk} for p in school_a.pupils[:2]]
        + [{"pupil": school_a.pupils[2].pk, "status": "absent"}]})
    assert sorted(s["status"] for s in group["sessions"]) == ["absent", "delivered",
                                                              "delivered"]
    for pupil in school_a.pupils:
        sessions = journey.get("sessions/", pupil=pupil.pk)["results"]
        assert [(s["date"], s["minutes"]) for s in sessions] == [("2025-10-06", 45)]


def test_teachers_record_sessions_and_draft_assess_but_do_not_run_the_plan(school_a, api_as):
    records = plan_records(school_a)
    journey = Journey(api_as(school_a.teacher), school_a)
    journey.post("sessions/", {"provision": records["provision"], "date": "2025-12-12",
                               "status": "cancelled", "reason": "Class trip"})
    journey.patch(f"cycles/{records['cycle']}/", {"pupil_views": "I like the reading group"})
    base = journey.base
    api = journey.api
    assert api.patch(f"{base}/cycles/{records['cycle']}/", {"review_date": "2026-02-02"},
                     format="json").status_code == 403
    assert api.post(f"{base}/cycles/{records['cycle']}/move/", {"to": "plan"},
                    format="json").status_code == 403
    assert api.post(f"{base}/outcomes/", {"cycle": records["cycle"], "description": "x"},
                    format="json").status_code == 403


def test_overdue_cycles_are_filterable_and_shown_on_the_register(school_a, api_as):
    from .plans_helpers import planned_cycle

    overdue, _ = planned_cycle(school_a)  # review date 8 Dec 2025 has passed, no review
    journey = Journey(api_as(school_a.senco), school_a)
    assert [c["id"] for c in journey.get("cycles/", overdue="true")["results"]] == [overdue.pk]
    rows = journey.get("pupils/", overdue="true")["results"]
    assert [r["id"] for r in rows] == [school_a.pupil.pk] and rows[0]["review_overdue"]
    assert school_a.pupil.pk not in [r["id"] for r in
                                     journey.get("pupils/", overdue="false")["results"]]


def test_the_cycle_list_keeps_each_pupils_cycles_together_in_number_order(school_a, api_as):
    from apps.plans.rules import Stage

    from .plans_helpers import planned_cycle, review_and_close

    first, _ = planned_cycle(school_a, stage=Stage.REVIEW)
    other, _ = planned_cycle(school_a, school_a.pupils[1])
    review_and_close(school_a, first)  # continue: the first pupil's cycle 2 opens
    listed = Journey(api_as(school_a.senco), school_a).get("cycles/")["results"]
    assert [(c["plan"], c["pupil"], c["number"]) for c in listed] == [
        (first.plan_id, school_a.pupil.pk, 1), (first.plan_id, school_a.pupil.pk, 2),
        (other.plan_id, school_a.pupils[1].pk, 1)]


def count_queries(fetch) -> int:
    with CaptureQueriesContext(connection) as queries:
        fetch()
    return len(queries)


def test_timeline_and_lists_cost_the_same_queries_at_two_sizes(school_a, api_as):
    from apps.plans import services as plans
    from apps.plans.models import Cycle
    from apps.schools.tenancy import school_scope

    from .plans_helpers import D, planned_cycle, review_and_close

    api = api_as(school_a.senco)
    base = f"/api/v1/schools/{school_a.school.slug}"
    pupil = school_a.pupil
    urls = [f"{base}/pupils/{pupil.pk}/timeline/"] + [
        f"{base}/{r}/" for r in ("plans", "cycles", "outcomes", "provisions", "sessions",
                                 "reviews", "assessment-results", "specialist-advice",
                                 "evidence-files", "pupils")]

    def measure():
        return {url: count_queries(lambda u=url: ok(api.get(u))) for url in urls}

    records = plan_records(school_a)  # one of everything: the smaller size
    small = measure()
    # Grow everything: more cycles, outcomes, provisions, sessions, reviews and pupils.
    with school_scope(school_a.school):
        second = Cycle.objects.get(pk=records["cycle"])
        for day in range(11, 20):
            plans.session_record(provision=second.provisions.get(), actor=school_a.ta,
                                 date=D(2025, 12, day))
        for _ in range(3):
            plans.outcome_save(cycle=second, actor=school_a.senco, description="More")
        plans.cycle_update(cycle=second, actor=school_a.senco, review_date=D(2026, 3, 1))
        for stage in ("plan", "do", "review"):
            plans.cycle_move(cycle=second, actor=school_a.senco, to=stage)
    review_and_close(school_a, second, held_on=D(2026, 3, 1))
    for other in school_a.pupils[1:]:
        planned_cycle(school_a, other, outcomes=3)
    assert measure() == small


def test_the_session_list_pages_on_in_date_order_and_a_new_record_moves_nothing(
        school_a, api_as):
    """Sessions grow for years: the list pages on from a cursor, not an offset and a
    count, so a session recorded while someone pages through repeats and skips nothing."""
    from apps.plans import services as plans
    from apps.schools.tenancy import school_scope

    from .plans_helpers import D, planned_cycle

    _, provision = planned_cycle(school_a)
    days = [D(2025, 10, day) for day in (6, 7, 8, 9, 10)]
    with school_scope(school_a.school):
        for day in reversed(days):
            plans.session_record(provision=provision, actor=school_a.ta, date=day)
    journey = Journey(api_as(school_a.senco), school_a)

    first = journey.get("sessions/", limit=2)
    assert "count" not in first
    assert [s["date"] for s in first["results"]] == ["2025-10-06", "2025-10-07"]
    with school_scope(school_a.school):  # recorded late, for a day already read
        plans.session_record(provision=provision, actor=school_a.ta, date=D(2025, 10, 3))
    rest, url = [], first["next"]
    while url:
        page = ok(journey.api.get(url))
        rest += [s["date"] for s in page["results"]]
        url = page["next"]
    assert rest == ["2025-10-08", "2025-10-09", "2025-10-10"]

    refused = journey.api.get(f"{journey.base}/sessions/", {"cursor": "not-a-cursor"})
    assert refused.status_code == 404
    assert refused.json()["errors"][0]["detail"] == "Invalid cursor"
