import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start",
    [
        "3010-10-28T03:43:24-23:52",
        "2026-11-28T10:00:00+15:59",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:00:00-10:00",
    ],
)
def test_reading_time_filters_with_extreme_offsets_answer_normally(staff_client, start):
    response = staff_client.get("/api/v1/readings/", {"start": start})
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("meter", ["-1.0054003716852453e+191", "99999999999999999999999", "0", "abc"])
def test_reading_meter_filter_outside_the_id_range_is_a_clear_400(staff_client, meter):
    response = staff_client.get("/api/v1/readings/", {"meter": meter})
    assert response.status_code == 400
    assert "meter" in response.json()
