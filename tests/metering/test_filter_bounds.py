"""Meter-id filters refuse numbers no meter id can have with a 400, never a database error."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/meter-events/", "/api/v1/readings/"])
@pytest.mark.parametrize("value", ["-1.7976931348623157e+308", "1e30", "0.5"])
def test_out_of_range_meter_id_is_a_400(staff_client, url, value):
    assert staff_client.get(url, {"meter": value}).status_code == 400
