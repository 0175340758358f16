"""POST /api/v1/readings/: every bad input, idempotency, conflicts, corrections, atomic mode, limits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from metering.models import DirtyRange, IngestBatch, Reading, ReadingCorrection

from .conftest import GatewayClient, interval, reading

pytestmark = pytest.mark.django_db


def _stored():
    return sorted(
        (r.meter.code, r.start, r.ts, r.value, r.quality) for r in Reading.objects.select_related("meter")
    )


def test_valid_batch_is_stored_in_utc_with_source_and_batch(gw, gateway):
    response = gw.post(
        {"batch_id": "b1", "readings": [reading(value=12345.6, quality="estimated"), interval()]}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["duplicate"], body["conflict"], body["rejected"]) == (2, 0, 0, 0)
    register = Reading.objects.get(meter__code="E-101")
    assert register.ts == dt.datetime(2026, 11, 1, 2, 15, tzinfo=dt.UTC)
    assert register.value == 12345.6
    assert register.quality == "estimated"
    assert register.source == "gateway"
    assert register.batch.gateway == gateway
    assert register.batch.client_batch_id == "b1"
    gas = Reading.objects.get(meter__code="G-01")
    assert (gas.start, gas.ts) == (
        dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 1, 2, 15, tzinfo=dt.UTC),
    )


def test_every_accepted_write_records_a_dirty_range_per_meter(gw):
    gw.post(
        {
            "readings": [
                reading(ts="2026-11-01T10:00:00+08:00"),
                reading(ts="2026-11-01T12:00:00+08:00", value=150),
                interval(),
            ]
        }
    )
    ranges = {d.meter.code: (d.start, d.end) for d in DirtyRange.objects.select_related("meter")}
    assert ranges["E-101"] == (
        dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 1, 4, 0, tzinfo=dt.UTC),
    )
    assert ranges["G-01"] == (
        dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 1, 2, 15, tzinfo=dt.UTC),
    )
    assert all(d.consumed_at is None for d in DirtyRange.objects.all())


def test_resent_batch_id_answers_the_same_result_and_changes_nothing(gw):
    batch = {
        "batch_id": "retry-1",
        "readings": [reading(), reading(ts="2026-11-01T10:30:00+08:00", value=101)],
    }
    first = gw.post(batch).json()
    second = gw.post(batch)
    assert second.status_code == 200
    assert second.json()["replayed"] is True
    assert second.json()["accepted"] == first["accepted"] == 2
    assert Reading.objects.count() == 2
    assert IngestBatch.objects.count() == 1
    assert DirtyRange.objects.count() == 1


def test_different_readings_under_a_used_batch_id_are_a_409_that_says_so(gw):
    gw.post({"batch_id": "retry-1", "readings": [reading()]})
    response = gw.post({"batch_id": "retry-1", "readings": [reading(value=999)]})
    assert response.status_code == 409
    assert response.json()["code"] == "batch_id_reused"
    assert "retry-1" in response.json()["detail"]
    assert list(Reading.objects.values_list("value", flat=True)) == [100.0]
    assert IngestBatch.objects.count() == 1


def test_the_same_rows_without_batch_id_are_duplicates_and_change_nothing(gw):
    rows = [reading(), interval()]
    gw.post({"readings": rows})
    before = _stored()
    response = gw.post({"readings": rows})
    assert response.status_code == 200
    assert response.json()["duplicate"] == 2
    assert response.json()["accepted"] == 0
    assert _stored() == before
    assert DirtyRange.objects.count() == 1 + 1  # the first write's E-101 and G-01 only


def test_a_different_value_at_a_stored_key_is_a_conflict_and_keeps_the_old_value(gw):
    gw.post({"readings": [reading(value=100)]})
    response = gw.post({"readings": [reading(value=105), reading(ts="2026-11-01T10:30:00+08:00", value=110)]})
    assert response.status_code == 207
    body = response.json()
    assert body["conflict"] == 1
    assert body["accepted"] == 1
    assert body["errors"] == [
        {"index": 0, "meter": "E-101", "reason": body["errors"][0]["reason"], "status": 409}
    ]
    assert "correction" in body["errors"][0]["reason"]
    assert Reading.objects.get(ts=dt.datetime(2026, 11, 1, 2, 15, tzinfo=dt.UTC)).value == 100


def test_only_conflicts_answer_409(gw):
    gw.post({"readings": [reading(value=100)]})
    assert gw.post({"readings": [reading(value=105)]}).status_code == 409
    assert list(Reading.objects.values_list("value", flat=True)) == [100]  # the stored value stands
    assert not ReadingCorrection.objects.exists()


def test_a_correction_replaces_the_value_and_keeps_the_old_one_with_who_and_when(gw, gateway):
    gw.post({"readings": [reading(value=100)]})
    response = gw.post({"readings": [reading(value=105, correction=True, quality="substituted")]})
    assert response.status_code == 200
    assert response.json()["corrected"] == 1
    stored = Reading.objects.get()
    assert (stored.value, stored.quality) == (105, "substituted")
    history = ReadingCorrection.objects.get()
    assert (history.old_value, history.old_quality, history.new_value) == (100, "actual", 105)
    assert history.gateway == gateway
    assert history.corrected_at <= timezone.now()
    # The corrected range is dirty again for recomputation.
    assert DirtyRange.objects.filter(batch=history.batch).count() == 1


def test_a_staff_correction_records_the_user(staff_client, staff_user, site, gw):
    gw.post({"readings": [reading(value=100)]})
    response = staff_client.post(
        "/api/v1/readings/?site=TJ-01",
        data={"readings": [reading(value=90, correction=True)]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert ReadingCorrection.objects.get().corrected_by == staff_user
    assert Reading.objects.get().source == "gateway"  # the source of the original reading stays


def test_valid_rows_are_stored_and_every_bad_row_listed(gw):
    response = gw.post({"readings": [reading(), reading(ts="2026-11-01T10:15:00"), reading(value="abc")]})
    assert response.status_code == 207
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (1, 2)
    assert [(e["index"], e["meter"]) for e in body["errors"]] == [(1, "E-101"), (2, "E-101")]
    assert Reading.objects.count() == 1


def test_atomic_mode_stores_nothing_when_one_row_is_bad(gw):
    response = gw.post({"readings": [reading(), reading(value="NaN")]}, query="?atomic=true")
    assert response.status_code == 400
    body = response.json()
    assert body["stored"] is False
    assert body["accepted"] == 0
    assert [e["index"] for e in body["errors"]] == [1]
    assert Reading.objects.count() == 0
    assert DirtyRange.objects.count() == 0


def test_atomic_mode_stores_nothing_when_one_row_conflicts(gw):
    gw.post({"readings": [reading(value=100)]})
    response = gw.post(
        {"readings": [reading(ts="2026-11-01T11:00:00+08:00", value=120), reading(value=101)]},
        query="?atomic=true",
    )
    assert response.status_code == 409
    assert response.json()["stored"] is False
    assert list(Reading.objects.values_list("value", flat=True)) == [100]
    assert IngestBatch.objects.count() == 1
    assert DirtyRange.objects.count() == 1  # the first upload's only


BAD_ROWS = [
    pytest.param({"ts": "2026-11-01T10:15:00+08:00", "value": 1}, "missing field: meter", id="missing-meter"),
    pytest.param(reading(ts=None), "send ts", id="missing-ts"),
    pytest.param({"meter": "E-101", "ts": "2026-11-01T10:15:00+08:00"}, "value", id="missing-value"),
    pytest.param(reading(meter="E-102"), "may not send", id="meter-outside-scope"),
    pytest.param(reading(meter="NOPE"), "may not send", id="unknown-meter-looks-the-same"),
    pytest.param(reading(ts="2026-11-01T10:15:00"), "UTC offset", id="naive-timestamp"),
    pytest.param(reading(ts="yesterday"), "ISO 8601", id="not-a-time"),
    pytest.param(reading(ts=12345), "ISO 8601", id="time-not-a-string"),
    pytest.param(reading(value="NaN"), "finite", id="nan"),
    pytest.param(reading(value="Infinity"), "finite", id="infinity"),
    pytest.param(reading(value="12,5"), "not a number", id="not-a-number"),
    pytest.param(reading(value=True), "not a number", id="boolean-value"),
    pytest.param(reading(value=-1), "negative", id="negative-register"),
    pytest.param(interval(value=-1), "negative", id="negative-interval"),
    pytest.param(interval(start="2026-11-01T10:15:00+08:00"), "end after", id="empty-interval"),
    pytest.param(reading(meter="G-01"), "interval meter", id="ts-for-interval-meter"),
    pytest.param(interval(meter="E-101"), "cumulative register", id="interval-for-register"),
    pytest.param(reading(ts="2020-01-01T00:00:00+00:00"), "not active", id="before-active"),
    pytest.param(reading(quality="guess"), "quality", id="bad-quality"),
    pytest.param(reading(correction="maybe"), "correction", id="bad-correction-flag"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_a_bad_row_is_refused_with_its_reason_and_nothing_is_stored(gw, row, reason):
    response = gw.post({"batch_id": "bad", "readings": [row]})
    assert 400 <= response.status_code < 500
    body = response.json()
    assert body["rejected"] == 1
    assert body["accepted"] == 0
    assert reason in body["errors"][0]["reason"]
    assert body["errors"][0]["index"] == 0
    assert Reading.objects.count() == 0
    assert DirtyRange.objects.count() == 0


def test_out_of_scope_rows_answer_403_without_revealing_whether_the_meter_exists(gw):
    other = gw.post({"readings": [reading(meter="E-102")]})
    unknown = gw.post({"readings": [reading(meter="NO-SUCH")]})
    assert other.status_code == unknown.status_code == 403
    assert other.json()["errors"][0]["reason"] == unknown.json()["errors"][0]["reason"]
    assert not Reading.objects.exists()


def test_a_virtual_meter_takes_no_readings(gateway, meters, gw):
    gateway.all_meters = True
    gateway.save()
    response = gw.post({"readings": [reading(meter="E-REST")]})
    assert response.status_code == 400
    assert "virtual" in response.json()["errors"][0]["reason"]
    assert not Reading.objects.exists()


def test_an_inactive_meter_refuses_readings_after_its_end(meters, gw):
    meter = meters["E-101"]
    meter.active_to = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    meter.save()
    response = gw.post({"readings": [reading()]})
    assert response.status_code == 400
    assert "not active" in response.json()["errors"][0]["reason"]
    assert not Reading.objects.exists()


def test_a_time_more_than_five_minutes_ahead_is_refused(gw):
    soon = (timezone.now() + dt.timedelta(minutes=2)).isoformat()
    later = (timezone.now() + dt.timedelta(minutes=10)).isoformat()
    response = gw.post({"readings": [reading(ts=soon), reading(ts=later, value=101)]})
    assert response.status_code == 207
    assert [e["index"] for e in response.json()["errors"]] == [1]
    assert "future" in response.json()["errors"][0]["reason"]
    assert list(Reading.objects.values_list("value", flat=True)) == [100.0]  # the row 2 minutes ahead


def test_the_same_key_twice_in_a_batch_with_different_values_refuses_both(gw):
    response = gw.post({"readings": [reading(value=1), reading(value=2), interval()]})
    assert response.status_code == 207
    body = response.json()
    assert [e["index"] for e in body["errors"]] == [0, 1]
    assert body["accepted"] == 1
    assert not Reading.objects.filter(meter__code="E-101").exists()


def test_the_same_key_twice_in_a_batch_with_the_same_value_is_stored_once(gw):
    response = gw.post({"readings": [reading(value=1), reading(value=1)]})
    assert response.status_code == 200
    assert (response.json()["accepted"], response.json()["duplicate"]) == (1, 1)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"{not json", id="malformed-json"),
        pytest.param(
            b'{"readings": [{"meter": "E-101", "ts": "2026-11-01T10:15:00+08:00", "value": NaN}]}',
            id="nan-literal",
        ),
        pytest.param(b"[]", id="not-an-object"),
        pytest.param(b'{"readings": 5}', id="readings-not-a-list"),
        pytest.param(b'{"readings": [5]}', id="row-not-an-object"),
        pytest.param(b'{"batch_id": 7, "readings": []}', id="batch-id-not-a-string"),
        pytest.param(b"", id="empty-body"),
    ],
)
def test_a_malformed_json_body_is_a_400_and_stores_nothing(gw, body):
    response = gw.post(body)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert Reading.objects.count() == 0


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("meter,value\nE-101,1\n", id="header-without-time"),
        pytest.param("meter,ts,value\nE-101,2026-11-01T10:15:00+08:00\n", id="short-line"),
        pytest.param("meter,ts,ts,value\n", id="column-twice"),
        pytest.param('meter,ts,value\n"E-101,2026-11-01T10:15:00+08:00,1\n', id="unclosed-quote"),
    ],
)
def test_a_malformed_csv_body_is_a_400_and_stores_nothing(gw, text):
    response = gw.post(csv=text)
    assert response.status_code == 400, response.content
    assert Reading.objects.count() == 0


def test_another_media_type_is_a_415(gw):
    response = gw.client.post(
        "/api/v1/readings/",
        data=b"<x/>",
        content_type="application/xml",
        HTTP_AUTHORIZATION=f"Api-Key {gw.key}",
    )
    assert response.status_code == 415
    assert not IngestBatch.objects.exists()


def test_json_and_csv_store_the_same_rows(gateway, meters):
    json_gateway = GatewayClient(gateway.key)
    rows = [
        reading(ts="2026-11-01T10:00:00+08:00", value=100),
        reading(ts="2026-11-01T10:15:00+08:00", value=101.25, quality="estimated"),
        interval(value=3.5),
    ]
    assert json_gateway.post({"readings": rows}).status_code == 200
    from_json = _stored()
    Reading.objects.all().delete()
    text = (
        "meter,ts,start,end,value,quality\n"
        "E-101,2026-11-01T10:00:00+08:00,,,100,\n"
        "E-101,2026-11-01T10:15:00+08:00,,,101.25,estimated\n"
        "G-01,,2026-11-01T10:00:00+08:00,2026-11-01T10:15:00+08:00,3.5,actual\n"
    )
    response = json_gateway.post(csv=text)
    assert response.status_code == 200, response.json()
    assert _stored() == from_json


def test_csv_with_a_register_header_and_a_batch_id_in_the_query(gw):
    text = "meter,ts,value\r\nE-101,2026-11-01T10:00:00+08:00,100\r\nE-101,2026-11-01T10:15:00Z,101\r\n"
    assert gw.post(csv=text, query="?batch_id=csv-1").json()["accepted"] == 2
    assert gw.post(csv=text, query="?batch_id=csv-1").json()["replayed"] is True


def test_gzip_bodies_are_accepted(gw):
    response = gw.post({"readings": [reading(), interval()]}, gzipped=True)
    assert response.status_code == 200
    assert Reading.objects.count() == 2


def test_a_broken_gzip_body_is_a_400(gw):
    response = gw.client.post(
        "/api/v1/readings/",
        data=b"not gzip",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Api-Key {gw.key}",
        HTTP_CONTENT_ENCODING="gzip",
    )
    assert response.status_code == 400
    assert not IngestBatch.objects.exists()


@override_settings(INGEST_MAX_ROWS=3)
def test_too_many_rows_is_a_413_naming_the_limit(gw):
    rows = [reading(ts=f"2026-11-01T10:{m:02d}:00+08:00", value=m) for m in range(4)]
    response = gw.post({"readings": rows})
    assert response.status_code == 413
    assert "3" in response.json()["detail"]
    assert Reading.objects.count() == 0


@override_settings(INGEST_MAX_BYTES=200)
def test_a_body_over_the_byte_limit_is_a_413_naming_the_limit(gw):
    rows = [reading(ts=f"2026-11-01T10:{m:02d}:00+08:00", value=m) for m in range(10)]
    response = gw.post({"readings": rows})
    assert response.status_code == 413
    assert "200 bytes" in response.json()["detail"]
    assert not Reading.objects.exists()


@override_settings(INGEST_MAX_UNCOMPRESSED_BYTES=500)
def test_a_gzip_body_that_inflates_past_the_limit_is_a_413(gw):
    rows = [reading(ts=f"2026-11-01T10:{m:02d}:00+08:00", value=m) for m in range(30)]
    response = gw.post({"readings": rows}, gzipped=True)
    assert response.status_code == 413
    assert "500 bytes" in response.json()["detail"]
    assert not Reading.objects.exists()


@override_settings(GATEWAY_THROTTLE_RATE="2/min")
def test_a_gateway_sending_too_fast_gets_429_with_retry_after(gw):
    assert gw.post({"readings": [reading()]}).status_code == 200
    assert gw.post({"readings": [reading()]}).status_code == 200
    response = gw.post({"readings": [reading(ts="2026-11-01T11:00:00+08:00")]})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Reading.objects.count() == 1  # the throttled row was not stored


def test_staff_must_name_the_site(staff_client, meters):
    response = staff_client.post(
        "/api/v1/readings/", data={"readings": [reading()]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "site" in response.json()
    assert not Reading.objects.exists()


def test_staff_upload_is_manual_and_may_reach_every_meter_of_the_site(staff_client, meters):
    response = staff_client.post(
        "/api/v1/readings/?site=TJ-01",
        data={"readings": [reading(meter="E-102"), reading(meter="NOPE")]},
        content_type="application/json",
    )
    assert response.status_code == 207
    assert response.json()["errors"][0]["reason"] == "unknown meter at this site."
    assert Reading.objects.get().source == "manual"


def test_gateway_last_seen_is_recorded_per_meter(gw, gateway, meters):
    gw.post(
        {
            "readings": [
                reading(ts="2026-11-01T10:00:00+08:00"),
                reading(ts="2026-11-01T11:00:00+08:00", value=101),
            ]
        }
    )
    seen = meters["E-101"].seen_by.get()
    assert seen.gateway == gateway
    assert seen.last_reading_ts == dt.datetime(2026, 11, 1, 3, 0, tzinfo=dt.UTC)


def test_readings_list_filters_by_meter(staff_client, gw, meters):
    gw.post({"readings": [reading(), interval()]})
    response = staff_client.get(f"/api/v1/readings/?meter={meters['G-01'].pk}")
    assert response.status_code == 200
    assert [r["meter"] for r in response.json()["results"]] == ["G-01"]


def test_a_register_going_down_is_stored_for_recomputation_to_judge(gw):
    """A rollover (with a register maximum) or a reset shows as a decrease; ingestion keeps it and
    marks the range dirty; recomputation decides with the register maximum and meter events."""
    response = gw.post(
        {
            "readings": [
                reading(ts="2026-11-01T10:00:00+08:00", value=99990),
                reading(ts="2026-11-01T11:00:00+08:00", value=15),
            ]
        }
    )
    assert response.status_code == 200
    assert sorted(Reading.objects.values_list("value", flat=True)) == [15, 99990]
    assert DirtyRange.objects.count() == 1
