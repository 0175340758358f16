"""A real Celery worker on Redis, in its own process, computes the same KPIs as eager mode."""

from __future__ import annotations

import datetime as dt
import threading
import time
import zoneinfo
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from accounting.models import SiteKpi
from accounting.services.kpis import rollup_changes_consume as consume
from accounting.tasks import rollup_changes_consume, rollup_changes_sweep
from metering.models import DirtyRange, MeterRollup, RollupChange
from metering.services.pipeline import dirty_ranges_process
from tests.celery_worker import celery_worker, need_broker
from tests.factories import SiteFactory
from tests.metering.helpers import ingest
from tests.services import need

from .kpi_helpers import march_plant, pipeline_run

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


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


# --- the outbox consumer, in this process ------------------------------------------------------------


def _month_tce():
    """March's tce (DOMAIN.md section 6: 212.757 for ``march_plant``)."""
    return SiteKpi.objects.get(granularity="month", start=dt.datetime(2025, 3, 1, tzinfo=SHANGHAI)).tce


@pytest.mark.django_db
def test_consuming_the_outbox_is_idempotent(site):
    march_plant(site)
    dirty_ranges_process()
    ids = list(RollupChange.objects.values_list("pk", flat=True))
    assert ids
    assert rollup_changes_consume(ids) == len(ids)
    figures = _figures()
    assert _month_tce() == Decimal("212.757")
    assert rollup_changes_consume(ids) == 0  # a retried task: the rows are consumed already
    assert rollup_changes_consume() == 0  # and the sweeper finds nothing either
    assert _figures() == figures
    assert not RollupChange.objects.filter(consumed_at__isnull=True).exists()


@pytest.mark.django_db
def test_kpis_follow_a_late_reading_through_the_outbox(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        march_plant(site)  # ingest -> pipeline -> outbox -> KPIs, each after the other's commit
    assert _month_tce() == Decimal("212.757")
    consumed = set(RollupChange.objects.values_list("pk", flat=True))
    assert consumed
    assert not RollupChange.objects.filter(consumed_at__isnull=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        ingest(site, [{"meter": "E-MAIN", "ts": "2025-04-11T00:00:00+08:00", "value": 1_100_000}])
    late = RollupChange.objects.exclude(pk__in=consumed).get()
    assert late.consumed_at is not None
    april = SiteKpi.objects.get(granularity="month", start=dt.datetime(2025, 4, 1, tzinfo=SHANGHAI))
    assert april.electricity_kwh == Decimal(100_000)
    assert _month_tce() == Decimal("212.757")  # March is as it was


@pytest.mark.django_db
def test_the_sweeper_consumes_rows_whose_message_was_lost(site):
    march_plant(site)
    dirty_ranges_process()  # in the test's transaction nothing is sent after commit: as if lost
    pending = RollupChange.objects.filter(consumed_at__isnull=True).count()
    assert pending > 0
    assert not SiteKpi.objects.exists()
    assert rollup_changes_sweep() == pending
    assert _month_tce() == Decimal("212.757")
    assert rollup_changes_sweep() == 0


@pytest.mark.django_db
def test_overlapping_changes_of_a_site_refresh_each_bucket_once(site, monkeypatch):
    import accounting.services.kpis as kpis

    march_plant(site)
    dirty_ranges_process()
    march = (dt.datetime(2025, 3, 1, tzinfo=SHANGHAI), dt.datetime(2025, 4, 1, tzinfo=SHANGHAI))
    RollupChange.objects.create(site=site, start=march[0], end=march[1])
    RollupChange.objects.create(site=site, start=march[0] + dt.timedelta(days=3), end=march[1])
    refreshed = []
    original = kpis.site_kpis_refresh
    monkeypatch.setattr(
        kpis, "site_kpis_refresh", lambda **kw: refreshed.append((kw["start"], kw["end"])) or original(**kw)
    )
    assert rollup_changes_consume() == RollupChange.objects.count()
    assert len(refreshed) == 1
    assert refreshed[0][0] <= march[0]
    assert refreshed[0][1] >= march[1]
    assert _month_tce() == Decimal("212.757")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_consumers_on_postgresql_never_take_the_same_rows(site, monkeypatch):
    """A consumer holding rows (its transaction still open) does not block a second one, which takes
    the other pending rows; every row is consumed exactly once."""
    need(connection.vendor == "postgresql", "skip-locked consumers need PostgreSQL (set DATABASE_URL)")
    from django.db import connections, transaction

    import accounting.services.kpis as kpis
    from accounting.services.factors import FactorTable

    other = SiteFactory(code="SH-02")
    # Factor sets and KPI settings exist before the consumers start (a flushed test database has
    # none): two transactions creating the same defaults would wait for each other.
    for target in (site, other):
        FactorTable.for_site(site=target)
    months = [dt.datetime(2025, m, 1, tzinfo=SHANGHAI) for m in range(1, 6)]
    # The two oldest rows are the first site's, the next two the other site's: the first consumer
    # (limit 2) takes and locks the first site's rows and the site itself; the second must skip them.
    for target, (start, end) in [
        (site, months[0:2]),
        (site, months[1:3]),
        (other, months[2:4]),
        (other, months[3:5]),
    ]:
        RollupChange.objects.create(site=target, start=start, end=end)
    refreshed: list[tuple[str, int]] = []
    original = kpis.site_kpis_refresh

    def spy(**kw):
        refreshed.append((threading.current_thread().name, kw["site_id"]))
        return original(**kw)

    monkeypatch.setattr(kpis, "site_kpis_refresh", spy)
    holding, second_done = threading.Event(), threading.Event()
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = consume(limit=2)
                holding.set()
                assert second_done.wait(30), "the second consumer waited for the first one's rows"
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            holding.set()
            connections.close_all()

    def second() -> None:
        try:
            assert holding.wait(30)
            results["second"] = consume(limit=10)
        except BaseException as exc:
            errors.append(exc)
        finally:
            second_done.set()
            connections.close_all()

    threads = [threading.Thread(target=first, name="first"), threading.Thread(target=second, name="second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert results == {"first": 2, "second": 2}
    # Each consumer merged its site's two overlapping spans into one refresh.
    assert sorted(refreshed) == [("first", site.pk), ("second", other.pk)]
    assert not RollupChange.objects.filter(consumed_at__isnull=True).exists()
    assert consume() == 0
