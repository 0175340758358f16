"""Celery application.

Without ``CELERY_BROKER_URL`` tasks run eagerly in-process (the embedded default); with a broker,
workers consume the queues declared in settings (default, ingest, kpi, dossier). Each task's runtime,
failures and retries are counted for the metrics endpoint (greenfactory.core.metrics) and kept for
administrators (greenfactory.core.task_failures, shown in the admin). Workers log through the same
configuration as the web processes, with the request id of the request that sent the task.
"""

import logging.config
import os

from celery import Celery, signals
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greenfactory.settings.local")

app = Celery("greenfactory")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Binds the sending request's id (from the task's headers) and the task id for the task's log lines.
app.steps["worker"].add(DjangoStructLogInitStep)


@signals.setup_logging.connect
def _setup_logging(loglevel=None, **kwargs):
    # Celery would otherwise install its own handlers; the worker logs as the web processes do, at
    # the level its command line asks for (`--loglevel`, as Celery itself would).
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


@signals.task_prerun.connect
def _task_prerun(task_id=None, **kwargs):
    from greenfactory.core import metrics

    metrics.task_started(task_id)


@signals.task_postrun.connect
def _task_postrun(task_id=None, task=None, **kwargs):
    from greenfactory.core import metrics

    metrics.task_finished(task_id, task.name if task is not None else "")


@signals.task_failure.connect
def _task_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **extra):
    from greenfactory.core import metrics, task_failures

    metrics.task_failed(getattr(sender, "name", ""))
    task_failures.record(
        state=task_failures.FAILED,
        task_id=task_id or "",
        name=getattr(sender, "name", ""),
        queue=_queue_of(sender),
        args=args,
        kwargs=kwargs,
        exception=exception,
        traceback=str(einfo or ""),
    )


@signals.task_retry.connect
def _task_retry(sender=None, request=None, reason=None, einfo=None, **extra):
    from greenfactory.core import metrics, task_failures

    metrics.task_retried(getattr(sender, "name", ""))
    task_failures.record(
        state=task_failures.RETRYING,
        task_id=getattr(request, "id", "") or "",
        name=getattr(sender, "name", ""),
        queue=_queue_of(sender),
        args=getattr(request, "args", None),
        kwargs=getattr(request, "kwargs", None),
        exception=reason,
        traceback=str(einfo or ""),
    )


@signals.task_success.connect
def _task_success(sender=None, **extra):
    from greenfactory.core import task_failures

    task_id = getattr(getattr(sender, "request", None), "id", None)
    if task_id:
        task_failures.record_success(task_id=task_id, retries=getattr(sender.request, "retries", 0) or 0)


def _queue_of(task) -> str:
    info = getattr(getattr(task, "request", None), "delivery_info", None) or {}
    return str(info.get("routing_key") or "")
