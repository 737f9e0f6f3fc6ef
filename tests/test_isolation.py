"""Isolation: another school's data, or a child who is not yours, is a 404 on every page
and every endpoint. ``ROUTES`` is the matrix: every route under /s/<school>/ and
/api/v1/schools/<school>/, with the record each id in it names. A route added without a
line here fails ``test_every_school_route_is_in_the_matrix``."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from apps.accounts import invitations
from apps.caseload.models import PrintRun
from apps.escalation import services as escalation
from apps.escalation.models import AnnualReview
from apps.money import services as money
from apps.parents import services as parents
from apps.privacy.models import IncomingTransfer, OutgoingTransfer, ReceivedRecord
from apps.pupils.models import PupilImport
from apps.pupils.profile import FIELDS as PROFILE_FIELDS
from apps.pupils.profile import profile_save
from apps.schools.models import Membership
from apps.schools.roles import Role
from apps.schools.tenancy import school_scope

from .conftest import plan_records

pytestmark = pytest.mark.django_db

# Route name: {the route's id: the record of the other school it names}.
ROUTES = {
    "caseload:school_home": {},
    "caseload:overview": {},
    "caseload:bulk": {},
    "caseload:print": {},
    "caseload:support_plan_summary": {"pupil_id": "pupil"},
    "caseload:support_plan_summary_json": {"pupil_id": "pupil"},
    "caseload:print_run": {"run_id": "print-run"},
    "caseload:print_download": {"run_id": "print-run"},
    "money:what_works": {},
    "caseload:register": {},
    "caseload:pupil": {"pupil_id": "pupil"},
    "caseload:meetings": {},
    "caseload:information_report": {},
    "caseload:inclusion": {},
    "caseload:inclusion_pack": {"pupil_id": "pupil"},
    "caseload:information_report_words": {},
    "pupils:pupil_new": {},
    "pupils:pupil_edit": {"pupil_id": "pupil"},
    "pupils:sen_status": {"pupil_id": "pupil"},
    "pupils:sen_status_correct": {"pupil_id": "pupil"},
    "pupils:notice_given": {"pupil_id": "pupil"},
    "pupils:profile": {"pupil_id": "pupil"},
    "pupils:profile_edit": {"pupil_id": "pupil"},
    "pupils:profile_history": {"pupil_id": "pupil"},
    "pupils:profile_pdf": {"pupil_id": "pupil"},
    "pupils:pupil_leave": {"pupil_id": "pupil"},
    "plans:start": {"pupil_id": "pupil"},
    "plans:move": {"cycle_id": "cycle"},
    "plans:assess": {"cycle_id": "cycle"},
    "plans:review_date": {"cycle_id": "cycle"},
    "plans:assessment": {"cycle_id": "cycle"},
    "plans:advice": {"cycle_id": "cycle"},
    "plans:file": {"cycle_id": "cycle"},
    "plans:provision_new": {"cycle_id": "cycle"},
    "plans:provision": {"cycle_id": "cycle", "provision_id": "provision"},
    "plans:outcome_new": {"cycle_id": "cycle"},
    "plans:outcome": {"cycle_id": "cycle", "outcome_id": "outcome"},
    "plans:session": {"cycle_id": "cycle"},
    "plans:sessions": {"cycle_id": "cycle"},
    "plans:session_correct": {"cycle_id": "cycle", "session_id": "session"},
    "plans:session_remove": {"cycle_id": "cycle", "session_id": "session"},
    "plans:group_session": {},
    "plans:library": {},
    "plans:library_new": {},
    "plans:library_item": {"provision_type_id": "provision-type"},
    "plans:evidence": {"file_id": "evidence-file"},
    "reviews:cycle": {"cycle_id": "cycle"},
    "reviews:review": {"cycle_id": "cycle"},
    "reviews:close": {"cycle_id": "cycle"},
    "reviews:reopen": {"cycle_id": "cycle"},
    "reviews:parent_views_read": {"cycle_id": "cycle"},
    "reviews:timeline": {"pupil_id": "pupil"},
    "caseload:my_class": {},
    "caseload:my_class_profiles": {},
    "money:overview": {},
    "money:settings": {},
    "money:budget": {},
    "money:provision_map": {},
    "money:draft": {"pupil_id": "pupil"},
    "money:top_up": {"request_id": "top-up"},
    "money:top_up_pdf": {"request_id": "top-up"},
    "money:top_up_step": {"request_id": "top-up", "step": "submit"},
    "parents:meeting": {"pupil_id": "pupil"},
    "parents:share": {"cycle_id": "cycle"},
    "parents:share_profile": {"pupil_id": "pupil"},
    "escalation:pupil": {"pupil_id": "pupil"},
    "escalation:decision": {"pupil_id": "pupil"},
    "escalation:request": {"pupil_id": "pupil"},
    "escalation:parent_ask": {"pupil_id": "pupil"},
    "escalation:bundle": {"pupil_id": "pupil"},
    "escalation:requests": {},
    "escalation:outcome": {"request_id": "ehc-request"},
    "escalation:annual_reviews": {"pupil_id": "pupil"},
    "escalation:annual_review_new": {"pupil_id": "pupil"},
    "escalation:annual_review": {"pupil_id": "pupil", "review_id": "annual-review"},
    "escalation:annual_reviews_due": {},
    "escalation:steps": {"request_id": "ehc-request"},
    "escalation:exception": {"request_id": "ehc-request"},
    "privacy:audit": {"pupil_id": "pupil"},
    "privacy:subject_access": {"pupil_id": "pupil"},
    "privacy:sen_record": {"pupil_id": "pupil"},
    "privacy:received_records": {"pupil_id": "pupil"},
    "privacy:receive_record": {"pupil_id": "pupil"},
    "privacy:received_record": {"pupil_id": "pupil", "received_id": "received-record"},
    "privacy:ctf_import": {"pupil_id": "pupil"},
    "privacy:ctf_export": {"pupil_id": "pupil"},
    "privacy:transfer_send": {"pupil_id": "pupil"},
    "privacy:transfers": {},
    "privacy:incoming_transfer": {"transfer_id": "incoming-transfer"},
    "privacy:outgoing_transfer": {"transfer_id": "outgoing-transfer"},
    "privacy:retention": {},
    "privacy:retention_period": {},
    "schools:settings": {},
    "schools:term_dates": {},
    "people:people": {},
    "people:invite": {},
    "people:import": {},
    "people:member_role": {"member_id": "member"},
    "people:member_leave": {"member_id": "member"},
    "people:invitation_resend": {"invitation_id": "invitation"},
    "people:invitation_revoke": {"invitation_id": "invitation"},
    "pupils:parent_invite": {"pupil_id": "pupil"},
    "pupils:import_start": {},
    "pupils:import": {"import_id": "pupil-import"},
    "pupils:import_template": {},
    "pupils:parent_remove": {"pupil_id": "pupil", "link_id": "parent-link"},
    "family:child": {"pupil_id": "pupil"},
    "family:plan": {"pupil_id": "pupil", "snapshot_id": "shared-plan"},
    "family:plan_pdf": {"pupil_id": "pupil", "snapshot_id": "shared-plan"},
    "family:meeting_ics": {"pupil_id": "pupil", "meeting_id": "meeting"},
    "family:profile": {"pupil_id": "pupil", "shared_id": "shared-profile"},
    "family:profile_pdf": {"pupil_id": "pupil", "shared_id": "shared-profile"},
    "pupil-list": {},
    "school-overview": {},
    "what-works-list": {},
    "pupil-detail": {"pk": "pupil"},
    "pupil-change-sen-status": {"pk": "pupil"},
    "pupil-sen-history": {"pk": "pupil"},
    "provision-type-list": {},
    "provision-type-detail": {"pk": "provision-type"},
    "plan-list": {},
    "plan-detail": {"pk": "plan"},
    "cycle-list": {},
    "cycle-detail": {"pk": "cycle"},
    "cycle-move": {"pk": "cycle"},
    "assessment-result-list": {},
    "assessment-result-detail": {"pk": "assessment-result"},
    "specialist-advice-list": {},
    "specialist-advice-detail": {"pk": "specialist-advice"},
    "evidence-file-list": {},
    "evidence-file-detail": {"pk": "evidence-file"},
    "evidence-file-download": {"pk": "evidence-file"},
    "outcome-list": {},
    "outcome-detail": {"pk": "outcome"},
    "provision-list": {},
    "provision-detail": {"pk": "provision"},
    "session-list": {},
    "session-detail": {"pk": "session"},
    "session-remove": {"pk": "session"},
    "group-session-list": {},
    "review-list": {},
    "review-detail": {"pk": "review"},
    "review-close": {"pk": "review"},
    "review-reopen": {"pk": "review"},
    "cost-settings-list": {},
    "sen-budget-list": {},
    "spend-list": {},
    "provision-map-list": {},
    "top-up-list": {},
    "top-up-detail": {"pk": "top-up"},
    "top-up-submit": {"pk": "top-up"},
    "top-up-approve": {"pk": "top-up"},
    "top-up-decline": {"pk": "top-up"},
    "top-up-withdraw": {"pk": "top-up"},
    "top-up-pdf": {"pk": "top-up"},
    "meeting-state-list": {},
    "meeting-list": {},
    "meeting-detail": {"pk": "meeting"},
    "shared-plan-list": {},
    "shared-plan-detail": {"pk": "shared-plan"},
    "shared-plan-pdf": {"pk": "shared-plan"},
    "family-plan-list": {},
    "family-plan-detail": {"pk": "shared-plan"},
    "family-plan-pdf": {"pk": "shared-plan"},
    "family-views-list": {},
    "profile-list": {},
    "profile-detail": {"pk": "profile"},
    "ehc-request-list": {},
    "ehc-request-detail": {"pk": "ehc-request"},
    "ehc-request-outcome": {"pk": "ehc-request"},
    "ehc-request-steps": {"pk": "ehc-request"},
    "ehc-request-exception": {"pk": "ehc-request"},
    "annual-review-list": {},
    "annual-review-detail": {"pk": "annual-review"},
    "escalation-decision-list": {},
    "readiness-list": {},
    "readiness-detail": {"pk": "pupil"},
    "readiness-evidence": {"pk": "pupil"},
    "pupil-timeline": {"pupil": "pupil"},
    "pupil-subject-access": {"pupil": "pupil"},
    "pupil-sen-record": {"pupil": "pupil"},
    "pupil-invite-parent": {"pk": "pupil"},
    "pupil-correct-sen-status": {"pk": "pupil"},
    "member-list": {},
    "member-detail": {"pk": "member"},
    "member-leave": {"pk": "member"},
    "invitation-list": {},
    "invitation-detail": {"pk": "invitation"},
    "invitation-resend": {"pk": "invitation"},
    "invitation-withdraw": {"pk": "invitation"},
}
ROLES = ["senco", "teacher", "ta", "head", "trust_lead", "parent"]


def school_routes():
    """(name, callback) of every route whose address names a school."""
    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern),
                                f"{namespace}:{inner}" if namespace and inner
                                else inner or namespace)
            elif isinstance(pattern, URLPattern) and "<slug:school>" in (
                    prefix + str(pattern.pattern)):
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, pattern.callback

    return dict(walk(get_resolver().url_patterns))


def methods(callback) -> list[str]:
    """The methods a route answers: a viewset's actions, or a page's handlers."""
    if hasattr(callback, "actions"):  # (HEAD, which DRF adds to GET, has no body to show)
        return sorted(set(callback.actions) - {"head"})
    view = callback.view_class
    return [m for m in ("get", "post") if m in view.http_method_names and hasattr(view, m)]


def every_record(world) -> dict:
    """One of every record that a route names, for the world's first pupil: ids."""
    records = plan_records(world)
    today = timezone.localdate()
    with school_scope(world.school):
        records["top-up"] = money.top_up_draft(
            pupil=world.pupil, actor=world.senco, amount=Decimal("500.00"),
            reason="Speech and language therapy").pk
        records["meeting"] = parents.meeting_save(
            pupil=world.pupil, actor=world.senco, held=False, kind="review",
            date=today + datetime.timedelta(days=7)).pk
        cycle = world.pupil.plans.get().cycles.get(pk=records["cycle"])
        records["shared-plan"] = parents.plan_share(cycle=cycle, actor=world.senco).pk
        records["profile"] = profile_save(pupil=world.pupil, actor=world.senco,
                                          about_me="I like trains",
                                          **dict.fromkeys(PROFILE_FIELDS[1:], "")).pk
        records["shared-profile"] = parents.profile_share(pupil=world.pupil,
                                                          actor=world.senco).pk
        records["member"] = Membership.objects.get(user=world.teacher).pk
        records["invitation"] = invitations.invite(
            school=world.school, email=f"invited@{world.school.slug}.example",
            first_name="In", last_name="Vited", role=Role.TEACHER, actor=world.senco).pk
        records["parent-link"] = world.pupil.parent_links.get().pk
        records["pupil-import"] = PupilImport.objects.create(
            school=world.school, file_name="pupils.csv", uploaded_by=world.senco).pk
        records["ehc-request"] = escalation.request_record(
            pupil=world.pupil, actor=world.senco, requester="parent", received_on=today).pk
        records["annual-review"] = AnnualReview.objects.create(  # the row its door opens
            school=world.school, pupil=world.pupil, meeting_on=today).pk
        records["received-record"] = ReceivedRecord.objects.create(
            school=world.school, pupil=world.pupil, document={}, file_name="r.json",
            source_school="Elsewhere", made_at=timezone.now(),
            confirmed_at=timezone.now()).pk
        # rows only (the other school's side of each is not made here)
        records["outgoing-transfer"] = OutgoingTransfer.objects.create(
            school=world.school, pupil=world.pupil, to_school=world.school,
            leaving_on=today, document={}, sent_by=world.senco).pk
        records["incoming-transfer"] = IncomingTransfer.objects.create(
            school=world.school, from_school=world.school, outgoing_id=0,
            upn=world.pupil.upn, first_name=world.pupil.first_name,
            last_name=world.pupil.last_name, date_of_birth=world.pupil.date_of_birth,
            leaving_on=today, sent_by_name="", sent_at=timezone.now()).pk
        records["print-run"] = PrintRun.objects.create(  # finished, with its PDF
            school=world.school, requested_by=world.senco, what="plans",
            described="Everyone", pupil_ids=[world.pupil.pk], status="ready",
            pdf=ContentFile(b"%PDF-1.7", name="print.pdf")).pk
    return records


