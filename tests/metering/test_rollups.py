"""Readings -> rollups: register rules, proportional splits, late data, retries, the sweeper."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from accounting.models import Factor, SiteKpi
from accounting.services.factors import factor_save
from accounting.services.kpis import rollup_changes_consume
from accounting.tasks import rollup_changes_sweep
from greenfactory.core.time import Granularity
from metering.choices import MeterEventKind
from metering.models import DirtyRange, MeterRollup, RollupChange
from metering.services.meters import meter_event_create
from metering.services.pipeline import dirty_ranges_process
from metering.tasks import kpi_dirty_process, kpi_sweep
from tests.accounting.kpi_helpers import march_plant, pipeline_run
from tests.services import need

from .helpers import ingest, meter

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def hours(meter_obj):
    """{"MM-DD HH": consumption} of every local hour the readings reach, from the day rows."""
    found = {}
    for day in MeterRollup.objects.filter(meter=meter_obj, granularity=Granularity.DAY):
        start = day.start.astimezone(SHANGHAI)
        for offset, quantity in enumerate(day.hourly):
            if quantity is not None:
                found[(start + dt.timedelta(hours=offset)).strftime("%m-%d %H")] = quantity
    return found


def day(meter_obj, date):
    return MeterRollup.objects.get(
        meter=meter_obj,
        granularity=Granularity.DAY,
        start=dt.datetime.combine(dt.date.fromisoformat(date), dt.time(), tzinfo=SHANGHAI),
    )


def day_quantities(meter_obj):
    return {
        r.start.astimezone(SHANGHAI).date().isoformat(): round(r.quantity, 6)
        for r in MeterRollup.objects.filter(meter=meter_obj, granularity=Granularity.DAY)
    }


def register_rows(code, pairs):
    return [{"meter": code, "ts": ts, "value": v} for ts, v in pairs]


@pytest.fixture
def eager(django_capture_on_commit_callbacks):
    """Run what services send after commit (the KPI tasks), as the eager embedded mode does."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def test_rollover_with_register_max_counts_the_wrap(site, eager):
    m = meter(site, "E-1", register_max=99999, multiplier=2)
    eager(
        ingest,
        site,
        register_rows("E-1", [("2025-05-01T10:00:00+08:00", 99990), ("2025-05-01T11:00:00+08:00", 5)]),
    )
    assert hours(m)["05-01 10"] == pytest.approx((99999 + 1 - 99990 + 5) * 2)
    assert day(m, "2025-05-01").decreases == 0


def test_reset_event_explains_a_decrease(site, eager):
    m = meter(site, "E-1")
    eager(
        ingest,
        site,
        register_rows("E-1", [("2025-05-01T10:00:00+08:00", 500), ("2025-05-01T11:00:00+08:00", 30)]),
    )
    assert day(m, "2025-05-01").decreases == 1
    assert hours(m)["05-01 10"] == 0  # never invent energy
    eager(
        meter_event_create,
        meter=m,
        ts=dt.datetime(2025, 5, 1, 10, 30, tzinfo=SHANGHAI),
        kind=MeterEventKind.EXCHANGE,
        old_final_value=520,
        new_start_value=10,
    )
    assert hours(m)["05-01 10"] == pytest.approx((520 - 500) + (30 - 10))
    assert day(m, "2025-05-01").decreases == 0


def test_an_exchange_between_two_readings_splits_each_side_over_its_own_time(site, eager):
    """Readings 23:00 (515) and 01:00 (4, the new meter); exchange at 23:30, old final 517, new
    start 0: the old meter's 2 kWh fall in 23:00-23:30, the new meter's 4 kWh in 23:30-01:00."""
    m = meter(site, "E-1")
    rows = [
        ("2025-05-01T00:00:00+08:00", 400),
        ("2025-05-01T23:00:00+08:00", 515),
        ("2025-05-02T01:00:00+08:00", 4),
        ("2025-05-02T02:00:00+08:00", 9),
    ]
    eager(ingest, site, register_rows("E-1", rows))
    eager(
        meter_event_create,
        meter=m,
        ts=dt.datetime(2025, 5, 1, 23, 30, tzinfo=SHANGHAI),
        kind=MeterEventKind.EXCHANGE,
        old_final_value=517,
        new_start_value=0,
    )
    assert day_quantities(m) == {
        "2025-05-01": pytest.approx(118.333333),
        "2025-05-02": pytest.approx(7.666667),
    }
    assert hours(m)["05-01 23"] == pytest.approx(2 + 4 / 3)
    assert hours(m)["05-02 00"] == pytest.approx(8 / 3)
    assert day(m, "2025-05-01").decreases == 0


