"""Accounting's models moved out of metering with their tables: a database at the last migration
before the move, loaded with the demo plant, upgrades by ``migrate`` with every row, history entry,
content type and permission kept, and the KPI API answers exactly as before. Rolling back to metering
0007 keeps the tables too.

These tests migrate the shared test database back and forth, so each one leaves it at the latest
migrations whatever happens (``database_before_the_move``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from greenfactory.accounts.models import User
from greenfactory.accounts.roles import GROUP_MODEL_PERMISSIONS, Role
from tests.conftest import second_factor_enrol, sign_in_client

BEFORE_MOVE = [("metering", "0007_energy_baselines"), ("accounting", None)]
DEMO_TODAY = dt.date(2026, 11, 28)
ORGANISATION = "binhai-recycling"

pytestmark = pytest.mark.django_db(transaction=True)


def _later_models() -> set[str]:
    """Accounting's models created after the move, by its own later migrations (history models
    included): read from the migrations, so each new one is counted without editing this test."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import CreateModel

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        operation.name.lower().removeprefix("historical")
        for (app_label, name), migration in loader.disk_migrations.items()
        if app_label == "accounting" and name != "0001_initial"
        for operation in migration.operations
        if isinstance(operation, CreateModel)
    }


LATER_MODELS = _later_models()


def _moved_models() -> list:
    """Every model accounting took over from metering (history models included)."""
    return [
        m
        for m in apps.get_app_config("accounting").get_models()
        if m._meta.model_name.removeprefix("historical") not in LATER_MODELS
    ]


def _moved_tables() -> list[str]:
    tables = set()
    for model in _moved_models():
        tables.add(model._meta.db_table)
        tables.update(field.remote_field.through._meta.db_table for field in model._meta.local_many_to_many)
    return sorted(tables)


def _table_rows() -> dict[str, list[tuple]]:
    """Every row of every moved table, read with plain SQL (independent of the migration state)."""
    rows = {}
    with connection.cursor() as cursor:
        for table in _moved_tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")  # noqa: S608
            rows[table] = [tuple(row) for row in cursor.fetchall()]
    return rows


def _schema() -> dict[str, list[str]]:
    """Column names of every table: the move changes Django's state, never the schema."""
    with connection.cursor() as cursor:
        return {
            table: sorted(
                column.name for column in connection.introspection.get_table_description(cursor, table)
            )
            for table in sorted(connection.introspection.table_names(cursor))
        }


def _content_types() -> dict[str, tuple[int, str]]:
    """model name -> (id, app label) of the moved models' content types."""
    names = [model._meta.model_name for model in _moved_models()]
    return {
        ct.model: (ct.pk, ct.app_label)
        for ct in ContentType.objects.filter(model__in=names, app_label__in=["metering", "accounting"])
    }


def _group_permissions(name: str) -> dict[int, str]:
    group = Group.objects.get(name=name)
    return {p.pk: p.codename for p in group.permissions.select_related("content_type")}


def _api_answers(client: Client) -> dict[str, object]:
    """The KPI API and the accounting endpoints a reporting client reads, by URL."""
    urls = [
        "/api/v1/kpis/?site=TJ-01&granularity=month&start=2025-01-01&end=2026-12-31",
        "/api/v1/kpis/?site=TJ-01&granularity=day&start=2025-11-01&end=2026-11-30",
        "/api/v1/kpis/?site=TJ-01&granularity=year&start=2024-01-01&end=2026-12-31",
        f"/api/v1/ghg-inventories/?organisation={ORGANISATION}&year=2025",
        f"/api/v1/ghg-inventories/?organisation={ORGANISATION}&year=2026",
        "/api/v1/energy-baselines/",
        "/api/v1/baseline-adjustments/",
        "/api/v1/energy-targets/",
        "/api/v1/target-alerts/",
        "/api/v1/driver-values/",
        "/api/v1/factor-sets/",
        "/api/v1/refrigerant-refills/",
        "/api/v1/fuel-deliveries/",
        "/api/v1/green-certificates/",
        "/api/v1/scope3-activities/",
        "/api/v1/inventory-settings/",
        "/api/v1/inventory-sites/",
        "/api/v1/inventory-categories/",
        "/api/v1/base-year-recalculations/",
        "/api/v1/source-uncertainties/",
    ]
    urls += [f"/api/v1/energy-baselines/{b['id']}/periods/" for b in client.get(urls[5]).json()["results"]]
    answers = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        answers[url] = response.json()
    return answers