def url(name: str, slug: str, records: dict) -> str:
    kwargs = {"school": slug} | {
        kwarg: records.get(record, record) for kwarg, record in ROUTES[name].items()}
    return reverse(name, kwargs=kwargs)


def test_every_school_route_is_in_the_matrix():
    routes = school_routes()
    assert set(routes) - set(ROUTES) == set(), "add these routes to ROUTES"
    assert set(ROUTES) - set(routes) == set(), "these routes are gone"
    assert all(methods(callback) for callback in routes.values())


@pytest.fixture
def trust_lead(school_a):
    """A trust SEND lead of school A (and of no other school)."""
    from .factories import MembershipFactory, UserFactory

    lead = UserFactory(email="lead@trust.example")
    MembershipFactory(user=lead, school=school_a.school, role=Role.TRUST_LEAD)
    school_a.people["trust_lead"] = lead
    return lead


@pytest.mark.parametrize("role", ROLES)
def test_nothing_of_another_school_answers_on_any_route(role, school_a, school_b, trust_lead,
                                                        client, api_as, as_user):
    """Signed in to school A in each role: every route of school B's, and every route of
    school A's pointed at school B's records, is a 404 that shows nothing of school B."""
    person = school_a.people[role]
    assert Membership.objects.filter(user=person).count() == 1
    records = every_record(school_b)
    shown = [school_b.pupil.full_name, school_b.pupil.upn]
    page_client, api = as_user(person), api_as(person)
    wrong = []
    for name, callback in school_routes().items():
        is_api = hasattr(callback, "actions")
        caller = api if is_api else page_client
        addresses = [url(name, school_b.school.slug, records)]
        if ROUTES[name]:  # ids of school B's records under school A's own address
            addresses.append(url(name, school_a.school.slug, records))
        for address in addresses:
            for method in methods(callback):
                response = (getattr(caller, method)(address, {}, format="json") if is_api
                            else getattr(caller, method)(address))
                body = response.content.decode(errors="replace")
                if response.status_code != 404 or any(text in body for text in shown):
                    wrong.append(f"{method.upper()} {address}: {response.status_code}")
                elif is_api and response.json()["type"] != "client_error":
                    wrong.append(f"{method.upper()} {address}: not the API's error shape")
    assert not wrong, "\n".join(wrong)


