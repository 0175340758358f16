"""Meter pages: the register, one meter with latest reading, gateways, events and its readings table."""

from __future__ import annotations

import datetime as dt

import pytest

from metering.models import MeterEvent

from .conftest import interval, reading

pytestmark = pytest.mark.django_db


def test_meter_list_shows_latest_readings_in_constant_queries(
    staff_client, meters, gw, django_assert_max_num_queries
):
    gw.post({"readings": [reading(value=4242), interval()]})
    with django_assert_max_num_queries(8):
        response = staff_client.get("/meters/?site=TJ-01")
    body = response.content.decode()
    assert response.status_code == 200
    assert "E-101" in body
    assert "4242" in body or "4,242" in body


def test_meter_page_shows_latest_reading_and_gateway_last_seen(staff_client, meters, gw, gateway):
    gw.post({"readings": [reading(value=4242)]})
    body = staff_client.get(f"/meters/{meters['E-101'].pk}/").content.decode()
    assert "GW-1" in body
    assert "last seen" in body
    assert "4,242" in body


def test_readings_table_filters_by_site_calendar_day(staff_client, meters, gw):
    gw.post(
        {
            "readings": [
                reading(ts="2026-11-01T00:30:00+08:00", value=1),
                reading(ts="2026-10-31T23:30:00+08:00", value=2),
            ]
        }
    )
    url = f"/meters/{meters['E-101'].pk}/?start=2026-11-01&end=2026-11-01"
    response = staff_client.get(url)
    assert response.context["page_obj"].paginator.count == 1


def test_readings_export_csv_and_excel(staff_client, meters, gw):
    gw.post({"readings": [reading(value=7)]})
    url = f"/meters/{meters['E-101'].pk}/"
    csv_response = staff_client.get(url + "?export=csv")
    text = b"".join(csv_response.streaming_content).decode()
    assert "E-101" in text
    assert "2026-11-01T10:15:00+08:00" in text
    xlsx = staff_client.get(url + "?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_staff_record_a_reset_on_the_meter_page_in_site_time(staff_client, meters):
    url = f"/meters/{meters['E-101'].pk}/events/"
    response = staff_client.post(
        url, {"ts": "2026-11-01T12:00", "kind": "reset", "old_final_value": "99990", "new_start_value": "0"}
    )
    assert response.status_code == 302
    assert MeterEvent.objects.get().ts == dt.datetime(2026, 11, 1, 4, 0, tzinfo=dt.UTC)


def test_a_bad_event_keeps_the_input_and_says_why(staff_client, meters):
    url = f"/meters/{meters['E-101'].pk}/events/"
    response = staff_client.post(
        url, {"ts": "", "kind": "reset", "old_final_value": "-1", "new_start_value": "0"}
    )
    assert response.status_code == 400
    assert b'value="-1"' in response.content
    assert MeterEvent.objects.count() == 0


def test_energy_area_links_meters_and_imports(staff_client):
    body = staff_client.get("/energy/").content.decode()
    assert "/meters/" in body
    assert "/meters/imports/" in body


def test_meter_page_queries_do_not_grow_with_readings(
    staff_client, meters, gw, django_assert_max_num_queries
):
    url = f"/meters/{meters['E-101'].pk}/"
    gw.post({"readings": [reading(ts=f"2026-11-01T10:{m:02d}:00+08:00", value=m) for m in range(3)]})
    with django_assert_max_num_queries(14) as few:
        staff_client.get(url)
    baseline = len(few.captured_queries)
    gw.post({"readings": [reading(ts=f"2026-11-01T11:{m:02d}:00+08:00", value=100 + m) for m in range(40)]})
    with django_assert_max_num_queries(baseline):
        staff_client.get(url)


@pytest.mark.parametrize(
    "path",
    [
        "/meters/?site=NOPE&medium=plasma&page=zzz",
        "/meters/{pk}/?start=not-a-date&end=2026-13-45&quality=x&page=-1",
        "/meters/{pk}/?export=xlsx&start=garbage",
        "/meters/999999/",
        "/meters/imports/999999/",
        "/api/v1/readings/?start=abc&meter=xyz",
        "/api/v1/meters/?medium=plasma&site=NOPE",
        "/api/v1/meter-events/?meter=abc",
    ],
)
def test_bad_query_parameters_never_cause_a_server_error(staff_client, meters, path):
    response = staff_client.get(path.format(pk=meters["E-101"].pk))
    assert response.status_code < 500