SETTINGS_TABLE = "metering_sitekpisettings"
OUTBOX_MIGRATION = ("metering", "0009_rollup_change")


def _settled(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """Every table but the site KPI settings: accounting 0002 stores the default settings of each
    site that has none (reads no longer store them), which the comparisons check on their own."""
    return {table: content for table, content in rows.items() if table != SETTINGS_TABLE}


def _settings_kept_and_seeded(before: dict[str, list[tuple]]) -> None:
    from accounting.models import SiteKpiSettings
    from greenfactory.sites.models import Site

    after = _table_rows()[SETTINGS_TABLE]
    assert set(before[SETTINGS_TABLE]) <= set(after)
    assert SiteKpiSettings.objects.count() == Site.objects.count()


# Columns metering's migrations after the move add to tables that existed before it.
LATER_COLUMNS = {
    ("metering", "0010_ingest_batch_body_hash"): [("IngestBatch", "body_hash")],
    ("metering", "0011_pipeline_failures"): [
        ("DirtyRange", "failed_at"),
        ("DirtyRange", "attempts"),
        ("DirtyRange", "error"),
    ],
    ("metering", "0012_meter_name_zh"): [("Meter", "name_zh"), ("HistoricalMeter", "name_zh")],
}


def _outbox_table(*, present: bool) -> None:
    """Today's pipeline writes metering's rollup-change outbox (metering 0009, after the move) and
    the columns later migrations added: the test gives the database before the move that table and
    those columns while today's code loads data into it, and takes them away before the upgrade."""
    from django.db.migrations.recorder import MigrationRecorder

    from metering.models import RollupChange

    applied = MigrationRecorder(connection).applied_migrations()
    if OUTBOX_MIGRATION in applied:
        return  # the database is past the move: the table and columns are the migrations' own
    exists = RollupChange._meta.db_table in connection.introspection.table_names()
    with connection.schema_editor() as editor:
        if present and not exists:
            editor.create_model(RollupChange)
        elif not present and exists:
            editor.delete_model(RollupChange)
        for columns in LATER_COLUMNS.values():
            for model_name, field_name in columns:
                model = apps.get_model("metering", model_name)
                field = model._meta.get_field(field_name)
                with connection.cursor() as cursor:
                    names = {
                        c.name
                        for c in connection.introspection.get_table_description(cursor, model._meta.db_table)
                    }
                if present and field.column not in names:
                    editor.add_field(model, field)
                elif not present and field.column in names:
                    editor.remove_field(model, field)


def _migrate_back_before_the_move():
    """Unapply metering 0008 and accounting 0001 (no post-migrate steps: the release before the move
    ran none for accounting); returns the models of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_MOVE)
    ContentType.objects.clear_cache()
    return executor.loader.project_state([("metering", "0007_energy_baselines")]).apps


@pytest.fixture
def database_before_the_move():
    """The test database at metering 0007 with accounting unapplied (the release before the move),
    schema unchanged; afterwards always back at the latest migrations."""
    old_apps = _migrate_back_before_the_move()
    _outbox_table(present=True)
    try:
        yield old_apps
    finally:
        _outbox_table(present=False)
        call_command("migrate", verbosity=0, interactive=False)
        ContentType.objects.clear_cache()


def _old_state_matches_todays_tables(old_apps) -> None:
    """Today's model classes write into the old-state database: each moved model is still
    metering's there, on the same table with the same columns."""
    assert not [m for m in old_apps.get_models() if m._meta.app_label == "accounting"]
    for model in _moved_models():
        old = old_apps.get_model("metering", model._meta.model_name)
        assert old._meta.db_table == model._meta.db_table
        assert sorted(f.column for f in old._meta.concrete_fields) == sorted(
            f.column for f in model._meta.concrete_fields
        )


def _grant_as_the_release_before_the_move() -> None:
    """Staff's model permissions as the code before the move named them (``metering.view_factorset``
    ...): today's role sync, run by the demo's user creation, looks for ``accounting.*`` and cannot
    find them in the old state."""
    staff = Group.objects.get(name=Role.STAFF.value)
    for name in GROUP_MODEL_PERMISSIONS[Role.STAFF]:
        app_label, codename = name.split(".")
        if app_label == "accounting":
            staff.permissions.add(
                Permission.objects.get(content_type__app_label="metering", codename=codename)
            )


def _baseline_and_targets() -> None:
    """A baseline of the shredders over the demo year, an adjustment, targets that raise alerts and
    a fuel delivery: rows in every baseline table the demo leaves empty."""
    from accounting.services.activity import FuelDeliveryValues, activity_create
    from accounting.services.baselines import adjustment_record, baseline_create, target_set
    from greenfactory.sites.models import Site
    from metering.models import Meter

    site = Site.objects.get(code="TJ-01")
    staff = User.objects.get(username="compliance")
    baseline = baseline_create(
        site=site,
        name="Shredders",
        scope="seu",
        seu_name="Shredding",
        meters=Meter.objects.filter(code="E-104"),
        measure="mwh",
        medium="electricity",
        base_start=dt.date(2025, 11, 1),
        base_end=dt.date(2026, 10, 31),
        use_hdd=True,
        by=staff,
    )
    adjustment_record(
        baseline=baseline,
        effective_from=dt.date(2026, 6, 1),
        per_period=Decimal("1.5"),
        reason="New conveyor",
        by=staff,
    )
    target_set(site=site, baseline=baseline, kind="enpi_max", value=Decimal("0.9"), by=staff)
    target_set(site=site, kind="tce_per_t_max", value=Decimal("0.01"), by=staff)
    activity_create(
        site=site,
        values=FuelDeliveryValues(
            date=dt.date(2026, 10, 5), fuel="diesel", quantity=Decimal("800"), unit="L"
        ),
        by=staff,
    )


def test_a_demo_database_upgrades_in_place_and_the_kpi_api_answers_as_before(
    database_before_the_move, monkeypatch
):
    from accounting.models import DriverValue, EnergyBaseline, FactorSet, InventorySettings, TargetAlert
    from greenfactory.web.demo import demo_load

    old_apps = database_before_the_move
    _old_state_matches_todays_tables(old_apps)
    # The release before the move had no energy budgets nor reference levels (their tables come with
    # later migrations).
    monkeypatch.setattr("accounting.demo._budget_schedule", lambda **kwargs: 0)
    monkeypatch.setattr("accounting.demo._reference_level_load", lambda **kwargs: 0)
    monkeypatch.setattr("accounting.demo._neutrality_load", lambda **kwargs: 0)
    monkeypatch.setattr("accounting.demo._footprint_load", lambda **kwargs: 0)
    # The old release has no readings archive: nothing is archived there.
    monkeypatch.setattr("metering.selectors.archives.archive_horizon", lambda: None)
    monkeypatch.setattr("accounting.selectors.budgets.budget_overruns", lambda **kwargs: [])
    demo_load(today=DEMO_TODAY)
    schema_before = _schema()  # after the demo: PostgreSQL's ingest adds a session's staging table
    _baseline_and_targets()
    _grant_as_the_release_before_the_move()
    # An administrator's own grant and an admin log entry, both by content type.
    managers = Group.objects.create(name="Energy managers")
    managers.permissions.add(
        Permission.objects.get(content_type__app_label="metering", codename="change_energybaseline")
    )
    manager = User.objects.create_user(username="manager", password="not-used-here-2026")  # noqa: S106
    manager.groups.add(managers)
    admin = User.objects.get(username="admin")
    factor_set = FactorSet.objects.get(code="grid-cn")
    entry = LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get(app_label="metering", model="factorset"),
        object_id=str(factor_set.pk),
        object_repr=str(factor_set),
        action_flag=CHANGE,
        change_message="Corrected a factor",
    )
    second_factor_enrol(admin)  # administrators sign in with a second factor
    client = sign_in_client(Client(), admin)

    answers = _api_answers(client)
    rows = _table_rows()
    content_types = _content_types()
    staff_permissions = _group_permissions(Role.STAFF.value)
    manager_permissions = _group_permissions("Energy managers")
    permission_count = Permission.objects.count()
    assert {label for _pk, label in content_types.values()} == {"metering"}
    assert len(content_types) == len(_moved_models())
    assert all(
        rows[model._meta.db_table] for model in (DriverValue, EnergyBaseline, InventorySettings, TargetAlert)
    )
    assert (
        len(answers["/api/v1/kpis/?site=TJ-01&granularity=month&start=2025-01-01&end=2026-12-31"]["results"])
        == 13
    )
    history_tables = [
        m._meta.db_table for m in _moved_models() if m._meta.model_name.startswith("historical")
    ]
    assert sum(len(rows[table]) for table in history_tables) > 0

    _outbox_table(present=False)
    call_command("migrate", verbosity=0, interactive=False)  # the upgrade, with its post-migrate steps
    ContentType.objects.clear_cache()

    # Every table the release before had is unchanged; the later migrations only add their own.
    later = (
        {"accounting_" + name for name in LATER_MODELS}
        | {"accounting_historical" + name for name in LATER_MODELS}
        # metering's own later tables (archived months of readings)
        | {"metering_readingarchive"}
    )
    assert {t: c for t, c in _schema().items() if t not in later} == schema_before
    assert _settled(_table_rows()) == _settled(rows)
    _settings_kept_and_seeded(rows)
    assert _api_answers(client) == answers
    # Same content types under the new label: group, user and admin-log references follow.
    assert _content_types() == {model: (pk, "accounting") for model, (pk, _label) in content_types.items()}
    assert Permission.objects.count() == permission_count
    assert _group_permissions(Role.STAFF.value) == staff_permissions
    staff = Group.objects.get(name=Role.STAFF.value)
    for name in GROUP_MODEL_PERMISSIONS[Role.STAFF]:
        if name.startswith("accounting."):
            assert staff.permissions.filter(content_type__app_label="accounting", codename=name[11:]).exists()
    assert _group_permissions("Energy managers") == manager_permissions
    assert User.objects.get(username="manager").has_perm("accounting.change_energybaseline")
    assert LogEntry.objects.get(pk=entry.pk).get_edited_object() == factor_set
    # History rows are read through the moved models' history managers.
    assert DriverValue.history.count() == len(rows["metering_historicaldrivervalue"]) == 12
    assert EnergyBaseline.history.count() == len(rows["metering_historicalenergybaseline"])
    settings = InventorySettings.objects.get(organisation__code=ORGANISATION)
    assert settings.history.latest().instance == settings
    assert settings.history.latest().history_user.username == "compliance"
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_rolling_back_to_metering_0007_keeps_the_tables_and_relabels_the_content_types():
    from accounting.models import DriverValue, FactorSet, InventorySettings
    from accounting.services.activity import RefrigerantRefillValues, activity_create
    from accounting.services.baselines import driver_value_set
    from accounting.services.factors import factor_sets_load
    from accounting.services.inventory import inventory_settings_save
    from greenfactory.accounts.services import roles_sync
    from tests.factories import SiteFactory

    roles_sync()  # what giving anyone a role does; a freshly flushed database has empty role groups
    site = SiteFactory(code="RB-01")
    factor_sets_load()
    driver_value_set(site=site, period=dt.date(2026, 1, 1), hdd=Decimal("410"), cdd=None)
    inventory_settings_save(organisation=site.organisation, base_year=2025, base_year_tco2e=Decimal("900"))
    activity_create(
        site=site,
        values=RefrigerantRefillValues(
            date=dt.date(2026, 2, 3), equipment="Chiller", gas="R-410A", kg=Decimal("2.5")
        ),
    )
    rows = _table_rows()
    content_types = _content_types()
    staff_permissions = _group_permissions(Role.STAFF.value)
    assert {label for _pk, label in content_types.values()} == {"accounting"}
    assert "view_factorset" in staff_permissions.values()

    try:
        old_apps = _migrate_back_before_the_move()
        _outbox_table(present=True)
        assert _settled(_table_rows()) == _settled(rows)
        assert _content_types() == {model: (pk, "metering") for model, (pk, _label) in content_types.items()}
        assert _group_permissions(Role.STAFF.value) == staff_permissions
        # The release before the move reads the rows through its own (metering) models.
        assert old_apps.get_model("metering", "FactorSet").objects.count() == FactorSet.objects.count()
        assert old_apps.get_model("metering", "HistoricalDriverValue").objects.get().hdd == Decimal("410")
        assert old_apps.get_model("metering", "RefrigerantRefill").objects.get().kg == Decimal("2.5")
    finally:
        _outbox_table(present=False)
        call_command("migrate", verbosity=0, interactive=False)
        ContentType.objects.clear_cache()

    assert _settled(_table_rows()) == _settled(rows)
    _settings_kept_and_seeded(rows)
    assert _content_types() == content_types
    assert _group_permissions(Role.STAFF.value) == staff_permissions
    assert DriverValue.history.get().hdd == Decimal("410")
    assert InventorySettings.objects.get(organisation=site.organisation).base_year == 2025
