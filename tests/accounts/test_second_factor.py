"""The second factor: enrolment, the code step of signing in, recovery codes, and who must have one."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from greenfactory.accounts import services
from greenfactory.accounts.roles import Role
from greenfactory.accounts.second_factor import register_requirement, unregister_requirement
from tests.conftest import PASSWORD, second_factor_enrol, sign_in_client, totp_code
from tests.factories import UserFactory

ENROL = "/accounts/security/enrol/"
CODES = "/accounts/security/recovery-codes/"
LOGIN = "/accounts/login/"
CODE_STEP = "/accounts/login/code/"


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


def _secret_code(client: Client, *, offset: int = 0) -> str:
    """The code an app that scanned the enrolment page's secret shows now."""
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', client.get(ENROL).content.decode())
    from base64 import b32decode

    raw = secret.group(1).replace(" ", "")
    key = b32decode(raw + "=" * (-len(raw) % 8))
    totp = TOTP(key)
    totp.time = totp.time + offset * totp.step
    return f"{totp.token():06d}"


def _password_step(client: Client, username: str):
    return client.post(LOGIN, {"username": username, "password": PASSWORD})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_the_enrolment_page_shows_a_qr_code_and_the_secret_to_type(staff_client):
    page = staff_client.get(ENROL).content.decode()
    assert "<svg" in page
    assert 'data-testid="totp-qr"' in page
    assert re.search(r'data-testid="totp-secret">[A-Z2-7]{4}( [A-Z2-7]{4}){7}<', page)
    assert TOTPDevice.objects.count() == 0  # nothing is kept before the code confirms it


@pytest.mark.django_db
def test_a_wrong_code_is_refused_and_no_app_is_set_up(staff_client, staff_user):
    wrong = f"{(int(_secret_code(staff_client)) + 500_000) % 1_000_000:06d}"
    response = staff_client.post(ENROL, {"code": wrong})
    assert response.status_code == 200
    assert "That code is not the one your app shows" in response.content.decode()
    assert not services.has_second_factor(staff_user)


@pytest.mark.django_db
def test_the_right_code_sets_up_the_app_and_shows_ten_recovery_codes_once(staff_client, staff_user):
    response = staff_client.post(ENROL, {"code": _secret_code(staff_client)})
    assert response.status_code == 302
    assert response.url == CODES
    page = staff_client.get(CODES).content.decode()
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(shown) == 10
    assert sorted(shown) == sorted(
        StaticToken.objects.filter(device__user=staff_user).values_list("token", flat=True)
    )
    again = staff_client.get(CODES).content.decode()
    assert not any(code in again for code in shown)
    assert "You have 10 recovery codes left." in again
    assert services.has_second_factor(staff_user)
    assert (
        "You sign in with your password and a code"
        in staff_client.get("/accounts/security/").content.decode()
    )


@pytest.mark.django_db
def test_signing_in_with_an_app_asks_for_the_code_before_anything_opens(client, staff_user):
    device = second_factor_enrol(staff_user)
    response = _password_step(client, "staff1")
    assert response.status_code == 302
    assert response.url == CODE_STEP
    assert not _signed_in(client)
    assert client.get("/").url.startswith(LOGIN)
    assert "Enter your code" in client.get(CODE_STEP).content.decode()
    done = client.post(CODE_STEP, {"code": totp_code(device, steps_ahead=1)})
    assert done.status_code == 302
    assert done.url == "/"
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_at_sign_in_is_refused(client, staff_user):
    device = second_factor_enrol(staff_user)
    _password_step(client, "staff1")
    wrong = f"{(int(totp_code(device)) + 500_000) % 1_000_000:06d}"
    response = client.post(CODE_STEP, {"code": wrong})
    assert response.status_code == 200
    assert "That code is not valid." in response.content.decode()
    assert not _signed_in(client)


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once(client, staff_user):
    second_factor_enrol(staff_user)
    code = services.recovery_codes_regenerate(user=staff_user)[0]
    _password_step(client, "staff1")
    assert client.post(CODE_STEP, {"code": code.upper()}).url == "/"
    assert _signed_in(client)
    client.post("/accounts/logout/")
    _password_step(client, "staff1")
    response = client.post(CODE_STEP, {"code": code})
    assert response.status_code == 200
    assert not _signed_in(client)
    assert services.recovery_codes_left(staff_user) == 9


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones(staff_user):
    second_factor_enrol(staff_user)
    old = services.recovery_codes_regenerate(user=staff_user)
    client = sign_in_client(Client(), staff_user)
    assert client.post(CODES).url == CODES
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", client.get(CODES).content.decode())
    assert len(new) == 10
    assert services.second_factor_verify(user=staff_user, code=new[0]) is not None
    assert services.second_factor_verify(user=staff_user, code=old[0]) is None


