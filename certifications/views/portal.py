"""The auditor portal: per invitation in force, the audit's scope and plan, the clause coverage,
the in-scope evidence (preview and download, PDFs stamped), certificates, findings and their
corrective actions, and the period's KPIs. Read-only; every page and file served is logged.

Each page asks ``selectors.portal`` for the invitation (in force, the requesting user's) and reads
only through the scope it returns: any other id is the same 404 as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView, View

from accounting.selectors.kpis import kpi_series
from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability
from metering.choices import Medium

from ..exports.evidence import attachment_header, revision_file_response
from ..files import JPEG, PDF, PNG
from ..models import AuditInvitation, Evidence, EvidenceRevision, Finding, PortalAction
from ..selectors import coverage as coverage_selectors
from ..selectors import dossier_shares as share_selectors
from ..selectors import portal as portal_selectors
from ..services import portal as portal_services
from ..services.pdf_stamp import PdfNotReadable, stamp_pdf
from ..storage import private_storage

PREVIEWABLE = (PDF, PNG, JPEG)


def _address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class PortalScopeMixin(CapabilityRequiredMixin):
    """The invitation named by the URL, if it is the user's and in force now; else 404."""

    capability = Capability.PORTAL
    http_method_names = ["get", "head"]

    @cached_property
    def scope(self) -> portal_selectors.Scope:
        try:
            invitation = portal_selectors.invitation_for(self.request.user, self.kwargs["pk"])
        except AuditInvitation.DoesNotExist as exc:
            raise Http404 from exc
        return portal_selectors.scope_of(invitation)

    def record(self, *, action: str = PortalAction.VIEW, obj: object | None = None, note: str = "") -> None:
        portal_services.portal_access_record(
            user=self.request.user,
            invitation=self.scope.invitation,
            path=self.request.get_full_path(),
            action=action,
            obj=obj,
            remote_address=_address(self.request),
            note=note,
        )


