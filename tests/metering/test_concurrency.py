"""Eight gateways uploading at once, with overlapping rows, store exactly the expected rows."""

from __future__ import annotations

import datetime as dt
import threading

import orjson
import pytest
from django.db import connection, connections
from django.test import Client

from metering.choices import Medium, MeterKind
from metering.models import DirtyRange, Reading
from metering.services.gateways import gateway_create
from metering.services.meters import meter_create
from tests.factories import SiteFactory
from tests.services import need

UPLOADERS = 8
METERS = 6
START = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


def _value(meter: int, step: int) -> float:
    return 1000.0 * meter + step * 1.5


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_uploaders_lose_and_duplicate_nothing():
    need(connection.vendor == "postgresql", "the concurrency test needs PostgreSQL (set DATABASE_URL)")
    site = SiteFactory(code="CC-01")
    codes = [f"E-{n}" for n in range(METERS)]
    for code in codes:
        meter_create(
            site=site,
            code=code,
            name=code,
            medium=Medium.ELECTRICITY,
            unit="kWh",
            kind=MeterKind.REGISTER,
            active_from=START,
        )
    keys = [gateway_create(site=site, name=f"gw-{n}").key for n in range(UPLOADERS)]
    # Uploader n sends steps [n*100, n*100 + 300): each step is also sent by two or three others.
    plans = []
    for n in range(UPLOADERS):
        rows = [
            {
                "meter": code,
                "ts": (START + dt.timedelta(minutes=15 * step)).isoformat(),
                "value": _value(m, step),
            }
            for step in range(n * 100, n * 100 + 300)
            for m, code in enumerate(codes)
        ]
        plans.append([rows[i : i + 600] for i in range(0, len(rows), 600)])
    expected_steps = {step for n in range(UPLOADERS) for step in range(n * 100, n * 100 + 300)}
    results: list[dict] = []
    failures: list[str] = []
    barrier = threading.Barrier(UPLOADERS)

    def upload(n: int) -> None:
        client = Client()
        try:
            barrier.wait()
            for number, rows in enumerate(plans[n]):
                response = client.post(
                    "/api/v1/readings/",
                    data=orjson.dumps({"batch_id": f"{n}-{number}", "readings": rows}),
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Api-Key {keys[n]}",
                )
                if response.status_code != 200:
                    failures.append(f"{n}: {response.status_code} {response.content[:200]!r}")
                results.append(response.json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(UPLOADERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not failures, failures
    sent = sum(r["rows"] for r in results)
    accepted = sum(r["accepted"] for r in results)
    duplicates = sum(r["duplicate"] for r in results)
    unique = len(expected_steps) * METERS
    assert Reading.objects.count() == unique
    assert accepted == unique
    assert duplicates == sent - unique
    assert sum(r["conflict"] + r["rejected"] for r in results) == 0
    stored = set(Reading.objects.values_list("meter__code", "ts", "value"))
    assert stored == {
        (code, START + dt.timedelta(minutes=15 * step), _value(m, step))
        for step in expected_steps
        for m, code in enumerate(codes)
    }
    assert DirtyRange.objects.count() > 0