def test_an_unknown_school_looks_the_same_as_someone_elses(school_a, school_b, as_user, api_as):
    client = as_user(school_a.senco)
    unknown = client.get("/s/no-such-school/pupils/")
    other = client.get(f"/s/{school_b.school.slug}/pupils/")
    assert unknown.status_code == other.status_code == 404
    api = api_as(school_a.senco)
    unknown = api.get("/api/v1/schools/no-such-school/pupils/")
    other = api.get(f"/api/v1/schools/{school_b.school.slug}/pupils/")
    assert unknown.status_code == other.status_code == 404
    assert unknown.json() == other.json()


def test_register_lists_never_include_another_schools_pupils(school_a, school_b, as_user,
                                                             api_as):
    page = as_user(school_a.senco).get(f"/s/{school_a.school.slug}/pupils/").content.decode()
    data = api_as(school_a.senco).get(f"/api/v1/schools/{school_a.school.slug}/pupils/").json()
    upns = {row["upn"] for row in data["results"]}
    assert upns == {p.upn for p in school_a.pupils}
    for pupil in school_b.pupils:
        assert pupil.upn not in page
        assert pupil.upn not in upns


def test_my_schools_lists_only_my_memberships(school_a, school_b, api_as):
    data = api_as(school_a.senco).get("/api/v1/schools/").json()
    assert [s["slug"] for s in data] == [school_a.school.slug]


