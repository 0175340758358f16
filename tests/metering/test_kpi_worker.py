"""A real Celery worker on Redis, in its own process, computes the same KPIs as eager mode."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from metering.models import DirtyRange, MeterRollup, SiteKpi
from metering.services.rollups import dirty_ranges_process
from tests.core.test_celery_worker import _redis_answers
from tests.services import need

from .kpi_helpers import march_plant


@pytest.fixture
def kpi_worker(transactional_db):
    url = settings.CELERY_BROKER_URL
    need(bool(url), "CELERY_BROKER_URL is not set, so there is no broker for a real worker")
    need(_redis_answers(url), f"the broker at {url} does not answer")
    need(connection.vendor == "postgresql", "a worker process sees the test's data only on PostgreSQL")
    db = settings.DATABASES["default"]
    database_url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "greenfactory.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DATABASE_URL": database_url,  # the test database, not the one the suite was pointed at
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "greenfactory",
            "worker",
            "--pool=solo",
            "--queues=kpi",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--hostname=gf-kpi-test@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _figures():
    return list(
        SiteKpi.objects.order_by("granularity", "start").values_list(
            "granularity", "start", "tce", "scope1_tco2e", "scope2_location_tco2e", "scope2_market_tco2e"
        )
    )


def test_real_worker_computes_what_eager_mode_computes(kpi_worker, site):
    from greenfactory.celery import app

    app.conf.task_always_eager = False
    try:
        march_plant(site)  # committed: on_commit sends the dirty ranges to the kpi queue
        deadline = time.monotonic() + 90
        while DirtyRange.objects.filter(consumed_at__isnull=True).exists():
            assert time.monotonic() < deadline, "the worker did not consume the dirty ranges"
            assert kpi_worker.poll() is None, "the worker died"
            time.sleep(0.5)
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    by_worker = _figures()
    assert SiteKpi.objects.get(granularity="month").tce == Decimal("212.757")
    rollups = sorted(MeterRollup.objects.values_list("meter", "granularity", "start", "quantity"))
    DirtyRange.objects.update(consumed_at=None)
    dirty_ranges_process()  # the same work, in this process
    assert _figures() == by_worker
    assert sorted(MeterRollup.objects.values_list("meter", "granularity", "start", "quantity")) == rollups
