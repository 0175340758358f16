import pytest
from django.test import Client

from greenfactory.accounts.roles import Role

from .factories import SiteFactory, UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _celery_join_flag():
    """Celery keeps "a task is running here" in one process-wide flag that eager tasks set and
    reset; eager tasks run at once in several threads (the concurrency tests) can leave it set,
    which would make a later test's result.get() refuse to wait. Start every test with it clear."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Chinese leaves Chinese active in the test's thread (the locale middleware
    activates it); every test starts and ends in the default language, so messages a test
    compares are in the language it expects whatever ran before it."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def site(db):
    return SiteFactory(code="TJ-01", name="Tianjin plant")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin1", role=Role.ADMIN)


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff1", role=Role.STAFF)


@pytest.fixture
def auditor_user(db):
    return UserFactory(username="auditor1", role=Role.AUDITOR)


@pytest.fixture
def gateway_user(db):
    return UserFactory(username="gateway1", role=Role.GATEWAY)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin_user):
    return _client_for(admin_user)


@pytest.fixture
def staff_client(staff_user):
    return _client_for(staff_user)


@pytest.fixture
def auditor_client(auditor_user):
    return _client_for(auditor_user)


@pytest.fixture
def gateway_client(gateway_user):
    return _client_for(gateway_user)


@pytest.fixture
def role_users(admin_user, staff_user, auditor_user, gateway_user):
    return {"admin": admin_user, "staff": staff_user, "auditor": auditor_user, "gateway": gateway_user}


@pytest.fixture
def role_clients(admin_client, staff_client, auditor_client, gateway_client):
    return {
        "anonymous": Client(),
        "admin": admin_client,
        "staff": staff_client,
        "auditor": auditor_client,
        "gateway": gateway_client,
    }
