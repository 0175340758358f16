"""The fault plant's uploads, its gateway's HTTP client, and the figures a clean run must give."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from celery import Celery

from tests.faults.stack import GATEWAY_KEY, METERS, SITE_CODE, Stack, manage

START = dt.datetime(2025, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
STEPS = 14 * 96  # two weeks of 15-minute register readings per meter
BATCH_ROWS = 4000


def readings() -> list[dict]:
    rows = []
    for step in range(STEPS + 1):
        ts = (START + dt.timedelta(minutes=15 * step)).isoformat()
        rows.extend({"meter": f"E-{i:02d}", "ts": ts, "value": step * (i + 1) * 3} for i in range(METERS))
    return rows


def batches() -> list[tuple[str, list[dict]]]:
    """The uploads, in the order a gateway sends them: (batch id, rows)."""
    rows = readings()
    return [
        (f"flt-{n:03d}", rows[first : first + BATCH_ROWS])
        for n, first in enumerate(range(0, len(rows), BATCH_ROWS))
    ]


@dataclass
class Answer:
    status: int
    body: dict
    headers: dict[str, str]
    seconds: float


def post_batch(stack: Stack, batch_id: str, rows: list[dict], *, timeout: float = 60) -> Answer:
    """POST a batch as the gateway does; any HTTP status is an answer, never an exception."""
    data = json.dumps({"batch_id": batch_id, "readings": rows}).encode()
    request = urllib.request.Request(  # noqa: S310 - a local server
        f"http://127.0.0.1:{stack.port}/api/v1/readings/",
        data=data,
        method="POST",
        headers={"Authorization": f"Api-Key {GATEWAY_KEY}", "Content-Type": "application/json"},
    )
    began = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw, headers = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        status, raw, headers = error.code, error.read(), dict(error.headers)
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        body = {"raw": raw.decode(errors="replace")[:2000]}
    return Answer(status=status, body=body, headers=headers, seconds=time.monotonic() - began)


def readings_stored(stack: Stack) -> int:
    return stack.sql("SELECT count(*) FROM metering_reading")[0][0]


class Beat:
    """A Celery client of the private broker, to queue what beat queues. Its connection is opened on
    the private broker's URL explicitly: Celery prefers CELERY_BROKER_URL from the environment (set
    in CI for the main suite) to the broker an app is created with."""

    def __init__(self, stack: Stack) -> None:
        self.app = Celery("faults-beat", broker=stack.redis.url, set_as_current=False)
        self.app.conf.task_ignore_result = True
        self.connection = self.app.connection_for_write(url=stack.redis.url)

    def send_task(self, name: str, *, queue: str) -> None:
        self.app.send_task(name, queue=queue, connection=self.connection)

    def close(self) -> None:
        self.connection.release()
        self.app.close()

    def __enter__(self) -> Beat:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def beat(stack: Stack) -> Beat:
    return Beat(stack)


def sweepers_send(stack: Stack) -> None:
    """What Celery beat does every few minutes: queue the two sweepers."""
    with beat(stack) as app:
        app.send_task("metering.kpi_sweep", queue="kpi")
        app.send_task("accounting.rollup_changes_sweep", queue="kpi")


def pending(stack: Stack) -> tuple[int, int]:
    """(dirty ranges, rollup changes) not yet consumed."""
    ranges = stack.sql("SELECT count(*) FROM metering_dirtyrange WHERE consumed_at IS NULL")[0][0]
    changes = stack.sql("SELECT count(*) FROM metering_rollupchange WHERE consumed_at IS NULL")[0][0]
    return ranges, changes


def _failures(stack: Stack) -> str:
    """The errors of pipeline steps marked failed, for the assertion message."""
    rows = stack.sql("SELECT DISTINCT error FROM metering_dirtyrange WHERE failed_at IS NOT NULL LIMIT 3")
    return "".join(f"\n  failed: {row[0]}" for row in rows)


def drained(stack: Stack) -> bool:
    return pending(stack) == (0, 0) and bool(stack.sql("SELECT count(*) FROM metering_rollupchange")[0][0])


def wait_drained(stack: Stack, *, timeout: float = 240) -> None:
    """Wait for the worker to consume every dirty range and rollup change it was sent."""
    deadline = time.monotonic() + timeout
    while not drained(stack):
        assert time.monotonic() < deadline, (
            f"still pending after {timeout:.0f} s: {pending(stack)}{_failures(stack)}"
        )
        time.sleep(0.3)


def sweep_until_drained(stack: Stack, *, timeout: float = 240) -> None:
    """Queue the sweepers until nothing is pending (a killed worker's database session may hold its
    rows locked for a moment, and the sweepers skip locked rows)."""
    deadline = time.monotonic() + timeout
    while not drained(stack):
        assert time.monotonic() < deadline, (
            f"still pending after {timeout:.0f} s: {pending(stack)}{_failures(stack)}"
        )
        sweepers_send(stack)
        settle = time.monotonic() + 5
        while time.monotonic() < settle and not drained(stack):
            time.sleep(0.3)


def figures(stack: Stack) -> dict[str, list[tuple]]:
    """What users see: the site's KPIs per bucket and every meter's rollups, and the readings count."""
    kpis = stack.sql(
        "SELECT granularity, start, electricity_kwh, tce, scope2_location_tco2e, scope2_market_tco2e "
        "FROM metering_sitekpi ORDER BY granularity, start"
    )
    rollups = stack.sql(
        "SELECT m.code, r.granularity, r.start, r.quantity FROM metering_meterrollup r "
        "JOIN metering_meter m ON m.id = r.meter_id ORDER BY m.code, r.granularity, r.start"
    )
    return {"kpis": kpis, "rollups": rollups, "readings": [(readings_stored(stack),)]}


def readings_csv() -> bytes:
    lines = ["meter,ts,value"] + [f"{r['meter']},{r['ts']},{r['value']}" for r in readings()]
    return ("\n".join(lines) + "\n").encode()


IMPORT_CONFIRM = """
import sys
from greenfactory.sites.models import Site
from metering.services.imports import import_job_commit, import_job_create
site = Site.objects.get(code="{site}")
with open("{path}", "rb") as handle:
    job = import_job_create(site=site, kind="readings", name="meters.csv", data=handle.read(), by=None)
import_job_commit(job=job, by=None)
print(job.pk)
"""


def import_confirm(stack: Stack) -> int:
    """A staff member uploads the plant's readings as a file and confirms it: the job is queued."""
    path = stack.workdir / "meters.csv"
    path.write_bytes(readings_csv())
    out = manage(stack.env("gf-staff"), "shell", "-c", IMPORT_CONFIRM.format(site=SITE_CODE, path=path))
    return int(out.strip().splitlines()[-1])