def test_unexplained_decrease_is_flagged_and_contributes_nothing(site, eager, staff_client):
    m = meter(site, "E-1", register_max=99999)  # a wrap from 500 to 30 is implausible
    rows = [
        ("2025-05-01T10:00:00+08:00", 500),
        ("2025-05-01T11:00:00+08:00", 30),
        ("2025-05-01T12:00:00+08:00", 40),
    ]
    eager(ingest, site, register_rows("E-1", rows))
    assert hours(m)["05-01 10"] == 0
    assert day(m, "2025-05-01").decreases == 1
    assert hours(m)["05-01 11"] == 10
    body = staff_client.get(
        "/api/v1/kpis/", {"site": site.code, "start": "2025-05-01", "end": "2025-05-01", "granularity": "day"}
    ).json()
    assert body["results"][0]["data_quality"]["decreases"] == 1


def test_step_above_rated_flow_is_flagged_as_a_spike(site, eager):
    m = meter(site, "E-1", rated_max_flow=100)
    eager(
        ingest,
        site,
        register_rows("E-1", [("2025-05-01T10:00:00+08:00", 0), ("2025-05-01T11:00:00+08:00", 500)]),
    )
    assert day(m, "2025-05-01").spikes == 1
    assert hours(m)["05-01 10"] == 500  # flagged, not dropped: the reading may be right


def test_gap_across_midnight_in_shanghai_is_split_by_time_and_reported(site, eager):
    m = meter(site, "E-1")
    rows = [
        ("2025-05-01T20:00:00+08:00", 0),
        ("2025-05-01T21:00:00+08:00", 100),
        ("2025-05-01T22:00:00+08:00", 200),
        # four hours without readings, across local midnight (16:00 UTC)
        ("2025-05-02T02:00:00+08:00", 600),
        ("2025-05-02T03:00:00+08:00", 700),
    ]
    eager(ingest, site, register_rows("E-1", rows))
    assert day_quantities(m) == {"2025-05-01": 400.0, "2025-05-02": 300.0}
    day_gaps = {
        r.start.astimezone(SHANGHAI).date().isoformat(): r.gaps
        for r in MeterRollup.objects.filter(meter=m, granularity=Granularity.DAY)
    }
    assert day_gaps == {"2025-05-01": 1, "2025-05-02": 0}
    assert hours(m)["05-01 23"] == pytest.approx(100)
    assert len(day(m, "2025-05-01").hourly) == 24


def test_late_data_recomputes_exactly_the_touched_buckets(site, eager):
    m = meter(site, "E-1")
    rows = [(f"2025-05-01T{h:02d}:00:00+08:00", h * 10) for h in range(0, 24)]
    rows += [(f"2025-05-02T{h:02d}:00:00+08:00", 240 + h * 10) for h in range(0, 24) if h != 12]
    eager(ingest, site, register_rows("E-1", rows))
    before, day1 = hours(m), day(m, "2025-05-01")
    assert before["05-02 11"] == pytest.approx(10)  # 11:00 -> 13:00 is split over two hours
    eager(ingest, site, register_rows("E-1", [("2025-05-02T12:00:00+08:00", 365)]))
    after = hours(m)
    changed = {key for key in after if after[key] != before.get(key)}
    assert changed == {"05-02 11", "05-02 12"}
    assert after["05-02 11"] == pytest.approx(15)
    assert after["05-02 12"] == pytest.approx(5)
    # Day 1's row was not rewritten (same row, same computation time); day 2's was.
    again = day(m, "2025-05-01")
    assert (again.pk, again.computed_at) == (day1.pk, day1.computed_at)
    assert day_quantities(m)["2025-05-02"] == pytest.approx(230)


def test_retried_task_changes_nothing(site, eager):
    march_plant(site)  # without running the task: the dirty ranges are pending
    ids = list(DirtyRange.objects.values_list("pk", flat=True))
    eager(kpi_dirty_process, ids)  # and the KPI task it sends once committed
    first = list(
        SiteKpi.objects.order_by("granularity", "start").values_list(
            "granularity", "start", "tce", "scope1_tco2e"
        )
    )
    rollups = list(
        MeterRollup.objects.order_by("pk").values_list("meter", "granularity", "start", "quantity")
    )
    DirtyRange.objects.update(consumed_at=None)  # a worker died after the work, before the ack
    eager(kpi_dirty_process, ids)
    assert (
        list(
            SiteKpi.objects.order_by("granularity", "start").values_list(
                "granularity", "start", "tce", "scope1_tco2e"
            )
        )
        == first
    )
    assert sorted(MeterRollup.objects.values_list("meter", "granularity", "start", "quantity")) == sorted(
        rollups
    )


