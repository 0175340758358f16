"""Prometheus metrics: what operators watch, at an internal-only endpoint (``/metrics``).

- Requests and latencies per view come from django-prometheus's middleware.
- Ingestion: reading rows received through the API, by outcome (accepted, duplicate, conflict,
  corrected, rejected; replayed for a batch answered from its earlier result).
- Celery: each task's runtime, failures and retries, recorded by the worker that ran it.
- The pipeline at scrape time, read from the database and the broker: pending dirty ranges and
  rollup changes (metering's outbox) with the age of the oldest, failed ones, and each queue's depth.

Under gunicorn with several workers (and Celery workers on the same host) set
``PROMETHEUS_MULTIPROC_DIR`` to a folder they share: prometheus_client then keeps each process's
counters in files there and the endpoint adds them up (``deploy/gunicorn.conf.py`` clears a dead
worker's live gauges). Without it each process answers its own counters, which is right for the
embedded single-process mode.
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

INGEST_OUTCOMES = ("accepted", "duplicate", "conflict", "corrected", "rejected")
QUEUES = ("default", "ingest", "kpi", "dossier")

INGEST_ROWS = Counter(
    "greenfactory_ingest_rows", "Reading rows received through the readings API, by outcome.", ["outcome"]
)
TASK_SECONDS = Histogram(
    "greenfactory_task_seconds",
    "Runtime of Celery tasks, by task name.",
    ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)
TASK_FAILURES = Counter("greenfactory_task_failures", "Celery tasks that raised, by task name.", ["task"])
TASK_RETRIES = Counter("greenfactory_task_retries", "Celery tasks sent to retry, by task name.", ["task"])

_started: dict[str, float] = {}


def ingest_record(result: Any) -> None:
    """Count a batch's rows by outcome (an ``IngestResult``); a replayed batch counts as replayed."""
    if result.replayed:
        INGEST_ROWS.labels("replayed").inc(result.rows)
        return
    for outcome in INGEST_OUTCOMES:
        count = getattr(result, outcome)
        if count:
            INGEST_ROWS.labels(outcome).inc(count)


def task_started(task_id: str) -> None:
    _started[task_id] = time.monotonic()


def task_finished(task_id: str, name: str) -> None:
    began = _started.pop(task_id, None)
    if began is not None:
        TASK_SECONDS.labels(name).observe(time.monotonic() - began)


def task_failed(name: str) -> None:
    TASK_FAILURES.labels(name).inc()


def task_retried(name: str) -> None:
    TASK_RETRIES.labels(name).inc()


_scrape_collectors: list[Any] = []


def collector_register(collector: Any) -> None:
    """Add a collector read at every scrape (an app's own gauges, from its ``ready``)."""
    if collector not in _scrape_collectors:
        _scrape_collectors.append(collector)


def age_seconds(oldest) -> float:
    """Seconds since ``oldest`` (0 when there is none)."""
    return max((timezone.now() - oldest).total_seconds(), 0.0) if oldest is not None else 0.0


class QueueCollector:
    """Messages waiting per Celery queue, read from the broker when Prometheus scrapes."""

    def collect(self) -> Iterator[Metric]:
        depths = queue_depths()
        if depths is not None:
            family = GaugeMetricFamily(
                "greenfactory_queue_depth", "Messages waiting per Celery queue.", labels=["queue"]
            )
            for queue, depth in depths.items():
                family.add_metric([queue], depth)
            yield family


def queue_depths() -> dict[str, int] | None:
    """Messages waiting in each queue of a Redis broker; None without one (the embedded mode) or
    when it does not answer (the pending ranges above still tell the story)."""
    url = settings.CELERY_BROKER_URL
    if not url or not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        return {queue: int(client.llen(queue)) for queue in QUEUES}
    except redis.RedisError:
        return None


def metrics_allowed(address: str) -> bool:
    """Whether the scraping address lies in METRICS_ALLOWED_NETWORKS (loopback by default)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_NETWORKS)


def metrics_text() -> bytes:
    """Every metric in Prometheus's text format: this process's (or, in multi-process mode, every
    process's) counters, then the pipeline's gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        own = generate_latest(registry)
    else:
        own = generate_latest(REGISTRY)
    scraped = CollectorRegistry()
    scraped.register(QueueCollector())
    for collector in _scrape_collectors:
        scraped.register(collector)
    return own + generate_latest(scraped)
