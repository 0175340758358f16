"""Gateway keys: hashed, shown once, revocable, last use recorded; a key opens the readings endpoint only."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import get_resolver

from metering.models import Gateway, IngestBatch, Meter, Reading
from metering.services.gateways import gateway_for_key, gateway_revoke, gateway_rotate_key
from tests.test_access_matrix import _concrete, _walk

from .conftest import GatewayClient, reading

pytestmark = pytest.mark.django_db


def test_only_a_hash_of_the_key_is_stored(gateway):
    stored = Gateway.objects.get(pk=gateway.pk)
    assert gateway.key not in (stored.key_hash, stored.key_prefix)
    assert stored.key_hash == hashlib.sha256(gateway.key.encode()).hexdigest()
    assert gateway.key.startswith(f"gfk_{stored.key_prefix}.")
    assert len(gateway.key) > 40


def test_keys_are_random(site, meters):
    from metering.services.gateways import gateway_create

    keys = {gateway_create(site=site, name=f"gw-{n}").key for n in range(3)}
    assert len(keys) == 3


def test_a_wrong_or_malformed_key_is_401(gateway, meters):
    for key in (gateway.key[:-1] + "x", "gfk_nope", "Bearer", gateway.key.replace("gfk_", "")):
        response = GatewayClient(key).post({"readings": [reading()]})
        assert response.status_code == 401, key
    assert Reading.objects.count() == 0


def test_a_revoked_key_is_refused_at_once(gateway, gw):
    assert gw.post({"readings": [reading()]}).status_code == 200
    gateway_revoke(gateway=Gateway.objects.get(pk=gateway.pk))
    assert gateway_for_key(key=gateway.key) is None
    assert gw.post({"readings": [reading(ts="2026-11-01T11:00:00+08:00")]}).status_code == 401
    assert list(Reading.objects.values_list("value", flat=True)) == [100.0]  # only the first upload
    assert IngestBatch.objects.count() == 1


def test_a_rotated_key_replaces_the_old_one(gateway, gw):
    issued = gateway_rotate_key(gateway=Gateway.objects.get(pk=gateway.pk))
    assert gw.post({"readings": [reading()]}).status_code == 401
    assert not Reading.objects.exists()
    assert GatewayClient(issued.key).post({"readings": [reading()]}).status_code == 200
    assert Reading.objects.get().batch.gateway_id == gateway.pk


def test_last_use_time_and_address_are_recorded(gateway, gw):
    assert Gateway.objects.get(pk=gateway.pk).last_used_at is None
    gw.post({"readings": [reading()]}, REMOTE_ADDR="10.1.2.3")
    stored = Gateway.objects.get(pk=gateway.pk)
    assert stored.last_used_at is not None
    assert stored.last_used_from == "10.1.2.3"


def test_a_gateway_key_reaches_only_the_readings_upload(gateway, meters, site):
    """Every other URL, whatever the method, refuses a request that carries only a gateway key."""
    samples = {
        "code": site.code,
        "pk": str(meters["E-101"].pk),
        "object_id": "1",
        "id": "1",
        "app_label": "metering",
        "content_type_id": "1",
        "history_id": "1",
        "kind": "refrigerant-refills",
        "clause_id": "1",
        "indicator": "1",
        "item": "1",
        "coproduct": "1",
        "uidb64": "MQ",
        "token": "not-a-token",
    }
    key = {"HTTP_AUTHORIZATION": f"Api-Key {gateway.key}"}
    client = GatewayClient(gateway.key).client
    problems = []
    for name, pattern in _walk(get_resolver()):
        path = _concrete(pattern, samples)
        if name in ("api:reading-list",) or path.startswith(
            (
                "/i18n/",
                "/accounts/login/",
                "/accounts/password/reset/",
                "/admin/login/",
                "/admin/logout/",
                "/healthz",
                "/metrics",  # scoped by network, not by key (tests/core/test_metrics.py)
            )
        ):
            continue
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            response = client.generic(method, path, **key)
            location = response.get("Location", "")
            refused = response.status_code in (401, 403, 405) or (
                response.status_code == 302 and "login" in location
            )
            if not refused:
                problems.append(f"{method} {path} -> {response.status_code}")
    assert not problems, "\n".join(problems)
    # Reading the readings list is also refused: a gateway only uploads.
    assert client.get("/api/v1/readings/", **key).status_code == 403
    assert not Reading.objects.exists()
    assert Meter.objects.count() == len(meters)


def test_a_gateway_user_signed_in_with_a_session_cannot_upload(gateway, meters):
    from django.test import Client

    client = Client()
    client.force_login(gateway.user)
    response = client.post(
        "/api/v1/readings/", data={"readings": [reading()]}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Reading.objects.exists()


def test_create_gateway_command_prints_the_key_once_and_scopes_meters(site, meters):
    out = StringIO()
    call_command(
        "create_gateway",
        "--site",
        site.code,
        "--meters",
        "E-101,G-01",
        "--name",
        "line-1",
        stdout=out,
        stderr=StringIO(),
    )
    key = out.getvalue().strip()
    gateway = gateway_for_key(key=key)
    assert gateway.name == "line-1"
    assert sorted(gateway.meters.values_list("code", flat=True)) == ["E-101", "G-01"]
    assert not gateway.all_meters
    assert GatewayClient(key).post({"readings": [reading(meter="E-102")]}).status_code == 403
    assert not Reading.objects.exists()


def test_create_gateway_command_without_meters_scopes_all_and_refuses_unknown_codes(site, meters):
    out = StringIO()
    call_command("create_gateway", "--site", site.code, stdout=out, stderr=StringIO())
    assert gateway_for_key(key=out.getvalue().strip()).all_meters
    with pytest.raises(CommandError, match="NOPE"):
        call_command("create_gateway", "--site", site.code, "--meters", "NOPE", stdout=StringIO())
    with pytest.raises(CommandError, match="No site"):
        call_command("create_gateway", "--site", "XX", stdout=StringIO())


def test_gateway_create_refuses_foreign_meters_a_taken_name_and_a_malformed_fixed_key(site, meters):
    from greenfactory.core.exceptions import DomainError
    from metering.services.gateways import gateway_create
    from metering.services.meters import meter_create
    from tests.factories import SiteFactory

    elsewhere = meter_create(
        site=SiteFactory(code="SH-01"),
        code="X-1",
        name="x",
        medium="water",
        unit="m3",
        kind="register",
        active_from=meters["E-101"].active_from,
    )
    with pytest.raises(DomainError, match="X-1"):
        gateway_create(site=site, name="gw", meters=[elsewhere])
    gateway_create(site=site, name="gw")
    with pytest.raises(DomainError, match="already has a gateway"):
        gateway_create(site=site, name="gw")
    with pytest.raises(DomainError, match="gfk_"):
        gateway_create(site=site, name="other", key="not-a-key")
    assert Gateway.objects.filter(site=site).count() == 1


def test_gateway_update_refuses_meters_of_another_site_and_a_taken_name_and_changes_nothing(
    site, gateway, meters
):
    from greenfactory.core.exceptions import DomainError
    from metering.services.gateways import gateway_create, gateway_update
    from tests.factories import SiteFactory

    from .helpers import meter

    foreign = meter(SiteFactory(code="SH-01"), "X-1")
    gateway_create(site=site, name="GW-2")
    with pytest.raises(DomainError, match="X-1") as refused:
        gateway_update(gateway=gateway, name="Renamed", meters=[meters["E-102"], foreign])
    assert refused.value.field == "meters"
    with pytest.raises(DomainError, match="already has a gateway named GW-2") as taken:
        gateway_update(gateway=gateway, name="GW-2", meters=None)
    assert taken.value.field == "name"
    stored = Gateway.objects.get(pk=gateway.pk)
    assert (stored.name, stored.all_meters) == ("GW-1", False)
    assert sorted(stored.meters.values_list("code", flat=True)) == ["E-101", "G-01"]
    assert stored.history.count() == 1


def test_gateway_update_keeps_the_scope_when_meters_are_left_out_and_records_who(
    site, gateway, meters, staff_user
):
    from metering.services.gateways import gateway_update

    gateway_update(gateway=gateway, name="GW-1", by=staff_user)  # its own name is not "taken"
    renamed = gateway_update(gateway=gateway, name="Boiler house", by=staff_user)
    assert sorted(renamed.meters.values_list("code", flat=True)) == ["E-101", "G-01"]
    assert renamed.history.first().history_user == staff_user
    rescoped = gateway_update(gateway=gateway, name="Boiler house", meters=[meters["E-102"]])
    assert list(rescoped.meters.values_list("code", flat=True)) == ["E-102"]
    whole_site = gateway_update(gateway=gateway, name="Boiler house", meters=None)
    assert (whole_site.all_meters, whole_site.meters.count()) == (True, 0)
    assert GatewayClient(gateway.key).post({"readings": [reading(meter="E-102")]}).status_code == 200