def test_sweeper_recovers_a_dropped_message(site):
    march_plant(site)  # on_commit never runs here: as if the message were lost
    assert DirtyRange.objects.filter(consumed_at__isnull=True).count() == 3
    assert not SiteKpi.objects.exists()
    assert kpi_sweep() == 3
    assert not DirtyRange.objects.filter(consumed_at__isnull=True).exists()
    # The outbox's message is lost as well: accounting's sweeper turns the rows into KPIs.
    assert rollup_changes_sweep() == RollupChange.objects.count() > 0
    march = SiteKpi.objects.get(granularity=Granularity.MONTH)
    assert march.tce == Decimal("212.757")
    assert dirty_ranges_process() == 0
    assert rollup_changes_sweep() == 0


def test_factor_change_bumps_the_version_and_recomputes(site, eager, admin_client):
    eager(march_plant, site)
    factor = Factor.objects.get(factor_set__code="gbt2589", key="electricity")
    response = eager(
        admin_client.patch, f"/api/v1/factors/{factor.pk}/", {"value": "0.3"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    march = SiteKpi.objects.get(granularity=Granularity.MONTH)
    assert march.tce == Decimal("300") + Decimal("60.715") + Decimal("29.142")
    assert march.factors["sets"]["gbt2589"] == 2


def test_factor_save_refuses_a_negative_value(site):
    from greenfactory.core.exceptions import DomainError

    factor = Factor.objects.get(factor_set__code="gbt2589", key="electricity")
    with pytest.raises(DomainError):
        factor_save(factor=factor, value=Decimal("-1"))


def test_worker_dying_midway_leaves_nothing_half_done(site, monkeypatch):
    march_plant(site)
    from metering.services import pipeline

    def die(**kwargs):
        raise SystemExit("worker killed")  # after the rollups and findings, before the outbox row

    monkeypatch.setattr(pipeline, "rollup_changes_record", die)
    with pytest.raises(SystemExit):
        dirty_ranges_process()
    assert not MeterRollup.objects.exists()
    assert not RollupChange.objects.exists()
    assert DirtyRange.objects.filter(consumed_at__isnull=True).count() == 3
    monkeypatch.undo()
    assert dirty_ranges_process() == 3  # the retry
    assert rollup_changes_consume() == RollupChange.objects.count()
    assert SiteKpi.objects.get(granularity=Granularity.MONTH).tce == Decimal("212.757")


def test_kpi_worker_dying_midway_leaves_the_outbox_pending(site, monkeypatch):
    march_plant(site)
    dirty_ranges_process()
    import accounting.services.kpis as kpis

    def die(**kwargs):
        raise SystemExit("worker killed")  # the rows were taken, the KPIs not yet written

    monkeypatch.setattr(kpis, "site_kpis_refresh", die)
    with pytest.raises(SystemExit):
        kpis.rollup_changes_consume()
    assert not SiteKpi.objects.exists()
    assert RollupChange.objects.filter(consumed_at__isnull=True).count() == RollupChange.objects.count() > 0
    monkeypatch.undo()
    assert kpis.rollup_changes_consume() == RollupChange.objects.count()  # the retry
    assert SiteKpi.objects.get(granularity=Granularity.MONTH).tce == Decimal("212.757")


def _rollup_table():
    return [
        (r.meter_id, r.granularity, r.start, round(r.quantity, 6), r.gaps, r.spikes, r.decreases)
        + (tuple(None if h is None else round(h, 6) for h in r.hourly),)
        for r in MeterRollup.objects.order_by("meter", "granularity", "start")
    ]


@pytest.mark.django_db(transaction=True)
def test_bulk_recompute_reading_ahead_gives_what_the_task_gives(site, monkeypatch):
    """recompute_kpis' bulk path (on PostgreSQL a second connection reads the next meter while
    this one writes) writes exactly the rows the dirty-range task wrote."""
    from django.db import connection

    from accounting.services.kpis import site_kpis_recompute
    from metering.services import pipeline

    need(connection.vendor == "postgresql", "reading ahead runs on PostgreSQL only")
    march_plant(site)
    pipeline_run()
    expected = _rollup_table()
    kpis = list(SiteKpi.objects.order_by("granularity", "start").values_list("start", "tce", "scope1_tco2e"))
    assert expected
    assert kpis
    MeterRollup.objects.all().delete()
    SiteKpi.objects.all().delete()
    read_ahead = []
    original = pipeline._read_ahead
    monkeypatch.setattr(pipeline, "_read_ahead", lambda *a: read_ahead.append(a[0].code) or original(*a))

    meters = pipeline.site_rollups_recompute(site=site)  # committed: its outbox row becomes the KPIs

    assert read_ahead == [m.code for m, _, _ in meters]  # every meter read by the second connection
    assert len(meters) > 1
    assert _rollup_table() == expected
    assert not RollupChange.objects.filter(consumed_at__isnull=True).exists()
    assert (
        list(SiteKpi.objects.order_by("granularity", "start").values_list("start", "tce", "scope1_tco2e"))
        == kpis
    )
    assert site_kpis_recompute(site=site) == len(kpis)


def test_every_day_of_a_long_window_keeps_all_its_hours(site, eager):
    """Daily readings over 200 days rolled up in one go: every day row has its 24 hours, and they add
    up to the day (the last day included)."""
    m = meter(site, "E-1")
    first = dt.datetime(2025, 1, 1, tzinfo=SHANGHAI)
    eager(
        ingest,
        site,
        register_rows("E-1", [((first + dt.timedelta(days=d)).isoformat(), d * 240) for d in range(201)]),
    )
    days = list(MeterRollup.objects.filter(meter=m, granularity=Granularity.DAY).order_by("start"))
    assert len(days) == 200
    assert {len(d.hourly) for d in days} == {24}
    assert all(None not in d.hourly for d in days)
    assert all(sum(d.hourly) == pytest.approx(d.quantity) == pytest.approx(240) for d in days)


def test_gaps_are_judged_against_the_spacing_around_them_whatever_window_is_recomputed(site, eager):
    """A meter read daily, then hourly: neither the full roll-up nor a late reading that recomputes
    only the hourly month finds gaps; a real hole in the hourly readings is one gap either way."""
    m = meter(site, "E-1")
    daily = [(dt.datetime(2025, 3, 1, tzinfo=SHANGHAI) + dt.timedelta(days=d), d * 240) for d in range(45)]
    switch = daily[-1][0]
    hourly = [
        (switch + dt.timedelta(hours=h), daily[-1][1] + h * 10) for h in range(1, 72) if not 30 <= h < 36
    ]
    eager(ingest, site, register_rows("E-1", [(ts.isoformat(), v) for ts, v in daily + hourly]))

    def gaps():
        rows = MeterRollup.objects.filter(meter=m)
        return {
            g: sum(r.gaps for r in rows if r.granularity == g) for g in (Granularity.DAY, Granularity.MONTH)
        }

    assert gaps() == {Granularity.DAY: 1, Granularity.MONTH: 1}  # the six hours missing on day two
    late = switch + dt.timedelta(hours=50, minutes=30)
    eager(ingest, site, register_rows("E-1", [(late.isoformat(), daily[-1][1] + 505)]))
    assert gaps() == {Granularity.DAY: 1, Granularity.MONTH: 1}


def test_a_dirty_range_reads_a_registers_readings_once_for_rollups_and_findings(site, eager, monkeypatch):
    from metering.services import curves

    reads = []
    original = curves.readings_frame
    monkeypatch.setattr(
        curves, "readings_frame", lambda m, lo, hi: reads.append(m.code) or original(m, lo, hi)
    )
    meter(site, "E-1")
    meter(site, "G-1", medium="natural_gas", unit="m3", kind="interval")
    eager(
        ingest,
        site,
        register_rows("E-1", [("2025-05-01T10:00:00+08:00", 0), ("2025-05-01T11:00:00+08:00", 5)])
        + [
            {
                "meter": "G-1",
                "start": "2025-05-01T00:00:00+08:00",
                "end": "2025-05-02T00:00:00+08:00",
                "value": 9,
            }
        ],
    )
    assert sorted(reads) == ["E-1", "G-1", "G-1"]  # intervals, a few rows, are read again
    assert MeterRollup.objects.filter(granularity=Granularity.DAY).count() == 2
