"""The metrics endpoint: only from allowed networks; ingestion rows by outcome, task runtimes and
failures, and the pipeline's pending work as Prometheus reads them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from greenfactory.core import metrics
from metering.models import DirtyRange
from tests.metering.helpers import meter

pytestmark = pytest.mark.django_db


def scrape(client: Client | None = None, address: str = "127.0.0.1") -> str:
    answer = (client or Client()).get("/metrics", REMOTE_ADDR=address)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain")
    return answer.content.decode()


def value(text: str, name: str, labels: str = "") -> float:
    pattern = re.escape(name + (f"{{{labels}}}" if labels else "")) + r" ([0-9.e+-]+)"
    found = re.search(pattern, text)
    return float(found.group(1)) if found else 0.0


def test_only_allowed_networks_may_scrape_and_others_get_a_plain_404():
    assert Client().get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404
    assert Client().get("/metrics", REMOTE_ADDR="not-an-address").status_code == 404
    assert Client().post("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 405
    assert "greenfactory_queue_depth" in scrape() or "greenfactory_pending_dirty_ranges" in scrape()


def test_pending_dirty_ranges_and_the_oldest_age_are_read_atscrape(site):
    m = meter(site, "E-MAIN")
    text = scrape()
    pending = value(text, "greenfactory_pending_dirty_ranges")
    DirtyRange.objects.create(meter=m, start="2025-03-01T00:00:00Z", end="2025-03-02T00:00:00Z")
    text = scrape()
    assert value(text, "greenfactory_pending_dirty_ranges") == pending + 1
    assert value(text, "greenfactory_pending_dirty_ranges_oldest_seconds") >= 0
    assert "greenfactory_pending_rollup_changes " in text


def test_task_runtimes_failures_and_retries_are_counted():
    name = "tests.metrics_probe"
    before = scrape()
    metrics.task_started("probe-1")
    metrics.task_finished("probe-1", name)
    metrics.task_failed(name)
    metrics.task_retried(name)
    after = scrape()
    label = f'task="{name}"'
    assert (
        value(after, "greenfactory_task_seconds_count", label)
        == value(before, "greenfactory_task_seconds_count", label) + 1
    )
    assert value(after, "greenfactory_task_failures_total", label) == 1 + value(
        before, "greenfactory_task_failures_total", label
    )
    assert value(after, "greenfactory_task_retries_total", label) == 1 + value(
        before, "greenfactory_task_retries_total", label
    )


def test_a_task_run_by_celery_is_timed_through_its_signals(settings):
    from greenfactory.core.tasks import health_check

    label = 'task="greenfactory.health_check"'
    before = value(scrape(), "greenfactory_task_seconds_count", label)
    health_check.apply()
    assert value(scrape(), "greenfactory_task_seconds_count", label) == before + 1


def test_requests_are_counted_by_django_prometheus(staff_client):
    staff_client.get("/")
    assert "django_http_requests_total_by_method_total" in scrape()


def test_the_public_proxy_never_serves_the_metrics():
    for conf in ("greenfactory.conf", "compose.conf"):
        text = (Path(settings.BASE_DIR) / "deploy" / "nginx" / conf).read_text()
        assert re.search(r"location = /metrics \{\s*return 404;\s*\}", text), conf


def test_a_broker_that_does_not_answer_leaves_out_the_queue_depths_only(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    text = scrape()
    assert "greenfactory_queue_depth{" not in text
    assert "greenfactory_pending_dirty_ranges " in text  # the pipeline is still told
