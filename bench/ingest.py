"""Ingestion over HTTP vs the raw database path, on PostgreSQL, in one run.

Creates a throwaway database, migrates it, starts gunicorn against it, POSTs 200,000 readings in
batches of 10,000 with a gateway key, then writes the same rows with psycopg COPY into a staging
table + INSERT ... ON CONFLICT (after emptying the table), and prints both rates and their ratio.
The database is dropped at the end.

    BENCH_PG=postgres://postgres@127.0.0.1:5432 .venv/bin/python bench/ingest.py
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import orjson
import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DB", "gf_bench_ingest")
ROWS = int(os.environ.get("BENCH_ROWS", "200000"))
BATCH = int(os.environ.get("BENCH_BATCH", "10000"))
METERS = 20
WORKERS = os.environ.get("BENCH_WORKERS", "2")
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def _admin(sql: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rows() -> list[tuple[str, dt.datetime, float]]:
    steps = ROWS // METERS
    return [
        (f"E-{m:02d}", START + dt.timedelta(minutes=15 * step), 1000.0 * m + step * 2.5)
        for step in range(steps)
        for m in range(METERS)
    ]


def _setup_django(env: dict) -> str:
    """Migrate, create a site, meters and a gateway; answer the gateway's key."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from greenfactory.sites.services import organisation_create, site_create
    from metering.services.gateways import gateway_create
    from metering.services.meters import meter_create

    call_command("migrate", verbosity=0)
    organisation = organisation_create(name="Bench", code="bench")
    site = site_create(organisation=organisation, name="Bench plant", code="B-01", time_zone="Asia/Shanghai")
    for m in range(METERS):
        meter_create(
            site=site,
            code=f"E-{m:02d}",
            name=f"Meter {m}",
            medium="electricity",
            unit="kWh",
            kind="register",
            active_from=START - dt.timedelta(days=1),
        )
    return gateway_create(site=site, name="bench").key


def _http(rows, key: str, port: int) -> float:
    bodies = []
    for i in range(0, len(rows), BATCH):
        chunk = rows[i : i + BATCH]
        bodies.append(
            orjson.dumps(
                {
                    "batch_id": f"bench-{i}",
                    "readings": [{"meter": c, "ts": t.isoformat(), "value": v} for c, t, v in chunk],
                }
            )
        )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
    # Warm every worker up (application import, database connection) before timing steady state.
    for _ in range(4 * int(WORKERS)):
        conn.request("POST", "/api/v1/readings/", body=b'{"readings": []}', headers=headers)
        conn.getresponse().read()
    started = time.perf_counter()
    for body in bodies:
        conn.request("POST", "/api/v1/readings/", body=body, headers=headers)
        response = conn.getresponse()
        payload = orjson.loads(response.read())
        if response.status != 200 or payload["accepted"] != BATCH:
            raise SystemExit(f"unexpected answer {response.status}: {str(payload)[:300]}")
    return time.perf_counter() - started


def _raw(rows, dsn: str) -> float:
    with psycopg.connect(dsn) as conn:
        meter_ids = dict(conn.execute("SELECT code, id FROM metering_meter").fetchall())
        batch_id = conn.execute(
            "INSERT INTO metering_ingestbatch (source, client_batch_id, body_hash, received_at, rows, accepted, duplicate, "
            "conflict, corrected, rejected, result) VALUES ('import', '', '', now(), 0, 0, 0, 0, 0, 0, '{}') RETURNING id"
        ).fetchone()[0]
        conn.execute("TRUNCATE metering_reading CASCADE")
        conn.commit()
        prepared = [(meter_ids[c], t, v) for c, t, v in rows]
        started = time.perf_counter()
        for i in range(0, len(prepared), BATCH):
            with conn.transaction():
                conn.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS raw_stage (meter_id bigint, ts timestamptz, "
                    "value double precision) ON COMMIT DELETE ROWS"
                )
                with conn.cursor().copy("COPY raw_stage (meter_id, ts, value) FROM STDIN") as copy:
                    for row in prepared[i : i + BATCH]:
                        copy.write_row(row)
                conn.execute(
                    "INSERT INTO metering_reading (meter_id, start, ts, value, quality, source, batch_id, created_at) "
                    "SELECT meter_id, NULL, ts, value, 'actual', 'import', %s, now() FROM raw_stage "
                    "ON CONFLICT DO NOTHING",
                    [batch_id],
                )
        elapsed = time.perf_counter() - started
        stored = conn.execute("SELECT count(*) FROM metering_reading").fetchone()[0]
        if stored != len(rows):
            raise SystemExit(f"raw path stored {stored} rows, expected {len(rows)}")
        return elapsed


def main() -> None:
    dsn = f"{SERVER}/{DATABASE}"
    _admin(f'DROP DATABASE IF EXISTS "{DATABASE}"')
    _admin(f'CREATE DATABASE "{DATABASE}"')
    server = None
    try:
        env = {
            "DJANGO_SETTINGS_MODULE": "greenfactory.settings.local",
            "DATABASE_URL": dsn,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "GATEWAY_THROTTLE_RATE": "100000/min",
            "DB_CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
            # As in production, KPI work goes to a broker after commit; nothing consumes it here
            # (the dirty ranges stay pending), so the figure is ingestion alone.
            "CELERY_BROKER_URL": "memory://",
            "CELERY_RESULT_BACKEND": "cache+memory://",
        }
        key = _setup_django(env)
        port = _free_port()
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "greenfactory.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                WORKERS,
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        rows = _rows()
        api = _http(rows, key, port)
        raw = _raw(rows, dsn)
        api_rate, raw_rate = len(rows) / api, len(rows) / raw
        print(f"rows: {len(rows):,} in batches of {BATCH:,} ({METERS} meters), gunicorn workers: {WORKERS}")
        print(
            f"API over HTTP (JSON, validate, COPY + ON CONFLICT, dirty ranges): {api_rate:>10,.0f} rows/s ({api:.2f} s)"
        )
        print(
            f"raw psycopg COPY + INSERT ... ON CONFLICT:                        {raw_rate:>10,.0f} rows/s ({raw:.2f} s)"
        )
        print(f"ratio API / raw: {api_rate / raw_rate:.2f}x (target >= 0.5x)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        from django.db import connections

        connections.close_all()
        _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    main()
