"""Upgrading to hours-inside-days: hour rows go, and every meter is queued for recomputation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("metering", "0003_load_factor_sets")]
AFTER = [("metering", "0004_rollup_hours_in_days")]


@pytest.mark.django_db(transaction=True)
def test_upgrade_drops_hour_rows_and_queues_every_meter():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Site = old.get_model("sites", "Site")
    Organisation = old.get_model("sites", "Organisation")
    Meter, Reading = old.get_model("metering", "Meter"), old.get_model("metering", "Reading")
    MeterRollup = old.get_model("metering", "MeterRollup")
    organisation = Organisation.objects.create(name="Org", code="org")
    site = Site.objects.create(organisation=organisation, name="Plant", code="P-1", time_zone="Asia/Shanghai")
    meter = Meter.objects.create(
        site=site,
        code="E-1",
        name="Main",
        medium="electricity",
        unit="kWh",
        kind="register",
        active_from=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    first = dt.datetime(2025, 5, 1, 2, tzinfo=dt.UTC)
    for hour, value in enumerate([0, 10, 30]):
        Reading.objects.create(
            meter=meter, ts=first + dt.timedelta(hours=hour), value=value, source="gateway"
        )
    for granularity in ("hour", "day", "month"):
        MeterRollup.objects.create(meter=meter, granularity=granularity, start=first, quantity=30)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rollups = new.get_model("metering", "MeterRollup").objects.filter(meter_id=meter.pk)
    assert sorted(rollups.values_list("granularity", flat=True)) == ["day", "month"]
    queued = list(new.get_model("metering", "DirtyRange").objects.filter(meter_id=meter.pk))
    assert [(d.start, d.end, d.consumed_at) for d in queued] == [(first, first + dt.timedelta(hours=2), None)]
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
