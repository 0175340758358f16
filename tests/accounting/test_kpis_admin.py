"""Administrators correct factors and choose a site's factors in Django admin; KPIs follow."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounting.models import Factor, FactorSet, SiteKpi
from accounting.selectors.factors import site_kpi_settings

from .kpi_helpers import march_plant

pytestmark = pytest.mark.django_db


@pytest.fixture
def plant(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        march_plant(site)
    return site


def test_admin_factor_correction_bumps_the_version_and_recomputes(
    plant, admin_client, django_capture_on_commit_callbacks
):
    factor = Factor.objects.get(factor_set__code="grid-cn", key="north_china", year=2023)
    before = FactorSet.objects.get(code="grid-cn").version
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/accounting/factor/{factor.pk}/change/",
            {"value": "0.5", "source": "Corrected by the plant"},
        )
    assert response.status_code == 302
    assert FactorSet.objects.get(code="grid-cn").version == before + 1
    march = SiteKpi.objects.get(granularity="month")
    assert march.scope2_location_tco2e == Decimal("500")
    assert march.factors["sets"]["grid-cn"] == before + 1


def test_admin_site_settings_change_recomputes(plant, admin_client, django_capture_on_commit_callbacks):
    from accounting.services.factors import site_kpi_settings_update

    settings = site_kpi_settings_update(settings=site_kpi_settings(site=plant))  # stored, as saved once
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/accounting/sitekpisettings/{settings.pk}/change/",
            {
                "site": plant.pk,
                "grid_region": "national",
                "residual_region": "national_excl_market",
                "gwp_set": FactorSet.objects.get(code="gwp-ar6").pk,
                "combustion_method": "china",
            },
        )
    assert response.status_code == 302, response.content
    assert SiteKpi.objects.get(granularity="month").scope2_location_tco2e == Decimal("530.6")


def test_one_sites_settings_recompute_only_that_site(plant, django_capture_on_commit_callbacks):
    from accounting.services.factors import site_kpi_settings_update
    from tests.factories import SiteFactory

    other = SiteFactory(code="OT-01")
    with django_capture_on_commit_callbacks(execute=True):
        march_plant(other)
    before = SiteKpi.objects.get(site=other, granularity="month").computed_at
    with django_capture_on_commit_callbacks(execute=True):
        site_kpi_settings_update(settings=site_kpi_settings(site=plant), grid_region="national")
    assert SiteKpi.objects.get(site=plant, granularity="month").scope2_location_tco2e == Decimal("530.6")
    assert SiteKpi.objects.get(site=other, granularity="month").computed_at == before


def test_admin_site_settings_refuse_a_set_that_is_not_gwps_and_keep_the_stored_ones(
    plant, admin_client, django_capture_on_commit_callbacks
):
    from accounting.services.factors import site_kpi_settings_update

    with django_capture_on_commit_callbacks(execute=True):
        settings = site_kpi_settings_update(settings=site_kpi_settings(site=plant))  # stored, as saved once
    gwp_set = settings.gwp_set_id
    before = SiteKpi.objects.get(granularity="month").computed_at
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/accounting/sitekpisettings/{settings.pk}/change/",
            {
                "grid_region": "national",
                "residual_region": "national_excl_market",
                "gwp_set": FactorSet.objects.get(code="grid-cn").pk,
                "combustion_method": "china",
            },
        )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    settings.refresh_from_db()
    assert (settings.gwp_set_id, settings.grid_region) == (gwp_set, "north_china")
    assert SiteKpi.objects.get(granularity="month").computed_at == before  # nothing recomputed


def test_admin_site_settings_are_never_deleted(plant, admin_client):
    from accounting.services.factors import site_kpi_settings_update

    settings = site_kpi_settings_update(settings=site_kpi_settings(site=plant))  # stored, as saved once
    response = admin_client.post(f"/admin/accounting/sitekpisettings/{settings.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert site_kpi_settings(site=plant).pk == settings.pk
