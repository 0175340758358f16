"""Administrators register meters and gateways in Django admin through the same services."""

from __future__ import annotations

import re

import pytest

from metering.models import Gateway, Meter
from metering.services.gateways import gateway_for_key

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
