"""Every setting read from the environment is documented in .env.example, a copy of .env.example
loads, and production settings in a realistic environment (the host's and the container stack's)
pass `manage.py check --deploy` without a warning."""

from __future__ import annotations

import ast
import os
import re
import secrets
import subprocess
import sys

import psycopg
import pytest

from tests.deploy.deployfiles import BASE_DIR, DEPLOY, env_example, env_example_values, interpolated, service
from tests.services import need

NO_ISSUES = "System check identified no issues (0 silenced)."
# Read by the settings but set by a tool, not by whoever deploys: pytest-xdist names its processes.
NOT_SETTINGS = {"PYTEST_XDIST_WORKER"}


def _names_read(path) -> set[str]:
    """The variable names a module reads: env("X"), env.int("X", ...), os.environ.get("X")."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
            continue
        func = node.func
        reader = (isinstance(func, ast.Name) and func.id in ("env", "_setting")) or (
            isinstance(func, ast.Attribute)
            and (
                (isinstance(func.value, ast.Name) and func.value.id == "env")
                or (isinstance(func.value, ast.Attribute) and func.value.attr == "environ")
            )
        )
        if (
            reader
            and isinstance(node.args[0].value, str)
            and re.fullmatch(r"[A-Z][A-Z0-9_]*", node.args[0].value)
        ):
            names.add(node.args[0].value)
    return names


def test_every_variable_the_settings_and_gunicorn_read_is_documented_in_env_example():
    read = set()
    for path in [*sorted((BASE_DIR / "greenfactory" / "settings").glob("*.py")), DEPLOY / "gunicorn.conf.py"]:
        read |= _names_read(path)
    read -= NOT_SETTINGS
    assert {"SECRET_KEY", "DATABASE_URL", "PRIVATE_MEDIA_ACCEL_PREFIX", "GUNICORN_WORKERS"} <= read
    documented = env_example()
    assert sorted(read - set(documented)) == []
    vague = sorted(name for name in read if len(documented[name]) < 15)
    assert vague == [], f"settings without a description in .env.example: {vague}"


def _environment(*layers: dict[str, str]) -> dict[str, str]:
    """A clean process environment (none of the test suite's settings), then each layer in turn."""
    kept = ("PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in kept}
    for layer in layers:
        env.update(layer)
    return env


def _check(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING", *extra],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _secrets() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "greenfactory.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://greenfactory.example.com",
    }


def test_production_on_a_host_with_postgresql_and_redis_passes_the_deployment_checks(tmp_path):
    database_url = os.environ.get("DATABASE_URL", "")
    need(database_url.startswith("postgres"), "DATABASE_URL does not name a PostgreSQL database")
    try:
        psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), connect_timeout=3).close()
    except psycopg.OperationalError as error:
        need(False, f"PostgreSQL unreachable: {error}")
    host = {
        "DJANGO_SETTINGS_MODULE": "greenfactory.settings.production",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "PRIVATE_MEDIA_ACCEL_PREFIX": "/protected/",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    env = _environment(env_example_values(), _secrets(), host)
    done = _check(env, "--database", "default")
    assert done.returncode == 0, done.stdout + done.stderr
    assert NO_ISSUES in done.stdout


def test_production_in_the_container_stack_passes_the_deployment_checks():
    """What web, the workers and beat get: a copy of .env.example with the secrets filled in, then
    the stack's own environment (its PostgreSQL, Redis and paths)."""
    values = {**env_example_values(), **_secrets(), "POSTGRES_PASSWORD": secrets.token_urlsafe(20)}
    stack = {name: interpolated(str(value), values) for name, value in service("web")["environment"].items()}
    assert (
        stack["DATABASE_URL"]
        == f"postgres://greenfactory:{values['POSTGRES_PASSWORD']}@postgres:5432/greenfactory"
    )
    done = _check(_environment(values, stack))
    assert done.returncode == 0, done.stdout + done.stderr
    assert NO_ISSUES in done.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_a_copy_of_env_example_without_its_secrets_refuses_to_start_in_production(missing):
    values = {
        **env_example_values(),
        **_secrets(),
        "DJANGO_SETTINGS_MODULE": "greenfactory.settings.production",
    }
    values[missing] = ""
    done = _check(_environment(values))
    assert done.returncode != 0
    assert "SECRET_KEY and ALLOWED_HOSTS must be set in production" in done.stderr
