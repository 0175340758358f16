"""Data-quality rules on crafted readings: each kind of finding, recomputation, explanations, corrections."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection

from metering.choices import Medium, MeterEventKind, MeterKind
from metering.models import (
    FindingKind,
    FindingStatus,
    MeterQualitySettings,
    QualityFinding,
    Reading,
    SiteQualitySettings,
)
from metering.services import quality
from metering.services.gateways import gateway_create
from metering.services.meters import meter_event_create

from .helpers import ingest, meter

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def eager(django_capture_on_commit_callbacks):
    """Run what services send after commit (rollups, KPIs and findings), as the embedded mode does."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2025, 5, day, hour, tzinfo=SHANGHAI)


def hourly(code: str, values: dict[tuple[int, int], float]) -> list[dict]:
    return [{"meter": code, "ts": at(d, h).isoformat(), "value": v} for (d, h), v in values.items()]


def findings(kind=None, **filters):
    qs = QualityFinding.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.filter(**filters).order_by("start"))


def test_a_gap_between_readings_is_a_finding_with_its_span_and_hours(site, eager):
    m = meter(site, "E-1")
    values = {(1, h): 10.0 * h for h in (0, 1, 2, 3, 4, 5, 10, 11, 12)}
    eager(ingest, site, hourly("E-1", values))
    [gap] = findings(FindingKind.GAP)
    assert (gap.meter, gap.start, gap.end) == (m, at(1, 5), at(1, 10))
    assert gap.magnitude == 5.0
    assert gap.details["usual_hours"] == 1.0
    assert gap.status == FindingStatus.OPEN
    assert gap.site == site


def test_a_step_above_the_rated_flow_is_a_spike(site, eager):
    meter(site, "E-1", rated_max_flow=Decimal("10"))
    meter(site, "E-2")  # no rated flow: nothing to compare with
    values = {(1, 0): 0, (1, 1): 5, (1, 2): 10, (1, 3): 60, (1, 4): 65, (1, 5): 70}
    eager(ingest, site, hourly("E-1", values) + hourly("E-2", values))
    [spike] = findings(FindingKind.SPIKE)
    assert spike.meter.code == "E-1"
    assert (spike.start, spike.end) == (at(1, 2), at(1, 3))
    assert spike.magnitude == 50.0  # kWh per hour on the register
    assert spike.details == {"unit": "kWh/h", "rated_max_flow": 10.0}


