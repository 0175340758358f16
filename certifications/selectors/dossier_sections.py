"""The data of each dossier section, read through the same selectors as the pages (never a figure
recomputed here): a section is a template ``certifications/dossiers/sections/_<name>.html`` and one
function of this module taking the dossier."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ..models import (
    CapaStep,
    Certificate,
    Dossier,
    DossierKind,
    Evidence,
    EvidenceRevision,
    Finding,
    Standard,
)
from . import audits as audit_selectors
from . import certificates as certificate_selectors
from . import evidence as evidence_selectors
from . import green_factory as green_factory_selectors
from . import green_factory_gate as gate_selectors
from .coverage import coverage_report
from .dossier_kpis import inventory_section, kpi_section

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise
else:
    StrOrPromise = str


@dataclass(frozen=True)
class Section:
    name: str  # template certifications/dossiers/sections/_<name>.html
    title: StrOrPromise
    data: Callable[[Dossier], dict[str, Any]]
    in_contents: bool = True


def dossier_standards(dossier: Dossier) -> list[Standard]:
    """The standards the dossier is about: the audit's, or the one standard."""
    if dossier.kind == DossierKind.AUDIT and dossier.audit is not None:
        return list(dossier.audit.standards.order_by("sort_key"))
    if dossier.standard is not None:
        return [dossier.standard]
    return []


def _cover(dossier: Dossier) -> dict[str, Any]:
    return {"standards": dossier_standards(dossier), "audit": dossier.audit}


def _certificates(dossier: Dossier) -> dict[str, Any]:
    certificates: QuerySet[Certificate] = certificate_selectors.certificate_list().filter(sites=dossier.site)
    standards = dossier_standards(dossier)
    if standards:
        certificates = certificates.filter(standard__in=standards)
    return {"certificates": list(certificates), "on": dossier.period_end}


def _coverage(dossier: Dossier) -> dict[str, Any]:
    return {
        "reports": [
            coverage_report(standard=standard, site=dossier.site) for standard in dossier_standards(dossier)
        ]
    }


def dossier_evidence(dossier: Dossier) -> list[Evidence]:
    """The evidence register of the dossier: evidence of the site linked to the standards' clauses
    (every evidence item of the site for a GHG year), each with its revisions, newest first."""
    # Evidence without sites holds for every site, as the register shows it.
    evidence = evidence_selectors.evidence_list().filter(Q(sites=dossier.site) | Q(sites__isnull=True))
    standards = dossier_standards(dossier)
    if dossier.kind == DossierKind.GREEN:
        # The evidence the evaluation cites: behind its indicator values and its gate results.
        evidence = evidence_selectors.evidence_list().filter(
            Q(indicator_values__evaluation=dossier.evaluation_id)
            | Q(gate_results__evaluation=dossier.evaluation_id)
        )
    elif standards:
        evidence = evidence.filter(clauses__standard__in=standards)
    revisions = EvidenceRevision.objects.select_related("uploaded_by").order_by("-number")
    return list(evidence.distinct().prefetch_related(Prefetch("revisions", queryset=revisions)))


def _evidence(dossier: Dossier) -> dict[str, Any]:
    items = dossier_evidence(dossier)
    return {"items": [(item, next(iter(item.revisions.all()), None)) for item in items]}


def dossier_findings(dossier: Dossier) -> list[Finding]:
    findings = audit_selectors.finding_list().select_related("capa__owner")
    if dossier.kind == DossierKind.AUDIT:
        findings = findings.filter(audit=dossier.audit)
    else:
        standards = dossier_standards(dossier)
        scope = Q(audit__sites=dossier.site) | Q(audit__programme__site=dossier.site)
        findings = findings.filter(scope, clauses__standard__in=standards) if standards else findings.none()
    steps = CapaStep.objects.select_related("by").order_by("at", "pk")
    return list(findings.distinct().prefetch_related(Prefetch("capa__steps", queryset=steps)))


def _findings(dossier: Dossier) -> dict[str, Any]:
    return {"findings": dossier_findings(dossier)}


def _kpis(dossier: Dossier) -> dict[str, Any]:
    return kpi_section(site=dossier.site, start=dossier.period_start, end=dossier.period_end)


def _inventory(dossier: Dossier) -> dict[str, Any]:
    return inventory_section(organisation=dossier.site.organisation, year=dossier.year or 0)


