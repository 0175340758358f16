"""Failed and retried Celery tasks, kept for administrators (shown in the admin).

Called from the worker's signals (greenfactory.celery). Recording never raises: a task that failed
because the database is down cannot be recorded there, and its failure is still in the logs and
the metrics; the task's own outcome is never changed by this bookkeeping.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from greenfactory.core.logs import current_request_id
from greenfactory.core.models import TaskFailure

logger = logging.getLogger(__name__)

RETRYING = TaskFailure.State.RETRYING
RECOVERED = TaskFailure.State.RECOVERED
FAILED = TaskFailure.State.FAILED

MESSAGE_LIMIT = 2_000
TRACEBACK_LIMIT = 20_000
ARGUMENTS_LIMIT = 8_000  # bytes of JSON kept to send the task again


def record(
    *,
    state: str,
    task_id: str,
    name: str,
    queue: str = "",
    args: Any = None,
    kwargs: Any = None,
    exception: BaseException | str | None = None,
    traceback: str = "",
) -> TaskFailure | None:
    """Note a retry or a final failure of ``task_id``; the same task's rows are one row."""
    if not task_id or not name:
        return None
    try:
        return _record(
            state=state,
            task_id=task_id,
            name=name,
            queue=queue,
            args=args,
            kwargs=kwargs,
            exception=exception,
            traceback=traceback,
        )
    except Exception:
        logger.exception("task_failure_not_recorded", extra={"task_id": task_id, "task": name})
        return None


def _record(
    *,
    state: str,
    task_id: str,
    name: str,
    queue: str,
    args: Any,
    kwargs: Any,
    exception: BaseException | str | None,
    traceback: str,
) -> TaskFailure:
    now = timezone.now()
    arguments, arguments_text = _arguments(args, kwargs)
    exception_type, message = _describe(exception)
    with transaction.atomic():
        row = TaskFailure.objects.select_for_update().filter(task_id=task_id).first()
        if row is None:
            row = TaskFailure(task_id=task_id, first_seen=now, request_id=current_request_id()[:100])
        row.name = name[:200]
        row.queue = queue[:100] or row.queue
        row.state = state
        row.attempts += 1
        row.exception_type = exception_type[:200]
        row.message = message[:MESSAGE_LIMIT]
        row.traceback = traceback[-TRACEBACK_LIMIT:]
        row.arguments = arguments
        row.arguments_text = arguments_text
        row.last_seen = now
        # A task failing again after someone resolved it is a new problem to look at.
        row.resolved_at = None
        row.resolved_by = None
        row.resolution = ""
        row.save()
    return row


def record_success(*, task_id: str, retries: int) -> None:
    """A task that succeeded after ``retries`` retries: its retry row says it recovered."""
    if not retries:
        return  # never retried, so nothing was recorded: no query for the common case
    try:
        TaskFailure.objects.filter(task_id=task_id, state=RETRYING).update(state=RECOVERED)
    except Exception:
        logger.exception("task_recovery_not_recorded", extra={"task_id": task_id})


def resolve(*, failure: TaskFailure, by: Any, resolution: str) -> TaskFailure:
    """An administrator has dealt with the failure (fixed the cause, or sent the task again)."""
    failure.resolved_at = timezone.now()
    failure.resolved_by = by
    failure.resolution = resolution[:MESSAGE_LIMIT]
    failure.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return failure


def send_again(*, failure: TaskFailure, by: Any) -> str | None:
    """Send a failed task again with its recorded arguments (tasks are idempotent by design) and
    resolve the row with the new task's id. None when the arguments were not kept (too large) or no
    task of that name exists any more."""
    from celery import current_app

    task = current_app.tasks.get(failure.name)
    if failure.arguments is None or task is None:
        return None
    options = {"queue": failure.queue} if failure.queue else {}
    # Through the task itself, so the embedded mode (no broker) runs it in-process as it runs every task.
    result = task.apply_async(
        args=failure.arguments.get("args", []), kwargs=failure.arguments.get("kwargs", {}), **options
    )
    resolve(failure=failure, by=by, resolution=f"sent again as {result.id}")
    return str(result.id)


def prune(*, keep_days: int) -> int:
    """Forget resolved and recovered rows older than ``keep_days``; unresolved failures stay."""
    cutoff = timezone.now() - timedelta(days=keep_days)
    deleted, _ = (
        TaskFailure.objects.filter(last_seen__lt=cutoff)
        .filter(Q(resolved_at__isnull=False) | Q(state=RECOVERED))
        .delete()
    )
    return deleted


def _arguments(args: Any, kwargs: Any) -> tuple[dict | None, str]:
    payload = {"args": list(args or []), "kwargs": dict(kwargs or {})}
    try:
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return None, repr(payload)[:MESSAGE_LIMIT]
    if len(text.encode()) > ARGUMENTS_LIMIT:
        return None, text[:MESSAGE_LIMIT]
    return payload, text


def _describe(exception: BaseException | str | None) -> tuple[str, str]:
    if exception is None:
        return "", ""
    if isinstance(exception, BaseException):
        return type(exception).__qualname__, str(exception)
    return "", str(exception)


def unresolved_summary() -> list[dict[str, Any]]:
    """Unresolved failures (not retries in progress) by task name, most recent first: what the
    administrators' home page warns about."""
    from django.db.models import Count, Max

    return list(
        TaskFailure.objects.filter(state=FAILED, resolved_at__isnull=True)
        .values("name")
        .annotate(count=Count("id"), last=Max("last_seen"))
        .order_by("-last")
    )
