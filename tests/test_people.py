"""A school starts: created by the service, its SENCO invited; staff and parents invited,
roles changed, leavers recorded, every step in the audit trail."""

import datetime
import html
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from apps.accounts import invitations
from apps.accounts.models import Invitation, User
from apps.audit.models import Entry
from apps.audit.trail import school_trail
from apps.pupils.models import ParentLink
from apps.schools.models import Membership, School, Trust
from apps.schools.roles import Role
from apps.schools.tenancy import school_scope

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+?/accounts/invitations/(\S+?)/\s")


def link_in(message) -> str:
    """The invitation link's path in an e-mail (the quoted-printable body unwrapped)."""
    token = LINK.search(message.body).group(1)
    return reverse("accounts:invitation", kwargs={"token": token})


def new_school(**overrides) -> str:
    options = {"name": "Oak Lane Primary", "urn": "123456", "la_code": "201",
               "la_name": "City of London", "phase": "primary", "trust": "Acorn Trust",
               "senco_email": "Sam.Patel@OakLane.example", "senco_first_name": "Sam",
               "senco_last_name": "Patel"} | overrides
    out = StringIO()
    call_command("create_school", *[f"--{k.replace('_', '-')}={v}" for k, v in options.items()],
                 stdout=out)
    return out.getvalue()


def invite(client, slug, **data):
    return client.post(reverse("people:invite", kwargs={"school": slug}), {
        "first_name": "Tess", "last_name": "Teacher", "email": "tess@alder.example",
        "role": Role.TEACHER} | data)


# Creating a school ----------------------------------------------------------------------

def test_create_school_makes_the_school_and_its_trust_and_invites_the_first_senco(
        db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = new_school()
    school = School.objects.get(urn="123456")
    assert (school.slug, school.trust.name, school.la_code) == (
        "oak-lane-primary", "Acorn Trust", "201")
    with school_scope(school):
        invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "sam.patel@oaklane.example", Role.SENCO, None)
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=7)
    [message] = mail.outbox
    assert message.to == ["sam.patel@oaklane.example"]
    assert link_in(message) in out.replace("http://127.0.0.1:8000", "")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("urn", "12345", "URN as 6 digits"),
    ("la_code", "20", "LA code as 3 digits"),
    ("senco_email", "not-an-address", "e-mail address in the correct format"),
])
def test_create_school_refuses_bad_values_and_creates_nothing(db, field, value, message):
    with pytest.raises(CommandError, match=message):
        new_school(**{field: value})
    assert not School.objects.exists() and not Trust.objects.exists()


def test_create_school_refuses_a_urn_already_used(db):
    new_school()
    with pytest.raises(CommandError, match="URN 123456 already exists"):
        new_school(name="Another", senco_email="x@y.example")
    assert School.objects.count() == 1


def test_the_operator_page_is_for_superusers_only(school_a, as_user, client):
    assert as_user(school_a.senco).get(reverse("accounts:new_school")).status_code == 404
    operator = User.objects.create_superuser("ops@service.example", "a long passphrase")
    page = as_user(operator).post(reverse("accounts:new_school"), {
        "name": "Elm Academy", "urn": "654321", "la_code": "202", "la_name": "Camden",
        "phase": "secondary", "trust": "", "senco_first_name": "Eli",
        "senco_last_name": "Moss", "senco_email": "eli@elm.example"})
    assert page.status_code == 302
    assert School.objects.filter(urn="654321", trust=None).exists()


# Accepting an invitation ---------------------------------------------------------------

