from binascii import unhexlify

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from greenfactory.accounts import services
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


@pytest.fixture(autouse=True)
def _no_dossier_seal(settings, tmp_path_factory):
    """Every test starts without a dossier authority (dossiers are issued unsealed), whatever an
    earlier test or demo load in the same process created; tests of the seal configure their own."""
    settings.DOSSIER_SEAL_DIR = tmp_path_factory.mktemp("no-seal") / "seal"


@pytest.fixture
def site(db):
    return SiteFactory(code="TJ-01", name="Tianjin plant")


def second_factor_enrol(user) -> TOTPDevice:
    """Set up an authenticator app for ``user`` as the enrolment page does; returns the device."""
    key = services.totp_secret_new()
    device, _codes = services.totp_device_confirm(
        user=user, key=key, code=f"{TOTP(unhexlify(key)).token():06d}"
    )
    return device


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or a step later, which the one-step tolerance accepts)."""
    totp = TOTP(device.bin_key)
    totp.time = totp.time + steps_ahead * totp.step
    return f"{totp.token():06d}"


def sign_in_client(client: Client, user) -> Client:
    """``client`` signed in as ``user``, with their second factor when they have one (as the code
    step would leave the session)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def admin_user(db):
    """An administrator, who must have a second factor: theirs is set up."""
    admin = UserFactory(username="admin1", role=Role.ADMIN)
    second_factor_enrol(admin)
    return admin


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
    return sign_in_client(Client(), user)


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
