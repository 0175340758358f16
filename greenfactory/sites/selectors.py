"""Reads of sites and production records."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ProductionRecord, Site


def site_list() -> QuerySet[Site]:
    return Site.objects.select_related("organisation").order_by("code")


def production_record_list() -> QuerySet[ProductionRecord]:
    return ProductionRecord.objects.select_related("site", "created_by")
