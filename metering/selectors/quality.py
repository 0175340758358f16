"""Reads of data-quality findings for the page, the API and the energy dashboard."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from metering.models import FindingKind, FindingStatus, QualityFinding


def finding_list(*, site=None) -> QuerySet[QualityFinding]:
    findings = QualityFinding.objects.select_related("site", "meter", "gateway", "explained_by")
    if site is not None:
        findings = findings.filter(site=site)
    return findings.order_by("-start", "kind", "id")


def open_finding_count(*, site) -> int:
    return QualityFinding.objects.filter(site=site, status=FindingStatus.OPEN).count()


def finding_counts_by_kind(*, findings: QuerySet[QualityFinding]) -> list[dict]:
    """Per kind (every kind, in the order of the choices): open and explained counts, in one query."""
    counts = {
        (row["kind"], row["status"]): row["n"]
        for row in findings.order_by().values("kind", "status").annotate(n=Count("id"))
    }
    return [
        {
            "kind": kind,
            "label": kind.label,
            "open": counts.get((kind.value, FindingStatus.OPEN), 0),
            "explained": counts.get((kind.value, FindingStatus.EXPLAINED), 0),
        }
        for kind in FindingKind
    ]
