"""Meters: units per medium, virtual-meter formulas, the meters API, and reset/exchange events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from greenfactory.core.exceptions import AlreadyExists, DomainError
from metering.choices import Medium, MeterKind
from metering.models import DirtyRange, Meter, MeterEvent
from metering.services.meters import meter_create, meter_event_create, meter_update
from metering.units import UnitError, canonical_unit, conversion_factor
from metering.virtual_meters import FormulaError, formula_parse

from .conftest import SINCE, reading

pytestmark = pytest.mark.django_db


def _meter(site, code, **fields):
    base = {
        "name": code,
        "medium": Medium.ELECTRICITY,
        "unit": "kWh",
        "kind": MeterKind.REGISTER,
        "active_from": SINCE,
    }
    return meter_create(site=site, code=code, **{**base, **fields})


@pytest.mark.parametrize(
    ("medium", "unit", "canonical"),
    [
        (Medium.ELECTRICITY, "MWh", "kWh"),
        (Medium.NATURAL_GAS, "m3", "m3"),
        (Medium.NATURAL_GAS, "Nm3", "m3"),
        (Medium.STEAM, "t", "t"),
        (Medium.STEAM, "GJ", "GJ"),
        (Medium.DIESEL, "L", "L"),
        (Medium.DIESEL, "kg", "kg"),
        (Medium.WATER, "L", "m3"),
    ],
)
def test_units_that_measure_the_medium_are_accepted(medium, unit, canonical):
    assert canonical_unit(medium=medium, unit=unit) == canonical


@pytest.mark.parametrize(
    ("medium", "unit"), [(Medium.ELECTRICITY, "m3"), (Medium.WATER, "kWh"), (Medium.HEAT, "bananas")]
)
def test_units_that_do_not_measure_the_medium_are_refused(medium, unit):
    with pytest.raises(UnitError):
        canonical_unit(medium=medium, unit=unit)


def test_conversion_goes_through_the_units_library():
    assert conversion_factor(unit="MWh", to="kWh") == pytest.approx(1000)
    assert conversion_factor(unit="L", to="m3") == pytest.approx(0.001)


def test_a_meter_with_a_wrong_unit_is_refused_with_the_field(site):
    with pytest.raises(ValidationError) as info:
        _meter(site, "E-1", unit="m3")
    assert "unit" in info.value.message_dict


def test_meter_codes_are_unique_per_site(site):
    _meter(site, "E-1")
    with pytest.raises(AlreadyExists):
        _meter(site, "E-1")


def test_the_same_code_may_exist_at_another_site(site):
    from tests.factories import SiteFactory

    _meter(site, "E-1")
    _meter(SiteFactory(code="SH-01"), "E-1")


def test_formula_parser_accepts_brackets_bare_codes_numbers_and_parentheses():
    formula = formula_parse("[E-MAIN] - ([E-101] + M2) * 0.5 / 2 + -M3")
    assert formula.meter_codes == {"E-MAIN", "E-101", "M2", "M3"}
    assert formula.evaluate({"E-MAIN": 100, "E-101": 10, "M2": 30, "M3": 1}) == pytest.approx(89.0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "__import__('os').system('x')",
        "M1.real",
        "M1 ** 2",
        "M1 if M2 else M3",
        "[M1",
        "M1 -",
        "'text' + M1",
        "lambda: 1",
        "[E-1] - []",
        "2 + 3",
        "M1 // M2",
        "True + M1",
    ],
)
def test_formula_parser_refuses_anything_outside_the_allow_list(text):
    with pytest.raises(FormulaError):
        formula_parse(text)


def test_a_virtual_meter_refuses_unknown_meters(site):
    _meter(site, "E-1")
    with pytest.raises(ValidationError, match="Unknown meters at this site: E-9"):
        _meter(site, "V-1", is_virtual=True, formula="[E-1] - [E-9]")


def test_a_virtual_meter_refuses_other_media(site):
    _meter(site, "E-1")
    _meter(site, "G-1", medium=Medium.NATURAL_GAS, unit="m3")
    with pytest.raises(ValidationError, match="G-1"):
        _meter(site, "V-1", is_virtual=True, formula="[E-1] + [G-1]")


def test_a_virtual_meter_refuses_cycles_directly_and_through_others(site):
    _meter(site, "E-1")
    with pytest.raises(ValidationError, match="cycle"):
        _meter(site, "V-1", is_virtual=True, formula="[E-1] - [V-1]")
    v1 = _meter(site, "V-1", is_virtual=True, formula="[E-1] * 0.5")
    _meter(site, "V-2", is_virtual=True, formula="[V-1] + 1")
    with pytest.raises(ValidationError, match="cycle"):
        meter_update(meter=v1, formula="[E-1] - [V-2]")


def test_a_formula_without_virtual_and_virtual_without_formula_are_refused(site):
    with pytest.raises(ValidationError):
        _meter(site, "V-1", is_virtual=True, formula="")
    with pytest.raises(ValidationError):
        _meter(site, "E-1", formula="[E-2]")


def test_parent_must_be_at_the_same_site_and_not_loop(site):
    from tests.factories import SiteFactory

    main = _meter(site, "E-MAIN")
    sub = _meter(site, "E-1", parent=main)
    with pytest.raises(ValidationError):
        meter_update(meter=main, parent=sub)
    other = _meter(SiteFactory(code="SH-01"), "E-X")
    with pytest.raises(ValidationError):
        meter_update(meter=sub, parent=other)


def test_kind_cannot_change_once_a_meter_has_readings(site, meters, gw):
    gw.post({"readings": [reading()]})
    with pytest.raises(ValidationError, match="cannot change"):
        meter_update(meter=meters["E-101"], kind=MeterKind.INTERVAL, register_max=None)
    stored = Meter.objects.get(pk=meters["E-101"].pk)
    assert (stored.kind, stored.register_max) == (MeterKind.REGISTER, 99999)


def test_meters_api_staff_create_and_auditor_read(staff_client, auditor_client, site):
    payload = {
        "site": "TJ-01",
        "code": "W-01",
        "name": "Water main",
        "medium": "water",
        "unit": "m3",
        "kind": "register",
        "active_from": "2025-01-01T00:00:00+08:00",
    }
    created = staff_client.post("/api/v1/meters/", payload, content_type="application/json")
    assert created.status_code == 201, created.json()
    again = staff_client.post(
        "/api/v1/meters/", {**payload, "name": "Twice"}, content_type="application/json"
    )
    assert again.status_code == 409
    assert Meter.objects.get(code="W-01").name == "Water main"  # the first one stands
    wrong = staff_client.post(
        "/api/v1/meters/", {**payload, "code": "W-02", "unit": "kWh"}, content_type="application/json"
    )
    assert wrong.status_code == 400
    assert "unit" in wrong.json()
    listed = auditor_client.get("/api/v1/meters/?site=TJ-01")
    assert [m["code"] for m in listed.json()["results"]] == ["W-01"]
    refused = auditor_client.post(
        "/api/v1/meters/", {**payload, "code": "W-03"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert list(Meter.objects.values_list("code", flat=True)) == ["W-01"]


def test_meters_api_refuses_a_bad_formula_with_400(staff_client, meters):
    response = staff_client.post(
        "/api/v1/meters/",
        {
            "site": "TJ-01",
            "code": "V-9",
            "name": "Bad",
            "medium": "electricity",
            "unit": "kWh",
            "is_virtual": True,
            "formula": "[E-101] - [NOPE]",
            "active_from": "2025-01-01T00:00:00Z",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "NOPE" in response.json()["formula"][0]
    assert not Meter.objects.filter(code="V-9").exists()


def test_a_reset_event_is_recorded_and_marks_the_range_dirty(staff_client, meters):
    meter = meters["E-101"]
    response = staff_client.post(
        "/api/v1/meter-events/",
        {
            "meter": meter.pk,
            "ts": "2026-11-01T12:00:00+08:00",
            "kind": "reset",
            "old_final_value": 54321.5,
            "new_start_value": 0,
            "note": "Register replaced after a lightning strike",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    event = MeterEvent.objects.get()
    assert (event.old_final_value, event.new_start_value) == (54321.5, 0)
    assert event.ts == dt.datetime(2026, 11, 1, 4, 0, tzinfo=dt.UTC)
    assert DirtyRange.objects.filter(meter=meter, start=event.ts).exists()
    duplicate = staff_client.post(
        "/api/v1/meter-events/",
        {
            "meter": meter.pk,
            "ts": "2026-11-01T12:00:00+08:00",
            "kind": "exchange",
            "old_final_value": 1,
            "new_start_value": 0,
        },
        content_type="application/json",
    )
    assert duplicate.status_code == 409
    stored = MeterEvent.objects.get()  # still the reset, with its values
    assert (stored.kind, stored.old_final_value) == ("reset", 54321.5)


def test_events_are_for_registers_only_and_need_sane_values(staff_client, meters):
    gas = staff_client.post(
        "/api/v1/meter-events/",
        {
            "meter": meters["G-01"].pk,
            "ts": "2026-11-01T12:00:00+08:00",
            "kind": "reset",
            "old_final_value": 1,
            "new_start_value": 0,
        },
        content_type="application/json",
    )
    assert gas.status_code == 400
    negative = staff_client.post(
        "/api/v1/meter-events/",
        {
            "meter": meters["E-101"].pk,
            "ts": "2026-11-01T12:00:00+08:00",
            "kind": "exchange",
            "old_final_value": -1,
            "new_start_value": 0,
        },
        content_type="application/json",
    )
    assert negative.status_code == 400
    assert not MeterEvent.objects.exists()
    assert not DirtyRange.objects.exists()


def test_an_exchange_through_the_service_keeps_the_old_and_new_values(meters, staff_user):
    event = meter_event_create(
        meter=meters["E-101"],
        ts=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
        kind="exchange",
        old_final_value=99990,
        new_start_value=12,
        by=staff_user,
    )
    assert event.created_by == staff_user
    assert event.history.first().history_user == staff_user


def test_rollover_needs_the_register_maximum(meters):
    """The register maximum is the highest value shown before 0: 99999 for five digits."""
    assert meters["E-101"].register_max == 99999
    assert meters["E-102"].register_max is None


def test_meters_api_patch_changes_a_meter_and_refuses_moving_it(staff_client, meters):
    from tests.factories import SiteFactory

    SiteFactory(code="SH-01")
    url = f"/api/v1/meters/{meters['E-102'].pk}/"
    assert staff_client.patch(url, {"name": "Sorting"}, content_type="application/json").status_code == 200
    assert staff_client.patch(url, {"site": "SH-01"}, content_type="application/json").status_code == 400
    meters["E-102"].refresh_from_db()
    assert (meters["E-102"].name, meters["E-102"].site.code) == ("Sorting", "TJ-01")


def test_an_event_needs_an_aware_time(meters):
    with pytest.raises(DomainError, match="UTC offset"):
        meter_event_create(
            meter=meters["E-101"],
            ts=dt.datetime(2026, 11, 2),
            kind="reset",
            old_final_value=1,
            new_start_value=0,
        )
    assert MeterEvent.objects.count() == 0
