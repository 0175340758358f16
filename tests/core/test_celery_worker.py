"""A real Celery worker, in its own process, takes the health task from Redis and answers."""

from __future__ import annotations

import time

import pytest

from tests.celery_worker import celery_worker, need_broker


@pytest.fixture
def worker():
    need_broker()
    with celery_worker(queues="default,ingest,kpi,dossier", hostname="gf-test") as process:
        yield process


def test_real_worker_runs_the_health_task_through_redis(worker, settings):
    from greenfactory.celery import app
    from greenfactory.core.tasks import health_check

    app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        result = health_check.apply_async(queue="default")
        answer = result.get(timeout=max(1, deadline - time.monotonic()))
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    assert answer["database"] == "ok"
    assert answer["worker"]
    assert result.status == "SUCCESS"
    assert worker.poll() is None  # the worker is still alive, it did not crash on the task
