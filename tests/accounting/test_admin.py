"""Django admin writes activity data and the GHG inventory through the services the pages use, and
only shows what the services alone write (baselines, degree days)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounting.models import (
    BaseYearRecalculation,
    DriverValue,
    Factor,
    FactorSet,
    InventoryCategory,
    InventorySettings,
    InventorySite,
    RefrigerantRefill,
    SiteKpi,
    SourceUncertainty,
)
from accounting.services import activity, inventory
from accounting.services.baselines import driver_value_set

pytestmark = pytest.mark.django_db

REFILL = {"date": "2025-06-03", "equipment": "Chiller 1", "gas": "R-410A", "kg": "10"}


def _refill(site, *, day=dt.date(2025, 6, 3), kg="10"):
    return activity.activity_create(
        site=site,
        values=activity.RefrigerantRefillValues(
            date=day, equipment="Chiller 1", gas="R-410A", kg=Decimal(kg)
        ),
    )


# --- Activity data ----------------------------------------------------------------------------------


def test_a_refill_added_in_the_admin_is_recorded_by_the_service_and_recomputes_its_month(
    site, admin_client, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/accounting/refrigerantrefill/add/", {"site": site.pk, **REFILL})
    assert response.status_code == 302, response.content.decode()[:2000]
    refill = RefrigerantRefill.objects.get()
    assert (refill.created_by, refill.history.get().history_user) == (admin_user, admin_user)
    # The same figure as when the page records it (tests/accounting/test_activity.py).
    assert SiteKpi.objects.get(granularity="month").scope1_tco2e == Decimal("19.235")


def test_a_refill_of_an_unknown_gas_is_refused_on_the_admin_form(site, admin_client):
    response = admin_client.post(
        "/admin/accounting/refrigerantrefill/add/", {"site": site.pk, **REFILL, "gas": "R-999"}
    )
    assert response.status_code == 200
    assert "R-999" in response.content.decode()
    assert not RefrigerantRefill.objects.exists()


def test_a_refill_corrected_in_the_admin_goes_through_the_service_and_recomputes_its_month(
    site, admin_client, admin_user, django_capture_on_commit_callbacks
):
    from tests.factories import SiteFactory

    with django_capture_on_commit_callbacks(execute=True):
        refill = _refill(site)
    assert SiteKpi.objects.get(granularity="month").scope1_tco2e == Decimal("19.235")
    other = SiteFactory(code="OT-01")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/accounting/refrigerantrefill/{refill.pk}/change/",
            {"site": other.pk, **REFILL, "kg": "5"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = RefrigerantRefill.objects.get(pk=refill.pk)
    assert (stored.kg, stored.site_id, stored.created_by) == (Decimal(5), site.pk, None)  # site, author kept
    assert stored.history.first().history_user == admin_user
    assert SiteKpi.objects.get(site=site, granularity="month").scope1_tco2e == Decimal("9.6175")


def test_a_refill_moved_to_another_month_in_the_admin_recomputes_both_months(
    site, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refill = _refill(site)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/accounting/refrigerantrefill/{refill.pk}/change/", {**REFILL, "date": "2025-07-03"}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    [july] = SiteKpi.objects.filter(granularity="month")  # June has nothing left to count
    assert (july.start.astimezone(ZoneInfo(site.time_zone)).month, july.scope1_tco2e) == (
        7,
        Decimal("19.235"),
    )


def test_a_refill_corrected_to_an_unknown_gas_is_refused_on_the_admin_form_and_kept(
    site, admin_client, django_capture_on_commit_callbacks
):
    refill = _refill(site)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(
            f"/admin/accounting/refrigerantrefill/{refill.pk}/change/", {**REFILL, "gas": "R-999", "kg": "5"}
        )
    assert response.status_code == 200
    assert "R-999" in response.content.decode()
    stored = RefrigerantRefill.objects.get(pk=refill.pk)
    assert (stored.gas, stored.kg, stored.history.count()) == ("R-410A", Decimal(10), 1)
    assert callbacks == []  # nothing recomputed


def test_deleting_refills_in_the_admin_goes_through_the_service_and_recomputes(
    site, admin_client, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = _refill(site), _refill(site, day=dt.date(2025, 6, 20), kg="5")
    assert SiteKpi.objects.get(granularity="month").scope1_tco2e == Decimal("28.8525")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/accounting/refrigerantrefill/{first.pk}/delete/", {"post": "yes"})
    assert SiteKpi.objects.get(granularity="month").scope1_tco2e == Decimal("9.6175")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/accounting/refrigerantrefill/",
            {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"},
        )
    assert not RefrigerantRefill.objects.exists()
    assert not SiteKpi.objects.filter(granularity="month").exists()  # recomputed: nothing left to count
    deleted = RefrigerantRefill.history.filter(history_type="-")
    assert sorted(deleted.values_list("id", "history_user")) == [
        (first.pk, admin_user.pk),
        (second.pk, admin_user.pk),
    ]


# --- Factors ------------------------------------------------------------------------------------------


def test_deleting_a_factor_in_the_admin_bumps_its_sets_version_and_records_who(admin_client, admin_user):
    factor = Factor.objects.filter(factor_set__code="grid-cn").first()
    version = factor.factor_set.version
    response = admin_client.post(f"/admin/accounting/factor/{factor.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Factor.objects.filter(pk=factor.pk).exists()
    assert FactorSet.objects.get(code="grid-cn").version == version + 1
    assert Factor.history.get(id=factor.pk, history_type="-").history_user == admin_user


def test_a_factor_sets_code_is_fixed_and_the_set_is_never_deleted(admin_client):
    factor_set = FactorSet.objects.get(code="grid-cn")
    admin_client.post(
        f"/admin/accounting/factorset/{factor_set.pk}/change/",
        {
            "code": "renamed",
            "name": "Grid",
            "kind": factor_set.kind,
            "factors-TOTAL_FORMS": "0",
            "factors-INITIAL_FORMS": "0",
        },
    )
    deleted = admin_client.post(f"/admin/accounting/factorset/{factor_set.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    assert FactorSet.objects.get(pk=factor_set.pk).code == "grid-cn"


# --- GHG inventory ------------------------------------------------------------------------------------


def test_inventory_settings_in_the_admin_follow_the_services_rule_for_the_base_year(site, admin_client):
    response = admin_client.post(
        "/admin/accounting/inventorysettings/add/",
        {
            "organisation": site.organisation_id,
            "consolidation": "operational_control",
            "base_year": "2020",
            "recalculation_threshold_pct": "5",
        },
    )
    assert response.status_code == 200
    assert "Give the base year and its total together." in response.content.decode()
    assert not InventorySettings.objects.exists()


def test_an_inventory_site_changed_in_the_admin_keeps_its_site_and_records_who(
    site, admin_client, admin_user
):
    from tests.factories import SiteFactory

    entry = inventory.inventory_site_save(site=site, included=True, equity_share_pct=Decimal(100))
    other = SiteFactory(code="OT-01")
    response = admin_client.post(
        f"/admin/accounting/inventorysite/{entry.pk}/change/",
        {"site": other.pk, "included": "on", "equity_share_pct": "40", "note": "Joint venture"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.site_id, entry.equity_share_pct, entry.note) == (site.pk, Decimal(40), "Joint venture")
    assert entry.history.first().history_user == admin_user


def test_an_inventory_site_deleted_in_the_admin_is_removed_through_the_service(
    site, admin_client, admin_user
):
    entry = inventory.inventory_site_save(site=site, included=False, equity_share_pct=Decimal(40))
    response = admin_client.post(f"/admin/accounting/inventorysite/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not InventorySite.objects.exists()
    assert InventorySite.history.get(history_type="-").history_user == admin_user


def test_category_1_cannot_be_excluded_in_the_admin(site, admin_client):
    response = admin_client.post(
        "/admin/accounting/inventorycategory/add/",
        {"organisation": site.organisation_id, "category": "1", "justification": "Not material"},
    )
    assert response.status_code == 200
    assert not InventoryCategory.objects.exists()


def test_a_base_year_recalculation_is_recorded_and_removed_through_the_service(
    site, admin_client, admin_user
):
    response = admin_client.post(
        "/admin/accounting/baseyearrecalculation/add/",
        {
            "organisation": site.organisation_id,
            "date": "2025-01-01",
            "kind": "structural",
            "effect_tco2e": "120",
            "reason": "  Acquired the Hebei plant  ",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = BaseYearRecalculation.objects.get()
    assert (event.reason, event.created_by) == ("Acquired the Hebei plant", admin_user)
    changed = admin_client.post(
        f"/admin/accounting/baseyearrecalculation/{event.pk}/change/",
        {
            "organisation": site.organisation_id,
            "date": "2025-01-01",
            "kind": "error",
            "effect_tco2e": "1",
            "reason": "x",
        },
    )
    assert changed.status_code == 403
    assert BaseYearRecalculation.objects.get().effect_tco2e == Decimal(120)
    admin_client.post(f"/admin/accounting/baseyearrecalculation/{event.pk}/delete/", {"post": "yes"})
    assert not BaseYearRecalculation.objects.exists()
    assert BaseYearRecalculation.history.get(history_type="-").history_user == admin_user


def test_source_uncertainties_are_corrected_never_added_or_deleted_in_the_admin(admin_client, admin_user):
    inventory.uncertainty_defaults_load()
    row = SourceUncertainty.objects.order_by("source").first()
    count = SourceUncertainty.objects.count()
    changed = admin_client.post(
        f"/admin/accounting/sourceuncertainty/{row.pk}/change/",
        {"source": "refrigerants", "percent": "12.5", "basis": "Supplier data"},
    )
    added = admin_client.post(
        "/admin/accounting/sourceuncertainty/add/", {"source": "refrigerants", "percent": "1", "basis": "x"}
    )
    deleted = admin_client.post(f"/admin/accounting/sourceuncertainty/{row.pk}/delete/", {"post": "yes"})
    assert (changed.status_code, added.status_code, deleted.status_code) == (302, 403, 403)
    stored = SourceUncertainty.objects.get(pk=row.pk)
    assert (stored.source, stored.percent, stored.basis) == (row.source, Decimal("12.5"), "Supplier data")
    assert stored.history.first().history_user == admin_user
    assert SourceUncertainty.objects.count() == count


# --- Records written by the baseline services only ------------------------------------------------------


def test_degree_days_are_read_only_in_the_admin(site, admin_client):
    value = driver_value_set(site=site, period=dt.date(2025, 1, 1), hdd=Decimal(300), cdd=None)
    changed = admin_client.post(
        f"/admin/accounting/drivervalue/{value.pk}/change/",
        {"site": site.pk, "period": "2025-01-01", "hdd": "999"},
    )
    deleted = admin_client.post(f"/admin/accounting/drivervalue/{value.pk}/delete/", {"post": "yes"})
    reverted = admin_client.post(
        f"/admin/accounting/drivervalue/{value.pk}/history/{value.history.first().history_id}/",
        {"site": site.pk, "period": "2025-01-01", "hdd": "999"},
    )
    assert (changed.status_code, deleted.status_code, reverted.status_code) == (403, 403, 403)
    assert DriverValue.objects.get(pk=value.pk).hdd == Decimal(300)
    added = admin_client.post("/admin/accounting/drivervalue/add/", {"site": site.pk, "period": "2025-02-01"})
    assert added.status_code == 302  # there is no add page: sent on to the admin's index
    assert DriverValue.objects.count() == 1
