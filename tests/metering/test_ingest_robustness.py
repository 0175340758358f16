"""What a real plant's gateways send: multi-member gzip, chunked bodies, reused batch ids, corrupted
registers, times at the edges of the calendar, odd JSON types, and uploads from a signed-in page."""

from __future__ import annotations

import gzip
import io

import orjson
import pytest
from django.test import Client

from metering.models import IngestBatch, Reading
from tests.metering.conftest import URL, interval, reading

pytestmark = pytest.mark.django_db


def _values() -> list[float]:
    return sorted(Reading.objects.values_list("value", flat=True))


# --- bodies -----------------------------------------------------------------------------------------


def test_every_member_of_a_multi_member_gzip_body_is_read(gw):
    body = orjson.dumps({"readings": [reading(), reading(ts="2026-11-01T10:30:00+08:00", value=101)]})
    half = len(body) // 2  # each member holds half of the document: only both together parse
    members = gzip.compress(body[:half]) + gzip.compress(body[half:])
    response = gw.post(members, HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 200, response.content
    assert response.json()["rows"] == response.json()["accepted"] == 2
    assert _values() == [100.0, 101.0]


def test_garbage_after_a_gzip_member_is_a_400_and_stores_nothing(gw):
    body = gzip.compress(orjson.dumps({"readings": [reading()]})) + b"not gzip"
    response = gw.post(body, HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 400
    assert "gzip" in response.json()["detail"]
    assert not Reading.objects.exists()


def _chunked(gateway, data: bytes) -> object:
    """A POST as a proxy that re-chunks it sends it: no Content-Length, Transfer-Encoding: chunked
    (the server has already decoded the chunks when the application reads its input)."""
    return Client().generic(
        "POST",
        URL,
        data=b"",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Api-Key {gateway.key}",
        HTTP_TRANSFER_ENCODING="chunked",
        CONTENT_LENGTH="",
        **{"wsgi.input": io.BytesIO(data)},
    )


def test_a_chunked_body_without_content_length_is_read(gateway):
    response = _chunked(gateway, orjson.dumps({"readings": [reading(), interval()]}))
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == 2
    assert Reading.objects.count() == 2


def test_a_chunked_body_over_the_limit_is_a_413(gateway, settings):
    settings.INGEST_MAX_BYTES = 1000
    response = _chunked(gateway, orjson.dumps({"readings": [reading()] * 50}))
    assert response.status_code == 413
    assert "1000" in response.json()["detail"]
    assert not Reading.objects.exists()


# --- batch ids ----------------------------------------------------------------------------------------


def test_a_refused_batch_does_not_block_its_corrected_resend(gw):
    bad = gw.post({"batch_id": "b-1", "readings": [reading(value="x")]})
    assert bad.status_code == 400
    assert bad.json()["stored"] is False
    fixed = gw.post({"batch_id": "b-1", "readings": [reading()]})
    assert fixed.status_code == 200
    assert fixed.json()["replayed"] is False
    assert _values() == [100.0]


def test_a_partly_refused_batch_can_be_resent_corrected_under_its_id(gw):
    first = gw.post(
        {"batch_id": "b-2", "readings": [reading(), reading(ts="2026-11-01T10:30:00+08:00", value="x")]}
    )
    assert first.status_code == 207
    again = gw.post(
        {"batch_id": "b-2", "readings": [reading(), reading(ts="2026-11-01T10:30:00+08:00", value=101)]}
    )
    assert again.status_code == 200
    assert again.json()["accepted"] == 1
    assert again.json()["duplicate"] == 1
    assert _values() == [100.0, 101.0]


def test_a_conflict_can_be_resent_with_correction_under_the_same_id(gw):
    gw.post({"readings": [reading()]})
    conflict = gw.post({"batch_id": "b-3", "readings": [reading(value=120)]})
    assert conflict.status_code == 409
    assert conflict.json()["stored"] is False
    corrected = gw.post({"batch_id": "b-3", "readings": [reading(value=120, correction=True)]})
    assert corrected.status_code == 200
    assert corrected.json()["corrected"] == 1
    assert _values() == [120.0]


def test_an_atomic_refusal_follows_the_same_rule(gw):
    refused = gw.post({"batch_id": "b-4", "readings": [reading(), reading(value="x")]}, query="?atomic=true")
    assert refused.status_code == 400
    assert refused.json()["stored"] is False
    fixed = gw.post({"batch_id": "b-4", "readings": [reading()]}, query="?atomic=true")
    assert fixed.status_code == 200
    assert _values() == [100.0]
    replay = gw.post({"batch_id": "b-4", "readings": [reading()]}, query="?atomic=true")
    assert replay.json()["replayed"] is True
    assert IngestBatch.objects.filter(client_batch_id="b-4").count() == 1


def test_the_same_batch_in_csv_and_json_spelling_is_one_body(gw):
    gw.post(
        {
            "batch_id": "b-5",
            "readings": [{"value": 100.0, "ts": "2026-11-01T10:15:00+08:00", "meter": "E-101"}],
        }
    )
    replay = gw.post({"batch_id": "b-5", "readings": [reading()]})
    assert replay.status_code == 200
    assert replay.json()["replayed"] is True


# --- rows ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (reading(ts="0001-01-01T00:00:00+08:00"), "outside the years"),
        (reading(ts="9999-12-31T23:00:00-08:00"), "outside the years"),
        (interval(start="0001-01-01T00:00:00+14:00"), "outside the years"),
        (reading(ts="1989-12-31T23:00:00+00:00"), "outside the years"),
        (reading(ts="2026-11-01T10:00:00x+08:00"), "ISO 8601"),
        (reading(ts="2026-11-01T10:00:00+08:00 junk"), "ISO 8601"),
        (reading(quality=["actual"]), "quality"),
        (reading(quality={"a": 1}), "quality"),
        (reading(correction=[True]), "correction"),
        (reading(correction={"x": True}), "correction"),
        (reading(value=3.4028235e38), "largest plausible value"),
        (reading(value=100000), "largest plausible value"),  # E-101's register shows at most 99999
    ],
)
def test_an_odd_row_is_refused_with_its_reason_and_the_rest_is_stored(gw, row, reason):
    good = reading(ts="2026-11-01T11:00:00+08:00", value=105)
    response = gw.post({"readings": [good, row]})
    assert response.status_code == 207, response.content
    body = response.json()
    assert body["accepted"] == 1
    assert body["stored"] is True
    assert [e["index"] for e in body["errors"]] == [1]
    assert reason in body["errors"][0]["reason"]
    assert _values() == [105.0]