def test_a_new_senco_sets_a_password_joins_and_is_asked_to_set_up_two_steps(
        db, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        new_school()
    link = link_in(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200 and b"sam.patel@oaklane.example" in page.content

    refused = client.post(link, {"first_name": "Sam", "last_name": "Patel",
                                 "password1": "short", "password2": "short"})
    assert refused.status_code == 200 and b"govuk-error-summary" in refused.content
    assert not User.objects.filter(email="sam.patel@oaklane.example").exists()

    joined = client.post(link, {"first_name": "Sam", "last_name": "Patel",
                                "password1": "marble otter lantern",
                                "password2": "marble otter lantern"}, follow=True)
    senco = User.objects.get(email="sam.patel@oaklane.example")
    assert Membership.objects.get(user=senco).role == Role.SENCO
    # Signed in, and sent to set up an authenticator app before anything else.
    assert joined.redirect_chain[-1][0].startswith(reverse("accounts:two_factor_set_up"))
    # The link works once.
    client.logout()
    again = client.get(link)
    assert again.status_code == 410 and b"already been used" in again.content


def test_a_tampered_link_is_not_valid(db, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        new_school()
    link = link_in(mail.outbox[0])
    page = client.get(link[:-6] + "AAAAA/")
    assert page.status_code == 404 and b"not valid" in page.content


def test_an_expired_link_says_so_and_asks_the_school_once_for_a_new_one(
        school_a, client, as_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(as_user(school_a.senco), school_a.school.slug)
    link = link_in(mail.outbox[-1])
    with school_scope(school_a.school):
        Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.logout()
    page = client.get(link)
    assert page.status_code == 410 and b"has expired" in page.content
    assert b"Ask Alder School for a new invitation" in page.content
    sent = len(mail.outbox)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            asked = client.post(link)
    assert b"has been asked to send you a new invitation" in asked.content
    assert [m.to for m in mail.outbox[sent:]] == [[school_a.senco.email]]
    assert "Tess Teacher asks for a new invitation" == mail.outbox[-1].subject


def test_a_resend_replaces_the_link_and_a_withdrawal_ends_it(
        school_a, client, as_user, django_capture_on_commit_callbacks):
    senco_client = as_user(school_a.senco)
    with django_capture_on_commit_callbacks(execute=True):
        invite(senco_client, school_a.school.slug)
    first = link_in(mail.outbox[-1])
    with school_scope(school_a.school):
        invitation = Invitation.objects.get()
    step = {"school": school_a.school.slug, "invitation_id": invitation.pk}
    with django_capture_on_commit_callbacks(execute=True):
        senco_client.post(reverse("people:invitation_resend", kwargs=step))
    second = link_in(mail.outbox[-1])
    assert first != second
    client.logout()
    assert b"replaced by a newer invitation" in client.get(first).content
    assert b"Join Alder School" in client.get(second).content
    senco_page = as_user(school_a.senco)
    senco_page.post(reverse("people:invitation_revoke", kwargs=step))
    people = senco_page.get(reverse("people:people", kwargs={"school": school_a.school.slug}))
    assert "Withdrew the invitation to tess@alder.example" in people.content.decode()
    assert "Sent a new link to tess@alder.example" in people.content.decode()
    client.logout()
    assert b"withdrawn" in client.get(second).content


def test_someone_with_an_account_signs_in_and_accepts_a_new_membership(
        school_a, school_b, client, as_user, django_capture_on_commit_callbacks):
    """A parent at school B becomes a teaching assistant at school A: no second account."""
    person = school_b.parent
    with django_capture_on_commit_callbacks(execute=True):
        invite(as_user(school_a.senco), school_a.school.slug, email=person.email.upper(),
               role=Role.TEACHING_ASSISTANT)
    link = link_in(mail.outbox[-1])
    client.logout()
    assert b"Sign in to accept" in client.get(link).content
    assert b"someone else" in as_user(school_a.teacher).get(link).content
    client.logout()
    as_user(person).post(link)
    joined = Membership.objects.get(user=person, school=school_a.school)
    assert joined.role == Role.TEACHING_ASSISTANT
    assert Membership.objects.get(user=person, school=school_b.school).role == Role.PARENT
    assert User.objects.filter(email=person.email).count() == 1


def test_accepting_twice_at_once_makes_one_membership(school_a, db):
    with school_scope(school_a.school):
        invitation = invitations.invite(
            school=school_a.school, email="new@alder.example", first_name="N",
            last_name="Ew", role=Role.TEACHER, actor=school_a.senco)
        invitations.accept(invitation=invitation, password="marble otter lantern")
        with pytest.raises(Exception, match="can no longer be accepted"):
            invitations.accept(invitation=invitation, password="another long one")
    assert Membership.objects.filter(user__email="new@alder.example").count() == 1


# Inviting and managing staff -----------------------------------------------------------

def test_inviting_a_current_member_is_refused_naming_them(school_a, as_user):
    page = invite(as_user(school_a.senco), school_a.school.slug, email=school_a.teacher.email)
    assert page.status_code == 200
    assert (f"{school_a.teacher.email} is already a member of this school, as Class or "
            "subject teacher").encode() in page.content
    with school_scope(school_a.school):
        assert not Invitation.objects.exists()


def test_inviting_the_same_person_twice_points_to_resending(school_a, as_user):
    client = as_user(school_a.senco)
    invite(client, school_a.school.slug)
    again = invite(client, school_a.school.slug, email="TESS@alder.example")
    assert b"has already been invited and has not answered yet" in again.content
    with school_scope(school_a.school):
        assert Invitation.objects.count() == 1


@pytest.mark.parametrize("role", ["teacher", "ta", "parent"])
def test_only_the_senco_and_head_manage_people(role, school_a, as_user):
    client = as_user(school_a.people[role])
    assert client.get(reverse("people:people", kwargs={"school": school_a.school.slug})
                      ).status_code == 403
    assert invite(client, school_a.school.slug).status_code == 403


def test_the_people_page_lists_staff_invitations_and_recent_changes(school_a, as_user):
    client = as_user(school_a.head)
    invite(client, school_a.school.slug)
    page = client.get(reverse("people:people", kwargs={"school": school_a.school.slug}))
    body = page.content.decode()
    assert school_a.teacher.email in body and "tess@alder.example" in body
    assert school_a.parent.email not in body  # parents are on their child's page
    assert "Invited tess@alder.example as Class or subject teacher" in body


def test_a_role_change_and_a_leaver_are_recorded_and_the_leaver_is_shut_out(
        school_a, as_user, client):
    slug = school_a.school.slug
    teacher = Membership.objects.get(user=school_a.teacher)
    senco = as_user(school_a.senco)
    senco.post(reverse("people:member_role", kwargs={"school": slug, "member_id": teacher.pk}),
               {"role": Role.TEACHING_ASSISTANT})
    teacher.refresh_from_db()
    assert teacher.role == Role.TEACHING_ASSISTANT
    senco.post(reverse("people:member_leave", kwargs={"school": slug, "member_id": teacher.pk}),
               {"on": "2026-12-01"})
    assert Membership.everyone.get(pk=teacher.pk).left_on == datetime.date(2026, 12, 1)
    assert not Membership.objects.filter(pk=teacher.pk).exists()

    people = senco.get(reverse("people:people", kwargs={"school": slug})).content.decode()
    assert "role changed from Class or subject teacher to Teaching assistant" in people
    assert "left on 1 December 2026" in people
    trail = list(school_trail(school_a.school))
    assert [entry.actor for entry in trail[:2]] == [school_a.senco] * 2
    assert trail[0].changes_dict["left_on"] == ["None", "2026-12-01"]
    assert trail[1].changes_dict["role"] == ["teacher", "ta"]

    client.logout()
    left = as_user(school_a.teacher)
    assert left.get(reverse("caseload:register", kwargs={"school": slug})).status_code == 404
    assert left.get(reverse("home")).status_code == 200  # no school to choose


def test_nobody_changes_their_own_role_and_the_last_senco_stays(school_a, as_user):
    slug = school_a.school.slug
    senco_membership = Membership.objects.get(user=school_a.senco)
    own = as_user(school_a.senco).post(reverse("people:member_leave", kwargs={
        "school": slug, "member_id": senco_membership.pk}), {"on": "2026-12-01"})
    assert b"cannot change your own role" in own.content
    last = as_user(school_a.head).post(reverse("people:member_role", kwargs={
        "school": slug, "member_id": senco_membership.pk}), {"role": Role.TEACHER})
    assert b"only SENCO" in last.content
    senco_membership.refresh_from_db()
    assert (senco_membership.role, senco_membership.left_on) == (Role.SENCO, None)


def test_a_leaver_invited_again_comes_back_in_the_new_role(school_a, db):
    teacher = Membership.objects.get(user=school_a.teacher)
    teacher.left_on = datetime.date(2026, 7, 20)
    teacher.save()
    with school_scope(school_a.school):
        invitation = invitations.invite(
            school=school_a.school, email=school_a.teacher.email, first_name="T",
            last_name="T", role=Role.HEAD, actor=school_a.senco)
        invitations.accept(invitation=invitation, user=school_a.teacher)
    teacher.refresh_from_db()
    assert (teacher.role, teacher.left_on) == (Role.HEAD, None)


# Parents, from their child's page ------------------------------------------------------

def parent_invite_url(world, pupil):
    return reverse("pupils:parent_invite", kwargs={"school": world.school.slug,
                                                    "pupil_id": pupil.pk})


def test_a_parent_is_invited_from_the_pupil_page_and_then_sees_their_child(
        school_a, as_user, client, django_capture_on_commit_callbacks):
    pupil = school_a.pupils[1]
    with django_capture_on_commit_callbacks(execute=True):
        done = as_user(school_a.senco).post(parent_invite_url(school_a, pupil), {
            "first_name": "Priya", "last_name": "Shah", "email": "priya@home.example",
            "relationship": "Mother"})
    assert done.status_code == 302
    page = as_user(school_a.senco).get(done.url).content.decode()
    assert "Priya Shah" in page and "Invitation waiting" in page
    link = link_in(mail.outbox[-1])
    client.logout()
    client.post(link, {"first_name": "Priya", "last_name": "Shah",
                       "password1": "marble otter lantern", "password2": "marble otter lantern"})
    parent = User.objects.get(email="priya@home.example")
    assert Membership.objects.get(user=parent).role == Role.PARENT
    child = reverse("family:child", kwargs={"school": school_a.school.slug, "pupil_id": pupil.pk})
    assert client.get(child).status_code == 200
    other = reverse("family:child", kwargs={"school": school_a.school.slug,
                                            "pupil_id": school_a.pupils[0].pk})
    assert client.get(other).status_code == 404


def test_the_pupil_form_no_longer_lists_every_parent(school_a, as_user):
    page = as_user(school_a.senco).get(reverse("pupils:pupil_edit", kwargs={
        "school": school_a.school.slug, "pupil_id": school_a.pupils[1].pk}))
    assert school_a.parent.email.encode() not in page.content
    assert str(school_a.parent).encode() not in page.content


def test_an_existing_parent_is_linked_to_a_second_child_without_a_new_invitation(
        school_a, as_user):
    pupil = school_a.pupils[1]
    as_user(school_a.senco).post(parent_invite_url(school_a, pupil), {
        "first_name": "P", "last_name": "P", "email": school_a.parent.email,
        "relationship": "Father"})
    with school_scope(school_a.school):
        assert ParentLink.objects.filter(pupil=pupil, parent=school_a.parent).exists()
        assert not Invitation.objects.exists()


def test_a_member_of_staff_cannot_be_invited_as_a_parent_at_the_same_school(
        school_a, as_user):
    page = as_user(school_a.senco).post(parent_invite_url(school_a, school_a.pupils[1]), {
        "first_name": "T", "last_name": "T", "email": school_a.teacher.email,
        "relationship": "Mother"})
    assert b"already a member of this school as Class or subject teacher" in page.content
    with school_scope(school_a.school):
        assert not ParentLink.objects.filter(pupil=school_a.pupils[1]).exists()


def test_removing_the_only_link_withdraws_the_invitation_and_shuts_the_parent_out(
        school_a, as_user):
    pupil = school_a.pupils[1]
    client = as_user(school_a.senco)
    client.post(parent_invite_url(school_a, pupil), {
        "first_name": "W", "last_name": "Rong", "email": "wrong@home.example",
        "relationship": "Carer"})
    with school_scope(school_a.school):
        link = ParentLink.objects.get(pupil=pupil)
    client.post(reverse("pupils:parent_remove", kwargs={
        "school": school_a.school.slug, "pupil_id": pupil.pk, "link_id": link.pk}))
    with school_scope(school_a.school):
        assert not ParentLink.objects.filter(pupil=pupil).exists()
        assert Invitation.objects.get().revoked_at is not None
    # the school's own parent, removed from their only child, can no longer sign in there
    with school_scope(school_a.school):
        own = ParentLink.objects.get(parent=school_a.parent)
    client.post(reverse("pupils:parent_remove", kwargs={
        "school": school_a.school.slug, "pupil_id": own.pupil_id, "link_id": own.pk}))
    assert not Membership.objects.filter(user=school_a.parent).exists()


def test_only_the_senco_invites_parents(school_a, as_user):
    for role in ("teacher", "ta", "head", "parent"):
        page = as_user(school_a.people[role]).post(parent_invite_url(school_a, school_a.pupil), {
            "first_name": "X", "last_name": "Y", "email": "x@y.example",
            "relationship": "Mother"})
        assert page.status_code in (403, 404), role


# API -----------------------------------------------------------------------------------

def test_staff_look_up_colleagues_ids_and_only_the_senco_and_head_see_parents(
        school_a, api_as):
    slug = school_a.school.slug
    url = f"/api/v1/schools/{slug}/members/"
    by_teacher = api_as(school_a.teacher).get(url).json()["results"]
    assert {row["role"] for row in by_teacher} == {"senco", "teacher", "ta", "head"}
    tas = api_as(school_a.teacher).get(url, {"role": "ta"}).json()["results"]
    assert [row["user"] for row in tas] == [school_a.ta.pk]
    by_senco = api_as(school_a.senco).get(url).json()["results"]
    assert "parent" in {row["role"] for row in by_senco}
    assert api_as(school_a.parent).get(url).status_code == 403


def test_the_api_invites_changes_roles_and_records_leavers(
        school_a, api_as, django_capture_on_commit_callbacks):
    slug = school_a.school.slug
    api = api_as(school_a.senco)
    with django_capture_on_commit_callbacks(execute=True):
        made = api.post(f"/api/v1/schools/{slug}/invitations/", {
            "email": "new@alder.example", "first_name": "N", "last_name": "Ew",
            "role": "ta"}, format="json")
    assert made.status_code == 201 and made.json()["state"] == "waiting"
    assert mail.outbox[-1].to == ["new@alder.example"]
    again = api.post(f"/api/v1/schools/{slug}/invitations/", {
        "email": school_a.ta.email, "first_name": "A", "last_name": "B", "role": "ta"},
        format="json")
    assert again.status_code == 400 and again.json()["errors"][0]["attr"] == "email"
    withdrawn = api.post(f"/api/v1/schools/{slug}/invitations/{made.json()['id']}/withdraw/")
    assert withdrawn.json()["state"] == "revoked"

    ta = Membership.objects.get(user=school_a.ta)
    parent = api.patch(f"/api/v1/schools/{slug}/members/{ta.pk}/", {"role": "parent"},
                       format="json")
    assert parent.status_code == 400
    changed = api.patch(f"/api/v1/schools/{slug}/members/{ta.pk}/", {"role": "teacher"},
                        format="json")
    assert changed.json()["role"] == "teacher"
    left = api.post(f"/api/v1/schools/{slug}/members/{ta.pk}/leave/", {"on": "2026-11-30"},
                    format="json")
    assert left.json()["left_on"] == "2026-11-30"
    assert api_as(school_a.ta).get(f"/api/v1/schools/{slug}/pupils/").status_code == 404


def test_the_api_invites_a_parent_through_their_child(school_a, api_as):
    slug = school_a.school.slug
    pupil = school_a.pupils[1]
    made = api_as(school_a.senco).post(
        f"/api/v1/schools/{slug}/pupils/{pupil.pk}/invite-parent/",
        {"first_name": "Ann", "last_name": "Lee", "email": "ann@home.example",
         "relationship": "Grandparent"}, format="json")
    assert made.status_code == 201
    assert User.objects.get(email="ann@home.example").pk in made.json()["parents"]
    assert Entry.objects.filter(object_repr__contains="ann@home.example").exists()


# Classes and the staff import --------------------------------------------------------

def test_a_teacher_sees_the_pupils_of_the_classes_they_teach(school_a, as_user, api_as):
    from apps.pupils.models import Pupil

    with school_scope(school_a.school):
        Pupil.objects.filter(pk=school_a.pupils[1].pk).update(class_name="5B")
    url = f"/api/v1/schools/{school_a.school.slug}/pupils/"
    seen = {row["id"] for row in api_as(school_a.teacher).get(url).json()["results"]}
    assert seen == {school_a.pupils[0].pk}  # linked by hand only
    teacher = Membership.objects.get(user=school_a.teacher)
    as_user(school_a.senco).post(reverse("people:member_role", kwargs={
        "school": school_a.school.slug, "member_id": teacher.pk}),
        {"role": Role.TEACHER, "classes": "5B, 6A"})
    assert Membership.objects.get(pk=teacher.pk).classes == ["5B", "6A"]
    seen = {row["id"] for row in api_as(school_a.teacher).get(url).json()["results"]}
    assert seen == {school_a.pupils[0].pk, school_a.pupils[1].pk}


STAFF_CSV = """First name,Last name,E-mail,Role,Classes
Nia,Jones,nia@alder.example,Class teacher,3A; 3B
{teacher_first},{teacher_last},{teacher_email},Teaching assistant,4C
Bad,Role,bad@alder.example,Caretaker,
Dup,One,nia@alder.example,Teacher,
Evil,Cell,=cmd@alder.example,Teacher,
"""


def staff_csv(world) -> bytes:
    return STAFF_CSV.format(teacher_first=world.teacher.first_name,
                            teacher_last=world.teacher.last_name,
                            teacher_email=world.teacher.email).encode()


def test_the_staff_import_previews_then_invites_and_updates(
        school_a, as_user, django_capture_on_commit_callbacks):
    client = as_user(school_a.senco)
    url = reverse("people:import", kwargs={"school": school_a.school.slug})
    preview = client.post(url, {"file": SimpleUploadedFile("staff.csv", staff_csv(school_a))})
    body = html.unescape(preview.content.decode())
    assert "Send 1 invitation and update 1" in body
    assert "Unknown role \"Caretaker\"" in body and "also on row 2" in body
    assert "looks like a spreadsheet formula" in body
    with school_scope(school_a.school):
        assert not Invitation.objects.exists()  # the preview changes nothing
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"confirm": "", "token": token})
    with school_scope(school_a.school):
        invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.classes) == (
        "nia@alder.example", Role.TEACHER, ["3A", "3B"])
    assert mail.outbox[-1].to == ["nia@alder.example"]
    teacher = Membership.objects.get(user=school_a.teacher)
    assert (teacher.role, teacher.classes) == (Role.TEACHING_ASSISTANT, ["4C"])
    forged = client.post(url, {"confirm": "", "token": token + "x"}, follow=True)
    assert "could not be read back" in forged.content.decode()


def test_a_staff_file_without_the_needed_headings_says_which(school_a, as_user):
    page = as_user(school_a.senco).post(
        reverse("people:import", kwargs={"school": school_a.school.slug}),
        {"file": SimpleUploadedFile("staff.csv", b"Name,Mail\nA,b@c.example\n")})
    assert "no First name, Last name, E-mail, Role column" in page.content.decode()
