"""Reads of staff file imports (readings and production records)."""

from __future__ import annotations

from django.db.models import QuerySet

from metering.models import ImportJob


def import_job_list() -> QuerySet[ImportJob]:
    return ImportJob.objects.select_related("site", "created_by")
