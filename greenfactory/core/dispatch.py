"""Queueing Celery tasks from services.

Tasks call services, so a service never imports its app's ``tasks`` module: it queues a task by its
registered name, once the transaction that made the work commits (the import-linter contracts in
pyproject.toml keep it that way). The task object is looked up in the Celery app's registry, so the
embedded mode's eager execution applies exactly as with ``task.delay``.
"""

from __future__ import annotations

from typing import Any

from celery import current_app
from django.db import transaction


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
    open); nothing is sent if it rolls back."""
    transaction.on_commit(lambda: task_send(name, *args, **kwargs))
