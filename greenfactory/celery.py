"""Celery application.

Without ``CELERY_BROKER_URL`` tasks run eagerly in-process (the embedded default); with a broker,
workers consume the queues declared in settings (default, ingest, kpi, dossier).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greenfactory.settings.local")

app = Celery("greenfactory")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
