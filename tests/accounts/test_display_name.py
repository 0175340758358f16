import re

import pytest
from django.test import Client

from greenfactory.accounts.roles import Role
from tests.factories import UserFactory


def _greeting_and_header(user) -> tuple[str, str]:
    client = Client()
    client.force_login(user)
    page = client.get("/").content.decode()
    greeting = re.search(r"<h1>(.*?)</h1>", page).group(1)
    header = re.search(r'<a class="user"[^>]*>(.*?)</a>', page).group(1)
    return greeting, header


@pytest.mark.django_db
def test_home_greeting_and_header_both_use_the_full_name_when_set():
    user = UserFactory(username="lwei", first_name="Li", last_name="Wei", role=Role.STAFF)
    greeting, header = _greeting_and_header(user)
    assert greeting == "Welcome, Li Wei"
    assert header == "Li Wei"


@pytest.mark.django_db
def test_home_greeting_and_header_both_fall_back_to_the_user_name():
    user = UserFactory(username="plant-ops", role=Role.STAFF)
    greeting, header = _greeting_and_header(user)
    assert greeting == "Welcome, plant-ops"
    assert header == "plant-ops"


@pytest.mark.django_db
def test_display_name_is_the_full_name_else_the_user_name():
    assert UserFactory(username="a1", first_name="Zhang", last_name="San").display_name == "Zhang San"
    assert UserFactory(username="a2", first_name="Zhang").display_name == "Zhang"
    assert UserFactory(username="a3").display_name == "a3"
