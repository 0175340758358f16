"""Log lines carry the request id of the page or API call behind them; production writes JSON."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest
import structlog
from django.test import override_settings
from django.urls import reverse

from greenfactory.core.logs import logging_config

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """Every record of the request middleware's logger, rendered as production renders it."""
    config = logging_config(fmt="json", level="INFO", quiet={})
    formatter = logging.config.dictConfigClass(config).configure_custom(
        dict(config["formatters"]["structured"])
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger("django_structlog")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    logger.removeHandler(handler)
    logger.setLevel(previous)


def test_every_line_of_a_request_carries_the_id_answered_in_its_header(client, staff_user, json_lines):
    client.force_login(staff_user)
    response = client.get(reverse("home"))
    request_id = response["X-Request-ID"]
    assert len(request_id) == 36  # a uuid, chosen by the application
    lines = [line for line in json_lines() if line.get("request_id") == request_id]
    events = {line["event"] for line in lines}
    assert {"request_started", "request_finished"} <= events
    finished = next(line for line in lines if line["event"] == "request_finished")
    assert finished["code"] == 200
    assert finished["user_id"] == staff_user.pk
    assert finished["ip"] == "127.0.0.1"
    assert finished["level"] == "info"
    assert finished["timestamp"].endswith("Z")


def test_two_requests_get_different_ids(client):
    first = client.get(reverse("login"))["X-Request-ID"]
    second = client.get(reverse("login"))["X-Request-ID"]
    assert first
    assert second
    assert first != second


def test_a_client_cannot_choose_its_request_id_unless_a_proxy_is_trusted(client):
    assert client.get(reverse("login"), HTTP_X_REQUEST_ID="forged")["X-Request-ID"] != "forged"
    with override_settings(DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID=True):
        assert client.get(reverse("login"), HTTP_X_REQUEST_ID="nginx-5f1c")["X-Request-ID"] == "nginx-5f1c"


def test_a_task_sent_by_a_request_carries_its_request_id_in_the_task_headers():
    """django-structlog's publish receiver is connected: a worker binds the id from these headers."""
    from celery.signals import before_task_publish

    headers: dict = {}
    with structlog.contextvars.bound_contextvars(request_id="req-7"):
        before_task_publish.send(sender="greenfactory.health_check", headers=headers, body={}, properties={})
    assert headers["__django_structlog__"]["request_id"] == "req-7"


def test_application_log_calls_render_as_json_with_the_bound_ids():
    config = logging_config(fmt="json", level="INFO", quiet={})
    formatter = logging.config.dictConfigClass(config).configure_custom(
        dict(config["formatters"]["structured"])
    )
    record = logging.LogRecord(
        "metering.ingest", logging.WARNING, __file__, 1, "batch %s refused", ("B-9",), None
    )
    with structlog.contextvars.bound_contextvars(request_id="req-9"):
        line = json.loads(formatter.format(record))
    assert line == {
        "event": "batch B-9 refused",
        "level": "warning",
        "logger": "metering.ingest",
        "request_id": "req-9",
        "timestamp": line["timestamp"],
    }


def test_an_unknown_log_format_is_refused_at_start():
    with pytest.raises(ValueError, match="LOG_FORMAT must be one of json, plain"):
        logging_config(fmt="xml", level="INFO", quiet={})


def test_production_settings_log_json_by_default(monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "gf.example.com")
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    sys.modules.pop("greenfactory.settings.production", None)
    production = importlib.import_module("greenfactory.settings.production")
    try:
        formatter = production.LOGGING["formatters"]["structured"]
        assert isinstance(formatter["processors"][-1], structlog.processors.JSONRenderer)
        assert production.DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID is True
    finally:
        sys.modules.pop("greenfactory.settings.production", None)