def test_pointing_a_new_pupil_at_another_schools_staff_or_parent_is_rejected(
    school_a, school_b, api_as
):
    from tests.factories import valid_upn

    api = api_as(school_a.senco)
    address = f"/api/v1/schools/{school_a.school.slug}/pupils/"
    base = {"upn": valid_upn(999), "first_name": "Ada", "last_name": "Lovelace",
            "date_of_birth": "2017-01-02", "year_group": 3}
    response = api.post(address, base | {"staff": [school_b.teacher.pk]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"].startswith("staff")
    response = api.post(address, base | {"parents": [school_b.parent.pk]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"].startswith("parents")
    assert api.get(address, {"q": "Lovelace"}).json()["count"] == 0


class TestWithinASchool:
    """Inside one school, teachers and TAs see the pupils they work with and parents only
    their own children; SENCO, head and trust lead see everyone."""

    @pytest.mark.parametrize("role", ["teacher", "ta", "parent"])
    def test_sees_only_their_pupils(self, role, school_a, as_user, api_as):
        taught, other, no_sen = school_a.pupils
        client = as_user(school_a.people[role])
        slug = school_a.school.slug
        page = client.get(f"/s/{slug}/pupils/").content.decode()
        assert taught.upn in page and other.upn not in page and no_sen.upn not in page
        assert client.get(f"/s/{slug}/pupils/{taught.pk}/").status_code == 200
        assert client.get(f"/s/{slug}/pupils/{other.pk}/").status_code == 404
        api = api_as(school_a.people[role])
        rows = api.get(f"/api/v1/schools/{slug}/pupils/").json()["results"]
        assert [r["upn"] for r in rows] == [taught.upn]
        assert api.get(f"/api/v1/schools/{slug}/pupils/{other.pk}/").status_code == 404

    @pytest.mark.parametrize("role", ["senco", "head"])
    def test_whole_school_roles_see_everyone(self, role, school_a, api_as):
        rows = api_as(school_a.people[role]).get(
            f"/api/v1/schools/{school_a.school.slug}/pupils/"
        ).json()["results"]
        assert {r["upn"] for r in rows} == {p.upn for p in school_a.pupils}

    def test_a_parent_with_children_at_two_schools_sees_each_child_in_its_school(
        self, school_a, school_b, as_user
    ):
        from tests.factories import ParentLinkFactory

        parent = school_a.parent
        Membership.objects.create(user=parent, school=school_b.school, role="parent")
        ParentLinkFactory(pupil=school_b.pupils[1], parent=parent)
        client = as_user(parent)
        assert client.get("/")["Location"] == "/parent/"  # parents start with their children
        portal = client.get("/parent/").content.decode()
        assert school_a.pupils[0].full_name in portal and school_b.pupils[1].full_name in portal
        assert school_a.pupils[1].full_name not in portal
        page_a = client.get(f"/s/{school_a.school.slug}/pupils/").content.decode()
        page_b = client.get(f"/s/{school_b.school.slug}/pupils/").content.decode()
        assert school_a.pupils[0].upn in page_a and school_b.pupils[1].upn not in page_a
        assert school_b.pupils[1].upn in page_b and school_b.pupils[0].upn not in page_b

    @pytest.mark.parametrize("role", ["teacher", "ta", "parent", "head"])
    def test_only_the_senco_changes_the_register(self, role, school_a, as_user, api_as):
        slug, pupil = school_a.school.slug, school_a.pupil
        client = as_user(school_a.people[role])
        assert client.get(f"/s/{slug}/pupils/new/").status_code == 403
        assert client.get(f"/s/{slug}/pupils/{pupil.pk}/edit/").status_code == 403
        api = api_as(school_a.people[role])
        response = api.patch(f"/api/v1/schools/{slug}/pupils/{pupil.pk}/",
                             {"first_name": "Changed"}, format="json")
        assert response.status_code == 403
        response = api.post(f"/api/v1/schools/{slug}/pupils/{pupil.pk}/sen-status/",
                            {"status": "N", "on": "2025-01-01", "reason": "x"}, format="json")
        assert response.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in_and_the_api_refuses_them(school_a, client,
                                                                          api):
    response = client.get(f"/s/{school_a.school.slug}/pupils/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    response = client.get("/s/no-such-school/pupils/")
    assert response.status_code == 302  # the same answer: existence is not revealed
    response = api.get(f"/api/v1/schools/{school_a.school.slug}/pupils/")
    assert response.status_code in (401, 403)
    assert school_a.pupil.upn not in response.content.decode()
