"""Django admin records production and edits sites through the same services as the pages and API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from greenfactory.sites.models import ProductionRecord, Site
from greenfactory.sites.services import production_record_create

pytestmark = pytest.mark.django_db

ADD = "/admin/sites/productionrecord/add/"


def _record(site, material="Spent EV battery packs", tonnes="4000"):
    return production_record_create(
        site=site,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 1, 31),
        material=material,
        kind="processed",
        tonnes=Decimal(tonnes),
    )


def _form(site, **changes):
    return {
        "site": site.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
        "material": "Spent EV battery packs",
        "kind": "processed",
        "tonnes": "4000",
        "note": "",
        **changes,
    }


def test_a_production_record_added_in_the_admin_names_who_recorded_it(site, admin_client, admin_user):
    response = admin_client.post(ADD, _form(site))
    assert response.status_code == 302, response.content.decode()[:2000]
    record = ProductionRecord.objects.get()
    assert (record.created_by, record.history.get().history_user) == (admin_user, admin_user)


def test_a_second_record_for_the_same_period_is_refused_in_the_admin(site, admin_client):
    _record(site)
    response = admin_client.post(ADD, _form(site, tonnes="1"))
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert list(ProductionRecord.objects.values_list("tonnes", flat=True)) == [Decimal("4000")]


def test_a_change_in_the_admin_goes_through_the_service(site, admin_client, admin_user):
    record, other = _record(site), _record(site, material="Black mass", tonnes="10")
    changed = admin_client.post(
        f"/admin/sites/productionrecord/{record.pk}/change/", _form(site, tonnes="4100")
    )
    assert changed.status_code == 302
    record.refresh_from_db()
    assert (record.tonnes, record.history.first().history_user) == (Decimal("4100"), admin_user)
    clash = admin_client.post(f"/admin/sites/productionrecord/{other.pk}/change/", _form(site, tonnes="11"))
    assert clash.status_code == 200
    other.refresh_from_db()
    assert (other.material, other.tonnes) == ("Black mass", Decimal("10"))


def test_deleting_records_in_the_admin_leaves_who_deleted_them_in_the_audit_trail(
    site, admin_client, admin_user
):
    first, second = _record(site), _record(site, material="Black mass")
    admin_client.post(f"/admin/sites/productionrecord/{first.pk}/delete/", {"post": "yes"})
    admin_client.post(
        "/admin/sites/productionrecord/",
        {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"},
    )
    assert not ProductionRecord.objects.exists()
    deleted = ProductionRecord.history.filter(history_type="-")
    assert sorted(deleted.values_list("id", "history_user")) == [
        (first.pk, admin_user.pk),
        (second.pk, admin_user.pk),
    ]


def test_a_site_changed_in_the_admin_is_saved_by_the_service(site, admin_client, admin_user):
    response = admin_client.post(
        f"/admin/sites/site/{site.pk}/change/",
        {
            "organisation": site.organisation_id,
            "name": "Tianjin recycling plant",
            "code": site.code,
            "address": "",
            "time_zone": site.time_zone,
            "industry": "",
            # The production shifts inline, left empty.
            "shifts-TOTAL_FORMS": "0",
            "shifts-INITIAL_FORMS": "0",
            "shifts-MIN_NUM_FORMS": "0",
            "shifts-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Site.objects.get(pk=site.pk)
    assert (stored.name, stored.history.first().history_user) == ("Tianjin recycling plant", admin_user)
