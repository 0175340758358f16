"""Reads of data-quality findings for the page, the API, the exports and the energy dashboard, and the
sentence that says what a finding found (one wording everywhere)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from metering.models import FindingKind, FindingStatus, QualityFinding
from metering.units import canonical_unit

if TYPE_CHECKING:
    from greenfactory.sites.models import Site


def finding_list(*, site: Site | None = None) -> QuerySet[QualityFinding]:
    findings = QualityFinding.objects.select_related("site", "meter", "gateway", "explained_by")
    if site is not None:
        findings = findings.filter(site=site)
    return findings.order_by("-start", "kind", "id")


def open_finding_count(*, site: Site) -> int:
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


def _n(value: float | Decimal, places: int = 1) -> str:
    return number_format(round(float(value), places), decimal_pos=places, use_l10n=True)


def finding_description(finding: QualityFinding) -> str:
    """One sentence saying what was found, in the user's language."""
    d = finding.details or {}
    kind = finding.kind
    if kind == FindingKind.GAP:
        if d.get("usual_hours"):
            return _("No reading for %(hours)s h (readings usually every %(usual)s h).") % {
                "hours": _n(finding.magnitude),
                "usual": _n(d["usual_hours"]),
            }
        return _("No interval covers %(hours)s h.") % {"hours": _n(finding.magnitude)}
    if kind == FindingKind.SPIKE:
        return _("The register rose at %(rate)s %(unit)s, above the rated maximum of %(rated)s.") % {
            "rate": _n(finding.magnitude),
            "unit": d.get("unit", ""),
            "rated": _n(d.get("rated_max_flow") or 0),
        }
    if kind == FindingKind.DECREASE:
        return _("The register fell from %(before)s to %(after)s with no reset or exchange recorded.") % {
            "before": _n(d.get("before") or 0),
            "after": _n(d.get("after") or 0),
        }
    if kind == FindingKind.FLATLINE:
        return _("The register did not move for %(hours)s h (threshold %(threshold)s h).") % {
            "hours": _n(finding.magnitude),
            "threshold": d.get("threshold_hours", ""),
        }
    if kind == FindingKind.NEGATIVE_INTERVAL:
        return _("The interval's value is %(value)s %(unit)s, below zero.") % {
            "value": _n(finding.magnitude, 3),
            "unit": d.get("unit", ""),
        }
    if kind == FindingKind.STALE_GATEWAY:
        if d.get("never_used"):
            return _("Never uploaded since it was created %(hours)s h ago (threshold %(threshold)s h).") % {
                "hours": _n(finding.magnitude),
                "threshold": d.get("threshold_hours", ""),
            }
        return _("No upload for %(hours)s h (threshold %(threshold)s h).") % {
            "hours": _n(finding.magnitude),
            "threshold": d.get("threshold_hours", ""),
        }
    unit = canonical_unit(medium=finding.meter.medium, unit=finding.meter.unit) if finding.meter else ""
    values = {
        "parent": _n(d.get("parent", 0)),
        "sub": _n(d.get("sub_meters", 0)),
        "unit": unit,
        "pct": _n(finding.magnitude, 2),
        "tolerance": _n(d.get("tolerance_pct", 0), 2),
    }
    if d.get("direction") == "above_parent":
        return (
            _("Sub-meters sum to %(sub)s %(unit)s, above the parent's %(parent)s %(unit)s (by %(pct)s %%).")
            % values
        )
    return (
        _(
            "Losses of %(pct)s %% between the parent (%(parent)s %(unit)s) and its sub-meters "
            "(%(sub)s %(unit)s), above the tolerance of %(tolerance)s %%."
        )
        % values
    )
