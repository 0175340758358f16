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


@pytest.fixture
def worker_on_test_database(transactional_db):
    from django.conf import settings
    from django.db import connection

    from tests.services import need

    need_broker()
    need(connection.vendor == "postgresql", "a worker process sees the test's data only on PostgreSQL")
    db = settings.DATABASES["default"]
    database_url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    with celery_worker(queues="default", hostname="gf-failure-test", database_url=database_url) as process:
        yield process


def test_a_task_failing_in_a_real_worker_is_recorded_with_the_id_of_the_request_that_sent_it(
    worker_on_test_database, settings
):
    import structlog

    from greenfactory.celery import app
    from greenfactory.core.models import TaskFailure
    from greenfactory.core.tasks import health_check

    app.conf.task_always_eager = False
    try:
        with structlog.contextvars.bound_contextvars(request_id="req-worker-1"):
            # An argument the task does not take: it fails in the worker, as a task sent by an
            # older or newer web process would.
            result = app.send_task(health_check.name, args=["unexpected"], queue="default")
        deadline = time.monotonic() + 60
        while not TaskFailure.objects.filter(task_id=result.id).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    row = TaskFailure.objects.get(task_id=result.id)
    assert (row.name, row.state, row.attempts, row.queue) == (
        "greenfactory.health_check",
        "failed",
        1,
        "default",
    )
    assert row.exception_type == "TypeError"
    assert row.request_id == "req-worker-1"
    assert row.arguments == {"args": ["unexpected"], "kwargs": {}}
    assert worker_on_test_database.poll() is None
