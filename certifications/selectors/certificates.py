"""Reads of certificates and their surveillance audits."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Certificate


def certificate_list() -> QuerySet[Certificate]:
    return (
        Certificate.objects.select_related("standard", "owner", "evidence")
        .prefetch_related("sites", "surveillance_audits")
        .order_by("standard__sort_key", "expires_on")
    )
