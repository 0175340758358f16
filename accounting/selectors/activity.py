"""Reads of activity data (refrigerant refills, fuel deliveries, green certificates, scope 3 activity)."""

from __future__ import annotations

from django.db.models import Model, QuerySet


def activity_list(*, model: type[Model], site_code: str | None = None) -> QuerySet:
    """Rows of one kind of activity data, newest first, optionally of one site (by its code)."""
    queryset = model._default_manager.select_related("site", "created_by").order_by("-date", "-id")
    return queryset.filter(site__code=site_code) if site_code else queryset
