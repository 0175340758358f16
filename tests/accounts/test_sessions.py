"""Sessions end after inactivity, and a new password signs out every other session."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from greenfactory.accounts import middleware
from tests.conftest import PASSWORD

NEW = "lantern-orchid-7-quarry"


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """The session clock, moved forward by tests instead of waiting."""

    class Clock:
        now = middleware.now_seconds()

        def advance(self, seconds: float) -> None:
            self.now += seconds

    instance = Clock()
    monkeypatch.setattr(middleware, "now_seconds", lambda: instance.now)
    return instance


def _signed_in_client(username: str = "staff1", password: str = PASSWORD) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": password}).status_code == 302
    return client


@pytest.mark.django_db
def test_an_idle_session_is_signed_out_and_sent_to_sign_in_with_a_message(staff_user, clock, settings):
    client = _signed_in_client()
    assert client.get("/").status_code == 200
    clock.advance(settings.SESSION_IDLE_TIMEOUT_SECONDS + 1)
    response = client.get("/sites/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/sites/"
    page = client.get(response.url).content.decode()
    assert "You were signed out after a time without activity" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_activity_keeps_a_session_alive_past_the_timeout(staff_user, clock, settings):
    client = _signed_in_client()
    half = settings.SESSION_IDLE_TIMEOUT_SECONDS * 2 / 3
    for _ in range(3):
        clock.advance(half)
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_the_timeout_is_a_setting(staff_user, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 120
    client = _signed_in_client()
    clock.advance(100)
    assert client.get("/").status_code == 200
    clock.advance(121)
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_a_password_change_signs_out_the_other_sessions_and_keeps_this_one(staff_user):
    here, elsewhere = _signed_in_client(), _signed_in_client()
    response = here.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").url.startswith("/accounts/login/")
    assert "_auth_user_id" not in elsewhere.session


@pytest.mark.django_db
def test_a_password_set_through_the_reset_link_signs_out_every_session(staff_user):
    signed_in = _signed_in_client()
    anonymous = Client()
    anonymous.post("/accounts/password/reset/", {"email": "staff1@example.test"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/[^\s]+/)", mail.outbox[0].body).group(1)
    form_page = anonymous.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    assert anonymous.post(set_url, {"new_password1": NEW, "new_password2": NEW}).status_code == 302
    assert signed_in.get("/").url.startswith("/accounts/login/")
