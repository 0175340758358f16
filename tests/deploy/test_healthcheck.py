"""The image's health check (deploy/healthcheck.py) against gunicorn with the production settings,
HTTPS redirect on as in the stack: healthy while the database and broker are up, unhealthy once the
broker is gone."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time

import pytest

from tests.faults.stack import BASE_DIR, Process, free_port, stack, wait_for

pytestmark = [pytest.mark.services, pytest.mark.faults, pytest.mark.xdist_group("faults")]


def _listening(port: int, server: Process) -> bool:
    assert server.alive(), server.tail()
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def _healthcheck(port: int) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, str(BASE_DIR / "deploy" / "healthcheck.py")],
        env={"GUNICORN_BIND": f"0.0.0.0:{port}", "ALLOWED_HOSTS": "localhost,127.0.0.1"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_the_health_check_passes_behind_the_https_redirect_and_fails_without_the_broker(fault_cluster):
    pg, template = fault_cluster
    with stack(pg=pg, template=template, database="gf_healthcheck") as running:
        # As the image runs it: deploy/gunicorn.conf.py, HTTPS redirect on (the fault stack's own
        # server turns it off).
        port = free_port()
        env = {**running.env("gf-web"), "SECURE_SSL_REDIRECT": "1", "GUNICORN_BIND": f"127.0.0.1:{port}"}
        env["GUNICORN_WORKERS"] = "1"
        server = Process(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "deploy/gunicorn.conf.py",
                "greenfactory.wsgi:application",
            ],
            env=env,
            log=running.workdir / "server.log",
        )
        running.processes.append(server)
        wait_for(lambda: _listening(port, server), timeout=60, what="gunicorn", interval=0.2)
        # As Docker's start period: the first answers may be slow while the worker warms up.
        deadline = time.monotonic() + 60
        while (healthy := _healthcheck(port)).returncode and time.monotonic() < deadline:
            time.sleep(1)
        assert healthy.returncode == 0, healthy.stderr + server.tail()
        assert "Control socket" not in server.log.read_text()
        running.redis.stop()
        deadline = time.monotonic() + 30
        while "503" not in (unhealthy := _healthcheck(port)).stderr and time.monotonic() < deadline:
            assert unhealthy.returncode == 1, unhealthy  # a slow answer is unhealthy too
        assert unhealthy.returncode == 1
        assert "503" in unhealthy.stderr
    with pg.connect() as conn:
        conn.execute('DROP DATABASE IF EXISTS "gf_healthcheck" WITH (FORCE)')