def test_a_register_standing_still_longer_than_the_threshold_is_a_flatline(site, eager):
    meter(site, "E-1")
    meter(site, "E-2")
    still_30h = {(1 + h // 24, h % 24): (5.0 if 1 <= h <= 31 else float(h)) for h in range(40)}
    still_20h = {(1 + h // 24, h % 24): (5.0 if 1 <= h <= 21 else float(h)) for h in range(40)}
    eager(ingest, site, hourly("E-1", still_30h) + hourly("E-2", still_20h))
    [flat] = findings(FindingKind.FLATLINE)
    assert flat.meter.code == "E-1"
    assert (flat.start, flat.end, flat.magnitude) == (at(1, 1), at(2, 7), 30.0)
    assert flat.details == {"threshold_hours": 24}


def test_a_meters_own_flatline_threshold_overrides_the_sites(site, eager):
    m = meter(site, "E-2")
    MeterQualitySettings.objects.create(meter=m, flatline_hours=12)
    still_20h = {(1 + h // 24, h % 24): (5.0 if 1 <= h <= 21 else float(h)) for h in range(40)}
    eager(ingest, site, hourly("E-2", still_20h))
    [flat] = findings(FindingKind.FLATLINE)
    assert (flat.magnitude, flat.details["threshold_hours"]) == (20.0, 12)


def _thresholds(site, user, *, flatline_hours=24, tolerance="5"):
    quality.site_quality_settings_save(
        site=site,
        by=user,
        balance_tolerance_pct=Decimal(tolerance),
        stale_gateway_hours=24,
        flatline_hours=flatline_hours,
    )


def test_changing_the_flatline_threshold_re_evaluates_the_existing_readings(site, eager, staff_user):
    meter(site, "E-1")
    still_20h = {(1 + h // 24, h % 24): (5.0 if 1 <= h <= 21 else float(h)) for h in range(40)}
    eager(ingest, site, hourly("E-1", still_20h))
    assert findings(FindingKind.FLATLINE) == []

    eager(_thresholds, site, staff_user, flatline_hours=12)
    [flat] = findings(FindingKind.FLATLINE)
    assert (flat.start, flat.magnitude, flat.details) == (at(1, 1), 20.0, {"threshold_hours": 12})

    eager(_thresholds, site, staff_user, flatline_hours=48)
    assert findings(FindingKind.FLATLINE) == []


def test_flatline_runs_are_found_on_the_curve():
    hour = 3600 * 10**9
    x = np.arange(8) * hour
    y = np.array([0, 1, 1, 1, 1, 2, 2, 3], dtype=float)
    exclude = np.zeros(7, dtype=bool)
    assert quality.flatline_runs(x, y, exclude=exclude, min_ns=2 * hour) == [(1, 4)]
    assert quality.flatline_runs(x, y, exclude=exclude, min_ns=3 * hour) == []


def _store_bypassing_checks(reading: Reading) -> None:
    """Write a row the ingest and the database constraint refuse, as a restored legacy table could hold."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            reading.save()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
    else:
        with connection.cursor() as cursor:  # dropped inside the test's transaction, so rolled back after it
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events may block the ALTER
            cursor.execute(
                f"ALTER TABLE {Reading._meta.db_table} DROP CONSTRAINT reading_interval_not_negative"
            )
        reading.save()


def test_a_negative_interval_value_is_a_finding(site):
    m = meter(site, "D-1", Medium.DIESEL, "L", MeterKind.INTERVAL)
    ingest(site, [{"meter": "D-1", "start": at(1, 0).isoformat(), "end": at(2, 0).isoformat(), "value": 40}])
    _store_bypassing_checks(Reading(meter=m, start=at(2, 0), ts=at(3, 0), value=-3.5))
    quality.meter_findings_refresh(meter=m, start=at(1, 0), end=at(3, 0))
    [negative] = findings(FindingKind.NEGATIVE_INTERVAL)
    assert (negative.start, negative.end, negative.magnitude) == (at(2, 0), at(3, 0), -3.5)


def test_an_interval_meter_with_a_hole_between_intervals_has_a_gap(site, eager):
    meter(site, "D-1", Medium.DIESEL, "L", MeterKind.INTERVAL)
    rows = [
        {"meter": "D-1", "start": at(1, 0).isoformat(), "end": at(2, 0).isoformat(), "value": 40},
        {"meter": "D-1", "start": at(3, 0).isoformat(), "end": at(4, 0).isoformat(), "value": 40},
    ]
    eager(ingest, site, rows)
    [gap] = findings(FindingKind.GAP)
    assert (gap.start, gap.end, gap.magnitude) == (at(2, 0), at(3, 0), 24.0)


def _intervals(code: str, values: list[float], *, hours: int = 1, first: dt.datetime | None = None):
    first = first or at(1, 0)
    step = dt.timedelta(hours=hours)
    return [
        {
            "meter": code,
            "start": (first + i * step).isoformat(),
            "end": (first + (i + 1) * step).isoformat(),
            "value": v,
        }
        for i, v in enumerate(values)
    ]


def test_an_interval_above_the_rated_flow_over_its_hours_is_a_spike(site, eager):
    meter(site, "D-1", Medium.DIESEL, "L", MeterKind.INTERVAL, rated_max_flow=Decimal("10"))
    meter(site, "D-2", Medium.DIESEL, "L", MeterKind.INTERVAL)  # no rated flow: nothing to compare with
    # Two-hour intervals: 20 L is the most the meter can pass in one.
    values = [20, 18, 45, 20]
    eager(ingest, site, _intervals("D-1", values, hours=2) + _intervals("D-2", values, hours=2))
    [spike] = findings(FindingKind.SPIKE)
    assert spike.meter.code == "D-1"
    assert (spike.start, spike.end, spike.magnitude) == (at(1, 4), at(1, 6), 22.5)
    assert spike.details == {"unit": "L/h", "rated_max_flow": 10.0}


def test_zero_intervals_longer_than_the_threshold_are_a_flatline(site, eager):
    meter(site, "D-1", Medium.DIESEL, "L", MeterKind.INTERVAL)
    meter(site, "D-2", Medium.DIESEL, "L", MeterKind.INTERVAL)
    eager(
        ingest,
        site,
        _intervals("D-1", [5] + [0] * 30 + [5]) + _intervals("D-2", [5] + [0] * 20 + [5]),
    )
    [flat] = findings(FindingKind.FLATLINE)
    assert flat.meter.code == "D-1"
    assert (flat.start, flat.end, flat.magnitude) == (at(1, 1), at(2, 7), 30.0)
    assert flat.details == {"threshold_hours": 24}


def test_a_hole_between_zero_intervals_is_a_gap_not_part_of_a_flatline(site, eager):
    meter(site, "D-1", Medium.DIESEL, "L", MeterKind.INTERVAL)
    rows = _intervals("D-1", [0] * 15) + _intervals("D-1", [0] * 15 + [5], first=at(2, 0))
    eager(ingest, site, rows)
    assert findings(FindingKind.FLATLINE) == []
    [gap] = findings(FindingKind.GAP)
    assert (gap.start, gap.end) == (at(1, 15), at(2, 0))


def test_zero_intervals_after_the_meter_was_retired_are_not_a_flatline(site, eager):
    m = meter(site, "D-1", Medium.DIESEL, "L", MeterKind.INTERVAL)
    eager(ingest, site, _intervals("D-1", [5] + [0] * 30 + [5]))
    assert len(findings(FindingKind.FLATLINE)) == 1
    m.active_to = at(1, 12)  # retired after 11 of the 30 zero hours
    m.save(update_fields=["active_to"])
    quality.meter_findings_refresh(meter=m, start=at(1, 0), end=at(2, 8))
    assert findings(FindingKind.FLATLINE) == []


def test_an_unexplained_register_decrease_is_a_finding_with_both_values(site, eager):
    meter(site, "E-1")
    eager(ingest, site, hourly("E-1", {(1, 0): 100, (1, 1): 110, (1, 2): 90, (1, 3): 95}))
    [decrease] = findings(FindingKind.DECREASE)
    assert (decrease.start, decrease.end, decrease.magnitude) == (at(1, 1), at(1, 2), 20.0)
    assert decrease.details == {"unit": "kWh", "before": 110.0, "after": 90.0}


def test_a_plausible_rollover_is_not_a_decrease(site, eager):
    meter(site, "E-1", register_max=Decimal("99999"))
    eager(ingest, site, hourly("E-1", {(1, 0): 99980, (1, 1): 99990, (1, 2): 5, (1, 3): 15}))
    assert findings(FindingKind.DECREASE) == []


def test_recording_the_reset_removes_the_decrease_finding(site, eager):
    m = meter(site, "E-1")
    eager(ingest, site, hourly("E-1", {(1, 0): 100, (1, 1): 110, (1, 2): 3, (1, 3): 8}))
    assert len(findings(FindingKind.DECREASE)) == 1
    eager(
        meter_event_create,
        meter=m,
        ts=at(1, 2) - dt.timedelta(minutes=30),
        kind=MeterEventKind.RESET,
        old_final_value=115,
        new_start_value=0,
    )
    assert findings(FindingKind.DECREASE) == []


def test_a_corrected_reading_removes_the_spike_and_decrease_it_caused(site, eager):
    meter(site, "E-1", rated_max_flow=Decimal("10"))
    eager(ingest, site, hourly("E-1", {(1, 0): 0, (1, 1): 5, (1, 2): 60, (1, 3): 15}))
    assert {f.kind for f in findings()} == {FindingKind.SPIKE, FindingKind.DECREASE}
    eager(ingest, site, [{"meter": "E-1", "ts": at(1, 2).isoformat(), "value": 10, "correction": True}])
    assert findings() == []


def test_an_explained_finding_stays_explained_after_recomputation(site, eager, staff_user):
    meter(site, "E-1")
    values = {(1, h): 10.0 * h for h in (0, 1, 2, 3, 4, 5, 10, 11, 12)}
    eager(ingest, site, hourly("E-1", values))
    [gap] = findings(FindingKind.GAP)
    quality.finding_explain(finding=gap, by=staff_user, note="Gateway swapped during maintenance")

    eager(ingest, site, hourly("E-1", {(1, 13): 130, (1, 14): 140}))  # late data in the same window
    call_command("recompute_kpis", site=site.code, stdout=None)
    [again] = findings(FindingKind.GAP)
    assert again.pk == gap.pk
    assert (again.status, again.note, again.explained_by) == (
        FindingStatus.EXPLAINED,
        "Gateway swapped during maintenance",
        staff_user,
    )
    assert again.detected
    [explained] = again.history.all()  # the explanation; recomputations add no history
    assert (explained.status, explained.history_user) == (FindingStatus.EXPLAINED, staff_user)


def test_an_explained_finding_that_no_longer_applies_is_kept_as_no_longer_detected(site, eager, staff_user):
    meter(site, "E-1", rated_max_flow=Decimal("10"))
    eager(ingest, site, hourly("E-1", {(1, 0): 0, (1, 1): 5, (1, 2): 60, (1, 3): 15}))
    [spike] = findings(FindingKind.SPIKE)
    quality.finding_explain(finding=spike, by=staff_user, note="Misread by the gateway")
    eager(ingest, site, [{"meter": "E-1", "ts": at(1, 2).isoformat(), "value": 10, "correction": True}])
    [kept] = findings(FindingKind.SPIKE)
    assert (kept.pk, kept.status, kept.detected) == (spike.pk, FindingStatus.EXPLAINED, False)


def test_a_finding_explained_while_its_meter_is_recomputed_keeps_its_explanation(
    site, eager, staff_user, monkeypatch
):
    meter(site, "E-1", rated_max_flow=Decimal("10"))
    eager(ingest, site, hourly("E-1", {(1, 0): 0, (1, 1): 5, (1, 2): 60, (1, 3): 65}))
    [spike] = findings(FindingKind.SPIKE)
    reconcile = quality._reconcile

    def explained_in_between(existing, found, *, key):
        snapshot = list(existing)  # the recomputation has read the findings as open...
        if any(f.pk == spike.pk for f in snapshot):
            quality.finding_explain(finding=spike, by=staff_user, note="Misread by the gateway")
        return reconcile(snapshot, found, key=key)  # ...and no longer finds the spike

    monkeypatch.setattr(quality, "_reconcile", explained_in_between)
    eager(ingest, site, [{"meter": "E-1", "ts": at(1, 2).isoformat(), "value": 10, "correction": True}])
    kept = QualityFinding.objects.get(pk=spike.pk)
    assert (kept.status, kept.note) == (FindingStatus.EXPLAINED, "Misread by the gateway")


def test_recomputing_twice_changes_nothing(site, eager):
    m = meter(site, "E-1", rated_max_flow=Decimal("10"))
    values = {(1, h): 5.0 * h for h in (0, 1, 2, 3, 4, 5, 10, 11, 12)}
    values[(1, 11)] = 200
    values[(1, 12)] = 205
    eager(ingest, site, hourly("E-1", values))
    before = {(f.pk, f.kind, f.start, f.end, f.magnitude) for f in findings()}
    assert {k for _pk, k, *_ in before} == {FindingKind.GAP, FindingKind.SPIKE}
    quality.meter_findings_refresh(meter=m, start=at(1, 0), end=at(1, 12))
    assert {(f.pk, f.kind, f.start, f.end, f.magnitude) for f in findings()} == before


def _day_plant(site, *, parent=100.0, children=(80.0, 40.0), virtual=False):
    meter(site, "P")
    from metering.models import Meter

    p = Meter.objects.get(code="P")
    rows = [
        {"meter": "P", "ts": at(1, 0).isoformat(), "value": 0},
        {"meter": "P", "ts": at(2, 0).isoformat(), "value": parent},
    ]
    for n, quantity in enumerate(children, start=1):
        meter(site, f"C{n}", parent=p)
        rows += [
            {"meter": f"C{n}", "ts": at(1, 0).isoformat(), "value": 0},
            {"meter": f"C{n}", "ts": at(2, 0).isoformat(), "value": quantity},
        ]
    if virtual:
        meter(site, "REST", parent=p, is_virtual=True, formula="[P] - [C1] - [C2]")
    return p, rows


def test_sub_meters_summing_above_their_parent_is_an_energy_balance_finding(site, eager):
    parent, rows = _day_plant(site, parent=100, children=(80, 40))
    eager(ingest, site, rows)
    [balance] = findings(FindingKind.ENERGY_BALANCE)
    assert (balance.meter, balance.start, balance.end) == (parent, at(1, 0), at(2, 0))
    assert balance.magnitude == 20.0  # percent of the parent
    assert balance.details["direction"] == "above_parent"
    assert (balance.details["parent"], balance.details["sub_meters"]) == (100.0, 120.0)


def test_losses_beyond_the_sites_tolerance_are_an_energy_balance_finding(site, eager):
    _parent, rows = _day_plant(site, parent=100, children=(50, 40))
    eager(ingest, site, rows)
    [balance] = findings(FindingKind.ENERGY_BALANCE)
    assert (balance.magnitude, balance.details["direction"], balance.details["tolerance_pct"]) == (
        10.0,
        "losses",
        5.0,
    )


def test_losses_within_a_raised_tolerance_are_not_a_finding(site, eager, staff_user):
    quality.site_quality_settings_save(
        site=site,
        by=staff_user,
        balance_tolerance_pct=Decimal("12"),
        stale_gateway_hours=24,
        flatline_hours=24,
    )
    _parent, rows = _day_plant(site, parent=100, children=(50, 40))
    eager(ingest, site, rows)
    assert findings(FindingKind.ENERGY_BALANCE) == []


def test_raising_the_tolerance_clears_the_losses_already_found(site, eager, staff_user):
    _parent, rows = _day_plant(site, parent=100, children=(50, 40))
    eager(ingest, site, rows)
    assert len(findings(FindingKind.ENERGY_BALANCE)) == 1
    eager(_thresholds, site, staff_user, tolerance="12")
    assert findings(FindingKind.ENERGY_BALANCE) == []


def test_a_parent_whose_rest_is_a_virtual_sub_meter_is_not_judged_on_losses(site, eager):
    _parent, rows = _day_plant(site, parent=100, children=(50, 40), virtual=True)
    eager(ingest, site, rows)
    assert findings(FindingKind.ENERGY_BALANCE) == []


def test_a_parent_whose_rest_is_a_virtual_meter_formula_is_not_judged_on_losses(site, eager):
    _parent, rows = _day_plant(site, parent=100, children=(50, 40))
    meter(site, "REST", is_virtual=True, formula="[P] - [C1] - [C2]")
    eager(ingest, site, rows)
    assert findings(FindingKind.ENERGY_BALANCE) == []


def test_sub_meters_above_a_parent_with_a_virtual_rest_are_still_a_finding(site, eager):
    _parent, rows = _day_plant(site, parent=100, children=(80, 40), virtual=True)
    eager(ingest, site, rows)
    assert [f.details["direction"] for f in findings(FindingKind.ENERGY_BALANCE)] == ["above_parent"]


def test_a_gateway_silent_beyond_the_threshold_is_stale_until_it_uploads_again(site, eager):
    from metering.models import Gateway

    gateway = gateway_create(site=site, name="GW-1").gateway
    now = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
    Gateway.objects.filter(pk=gateway.pk).update(last_used_at=now - dt.timedelta(hours=30))
    SiteQualitySettings.objects.create(site=site, stale_gateway_hours=24)
    assert quality.gateways_stale_refresh(now=now) == 1
    [stale] = findings(FindingKind.STALE_GATEWAY)
    assert (stale.gateway, stale.start, stale.end, stale.magnitude) == (
        gateway,
        now - dt.timedelta(hours=30),
        now,
        30.0,
    )
    assert quality.gateways_stale_refresh(now=now + dt.timedelta(hours=1)) == 1
    [same] = findings(FindingKind.STALE_GATEWAY)
    assert (same.pk, same.magnitude) == (stale.pk, 31.0)

    Gateway.objects.filter(pk=gateway.pk).update(last_used_at=now + dt.timedelta(hours=2))
    assert quality.gateways_stale_refresh(now=now + dt.timedelta(hours=3)) == 0
    assert findings(FindingKind.STALE_GATEWAY) == []


def test_a_gateway_within_the_threshold_or_revoked_is_not_stale(site):
    from metering.models import Gateway
    from metering.services.gateways import gateway_revoke

    now = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
    fresh = gateway_create(site=site, name="GW-1").gateway
    revoked = gateway_create(site=site, name="GW-2").gateway
    Gateway.objects.filter(pk=fresh.pk).update(last_used_at=now - dt.timedelta(hours=23))
    Gateway.objects.filter(pk=revoked.pk).update(last_used_at=now - dt.timedelta(hours=300))
    gateway_revoke(gateway=revoked)
    assert quality.gateways_stale_refresh(now=now) == 0


def test_explaining_needs_a_note_and_happens_once(site, eager, staff_user):
    from greenfactory.core.exceptions import TransitionNotAllowed

    meter(site, "E-1")
    eager(ingest, site, hourly("E-1", {(1, 0): 100, (1, 1): 110, (1, 2): 90, (1, 3): 95}))
    [decrease] = findings(FindingKind.DECREASE)
    with pytest.raises(quality.QualityInvalid):
        quality.finding_explain(finding=decrease, by=staff_user, note="   ")
    decrease.refresh_from_db()
    assert decrease.status == FindingStatus.OPEN
    quality.finding_explain(finding=decrease, by=staff_user, note="Meter exchanged, event to follow")
    with pytest.raises(TransitionNotAllowed):
        quality.finding_explain(finding=decrease, by=staff_user, note="again")


def test_late_data_keeps_a_gap_that_starts_where_the_recomputed_months_begin(site, eager):
    meter(site, "D-1", Medium.DIESEL, "L", MeterKind.INTERVAL)

    def interval(start: dt.datetime, end: dt.datetime) -> dict:
        return {"meter": "D-1", "start": start.isoformat(), "end": end.isoformat(), "value": 10}

    jan, mar5, mar6, mar7 = (
        dt.datetime(2025, m, d, tzinfo=SHANGHAI) for m, d in ((2, 1), (3, 5), (3, 6), (3, 7))
    )
    eager(ingest, site, [interval(jan - dt.timedelta(days=31), jan), interval(mar5, mar6)])
    [gap] = findings(FindingKind.GAP)
    eager(ingest, site, [interval(mar6, mar7)])  # late data in March only
    [again] = findings(FindingKind.GAP)
    assert (again.pk, again.start, again.end) == (gap.pk, jan, mar5)


def test_a_meters_threshold_set_in_the_admin_re_evaluates_its_history(site, eager, admin_client):
    m = meter(site, "E-2")
    still_20h = {(1 + h // 24, h % 24): (5.0 if 1 <= h <= 21 else float(h)) for h in range(40)}
    eager(ingest, site, hourly("E-2", still_20h))
    assert findings(FindingKind.FLATLINE) == []

    response = eager(
        admin_client.post,
        "/admin/metering/meterqualitysettings/add/",
        {"meter": m.pk, "flatline_hours": 12, "balance_tolerance_pct": ""},
    )
    assert response.status_code == 302
    [flat] = findings(FindingKind.FLATLINE)
    assert flat.details == {"threshold_hours": 12}
