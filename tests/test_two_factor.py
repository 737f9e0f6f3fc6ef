"""Two-step verification: the SENCO, head and trust lead cannot reach anything with a
password alone; anyone else may turn it on."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.schools.roles import Role

from .factories import PASSWORD, MembershipFactory, UserFactory
from .two_factor import a_wrong_code, app_for, code_for

pytestmark = pytest.mark.django_db

SIGN_IN, CODE, SET_UP = "/accounts/sign-in/", "/accounts/sign-in/code/", \
    "/accounts/two-step-verification/"


def password_only(client, user):
    response = client.post(SIGN_IN, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302  # the password was right
    return client


def every_url(school_slug: str):
    """Every route the project serves, with placeholders for its parameters."""
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    for route in walk(get_resolver().url_patterns):
        route = route.lstrip("^").rstrip("$")
        route = re.sub(r"<slug:school>|\(\?P<school>[^)]*\)", school_slug, route)
        route = re.sub(r"<int:\w+>", "1", route)
        route = re.sub(r"<(?:slug|str|path):\w+>", "x", route)
        route = re.sub(r"\(\?P<format>[^)]*\)", ".json", route)
        route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
        route = route.replace("\\", "")
        yield "/" + route


OPEN = {"/accounts/sign-in/", "/accounts/sign-out/", CODE, SET_UP}


@pytest.mark.parametrize("role", [Role.SENCO, Role.HEAD, Role.TRUST_LEAD])
def test_a_password_alone_reaches_no_page_and_no_api_call(role, school_a, client):
    person = UserFactory(email=f"{role}-two@example.org")
    MembershipFactory(user=person, school=school_a.school, role=role)
    app_for(person)
    password_only(client, person)
    urls = [url for url in every_url(school_a.school.slug) if url not in OPEN]
    assert len(urls) > 100
    for url in urls:
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code == 403, url
            assert response.json()["errors"][0]["code"] == "permission_denied"
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith(CODE + "?next="), url


def test_a_senco_without_an_app_is_sent_to_set_one_up_first(school_a, client):
    password_only(client, school_a.senco)
    response = client.get(f"/s/{school_a.school.slug}/pupils/")
    assert response["Location"].startswith(SET_UP)
    page = client.get(response["Location"]).content.decode()
    assert "Set up two-step verification" in page
    assert 'src="data:image/svg+xml' in page  # the QR code
    device = TOTPDevice.objects.get(user=school_a.senco, confirmed=False)

    wrong = client.post(SET_UP, {"code": a_wrong_code(device)})
    assert "There is a problem" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=school_a.senco, confirmed=True).exists()

    device.tolerance = 10
    device.save()
    before = client.session.session_key
    done = client.post(SET_UP, {"code": code_for(device),
                                "next": f"/s/{school_a.school.slug}/pupils/"})
    assert done["Location"] == f"/s/{school_a.school.slug}/pupils/"
    assert client.session.session_key != before  # a new session once both steps are done
    assert client.get(done["Location"]).status_code == 200
    assert TOTPDevice.objects.get(user=school_a.senco).confirmed


def test_reloading_the_set_up_page_keeps_the_same_qr_code(school_a, client):
    password_only(client, school_a.senco)

    def setup_key():
        page = client.get(SET_UP).content.decode()
        return re.search(r'id="setup-key">([A-Z2-7 ]+)<', page).group(1)

    assert setup_key() == setup_key()
    assert TOTPDevice.objects.filter(user=school_a.senco).count() == 1


def test_a_senco_with_an_app_enters_its_code_and_goes_where_they_were_going(school_a, client):
    device = app_for(school_a.senco)
    password_only(client, school_a.senco)
    register = f"/s/{school_a.school.slug}/pupils/"
    sent = client.get(register)
    assert sent["Location"] == f"{CODE}?next={register.replace('/', '%2F')}"

    for bad, message in [("", "Enter the 6-digit code from your authenticator app"),
                         ("12ab56", "Enter the code as 6 digits"),
                         (a_wrong_code(device), "Each code works once")]:
        page = client.post(CODE, {"code": bad, "next": register}).content.decode()
        assert "There is a problem" in page and message in page
        assert client.get(register).status_code == 302  # still not through

    device.throttle_reset()
    through = client.post(CODE, {"code": code_for(device), "next": register})
    assert through["Location"] == register
    assert client.get(register).status_code == 200


def test_a_code_works_only_once(school_a):
    from django.test import Client

    device = app_for(school_a.senco)
    code = code_for(device)
    first, second = password_only(Client(), school_a.senco), password_only(
        Client(), school_a.senco)
    assert first.post(CODE, {"code": code})["Location"] == "/"
    page = second.post(CODE, {"code": code})
    assert page.status_code == 200 and "Each code works once" in page.content.decode()


def test_repeated_wrong_codes_make_the_next_try_wait(school_a, client):
    device = app_for(school_a.senco)
    password_only(client, school_a.senco)
    for _ in range(3):
        client.post(CODE, {"code": a_wrong_code(device)})
    page = client.post(CODE, {"code": code_for(device)}).content.decode()
    assert "too many wrong codes" in page  # even the right code waits
    assert client.get("/").status_code == 302


def test_a_redirect_after_the_code_stays_on_this_site(school_a, client):
    device = app_for(school_a.senco)
    password_only(client, school_a.senco)
    response = client.post(CODE, {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_app_cannot_be_replaced_with_a_password_alone(school_a, client):
    app_for(school_a.senco)
    password_only(client, school_a.senco)
    assert client.get(SET_UP)["Location"].startswith(CODE)
    assert client.post(SET_UP, {"code": "123456"})["Location"].startswith(CODE)
    assert TOTPDevice.objects.filter(user=school_a.senco).count() == 1


def test_moving_to_a_new_phone_replaces_the_old_app(school_a, client):
    old = app_for(school_a.senco)
    password_only(client, school_a.senco)
    client.post(CODE, {"code": code_for(old)})
    client.get(SET_UP)
    new = TOTPDevice.objects.get(user=school_a.senco, confirmed=False)
    new.tolerance = 10
    new.save()
    client.post(SET_UP, {"code": code_for(new), "next": "/accounts/"})
    assert list(TOTPDevice.objects.filter(user=school_a.senco)) == [new]


def test_others_may_turn_it_on_and_off_and_once_on_it_is_asked_for(school_a, client):
    teacher = school_a.teacher
    password_only(client, teacher)
    assert client.get("/accounts/").status_code == 200  # optional for a teacher
    assert "Off." in client.get("/accounts/").content.decode()
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=teacher)
    device.tolerance = 10
    device.save()
    client.post(SET_UP, {"code": code_for(device)})
    assert "On." in client.get("/accounts/").content.decode()

    client.post("/accounts/sign-out/")
    password_only(client, teacher)
    assert client.get("/accounts/")["Location"].startswith(CODE)  # now it is asked for
    client.post(CODE, {"code": code_for(device)})
    client.post("/accounts/two-step-verification/off/")
    assert not TOTPDevice.objects.filter(user=teacher).exists()


def test_the_senco_cannot_turn_it_off(school_a, as_user):
    client = as_user(school_a.senco)
    page = client.post("/accounts/two-step-verification/off/", follow=True)
    assert "cannot be turned off" in page.content.decode()
    assert TOTPDevice.objects.filter(user=school_a.senco, confirmed=True).exists()


def test_the_api_token_needs_the_code_where_the_role_needs_it(api, school_a):
    token = "/api/v1/auth/token/"
    no_app = api.post(token, {"username": school_a.senco.email, "password": PASSWORD})
    assert no_app.status_code == 400
    assert no_app.json()["errors"][0]["attr"] == "otp_token"
    assert "website first" in no_app.json()["errors"][0]["detail"]

    device = app_for(school_a.senco)
    missing = api.post(token, {"username": school_a.senco.email, "password": PASSWORD})
    assert missing.status_code == 400 and missing.json()["errors"][0]["attr"] == "otp_token"
    device.throttle_reset()
    ok = api.post(token, {"username": school_a.senco.email, "password": PASSWORD,
                          "otp_token": code_for(device)})
    assert ok.status_code == 200 and ok.json()["token"]

    teacher = api.post(token, {"username": school_a.teacher.email, "password": PASSWORD})
    assert teacher.status_code == 200  # optional for a teacher without an app


def test_a_session_that_owes_its_code_gets_nothing_from_the_api(school_a, client):
    app_for(school_a.senco)
    password_only(client, school_a.senco)
    response = client.get(f"/api/v1/schools/{school_a.school.slug}/pupils/")
    assert response.status_code == 403
    assert set(response.json()) == {"type", "errors"}


def test_a_lost_phone_is_reset_by_an_administrator(school_a, client):
    from django.core.management import call_command

    device = app_for(school_a.senco)
    password_only(client, school_a.senco)
    client.post(CODE, {"code": code_for(device)})
    assert client.get("/accounts/").status_code == 200
    call_command("reset_two_factor", school_a.senco.email.upper(), stdout=open("/dev/null", "w"))
    assert not TOTPDevice.objects.filter(user=school_a.senco).exists()
    assert client.get("/accounts/")["Location"].startswith(SIGN_IN)  # signed out everywhere
    password_only(client, school_a.senco)
    assert client.get("/accounts/")["Location"].startswith(SET_UP)  # a new app next
