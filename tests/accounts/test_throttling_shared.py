"""The sign-in lock-out is counted in a cache every web process shares (Redis in production)."""

import os
import subprocess
import sys
import uuid

import environ
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings

from greenfactory.accounts.throttling import login_failures
from tests.services import need

REDIS = os.environ.get("GF_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _other_process(code: str, env: dict[str, str | None]) -> str:
    """What ``code`` prints in a new Python process with ``env`` (None: the variable is unset)."""
    merged = {**os.environ, **env}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=settings.BASE_DIR,
        env={name: value for name, value in merged.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


@pytest.mark.django_db
def test_another_process_sees_the_failures_counted_here(staff_user):
    need(_redis_up(), f"Redis is not reachable at {REDIS}")
    url = f"{REDIS}?key_prefix=gf-throttle-{uuid.uuid4().hex}"
    with override_settings(CACHES={"default": environ.Env.cache_url_config(url)}):
        try:
            for _ in range(3):
                Client().post("/accounts/login/", {"username": "staff1", "password": "guess"})
            assert login_failures(username="staff1", address="127.0.0.1") == 3
            seen = _other_process(
                "from greenfactory.accounts.throttling import login_failures, login_is_locked\n"
                "from greenfactory.accounts.throttling import login_failure_record as record\n"
                "print(login_failures(username='staff1', address='127.0.0.1'))\n"
                "record(username='staff1', address='127.0.0.1'); record(username='staff1', address='127.0.0.1')\n",
                {"DJANGO_SETTINGS_MODULE": "greenfactory.settings.test", "CACHE_URL": url},
            )
            assert seen == "3"
            # Failures the other process recorded lock the name here.
            response = Client().post(
                "/accounts/login/", {"username": "staff1", "password": "correct-horse-battery"}
            )
            assert response.status_code == 429
        finally:
            cache.clear()


def test_production_defaults_to_the_shared_redis_cache():
    backend = _other_process(
        "from django.conf import settings; c = settings.CACHES['default']; print(c['BACKEND'], c['LOCATION'])",
        {
            "DJANGO_SETTINGS_MODULE": "greenfactory.settings.production",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "greenfactory.example.com",
            "CACHE_URL": None,
            "REDIS_URL": "redis://cache.example.internal:6379/2",
        },
    )
    assert backend == "django.core.cache.backends.redis.RedisCache redis://cache.example.internal:6379/2"
