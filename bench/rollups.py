"""Rollups: a full recompute and one late day, beside one SQL date_trunc GROUP BY, on PostgreSQL.

Creates a throwaway database, migrates it, creates 100 register meters and loads one year of
15-minute readings (3.5 M rows) with COPY. Then, in the same run:

- reference: one ``SELECT meter_id, date_trunc('hour', ts), count(*), max(value) ... GROUP BY`` over
  every reading;
- full: hourly, daily and monthly rollups of every meter, then the site's KPIs, from scratch
  (``site_rollups_recompute``, metering's bulk path; its outbox row becomes the KPIs once committed,
  in-process here as in the embedded default);
- late day: one meter receives a corrected day of readings (96 rows) and its dirty range is
  consumed (rollups, then through the outbox the site KPIs of the touched buckets).

The database is dropped at the end.

    BENCH_PG=postgres://postgres@127.0.0.1:5432 .venv/bin/python bench/rollups.py
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

import numpy as np
import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DB", "gf_bench_rollups")
METERS = int(os.environ.get("BENCH_METERS", "100"))
DAYS = int(os.environ.get("BENCH_DAYS", "365"))
START = dt.datetime(2025, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
STEP = 15 * 60


def _admin(sql: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _setup_django() -> None:
    os.environ.update(
        {"DATABASE_URL": f"{SERVER}/{DATABASE}", "DJANGO_SETTINGS_MODULE": "greenfactory.settings.test"}
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load(site) -> int:
    """Meters through the service; readings with COPY (the ingest path is benchmarked elsewhere)."""
    from metering.models import Meter
    from metering.services.meters import meter_create

    for m in range(METERS):
        meter_create(
            site=site,
            code=f"E-{m:03d}",
            name=f"Meter {m}",
            medium="electricity",
            unit="kWh",
            kind="register",
            active_from=START - dt.timedelta(days=1),
        )
    steps = DAYS * 96
    base = int(START.timestamp())
    rng = np.random.default_rng(7)
    rows = 0
    with psycopg.connect(f"{SERVER}/{DATABASE}") as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY metering_reading (meter_id, ts, value, quality, source, created_at) FROM STDIN"
        ) as copy:
            for meter_id in Meter.objects.order_by("pk").values_list("pk", flat=True):
                values = np.cumsum(rng.gamma(2.0, 5.0, steps)).round(2)
                stamps = np.arange(steps) * STEP + base
                buffer = io.StringIO()
                for ts, value in zip(stamps.tolist(), values.tolist(), strict=True):
                    buffer.write(
                        f"{meter_id}\t{dt.datetime.fromtimestamp(ts, dt.UTC).isoformat()}\t{value}\tactual\tgateway\t2026-01-01T00:00:00+00:00\n"
                    )
                copy.write(buffer.getvalue())
                rows += steps
        conn.commit()
        cur.execute("ANALYZE metering_reading")
    return rows


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    _admin(f"DROP DATABASE IF EXISTS {DATABASE}")
    _admin(f"CREATE DATABASE {DATABASE}")
    try:
        _setup_django()
        from django.db import connection

        from accounting.models import SiteKpi
        from greenfactory.sites.services import organisation_create, site_create
        from metering.models import DirtyRange, Meter, MeterRollup, Reading
        from metering.services.pipeline import dirty_ranges_process, site_rollups_recompute

        organisation = organisation_create(name="Bench", code="bench")
        site = site_create(
            organisation=organisation, name="Bench plant", code="B-01", time_zone="Asia/Shanghai"
        )
        load_s, rows = _timed(lambda: _load(site))
        print(f"loaded {rows:,} readings for {METERS} meters with COPY in {load_s:.1f} s")

        def reference():
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT meter_id, date_trunc('hour', ts AT TIME ZONE 'Asia/Shanghai') AS bucket, "
                    "count(*), max(value) - min(value) FROM metering_reading GROUP BY 1, 2"
                )
                return len(cur.fetchall())

        reference()  # warm the cache: both sides then read from memory
        sql_s, buckets = _timed(reference)

        full_s, _meters = _timed(lambda: site_rollups_recompute(site=site))
        kpi_buckets = SiteKpi.objects.filter(site=site).count()
        days = MeterRollup.objects.filter(granularity="day").count()
        hours = sum(
            len(h) for h in MeterRollup.objects.filter(granularity="day").values_list("hourly", flat=True)
        )

        meter = Meter.objects.order_by("pk").first()
        day = START + dt.timedelta(days=DAYS // 2)
        late = list(Reading.objects.filter(meter=meter, ts__gte=day, ts__lt=day + dt.timedelta(days=1)))
        for reading in late:  # a corrected day: the gateway re-sends it with slightly different values
            reading.value += 0.01
        DirtyRange.objects.all().delete()

        def late_day():
            Reading.objects.bulk_update(late, ["value"])
            DirtyRange.objects.create(meter=meter, start=min(r.ts for r in late), end=max(r.ts for r in late))
            return dirty_ranges_process()

        late_s, _ = _timed(late_day)
        print(
            f"reference: one SQL date_trunc GROUP BY over all readings: {sql_s:.2f} s ({buckets:,} hour buckets)"
        )
        print(
            f"full recompute: {full_s:.2f} s ({days:,} daily meter rollups holding {hours:,} hours, monthly ones, "
            f"{kpi_buckets:,} site KPI buckets) = {full_s / sql_s:.2f}x the SQL (target <= 2x)"
        )
        print(f"late day for one meter ({len(late)} readings changed): {late_s:.3f} s (target < 1 s)")
    finally:
        from django.db import connections

        connections.close_all()
        _admin(f"DROP DATABASE IF EXISTS {DATABASE}")


if __name__ == "__main__":
    main()