@pytest.mark.django_db
def test_an_administrator_without_a_second_factor_must_enrol_before_anything_else(client):
    UserFactory(username="root", role=Role.ADMIN)
    assert _password_step(client, "root").url == "/"
    assert client.get("/").url == ENROL
    assert client.get("/sites/").url == ENROL
    assert client.get("/admin/").url == ENROL
    assert client.get("/api/v1/sites/").status_code == 403
    assert "must sign in with a second factor" in client.get(ENROL).content.decode()
    assert client.post(ENROL, {"code": _secret_code(client)}).url == CODES
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_an_api_token_is_not_held_back_by_the_second_factor_rule(site):
    admin = UserFactory(username="root", role=Role.ADMIN)
    token = Token.objects.create(user=admin)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/sites/").status_code == 200


@pytest.mark.django_db
def test_a_registered_requirement_makes_its_users_enrol(client):
    UserFactory(username="invited", role=Role.AUDITOR)
    UserFactory(username="other-auditor", role=Role.AUDITOR)

    def invited_must(user) -> bool:
        return user.get_username() == "invited"

    register_requirement(invited_must)
    try:
        _password_step(client, "invited")
        assert client.get("/portal/").url == ENROL
        other = Client()
        _password_step(other, "other-auditor")
        assert other.get("/portal/").status_code == 200
    finally:
        unregister_requirement(invited_must)
    assert client.get("/portal/").status_code == 200


@pytest.mark.django_db
def test_a_required_session_that_skipped_the_code_step_is_signed_out(admin_user):
    client = Client()
    client.force_login(admin_user)  # password only, no code
    assert client.get("/").url.startswith(LOGIN)
    assert not _signed_in(client)


@pytest.mark.django_db
def test_an_administrator_may_not_remove_their_second_factor(admin_client, admin_user):
    device = TOTPDevice.objects.get(user=admin_user)
    response = admin_client.post("/accounts/security/remove/", {"code": totp_code(device, steps_ahead=1)})
    assert response.status_code == 200
    assert "must sign in with a second factor" in response.content.decode()
    assert services.has_second_factor(admin_user)


@pytest.mark.django_db
def test_staff_remove_their_second_factor_with_a_current_code(staff_user):
    device = second_factor_enrol(staff_user)
    client = sign_in_client(Client(), staff_user)
    wrong = f"{(int(totp_code(device)) + 500_000) % 1_000_000:06d}"
    assert client.post("/accounts/security/remove/", {"code": wrong}).status_code == 200
    assert services.has_second_factor(staff_user)
    response = client.post("/accounts/security/remove/", {"code": totp_code(device, steps_ahead=1)})
    assert response.url == "/accounts/security/"
    assert not services.has_second_factor(staff_user)
    assert services.recovery_codes_left(staff_user) == 0
    assert _password_step(Client(), "staff1").url == "/"


@pytest.mark.django_db
def test_wrong_codes_count_toward_the_sign_in_lockout(client, staff_user, settings):
    device = second_factor_enrol(staff_user)
    _password_step(client, "staff1")
    wrong = f"{(int(totp_code(device)) + 500_000) % 1_000_000:06d}"
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(CODE_STEP, {"code": wrong})
    response = client.post(CODE_STEP, {"code": totp_code(device, steps_ahead=1)})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert not _signed_in(client)
    # The password, though right, does not open a new round of guesses.
    assert _password_step(Client(), "staff1").status_code == 429


@pytest.mark.django_db
def test_the_code_step_expires(client, staff_user, settings, monkeypatch):
    from greenfactory.accounts import middleware

    device = second_factor_enrol(staff_user)
    _password_step(client, "staff1")
    later = middleware.now_seconds() + settings.LOGIN_CODE_STEP_SECONDS + 1
    monkeypatch.setattr(middleware, "now_seconds", lambda: later)
    response = client.post(CODE_STEP, {"code": totp_code(device, steps_ahead=1)})
    assert response.url == LOGIN
    assert not _signed_in(client)
