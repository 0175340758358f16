"""Queueing Celery tasks from services.

Tasks call services, so a service never imports its app's ``tasks`` module: it queues a task by its
registered name, once the transaction that made the work commits (the import-linter contracts in
pyproject.toml keep it that way). The task object is looked up in the Celery app's registry, so the
embedded mode's eager execution applies exactly as with ``task.delay``.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def task_send(name: str, *args: Any, **kwargs: Any) -> None:
    """Send the task registered as ``name`` now (outside a transaction, or when its work is already
    committed)."""
    tasks = current_app.tasks
    if name not in tasks:
        # Outside a worker the apps' tasks modules are imported on first need (Celery's
        # autodiscovery runs when the default modules are imported).
        current_app.loader.import_default_modules()
    tasks[name].delay(*args, **kwargs)


def task_after_commit(name: str, *args: Any, **kwargs: Any) -> None:
    """Send the task registered as ``name`` once the current transaction commits (at once when none is
    open); nothing is sent if it rolls back.

    The work it follows is committed by then, so nothing that happens in sending (a broker that is
    down) or, in the embedded eager mode, in running the task may fail the caller: a request that
    stored its rows must say so. The error is logged, and the periodic sweepers pick the work up."""
    transaction.on_commit(lambda: _send_logged(name, *args, **kwargs))


def _send_logged(name: str, *args: Any, **kwargs: Any) -> None:
    try:
        task_send(name, *args, **kwargs)
    except Exception:  # noqa: BLE001 - see task_after_commit
        logger.exception("Task %s could not be sent or failed; its sweeper will retry the work", name)
