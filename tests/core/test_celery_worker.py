"""A real Celery worker, in its own process, takes the health task from Redis and answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings

from tests.services import need


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


@pytest.fixture
def worker():
    url = settings.CELERY_BROKER_URL
    need(bool(url), "CELERY_BROKER_URL is not set, so there is no broker for a real worker")
    need(_redis_answers(url), f"the broker at {url} does not answer")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "greenfactory.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "greenfactory",
            "worker",
            "--pool=solo",
            "--queues=default,ingest,kpi,dossier",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--hostname=gf-test@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


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