def _green_gate(dossier: Dossier) -> dict[str, Any]:
    evaluation = dossier.evaluation
    if evaluation is None:
        return {"checks": [], "verdict": None}
    checks = gate_selectors.evaluation_gate(evaluation=evaluation, today=dossier.period_end)
    verdict = gate_selectors.gate_passed(checks)
    return {
        "checks": checks,
        "verdict": verdict,
        "verdict_label": gate_selectors.gate_verdict_label(verdict),
        "evaluation": evaluation,
    }


def _green_scores(dossier: Dossier) -> dict[str, Any]:
    evaluation = dossier.evaluation
    if evaluation is None:
        return {"score": None, "rows": []}
    score = green_factory_selectors.evaluation_score(evaluation=evaluation)
    rows: list[dict[str, Any]] = []

    def walk(group: Any, depth: int) -> None:
        rows.append({"group": group, "depth": depth})
        for item in group.indicators:
            provenance = item.entry.provenance if item.entry is not None else {}
            rows.append(
                {
                    "item": item,
                    "depth": depth,
                    "source": green_factory_selectors.provenance_summary(provenance or {}),
                    "evidence": list(item.entry.evidence.all()) if item.entry is not None else [],
                }
            )
        for child in group.children:
            walk(child, depth + 1)

    for group in score.groups:
        walk(group, 0)
    return {"score": score, "rows": rows, "evaluation": evaluation}


def manifest_entries(dossier: Dossier) -> list[dict[str, Any]]:
    """Every revision of every evidence item in the register, as the embedded manifest lists it."""
    entries = []
    for item in dossier_evidence(dossier):
        for revision in item.revisions.all():
            entries.append(
                {
                    "revision_id": revision.pk,
                    "evidence_id": item.pk,
                    "number": revision.number,
                    "title": item.title,
                    "sha256": revision.sha256,
                    "uploaded_at": revision.uploaded_at.isoformat(),
                }
            )
    return entries


def _manifest(dossier: Dossier) -> dict[str, Any]:
    return {"entries": manifest_entries(dossier)}


def _verify(dossier: Dossier) -> dict[str, Any]:
    return {}


def _nothing(dossier: Dossier) -> dict[str, Any]:
    return {}


COVER = Section("cover", _("Cover"), _cover, in_contents=False)
CONTENTS = Section("contents", _("Contents"), _nothing, in_contents=False)
CERTIFICATES = Section("certificates", _("Certification status"), _certificates)
COVERAGE = Section("coverage", _("Clause coverage"), _coverage)
EVIDENCE = Section("evidence", _("Evidence register"), _evidence)
FINDINGS = Section("findings", _("Findings and corrective actions"), _findings)
KPIS = Section("kpis", _("Energy and emissions for the period"), _kpis)
INVENTORY = Section("inventory", _("GHG inventory"), _inventory)
MANIFEST = Section("manifest", _("Appendix: evidence manifest"), _manifest)
VERIFY = Section("verify", _("How to verify this document"), _verify)
GREEN_GATE = Section("green_gate", _("Basic requirements (the gate)"), _green_gate)
GREEN_SCORES = Section("green_scores", _("Scored indicators"), _green_scores)

SECTIONS: dict[str, tuple[Section, ...]] = {
    DossierKind.AUDIT: (COVER, CONTENTS, CERTIFICATES, COVERAGE, EVIDENCE, FINDINGS, KPIS, MANIFEST, VERIFY),
    DossierKind.COVERAGE: (
        COVER,
        CONTENTS,
        CERTIFICATES,
        COVERAGE,
        EVIDENCE,
        FINDINGS,
        KPIS,
        MANIFEST,
        VERIFY,
    ),
    DossierKind.GHG_YEAR: (COVER, CONTENTS, KPIS, INVENTORY, EVIDENCE, MANIFEST, VERIFY),
    DossierKind.GREEN: (COVER, CONTENTS, GREEN_GATE, GREEN_SCORES, KPIS, EVIDENCE, MANIFEST, VERIFY),
}


def dossier_sections(dossier: Dossier) -> tuple[Section, ...]:
    return SECTIONS[dossier.kind]


def kpi_period_default(
    *, kind: str, today: dt.date, audit_year: int | None = None
) -> tuple[dt.date, dt.date]:
    """The KPI period of a new dossier: the audit programme's year, a GHG year, or else the twelve
    complete months before today."""
    if audit_year is not None:
        return dt.date(audit_year, 1, 1), dt.date(audit_year, 12, 31)
    end = today.replace(day=1) - dt.timedelta(days=1)
    start = end.replace(year=end.year - 1) + dt.timedelta(days=1)
    return start, end
