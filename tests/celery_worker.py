"""A real Celery worker in its own process, for tests that prove work goes through Redis."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator

from django.conf import settings

from tests.services import need


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


def need_broker() -> str:
    url = settings.CELERY_BROKER_URL
    need(bool(url), "CELERY_BROKER_URL is not set, so there is no broker for a real worker")
    need(redis_answers(url), f"the broker at {url} does not answer")
    return url


@contextlib.contextmanager
def celery_worker(
    *, queues: str, hostname: str, database_url: str | None = None
) -> Iterator[subprocess.Popen]:
    """Run `celery worker` on the given queues until the block ends; None keeps the suite's database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "greenfactory.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "greenfactory",
            "worker",
            "--pool=solo",
            f"--queues={queues}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            f"--hostname={hostname}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
