"""Celery application.

Without ``CELERY_BROKER_URL`` tasks run eagerly in-process (the embedded default); with a broker,
workers consume the queues declared in settings (default, ingest, kpi, dossier). Each task's runtime,
failures and retries are counted for the metrics endpoint (greenfactory.core.metrics).
"""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greenfactory.settings.local")

app = Celery("greenfactory")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
def _task_prerun(task_id=None, **kwargs):
    from greenfactory.core import metrics

    metrics.task_started(task_id)


@signals.task_postrun.connect
def _task_postrun(task_id=None, task=None, **kwargs):
    from greenfactory.core import metrics

    metrics.task_finished(task_id, task.name if task is not None else "")


@signals.task_failure.connect
def _task_failure(sender=None, **kwargs):
    from greenfactory.core import metrics

    metrics.task_failed(getattr(sender, "name", ""))


@signals.task_retry.connect
def _task_retry(sender=None, **kwargs):
    from greenfactory.core import metrics

    metrics.task_retried(getattr(sender, "name", ""))
