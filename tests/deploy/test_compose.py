"""The container stack (deploy/compose.yaml, deploy/Dockerfile, nginx) read as files: no container
runs here, so these check what `docker compose up` would start, and that it matches the systemd
units and nginx file of a Linux host and the settings the app reads."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess

import pytest
from django.conf import settings

from certifications.storage import private_storage
from tests.deploy.deployfiles import (
    APP_SERVICES,
    BASE_DIR,
    DEPLOY,
    WORKERS,
    command,
    compose,
    compose_variables,
    env_example,
    nginx_locations,
    option,
    service,
    unit,
)

SYSTEMD_GROUPS = re.compile(r"systemctl enable ((?:greenfactory-worker@\S+\s*)+)")


def test_the_stack_has_every_service_with_its_command():
    services = compose()["services"]
    assert set(services) >= {
        "postgres",
        "redis",
        "migrate",
        "tls-init",
        "web",
        "worker-default",
        "worker-kpi",
        "worker-dossier",
        "beat",
        "nginx",
    }
    assert command("web") == ["gunicorn", "-c", "deploy/gunicorn.conf.py", "greenfactory.wsgi:application"]
    assert command("beat")[:4] == ["celery", "-A", "greenfactory", "beat"]
    queues = {name: option(command(name), "-Q", "--queues") for name in WORKERS}
    assert queues == {"worker-default": "default,ingest", "worker-kpi": "kpi", "worker-dossier": "dossier"}
    for name in WORKERS:
        assert command(name)[:4] == ["celery", "-A", "greenfactory", "worker"]
    dossier = command("worker-dossier")
    assert option(dossier, "--concurrency", "-c") == "1"
    assert option(dossier, "--max-tasks-per-child") == "1"
    # Every queue the app routes to has a worker.
    served = {q for group in queues.values() for q in group.split(",")}
    assert served == {queue.name for queue in settings.CELERY_TASK_QUEUES}


def test_postgres_and_redis_keep_their_data_and_redis_never_evicts_a_task():
    postgres, redis = service("postgres"), service("redis")
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    assert "pg_isready" in postgres["healthcheck"]["test"]
    argv = redis["command"]
    assert option(argv, "--maxmemory-policy") == "noeviction"
    assert option(argv, "--appendonly") == "yes"
    assert any(v.endswith(":/data") for v in redis["volumes"])


def test_every_app_service_waits_for_the_one_shot_migration_which_loads_the_demo_on_demo_1():
    for name in set(APP_SERVICES) - {"migrate"}:
        assert service(name)["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
    migrate = service("migrate")
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert migrate["environment"]["DEMO"] == "${DEMO:-0}"
    script = (BASE_DIR / command("migrate")[-1]).read_text()
    steps = [line for line in script.splitlines() if "manage.py" in line]
    assert [line.split("manage.py")[1].split()[0] for line in steps] == [
        "migrate",
        "load_standards",
        "load_demo",
        "check",
    ]
    assert re.search(r'if \[ "\$\{DEMO:-0\}" = "1" \]; then\s+python manage.py load_demo --force', script)


def test_all_app_services_read_the_same_environment_file_and_production_settings():
    for name in APP_SERVICES:
        spec = service(name)
        assert spec["env_file"] == [{"path": "../.env", "required": False}], name
        assert spec["environment"]["DJANGO_SETTINGS_MODULE"] == "greenfactory.settings.production"
        assert spec["environment"]["DATABASE_URL"].startswith("postgres://greenfactory:")
        assert spec["environment"]["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert "media:/data/media" in spec["volumes"]


def test_every_variable_the_stack_reads_is_documented_in_env_example():
    documented = env_example()
    missing = sorted(compose_variables() - set(documented))
    assert not missing, f"not in .env.example: {missing}"
    undocumented = sorted(name for name in compose_variables() if len(documented[name]) < 15)
    assert not undocumented, f"no description in .env.example: {undocumented}"


def test_the_workers_are_the_systemd_queue_groups_with_the_same_options():
    template = (DEPLOY / "systemd" / "greenfactory-worker@.service").read_text()
    enabled = SYSTEMD_GROUPS.search(template)
    assert enabled, "the worker unit names its instances"
    groups = [name.split("@", 1)[1] for name in enabled.group(1).split()]
    assert sorted(groups) == sorted(option(command(name), "-Q") for name in WORKERS)

    exec_start = shlex.split(unit("greenfactory-worker@.service")["ExecStart"][0])
    assert exec_start[1:5] == ["-A", "greenfactory", "worker", "-Q"]
    assert exec_start[-1] == "$WORKER_OPTIONS"
    dropin = unit("greenfactory-worker@dossier.service.d/dossier.conf")["Environment"][0]
    dossier_options = shlex.split(shlex.split(dropin)[0].split("=", 1)[1])
    assert sorted(dossier_options) == sorted(
        arg for arg in command("worker-dossier") if arg.startswith(("--concurrency", "--max-tasks"))
    )


def test_web_and_beat_run_the_same_commands_under_systemd():
    web = shlex.split(unit("greenfactory-web.service")["ExecStart"][0])
    assert [web[0].rsplit("/", 1)[1], *web[1:]] == command("web")
    beat = shlex.split(unit("greenfactory-beat.service")["ExecStart"][0])
    assert beat[1:4] == command("beat")[1:4]
    for name in ("greenfactory-web.service", "greenfactory-beat.service", "greenfactory-worker@.service"):
        assert unit(name)["EnvironmentFile"] == ["/etc/greenfactory.env"]
        assert unit(name)["User"] == ["greenfactory"]


def _stages() -> dict[str, list[str]]:
    stages: dict[str, list[str]] = {}
    current = None
    for line in re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text()).splitlines():
        if line.startswith("FROM "):
            current = line.split(" AS ")[-1].strip()
            stages[current] = [line]
        elif current and line.strip() and not line.startswith("#"):
            stages[current].append(line)
    return stages


def test_the_image_runs_as_a_user_with_weasyprint_libraries_and_cjk_fonts():
    stages = _stages()
    assert list(stages) == ["builder", "runtime", "nginx"]
    assert stages["builder"][0] == "FROM python:3.11-slim-bookworm AS builder"
    assert stages["runtime"][0] == "FROM python:3.11-slim-bookworm AS runtime"
    assert any("pip install -r /tmp/requirements.txt" in line for line in stages["builder"])
    runtime = "\n".join(stages["runtime"])
    for package in ("fonts-noto-cjk", "libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b"):
        assert re.search(rf"apt-get install[^\n]*\b{re.escape(package)}\b", runtime), package
    users = [line.split()[1] for line in stages["runtime"] if line.startswith("USER ")]
    assert users == ["greenfactory"]
    assert runtime.index("collectstatic") < runtime.index("USER greenfactory")
    assert "HEALTHCHECK" in runtime
    assert "deploy/healthcheck.py" in runtime
    assert "/healthz" in (DEPLOY / "healthcheck.py").read_text()
    assert 'CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py"' in runtime
    # Every requirement the builder installs is pinned.
    for line in (BASE_DIR / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert "==" in line, line
    assert "COPY --from=runtime /app/var/static /srv/static" in "\n".join(stages["nginx"])


@pytest.mark.parametrize(
    ("conf", "media_root"),
    [("compose.conf", "/data/media"), ("greenfactory.conf", "/srv/greenfactory/var/media")],
)
def test_nginx_serves_private_files_only_through_the_apps_accel_redirect(
    conf, media_root, settings, tmp_path
):
    prefix = service("web")["environment"]["PRIVATE_MEDIA_ACCEL_PREFIX"]
    assert "PRIVATE_MEDIA_ACCEL_PREFIX" in (BASE_DIR / "greenfactory/settings/base.py").read_text()
    assert f"PRIVATE_MEDIA_ACCEL_PREFIX={prefix}" in (DEPLOY / "nginx" / "greenfactory.conf").read_text()
    locations = nginx_locations(DEPLOY / "nginx" / conf)
    assert "internal" in locations[prefix]
    # The app's private store is MEDIA_ROOT/private: the alias must be that folder.
    settings.MEDIA_ROOT = str(tmp_path)
    subfolder = private_storage().base_location.relative_to(tmp_path)
    assert f"alias {media_root}/{subfolder}/" in locations[prefix]
    assert any(d.startswith("alias ") and d.endswith("static/") for d in locations["/static/"])
    assert "proxy_set_header X-Forwarded-Proto $scheme" in locations["/"]


def test_nginx_in_the_stack_gets_the_media_read_only_the_certificate_and_the_app():
    nginx = service("nginx")
    assert "media:/data/media:ro" in nginx["volumes"]
    assert "${GF_TLS_DIR:-tls}:/etc/ssl/greenfactory:ro" in nginx["volumes"]
    assert service("tls-init")["volumes"] == ["${GF_TLS_DIR:-tls}:/certs"]
    assert nginx["depends_on"]["tls-init"] == {"condition": "service_completed_successfully"}
    assert nginx["depends_on"]["web"] == {"condition": "service_healthy"}
    conf = (DEPLOY / "nginx" / "compose.conf").read_text()
    assert "server web:8000;" in conf
    assert service("web")["environment"]["GUNICORN_BIND"] == "0.0.0.0:8000"


@pytest.mark.skipif(not shutil.which("openssl"), reason="needs openssl")
def test_the_first_start_generates_a_certificate_once_and_keeps_a_mounted_one(tmp_path):
    script = str(DEPLOY / "tls-init.sh")
    env = {"PATH": "/usr/bin:/bin", "GF_SERVER_NAME": "plant.example.com"}
    first = subprocess.run(["sh", script, str(tmp_path)], env=env, capture_output=True, text=True, check=True)  # noqa: S603, S607
    assert "generated a self-signed certificate for plant.example.com" in first.stdout
    cert = (tmp_path / "fullchain.pem").read_bytes()
    subject = subprocess.run(  # noqa: S603
        ["openssl", "x509", "-noout", "-subject", "-ext", "subjectAltName"],  # noqa: S607
        input=cert,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "CN = plant.example.com" in subject
    assert "DNS:plant.example.com" in subject
    again = subprocess.run(["sh", script, str(tmp_path)], env=env, capture_output=True, text=True, check=True)  # noqa: S603, S607
    assert "using the certificate" in again.stdout
    assert (tmp_path / "fullchain.pem").read_bytes() == cert


def test_make_stack_runs_the_same_queue_groups_with_the_same_options():
    makefile = (BASE_DIR / "Makefile").read_text().replace("\\\n", " ")
    workers = {}
    for line in makefile.splitlines():
        if "celery -A greenfactory worker" in line:
            argv = shlex.split(line.strip())
            workers[option(argv, "-Q")] = sorted(
                a for a in argv if a.startswith(("--concurrency", "--max-tasks"))
            )
    assert workers == {
        option(command(name), "-Q"): sorted(
            a for a in command(name) if a.startswith(("--concurrency", "--max-tasks"))
        )
        for name in WORKERS
    }
    assert "gunicorn -c deploy/gunicorn.conf.py" in makefile
    assert "celery -A greenfactory beat" in makefile
    assert re.search(r"^stack-stop:", makefile, re.MULTILINE)