def test_the_value_ceiling_is_configured_per_medium(gw, settings):
    settings.INGEST_VALUE_CEILINGS = {"natural_gas": 50.0}
    response = gw.post({"readings": [interval(value=60.0), reading(value=60.0)]})
    assert response.status_code == 207
    assert [e["meter"] for e in response.json()["errors"]] == ["G-01"]
    assert _values() == [60.0]


def test_an_answer_that_stored_nothing_never_says_stored(gw):
    response = gw.post({"readings": [reading(value="x")]})
    assert response.status_code == 400
    assert response.json()["stored"] is False
    assert not Reading.objects.exists()


# --- session uploads ------------------------------------------------------------------------------------


def _signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # sets the CSRF cookie as a page does
    client.force_login(user)
    return client


def test_staff_upload_from_a_signed_in_page_with_the_csrf_token_is_stored(staff_user, meters):
    client = _signed_in(staff_user)
    token = client.cookies["csrftoken"].value
    response = client.post(
        URL + "?site=TJ-01",
        data=orjson.dumps({"readings": [reading()]}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200, response.content
    assert _values() == [100.0]


def test_a_session_upload_without_the_csrf_token_is_a_403(staff_user, meters):
    client = _signed_in(staff_user)
    response = client.post(
        URL + "?site=TJ-01", data=orjson.dumps({"readings": [reading()]}), content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Reading.objects.exists()


def test_an_auditor_session_upload_is_a_403(auditor_user, meters):
    client = _signed_in(auditor_user)
    token = client.cookies["csrftoken"].value
    response = client.post(
        URL + "?site=TJ-01",
        data=orjson.dumps({"readings": [reading()]}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 403
    assert not Reading.objects.exists()


# --- units --------------------------------------------------------------------------------------------


def test_a_row_in_a_compatible_unit_is_converted_to_the_meters_unit(gw):
    response = gw.post({"readings": [reading(value=0.1, unit="MWh"), interval(value=2000, unit="L")]})
    assert response.status_code == 200, response.content
    stored = dict(Reading.objects.values_list("meter__code", "value"))
    assert stored == {"E-101": pytest.approx(100.0), "G-01": pytest.approx(2.0)}


def test_a_csv_unit_column_is_read(gw):
    response = gw.post(csv="meter,ts,value,unit\nE-101,2026-11-01T10:15:00+08:00,0.25,MWh\n")
    assert response.status_code == 200, response.content
    assert _values() == [250.0]


@pytest.mark.parametrize(("unit", "reason"), [("m3", "cannot be converted to kWh"), ("kWh+", "not a unit")])
def test_a_row_in_an_incompatible_or_unknown_unit_is_refused(gw, unit, reason):
    response = gw.post({"readings": [reading(unit=unit), reading(ts="2026-11-01T11:00:00+08:00")]})
    assert response.status_code == 207
    assert reason in response.json()["errors"][0]["reason"]
    assert _values() == [100.0]


@pytest.mark.parametrize("unit", ["kWh+", "kWh)", "*", "1/0"])
def test_a_meter_with_a_malformed_unit_is_a_400_naming_it(staff_client, site, unit):
    payload = {
        "site": "TJ-01",
        "code": "E-900",
        "name": "Odd",
        "medium": "electricity",
        "unit": unit,
        "kind": "register",
        "active_from": "2025-01-01T00:00:00+08:00",
    }
    response = staff_client.post("/api/v1/meters/", payload, content_type="application/json")
    assert response.status_code == 400
    assert unit in response.json()["unit"][0]
    assert not Reading.objects.exists()
