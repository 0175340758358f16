"""A site's KPI settings: reads never write (unsaved defaults), the first save stores the row, and
the data migration stored a row for every site that existed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounting.choices import CombustionMethod, GridRegion
from accounting.models import FactorSet, SiteKpiSettings
from accounting.selectors.factors import DEFAULT_GWP_SET, FactorTable, site_kpi_settings
from accounting.services.factors import site_kpi_settings_update

BEFORE = [("accounting", "0001_initial")]
AFTER = [("accounting", "0002_site_kpi_settings_defaults")]


@pytest.mark.django_db
def test_reading_a_sites_settings_returns_unsaved_defaults(site):
    settings = site_kpi_settings(site=site)
    assert settings.pk is None
    assert settings.grid_region == GridRegion.NORTH_CHINA
    assert settings.combustion_method == CombustionMethod.CHINA
    assert settings.gwp_set.code == DEFAULT_GWP_SET
    assert FactorTable.for_site(site=site).settings.gwp_set.code == DEFAULT_GWP_SET
    assert not SiteKpiSettings.objects.exists()


@pytest.mark.django_db
def test_the_first_save_stores_the_row_and_later_reads_return_it(site):
    site_kpi_settings_update(settings=site_kpi_settings(site=site), grid_region=GridRegion.NATIONAL)
    stored = SiteKpiSettings.objects.get(site=site)
    assert stored.grid_region == GridRegion.NATIONAL
    assert stored.gwp_set.code == DEFAULT_GWP_SET
    assert site_kpi_settings(site=site).pk == stored.pk
    # A second first save (a page opened before the first one was saved) changes the same row.
    stale = SiteKpiSettings(site=site, gwp_set=FactorSet.objects.get(code="gwp-ar6"))
    site_kpi_settings_update(settings=stale, combustion_method=CombustionMethod.IPCC)
    assert SiteKpiSettings.objects.filter(site=site).count() == 1
    stored.refresh_from_db()
    assert (stored.gwp_set.code, stored.combustion_method) == ("gwp-ar6", CombustionMethod.IPCC)


@pytest.mark.django_db
def test_admin_adds_the_settings_of_a_site_without_any(
    site, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/accounting/sitekpisettings/add/",
            {
                "site": site.pk,
                "grid_region": "national",
                "residual_region": "national_excl_market",
                "gwp_set": FactorSet.objects.get(code="gwp-ar6").pk,
                "combustion_method": "china",
            },
        )
    assert response.status_code == 302, response.content
    assert SiteKpiSettings.objects.get(site=site).grid_region == GridRegion.NATIONAL


@pytest.mark.django_db
def test_a_settings_change_to_a_set_that_is_not_gwps_is_refused_and_changes_nothing(
    site, django_capture_on_commit_callbacks
):
    from greenfactory.core.exceptions import DomainError

    stored = site_kpi_settings_update(settings=site_kpi_settings(site=site))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(DomainError) as exc:
        site_kpi_settings_update(
            settings=site_kpi_settings(site=site),
            grid_region=GridRegion.NATIONAL,
            gwp_set=FactorSet.objects.get(code="grid-cn"),
        )
    assert (exc.value.field, callbacks) == ("gwp_set", [])
    stored.refresh_from_db()
    assert (stored.grid_region, stored.gwp_set.code) == (GridRegion.NORTH_CHINA, DEFAULT_GWP_SET)


@pytest.mark.django_db
def test_a_settings_change_keeps_what_it_leaves_out(site):
    site_kpi_settings_update(settings=site_kpi_settings(site=site), combustion_method=CombustionMethod.IPCC)
    changed = site_kpi_settings_update(settings=site_kpi_settings(site=site), grid_region=GridRegion.NATIONAL)
    assert (changed.grid_region, changed.combustion_method) == (GridRegion.NATIONAL, CombustionMethod.IPCC)


def test_kpi_units_have_one_definition():
    """The KPI computation converts to the units the KPI reads and baselines report: one table."""
    from accounting.selectors import factors
    from accounting.units import KPI_UNIT

    assert factors.KPI_UNIT is KPI_UNIT


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_stores_default_settings_for_existing_sites():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Organisation, Site = old.get_model("sites", "Organisation"), old.get_model("sites", "Site")
    FactorSetOld = old.get_model("accounting", "FactorSet")
    if not FactorSetOld.objects.filter(code=DEFAULT_GWP_SET).exists():  # emptied by an earlier flush
        FactorSetOld.objects.create(code=DEFAULT_GWP_SET, name="GWP-100, IPCC AR5", kind="gwp")
    organisation = Organisation.objects.create(name="Org", code="org")
    bare = Site.objects.create(organisation=organisation, name="Plant", code="P-1", time_zone="Asia/Shanghai")
    chosen = Site.objects.create(
        organisation=organisation, name="Other", code="P-2", time_zone="Asia/Shanghai"
    )
    old.get_model("accounting", "SiteKpiSettings").objects.create(
        site=chosen,
        grid_region="national",
        gwp_set=FactorSetOld.objects.get(code=DEFAULT_GWP_SET),
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = new.get_model("accounting", "SiteKpiSettings").objects.select_related("gwp_set")
    seeded = rows.get(site_id=bare.pk)
    assert (seeded.grid_region, seeded.residual_region, seeded.combustion_method) == (
        "north_china",
        "national_excl_market",
        "china",
    )
    assert seeded.gwp_set.code == DEFAULT_GWP_SET
    assert rows.get(site_id=chosen.pk).grid_region == "national"  # a saved choice is kept
    assert rows.count() == 2
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