class PortalPageView(PortalScopeMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        self.record(obj=getattr(self, "logged_object", None) or self.scope.audit)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(scope=self.scope, invitation=self.scope.invitation, audit=self.scope.audit)
        return context


class PortalAuditView(PortalPageView):
    """The audit's header, plan, certificates, findings and KPIs."""

    template_name = "certifications/portal/audit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = self.scope
        context.update(
            sessions=list(portal_selectors.scope_sessions(scope)),
            certificates=list(portal_selectors.scope_certificates(scope)),
            findings=list(portal_selectors.scope_findings(scope)),
            kpis=_kpis(scope),
            evidence_count=portal_selectors.scope_evidence(scope).count(),
            shared_dossiers=share_selectors.invitation_shares(invitation=scope.invitation),
        )
        return context


def _kpis(scope: portal_selectors.Scope) -> list[dict[str, Any]]:
    """Each in-scope site's totals over the audit period, with the factors they were computed with."""
    start, end = scope.period
    rows = []
    for site in scope.sites:
        buckets = kpi_series(site=site, start=start, end=end, granularity="total", with_meters=False)
        if buckets:
            kpi = buckets[0].as_dict()
            consumption = [
                {"medium": _medium_label(medium), "quantity": Decimal(str(q["quantity"])), "unit": q["unit"]}
                for medium, q in kpi["consumption"].items()
            ]
            rows.append(
                {"site": site, "kpi": kpi, "consumption": consumption, "factors": _flat(buckets[0].factors)}
            )
    return rows


def _medium_label(code: str) -> str:
    try:
        return str(Medium(code).label)
    except ValueError:
        return code


def _flat(factors: list[dict], prefix: str = "") -> list[tuple[str, str]]:
    """Factor provenance as "key: value" lines, nested keys joined with dots."""
    lines: list[tuple[str, str]] = []
    for used in factors:
        lines.extend(_flat_dict(used, prefix))
    return lines


def _flat_dict(data: dict, prefix: str) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            lines.extend(_flat_dict(value, f"{name}."))
        else:
            lines.append((name, str(value)))
    return lines


class PortalCoverageView(PortalPageView):
    """The clause tree of each standard at each site, limited to the audit's clauses."""

    template_name = "certifications/portal/coverage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = self.scope
        reports = []
        for standard in scope.standards:
            for site in scope.sites:
                report = coverage_selectors.coverage_report(standard=standard, site=site)
                report.rows = [r for r in report.rows if r.clause.pk in scope.clause_ids]
                reports.append(report)
        context["reports"] = reports
        return context


class PortalEvidenceView(PortalPageView):
    template_name = "certifications/portal/evidence.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evidence = with_latest_revision(portal_selectors.scope_evidence(self.scope))
        for item in evidence:
            item.in_scope_clauses = [  # type: ignore[attr-defined]
                c for c in item.clauses.all() if c.pk in self.scope.clause_ids
            ]
        context.update(evidence=evidence, previewable=PREVIEWABLE)
        return context


def with_latest_revision(evidence: Iterable[Evidence]) -> list[Evidence]:
    """The items, each with ``latest``: its newest file revision (None before the first upload),
    read from the prefetched revisions."""
    items = list(evidence)
    for item in items:
        revisions = sorted(item.revisions.all(), key=lambda r: -r.number)
        item.latest = revisions[0] if revisions else None  # type: ignore[attr-defined]
    return items


class PortalFindingView(PortalPageView):
    """One finding of the audit with its corrective action, its steps and its change history."""

    template_name = "certifications/portal/finding.html"

    @cached_property
    def finding(self) -> Finding:
        try:
            return portal_selectors.scope_finding(self.scope, self.kwargs["item"])
        except Finding.DoesNotExist as exc:
            raise Http404 from exc

    def get(self, request, *args, **kwargs):
        self.logged_object = self.finding
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        finding = self.finding
        capa = getattr(finding, "capa", None)
        context.update(
            finding=finding,
            capa=capa,
            steps=list(capa.steps.all()) if capa else [],
            actions=list(capa.actions.all()) if capa else [],
            history=list(finding.history.select_related("history_user").order_by("-history_date")[:50]),
        )
        return context


class PortalFileView(PortalScopeMixin, View):
    """A file of in-scope evidence: PDFs as a stamped copy, other types as stored. ``inline`` pages
    show PDFs and images in the browser."""

    inline = False

    def get(self, request, *args, **kwargs):
        try:
            revision = portal_selectors.scope_revision(self.scope, kwargs["item"])
        except EvidenceRevision.DoesNotExist as exc:
            raise Http404 from exc
        if self.inline and revision.media_type not in PREVIEWABLE:
            raise Http404
        response, note = self._response(revision)
        disposition = response["Content-Disposition"]
        if self.inline:
            response["Content-Disposition"] = "inline" + disposition[len("attachment") :]
        self.record(
            action=PortalAction.PREVIEW if self.inline else PortalAction.DOWNLOAD, obj=revision, note=note
        )
        return response

    def _response(self, revision: EvidenceRevision) -> tuple[HttpResponse, str]:
        if revision.media_type != PDF:
            return revision_file_response(revision), "served as stored (not PDF)"
        try:
            with private_storage().open(revision.file.name, "rb") as handle:
                data = handle.read()
        except FileNotFoundError as exc:
            raise Http404 from exc
        invitation = self.scope.invitation
        text = " · ".join(
            [
                invitation.name or self.request.user.display_name,
                invitation.audit.reference,
                timezone.localdate().isoformat(),
            ]
        )
        try:
            stamped = stamp_pdf(data, text)
        except PdfNotReadable:
            return revision_file_response(revision), "served as stored (PDF not readable, not stamped)"
        response = HttpResponse(stamped, content_type=PDF)
        name = revision.original_name or f"evidence-{revision.evidence_id}-r{revision.number}.pdf"
        response["Content-Disposition"] = attachment_header(name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response, "stamped copy"
