import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from greenfactory.accounts.roles import Role
from tests.conftest import PASSWORD
from tests.factories import UserFactory

NEW = "lantern-orchid-7-quarry"


def _signs_in(username: str, password: str) -> bool:
    return Client().login(username=username, password=password)


@pytest.mark.django_db
def test_staff_changes_their_password_and_the_old_one_stops_working(staff_client):
    response = staff_client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert response.url == "/accounts/password/change/done/"
    assert "Your password was changed" in staff_client.get(response.url).content.decode()
    assert _signs_in("staff1", NEW)
    assert not _signs_in("staff1", PASSWORD)
    assert staff_client.get("/").status_code == 200  # this session stays signed in


@pytest.mark.django_db
def test_auditor_may_change_their_password_too(auditor_client):
    response = auditor_client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert _signs_in("auditor1", NEW)


@pytest.mark.django_db
def test_a_wrong_current_password_is_refused_and_nothing_changes(staff_client):
    response = staff_client.post(
        "/accounts/password/change/",
        {"old_password": "not-my-password", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    assert _signs_in("staff1", PASSWORD)
    assert not _signs_in("staff1", NEW)


@pytest.mark.django_db
def test_a_weak_new_password_is_refused_by_the_validators(staff_client):
    response = staff_client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()
    assert _signs_in("staff1", PASSWORD)


@pytest.mark.django_db
def test_the_profile_links_to_the_password_change(staff_client):
    assert 'href="/accounts/password/change/"' in staff_client.get("/accounts/profile/").content.decode()


@pytest.mark.django_db
def test_a_gateway_account_may_not_change_its_password(gateway_client):
    assert gateway_client.get("/accounts/password/change/").status_code == 403
    assert (
        'href="/accounts/password/change/"' not in gateway_client.get("/accounts/profile/").content.decode()
    )


@pytest.mark.django_db
def test_the_sign_in_page_offers_a_reset(client):
    assert 'href="/accounts/password/reset/"' in client.get("/accounts/login/").content.decode()


def _reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/[^\s]+/)", message.body).group(1)


@pytest.mark.django_db
def test_reset_mails_a_link_that_sets_a_new_password(client, staff_user):
    response = client.post("/accounts/password/reset/", {"email": "staff1@example.test"})
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["staff1@example.test"]
    assert message.subject == "Set a new Green Factory password"
    assert "Your user name is staff1." in message.body

    form_page = client.get(_reset_link(message), follow=True)
    assert "Set a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert done.url == "/accounts/password/reset/done/"
    assert _signs_in("staff1", NEW)
    assert not _signs_in("staff1", PASSWORD)
    # The link works once.
    assert "This link does not work" in client.get(_reset_link(message), follow=True).content.decode()


@pytest.mark.django_db
def test_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, staff_user):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.test"})
    assert response.url == "/accounts/password/reset/sent/"
    assert mail.outbox == []


@pytest.mark.django_db
def test_reset_never_mails_a_gateway_account(client):
    gateway = UserFactory(username="gw-reset", email="gw@example.test", role=Role.GATEWAY)
    client.post("/accounts/password/reset/", {"email": "gw@example.test"})
    assert mail.outbox == []
    assert get_user_model().objects.get(pk=gateway.pk).check_password(PASSWORD)


@pytest.mark.django_db
def test_a_gateway_account_may_not_open_the_reset_pages(gateway_client):
    assert gateway_client.get("/accounts/password/reset/").status_code == 403


@pytest.mark.django_db
def test_reset_mail_is_in_the_language_of_the_page(client, staff_user):
    client.post("/accounts/password/reset/", {"email": "staff1@example.test"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "staff1" in mail.outbox[0].body
    assert mail.outbox[0].subject == "设置新的绿色工厂密码"
    assert "您的用户名是 staff1。" in mail.outbox[0].body
