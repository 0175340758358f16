import pytest
from django.test import override_settings

from greenfactory.core.tasks import health_check


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client, settings):
    response = client.get("/healthz")
    body = response.json()
    assert body["database"] == "ok"
    if settings.CELERY_BROKER_URL:
        assert body["broker"] == "ok"
    else:
        assert body["broker"] == "not configured"
    assert response.status_code == 200
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_unreachable(client):
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "broker": "unavailable",
        "pipeline_failures": 0,
    }


@pytest.mark.django_db
def test_health_task_runs_in_process_and_reaches_the_database():
    result = health_check.delay().get(timeout=10)
    assert result["database"] == "ok"
    assert result["worker"]
