"""Reads of certificates and their surveillance audits."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from ..models import Certificate, CertificateStatus
from ..models.certificates import EXPIRY_WARNING_DAYS, HELD_STATUSES

# An expired certificate stays on the home page's alert this long after its expiry date.
EXPIRED_ALERT_DAYS = 30


def certificate_list() -> QuerySet[Certificate]:
    return (
        Certificate.objects.select_related("standard", "owner", "evidence")
        .prefetch_related("sites", "surveillance_audits")
        .order_by("standard__sort_key", "expires_on")
    )


def certificates_needing_attention(*, today: dt.date) -> list[Certificate]:
    """Held or expired certificates whose expiry date is within the warning window or passed in the
    last month, soonest first: what the home page warns about."""
    return list(
        Certificate.objects.select_related("standard")
        .filter(
            status__in=[*HELD_STATUSES, CertificateStatus.EXPIRED],
            expires_on__gte=today - dt.timedelta(days=EXPIRED_ALERT_DAYS),
            expires_on__lte=today + dt.timedelta(days=EXPIRY_WARNING_DAYS),
        )
        .order_by("expires_on", "pk")
    )
