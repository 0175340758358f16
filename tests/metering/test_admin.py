"""Administrators register meters and gateways in Django admin through the same services."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from metering.models import (
    Gateway,
    IngestBatch,
    Meter,
    MeterEvent,
    MeterRollup,
    QualityFinding,
    Reading,
    RollupChange,
    SiteQualitySettings,
)
from metering.services.gateways import gateway_create, gateway_for_key, gateway_revoke
from metering.services.meters import meter_event_create
from tests.factories import SiteFactory

from .conftest import SINCE, GatewayClient, reading
from .helpers import ingest, meter

pytestmark = pytest.mark.django_db


def test_admin_creates_a_gateway_and_sees_its_key_once(admin_client, site, meters):
    response = admin_client.post(
        "/admin/metering/gateway/add/",
        {"site": site.pk, "name": "Line 2", "meters": [meters["E-101"].pk]},
        follow=True,
    )
    assert response.status_code == 200
    shown = " ".join(str(m) for m in response.context["messages"])
    key = re.search(r"gfk_\w{8}\.\S+", shown).group(0)
    gateway = gateway_for_key(key=key)
    assert gateway.name == "Line 2"
    assert list(gateway.meters.values_list("code", flat=True)) == ["E-101"]
    assert key not in admin_client.get(f"/admin/metering/gateway/{gateway.pk}/change/").content.decode()


def test_admin_revokes_gateways_with_an_action(admin_client, gateway):
    admin_client.post(
        "/admin/metering/gateway/", {"action": "revoke", "_selected_action": [gateway.pk]}, follow=True
    )
    assert Gateway.objects.get(pk=gateway.pk).is_revoked
    assert gateway_for_key(key=gateway.key) is None


def test_admin_meter_form_refuses_a_formula_with_an_unknown_meter(admin_client, site, meters):
    response = admin_client.post(
        "/admin/metering/meter/add/",
        {
            "site": site.pk,
            "code": "V-2",
            "name": "Bad virtual",
            "medium": "electricity",
            "unit": "kWh",
            "kind": "register",
            "multiplier": "1",
            "active_from_0": "2025-01-01",
            "active_from_1": "00:00:00",
            "is_virtual": "on",
            "formula": "[E-101] - [NOPE]",
        },
    )
    assert response.status_code == 200
    assert "NOPE" in response.content.decode()
    assert not Meter.objects.filter(code="V-2").exists()


def test_admin_registers_a_meter_through_the_service(admin_client, admin_user, site):
    response = admin_client.post(
        "/admin/metering/meter/add/",
        {
            "site": site.pk,
            "code": "W-9",
            "name": "Water sub-meter",
            "medium": "water",
            "unit": "m3",
            "kind": "register",
            "multiplier": "1",
            "active_from_0": "2025-01-01",
            "active_from_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meter = Meter.objects.get(code="W-9")
    assert meter.history.first().history_user == admin_user


# --- Gateways: created, revoked and re-keyed through the service only ----------------------------------


def test_admin_revoke_action_sets_the_time_and_records_who(admin_client, admin_user, gateway):
    before = timezone.now()
    admin_client.post("/admin/metering/gateway/", {"action": "revoke", "_selected_action": [gateway.pk]})
    stored = Gateway.objects.get(pk=gateway.pk)
    assert before <= stored.revoked_at <= timezone.now()
    assert stored.history.first().history_user == admin_user
    assert GatewayClient(gateway.key).post({"readings": [reading()]}).status_code == 401


def _change(admin_client, gateway, **extra):
    data = {"name": gateway.name, "meters": list(gateway.meters.values_list("pk", flat=True)), **extra}
    return admin_client.post(f"/admin/metering/gateway/{gateway.pk}/change/", data)


def test_a_revoked_gateways_key_stays_refused_when_its_change_form_clears_the_time(admin_client, gateway):
    gateway_revoke(gateway=gateway)
    revoked_at = Gateway.objects.get(pk=gateway.pk).revoked_at
    response = _change(admin_client, gateway, revoked_at_0="", revoked_at_1="")
    assert response.status_code == 302
    assert Gateway.objects.get(pk=gateway.pk).revoked_at == revoked_at
    assert gateway_for_key(key=gateway.key) is None


def test_the_change_form_cannot_revoke_or_move_a_gateway(admin_client, gateway, db):
    other = SiteFactory(code="OT-01")
    response = _change(admin_client, gateway, site=other.pk, revoked_at_0="2026-01-01", revoked_at_1="00:00")
    assert response.status_code == 302
    stored = Gateway.objects.get(pk=gateway.pk)
    assert (stored.site_id, stored.revoked_at) == (gateway.site_id, None)
    assert gateway_for_key(key=gateway.key) == stored


def test_the_change_form_refuses_meters_of_another_site(admin_client, gateway, meters):
    other = SiteFactory(code="OT-01")
    foreign = meter(other, "X-1")
    response = _change(admin_client, gateway, meters=[meters["E-101"].pk, foreign.pk])
    assert response.status_code == 200
    assert "X-1" in response.content.decode()
    assert sorted(Gateway.objects.get(pk=gateway.pk).meters.values_list("code", flat=True)) == [
        "E-101",
        "G-01",
    ]


def test_a_gateway_renamed_in_the_admin_is_stored_through_the_service(admin_client, admin_user, gateway):
    response = _change(admin_client, gateway, name="Line 2 gateway")
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Gateway.objects.get(pk=gateway.pk)
    assert (stored.name, stored.all_meters) == ("Line 2 gateway", False)
    assert sorted(stored.meters.values_list("code", flat=True)) == ["E-101", "G-01"]
    assert stored.history.first().history_user == admin_user
    assert gateway_for_key(key=gateway.key) == stored  # the key still works


def test_a_gateway_rename_to_a_name_taken_at_its_site_is_refused_on_the_form(admin_client, site, gateway):
    gateway_create(site=site, name="GW-2")
    response = _change(admin_client, gateway, name="GW-2")
    assert response.status_code == 200
    assert "already has a gateway named GW-2" in response.content.decode()
    assert Gateway.objects.get(pk=gateway.pk).name == "GW-1"


def test_ticking_all_meters_in_the_admin_scopes_the_gateway_to_the_whole_site(admin_client, gateway):
    response = _change(admin_client, gateway, all_meters="on", meters=[])
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Gateway.objects.get(pk=gateway.pk)
    assert (stored.all_meters, stored.meters.count()) == (True, 0)


def test_rotating_a_key_in_the_admin_shows_the_new_key_once_and_refuses_the_old(admin_client, gateway):
    gateway_revoke(gateway=gateway)
    response = admin_client.post(
        "/admin/metering/gateway/",
        {"action": "rotate_key", "_selected_action": [gateway.pk]},
        follow=True,
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    key = re.search(r"gfk_\w{8}\.\S+", shown).group(0)
    assert key != gateway.key
    assert gateway_for_key(key=key).pk == gateway.pk
    assert gateway_for_key(key=gateway.key) is None


def test_a_gateway_is_not_deleted_in_the_admin(admin_client, gateway):
    response = admin_client.post(f"/admin/metering/gateway/{gateway.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert gateway_for_key(key=gateway.key).pk == gateway.pk


# --- Meters and meter events ----------------------------------------------------------------------------


def test_the_admin_meter_form_shows_the_services_refusal_to_change_a_kind_with_readings(
    admin_client, site, meters
):
    ingest(site, [{"meter": "E-102", "ts": "2025-03-01T00:00:00+08:00", "value": 7}])
    e102 = meters["E-102"]
    response = admin_client.post(
        f"/admin/metering/meter/{e102.pk}/change/",
        {
            "code": "E-102",
            "name": "Sorting line",
            "medium": "electricity",
            "unit": "kWh",
            "kind": "interval",
            "multiplier": "1",
            "active_from_0": "2024-01-01",
            "active_from_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    assert "cannot change; register a new meter" in response.content.decode()
    assert Meter.objects.get(pk=e102.pk).kind == "register"


def test_a_meter_event_added_in_the_admin_recomputes_consumption_across_it(
    admin_client, admin_user, site, django_capture_on_commit_callbacks
):
    meter(site, "E-9")
    ingest(
        site,
        [
            {"meter": "E-9", "ts": "2025-03-01T00:00:00+08:00", "value": 900},
            {"meter": "E-9", "ts": "2025-03-03T00:00:00+08:00", "value": 50},
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/metering/meterevent/add/",
            {
                "meter": Meter.objects.get(code="E-9").pk,
                "ts_0": "2025-03-02",
                "ts_1": "00:00:00",
                "kind": "exchange",
                "old_final_value": "1000",
                "new_start_value": "0",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = MeterEvent.objects.get(meter__code="E-9")
    assert (event.created_by, event.history.first().history_user) == (admin_user, admin_user)
    # 900 -> 1000 before the exchange, 0 -> 50 after it.
    total = MeterRollup.objects.filter(meter=event.meter, granularity="day").aggregate(Sum("quantity"))
    assert total["quantity__sum"] == pytest.approx(150)


def test_a_meter_event_is_not_changed_or_deleted_in_the_admin(admin_client, site, meters):
    event = meter_event_create(
        meter=meters["E-101"],
        ts=SINCE,
        kind="reset",
        old_final_value=10,
        new_start_value=0,
    )
    changed = admin_client.post(
        f"/admin/metering/meterevent/{event.pk}/change/",
        {
            "meter": event.meter_id,
            "ts_0": "2024-01-01",
            "ts_1": "00:00",
            "kind": "reset",
            "old_final_value": "99",
            "new_start_value": "0",
        },
    )
    deleted = admin_client.post(f"/admin/metering/meterevent/{event.pk}/delete/", {"post": "yes"})
    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert MeterEvent.objects.get(pk=event.pk).old_final_value == 10


# --- Records only ingestion and the pipeline write -------------------------------------------------------


def test_a_reading_is_not_changed_deleted_or_reverted_in_the_admin(admin_client, site, meters):
    ingest(site, [{"meter": "E-101", "ts": "2025-03-01T00:00:00+08:00", "value": 7}])
    stored = Reading.objects.get()
    changed = admin_client.post(
        f"/admin/metering/reading/{stored.pk}/change/", {"meter": stored.meter_id, "value": "8"}
    )
    deleted = admin_client.post(f"/admin/metering/reading/{stored.pk}/delete/", {"post": "yes"})
    bulk = admin_client.post(
        "/admin/metering/reading/",
        {"action": "delete_selected", "_selected_action": [stored.pk], "post": "yes"},
    )
    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert bulk.status_code in (200, 302)  # "delete selected" is not offered: nothing to run
    assert Reading.objects.get().value == 7
    assert IngestBatch.objects.count() == 1


def test_the_rollups_outbox_is_read_only_in_the_admin(
    admin_client, site, meters, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ingest(
            site, [{"meter": "E-101", "ts": f"2025-03-0{day}T00:00:00+08:00", "value": day} for day in (1, 2)]
        )
    change = RollupChange.objects.get()
    before = (change.start, change.end, change.consumed_at)
    url = f"/admin/metering/rollupchange/{change.pk}/"
    listed = admin_client.get("/admin/metering/rollupchange/")
    shown = admin_client.get(f"{url}change/")
    changed = admin_client.post(
        f"{url}change/", {"site": site.pk, "start_0": "2020-01-01", "start_1": "00:00"}
    )
    deleted = admin_client.post(f"{url}delete/", {"post": "yes"})
    bulk = admin_client.post(
        "/admin/metering/rollupchange/",
        {"action": "delete_selected", "_selected_action": [change.pk], "post": "yes"},
    )
    added = admin_client.post(
        "/admin/metering/rollupchange/add/",
        {
            "site": site.pk,
            "start_0": "2025-03-01",
            "start_1": "00:00",
            "end_0": "2025-04-01",
            "end_1": "00:00",
        },
    )
    assert (listed.status_code, shown.status_code) == (200, 200)
    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert bulk.status_code in (200, 302)  # "delete selected" is not offered: nothing to run
    assert added.status_code == 302  # there is no add page: sent on to the admin's index
    stored = RollupChange.objects.get()
    assert (stored.pk, stored.start, stored.end, stored.consumed_at) == (change.pk, *before)


def test_a_finding_is_not_reverted_to_an_old_version_in_the_admin(admin_client, site, meters):
    finding = QualityFinding.objects.create(
        site=site, meter=meters["E-101"], kind="gap", start=SINCE, end=SINCE, magnitude=1, status="open"
    )
    finding.status = "explained"
    finding.note = "Planned outage"
    finding.save()
    first = finding.history.order_by("history_id").first()
    response = admin_client.post(
        f"/admin/metering/qualityfinding/{finding.pk}/history/{first.history_id}/",
        {"kind": "gap", "status": "open", "note": ""},
    )
    assert response.status_code == 403
    assert QualityFinding.objects.get(pk=finding.pk).status == "explained"


# --- Thresholds -------------------------------------------------------------------------------------------


def test_site_thresholds_set_in_the_admin_go_through_the_service(
    admin_client, admin_user, site, django_capture_on_commit_callbacks
):
    meter(site, "E-2")
    # 20 hours standing still: no flatline at the default 24 h, one at 12 h.
    ingest(
        site,
        [
            {
                "meter": "E-2",
                "ts": f"2025-03-0{1 + h // 24}T{h % 24:02d}:00:00+08:00",
                "value": 5.0 if 1 <= h <= 21 else h,
            }
            for h in range(40)
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/metering/sitequalitysettings/add/",
            {
                "site": site.pk,
                "balance_tolerance_pct": "5",
                "stale_gateway_hours": "6",
                "flatline_hours": "12",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = SiteQualitySettings.objects.get(site=site)
    assert (stored.flatline_hours, stored.history.first().history_user) == (12, admin_user)
    assert QualityFinding.objects.filter(kind="flatline", meter__code="E-2").count() == 1


def test_a_site_thresholds_site_cannot_be_changed_in_the_admin(admin_client, site):
    stored = SiteQualitySettings.objects.create(site=site)
    other = SiteFactory(code="OT-01")
    response = admin_client.post(
        f"/admin/metering/sitequalitysettings/{stored.pk}/change/",
        {"site": other.pk, "balance_tolerance_pct": "7", "stale_gateway_hours": "6", "flatline_hours": "24"},
    )
    assert response.status_code == 302
    stored.refresh_from_db()
    assert (stored.site_id, stored.balance_tolerance_pct) == (site.pk, Decimal("7"))
