"""A real Celery worker on Redis, in its own process, computes the same KPIs as eager mode."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from accounting.models import SiteKpi
from metering.models import DirtyRange, MeterRollup, RollupChange
from tests.celery_worker import celery_worker, need_broker
from tests.services import need

from .kpi_helpers import march_plant, pipeline_run


@pytest.fixture
def kpi_worker(transactional_db):
    need_broker()
    need(connection.vendor == "postgresql", "a worker process sees the test's data only on PostgreSQL")
    db = settings.DATABASES["default"]
    # The test database, not the one the suite was pointed at.
    database_url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    with celery_worker(queues="kpi", hostname="gf-kpi-test", database_url=database_url) as process:
        yield process


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
        # The worker runs metering's pipeline, which signals accounting, which queues the outbox's
        # consumption on the same queue.
        while (
            DirtyRange.objects.filter(consumed_at__isnull=True).exists()
            or not RollupChange.objects.exists()
            or RollupChange.objects.filter(consumed_at__isnull=True).exists()
        ):
            assert time.monotonic() < deadline, "the worker did not consume the dirty ranges and the outbox"
            assert kpi_worker.poll() is None, "the worker died"
            time.sleep(0.5)
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    by_worker = _figures()
    assert SiteKpi.objects.get(granularity="month").tce == Decimal("212.757")
    rollups = sorted(MeterRollup.objects.values_list("meter", "granularity", "start", "quantity"))
    DirtyRange.objects.update(consumed_at=None)
    pipeline_run()  # the same work, in this process
    assert _figures() == by_worker
    assert sorted(MeterRollup.objects.values_list("meter", "granularity", "start", "quantity")) == rollups
