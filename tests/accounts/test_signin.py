import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from greenfactory.accounts.roles import Capability, Role, can, roles_of
from tests.conftest import PASSWORD
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_sign_in_then_sign_out(client, staff_user):
    response = client.post("/accounts/login/", {"username": "staff1", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").url == "/accounts/login/"


@pytest.mark.django_db
def test_wrong_password_is_refused_with_the_form_kept(client, staff_user):
    response = client.post("/accounts/login/", {"username": "staff1", "password": "nope"})
    assert response.status_code == 200
    assert 'value="staff1"' in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_name_even_with_the_right_password(client, staff_user, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "staff1", "password": "guess"})
    response = client.post("/accounts/login/", {"username": "staff1", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_is_per_user_name(client, staff_user, admin_user, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "staff1", "password": "guess"})
    response = client.post("/accounts/login/", {"username": "admin1", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_staff_creates_an_api_token_shown_once_and_it_authenticates(staff_client, staff_user, site):
    response = staff_client.post("/accounts/profile/api-token/")
    assert response.status_code == 302
    page = staff_client.get("/accounts/profile/").content.decode()
    key = Token.objects.get(user=staff_user).key
    assert key in page
    assert key not in staff_client.get("/accounts/profile/").content.decode()  # shown once

    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/sites/").json()["results"][0]["code"] == "TJ-01"


@pytest.mark.django_db
def test_replacing_the_token_revokes_the_old_one(staff_client, staff_user):
    staff_client.post("/accounts/profile/api-token/")
    old = Token.objects.get(user=staff_user).key
    staff_client.post("/accounts/profile/api-token/")
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api.get("/api/v1/sites/").status_code == 401


@pytest.mark.django_db
def test_drf_create_token_command_gives_staff_a_token(staff_user):
    from django.core.management import call_command

    call_command("drf_create_token", "staff1")
    assert Token.objects.filter(user=staff_user).exists()


@pytest.mark.django_db
def test_roles_come_from_groups_and_superusers_are_admins():
    auditor = UserFactory(username="a", role=Role.AUDITOR)
    root = UserFactory(username="root", is_superuser=True)
    assert roles_of(auditor) == {Role.AUDITOR}
    assert can(auditor, Capability.PORTAL)
    assert not can(auditor, Capability.WORKSPACE)
    assert roles_of(root) == {Role.ADMIN}
    assert can(root, Capability.ADMINISTER)


@pytest.mark.django_db
def test_inactive_users_hold_no_role():
    user = UserFactory(username="gone", role=Role.STAFF, is_active=False)
    assert roles_of(user) == frozenset()


@pytest.mark.django_db
def test_role_groups_carry_model_permissions_for_django_admin(staff_user, admin_user):
    assert staff_user.has_perm("sites.add_productionrecord")
    assert not staff_user.has_perm("sites.change_site")
    assert admin_user.has_perm("accounts.change_user")
    assert admin_user.is_staff
    assert not staff_user.is_staff
