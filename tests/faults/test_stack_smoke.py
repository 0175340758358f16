"""The production-like stack, started as the compose file and the systemd units run it (gunicorn,
one Celery worker per queue group, beat) against PostgreSQL and Redis: a gateway uploads readings
with its key, the real workers turn them into KPIs, a staff member signs in and reads them on the
dashboard and through the API, and everything stops cleanly."""

from __future__ import annotations

import http.cookies
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.faults import plant
from tests.faults.stack import SITE_CODE, manage, wait_for

# One stack at a time: two private stacks at once on two cores starve each other.
pytestmark = [pytest.mark.services, pytest.mark.faults, pytest.mark.xdist_group("faults")]
PASSWORD = "smoke-test-password-2026"  # noqa: S105 - a private test database's user


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the caller reads the redirect itself, with the cookies it sets


class Browser:
    """A browser behind the stack's TLS proxy: each request says it came over HTTPS (as nginx's
    X-Forwarded-Proto does), so the secure session and CSRF cookies are kept and sent back."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def _open(self, path: str, data: bytes | None = None) -> tuple[int, dict, str]:
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": self.origin + path,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        request = urllib.request.Request(self.base + path, data=data, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as response:
                status, head, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as answer:
            status, head, body = answer.code, answer.headers, answer.read()
        for line in head.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(line)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return status, dict(head), body.decode(errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        status, _, body = self._open(path)
        return status, body

    def sign_in(self, username: str, password: str) -> tuple[int, str]:
        """The login form's answer: its status and where it sends the person."""
        _, page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:500]
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
        ).encode()
        status, head, _ = self._open("/accounts/login/", data)
        return status, head.get("Location", "")


def test_the_stack_takes_readings_to_kpis_and_shows_them_to_staff(fault_stack):
    running = fault_stack
    manage(
        running.env("gf-setup"),
        "shell",
        "-c",
        "from greenfactory.accounts.roles import Role\n"
        "from greenfactory.accounts.services import user_create\n"
        f"user_create(username='smoke', password='{PASSWORD}', roles=[Role.STAFF])",
    )
    running.server_start()
    workers = [
        running.worker_start("default", queues="default,ingest"),
        running.worker_start("kpi", queues="kpi"),
        running.worker_start("dossier", queues="dossier"),
    ]
    beat = running.beat_start()
    wait_for(lambda: "beat: Starting" in beat.tail(), timeout=60, what=f"beat\n{beat.tail()}")

    for batch_id, rows in plant.batches():
        answer = plant.post_batch(running, batch_id, rows)
        assert answer.status == 200, answer.body
    plant.wait_drained(running)  # consumed by the kpi worker, not in the web process
    assert "succeeded" in workers[1].tail(400), workers[1].tail()
    stored = running.sql("SELECT sum(electricity_kwh) FROM metering_sitekpi WHERE granularity = 'month'")[0][
        0
    ]
    assert stored > 0

    browser = Browser(running.port)
    status, landed = browser.sign_in("smoke", PASSWORD)
    assert status == 302
    assert "/accounts/login/" not in landed
    assert "sessionid" in browser.cookies
    status, dashboard = browser.get(f"/kpis/?site={SITE_CODE}&period=month&on=2025-03-01")
    assert status == 200
    assert SITE_CODE in dashboard
    _, body = browser.get(f"/api/v1/kpis/?site={SITE_CODE}&start=2025-03-01&end=2025-03-31&granularity=month")
    [march] = json.loads(body)["results"]
    assert float(march["consumption"]["electricity"]["quantity"]) == pytest.approx(float(stored))

    for process in [*workers, beat]:
        assert process.alive(), process.tail()
    began = time.monotonic()
    running.close()
    assert not any(p.alive() for p in running.processes)
    assert time.monotonic() - began < 120  # a clean stop, not a kill after the grace period
