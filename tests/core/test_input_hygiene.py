import gzip
import json

import pytest
from rest_framework.test import APIClient

from greenfactory.sites.models import ProductionRecord


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_nul_in_a_form_field_is_a_clear_400(site, staff_user):
    response = _api(staff_user).post(
        "/api/v1/production-records/",
        "site=TJ-01%00&period_start=2026-01-01&period_end=2026-01-31&material=x&kind=processed&tonnes=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert not ProductionRecord.objects.exists()


@pytest.mark.django_db
def test_nul_in_json_is_a_clear_400(site, staff_user):
    body = json.dumps({"site": "TJ-01\u0000", "material": "x"})
    response = _api(staff_user).generic(
        "POST", "/api/v1/production-records/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.django_db
def test_nul_in_a_query_parameter_is_a_clear_400(staff_client):
    assert staff_client.get("/sites/production/?material=a%00b").status_code == 400


@pytest.mark.django_db
def test_nul_in_uploaded_readings_is_refused_not_a_server_error(site, staff_user):
    payload = {"readings": [{"meter": "E\u0000-101", "ts": "2026-11-28T10:15:00+08:00", "value": 1}]}
    api = _api(staff_user)
    plain = api.generic("POST", "/api/v1/readings/", json.dumps(payload), content_type="application/json")
    assert 400 <= plain.status_code < 500
    zipped = api.generic(
        "POST",
        "/api/v1/readings/",
        gzip.compress(json.dumps(payload).encode()),
        content_type="application/json",
        HTTP_CONTENT_ENCODING="gzip",
    )
    assert 400 <= zipped.status_code < 500
