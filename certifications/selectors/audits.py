"""Reads of audit programmes, audits, checklists, findings and corrective actions.

Every page read here has a fixed number of queries whatever the size of the checklist or the
number of findings: related rows are joined or prefetched, never read per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.sites.models import Site

from ..models import (
    Audit,
    AuditProgramme,
    AuditSession,
    AuditStatus,
    CapaAction,
    CapaState,
    CapaStep,
    Certificate,
    ChecklistItem,
    ChecklistResult,
    Clause,
    CorrectiveAction,
    Evidence,
    EvidenceStatus,
    Finding,
    FindingClass,
    FindingStatus,
)
from ..models.audits import REPORT_DAYS
from ..models.findings import EIGHT_D_FIELDS, FISHBONE_LABELS
from .findings import capa_overdue_q

UPCOMING_DAYS = 60
# Age buckets of open findings, in days since they were raised: (key, lowest, highest or None).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (("0-30", 0, 30), ("31-90", 31, 90), (">90", 91, None))
TREND_YEARS = 5
OPEN_AUDIT_STATES = (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS, AuditStatus.REPORTING)


def audit_list() -> QuerySet[Audit]:
    return (
        Audit.objects.select_related("programme__site", "lead_auditor", "certificate__standard")
        .prefetch_related("standards", "sites")
        .order_by("starts_on", "reference")
    )


def audits_overdue_q(today: dt.date) -> Q:
    """The audits ``Audit.is_overdue`` calls overdue, as a query."""
    return (
        Q(status=AuditStatus.PLANNED, starts_on__lt=today)
        | Q(status=AuditStatus.IN_PROGRESS, ends_on__lt=today)
        | Q(status=AuditStatus.REPORTING, ends_on__lt=today - dt.timedelta(days=REPORT_DAYS))
    )


def audit_detail(*, pk: int) -> Audit:
    """One audit with everything its page shows beside the checklist (Audit.DoesNotExist if none)."""
    return (
        Audit.objects.select_related(
            "programme__site", "lead_auditor", "certificate__standard", "report_signed_by", "previous"
        )
        .prefetch_related(
            "standards",
            "sites",
            "team",
            Prefetch("clauses", queryset=Clause.objects.select_related("standard")),
            Prefetch("sessions", queryset=_sessions()),
            Prefetch(
                "findings", queryset=Finding.objects.select_related("owner", "capa").order_by("reference")
            ),
        )
        .get(pk=pk)
    )


def _sessions() -> QuerySet[AuditSession]:
    return AuditSession.objects.select_related("auditor").order_by("starts_at")


def checklist_items(*, audit: Audit) -> list[ChecklistItem]:
    """The audit's checklist in order, each item with its clauses, its sampled evidence and, as
    ``linked_evidence``, the approved evidence linked to any of its clauses (each item once)."""
    items = list(
        audit.checklist.select_related("updated_by")
        .prefetch_related(
            Prefetch(
                "clauses", queryset=Clause.objects.select_related("standard").order_by("standard__sort_key")
            ),
            "sampled_evidence",
        )
        .order_by("position")
    )
    through: Any = Evidence.clauses.through
    links = (
        through.objects.filter(clause__checklist_items__audit=audit, evidence__status=EvidenceStatus.APPROVED)
        .select_related("evidence")
        .order_by("evidence__title")
        .distinct()
    )
    by_clause: dict[int, list[Evidence]] = defaultdict(list)
    for link in links:
        by_clause[link.clause_id].append(link.evidence)
    for item in items:
        seen: dict[int, Evidence] = {}
        for clause in item.clauses.all():
            for evidence in by_clause.get(clause.pk, ()):
                seen.setdefault(evidence.pk, evidence)
        item.linked_evidence = list(seen.values())  # type: ignore[attr-defined]
        sampled = list(item.sampled_evidence.all())
        sampled_ids = {e.pk for e in sampled}
        item.sampled_count = len(sampled_ids)  # type: ignore[attr-defined]
        # What the sampled-evidence boxes offer: the linked evidence, then anything sampled besides.
        item.evidence_choices = [  # type: ignore[attr-defined]
            (e, e.pk in sampled_ids) for e in [*seen.values(), *(e for e in sampled if e.pk not in seen)]
        ]
    return items


def previous_audit_choices(*, audit: Audit) -> QuerySet[Audit]:
    """Audits whose checklist a new checklist may start from: others of the same site that have one."""
    return (
        Audit.objects.filter(programme__site=audit.programme.site, checklist__isnull=False)
        .exclude(pk=audit.pk)
        .distinct()
        .order_by("-starts_on")
    )


# --- programme ----------------------------------------------------------------------------------


@dataclass
class CertificateCycle:
    certificate: Certificate
    steps: list[tuple[str, dt.date | None, bool]]  # (what, when, done)
    next_audit: Audit | None


def programme_for(*, site: Site, year: int) -> AuditProgramme | None:
    return AuditProgramme.objects.filter(site=site, year=year).first()


def programme_audits(*, site: Site, year: int) -> list[Audit]:
    """The audits in the site's programme for the year, by start date."""
    return list(audit_list().filter(programme__site=site, programme__year=year))


def certificate_cycles(*, site: Site, today: dt.date) -> list[CertificateCycle]:
    """Each certificate of the site with its three-year cycle and the next audit planned for it."""
    certificates = list(
        Certificate.objects.filter(sites=site)
        .select_related("standard")
        .prefetch_related("surveillance_audits")
        .order_by("standard__sort_key", "expires_on")
    )
    upcoming = (
        Audit.objects.filter(certificate__in=certificates, status__in=OPEN_AUDIT_STATES)
        .order_by("starts_on")
        .only("pk", "reference", "title", "starts_on", "certificate_id", "audit_type", "status")
    )
    next_by_certificate: dict[int, Audit] = {}
    for audit in upcoming:
        if audit.certificate_id is not None:
            next_by_certificate.setdefault(audit.certificate_id, audit)
    cycles = []
    for certificate in certificates:
        steps: list[tuple[str, dt.date | None, bool]] = [
            (_("Issued"), certificate.issued_on, certificate.issued_on is not None)
        ]
        surveillances = sorted(certificate.surveillance_audits.all(), key=lambda s: s.due_on)
        for number, surveillance in enumerate(surveillances[:2], start=1):
            steps.append(
                (
                    _("Surveillance %(n)s") % {"n": number},
                    surveillance.done_on or surveillance.due_on,
                    surveillance.done_on is not None,
                )
            )
        for number in range(len(surveillances[:2]) + 1, 3):
            steps.append((_("Surveillance %(n)s") % {"n": number}, None, False))
        steps.append(
            (
                _("Expiry"),
                certificate.expires_on,
                bool(certificate.expires_on and certificate.expires_on < today),
            )
        )
        cycles.append(CertificateCycle(certificate, steps, next_by_certificate.get(certificate.pk)))
    return cycles


# --- dashboard ----------------------------------------------------------------------------------


@dataclass
class Dashboard:
    upcoming: list[Audit]
    overdue: list[Audit]
    open_by_class: list[tuple[str, str, dict[str, int], int]]  # (class, label, per bucket, total)
    overdue_capas: list[CorrectiveAction]
    recurring: list[Clause]
    trend_years: list[int]
    trends: list[dict[str, Any]] = field(default_factory=list)  # per standard: label, counts per class


def overdue_capas(*, today: dt.date) -> list[CorrectiveAction]:
    capas = list(
        CorrectiveAction.objects.filter(capa_overdue_q(today))
        .exclude(state=CapaState.CLOSED)
        .select_related("finding__audit", "owner")
    )
    return sorted(capas, key=lambda c: (c.next_due_on or today, c.pk))


def recurring_clauses() -> list[Clause]:
    """Clauses with findings in two or more audits, most audits first; ``audit_count`` on each."""
    return list(
        Clause.objects.annotate(audit_count=Count("findings__audit", distinct=True))
        .filter(audit_count__gte=2)
        .select_related("standard")
        .order_by("-audit_count", "standard__sort_key", "position")[:50]
    )


def dashboard(*, today: dt.date) -> Dashboard:
    upcoming = list(
        audit_list().filter(
            status=AuditStatus.PLANNED,
            starts_on__gte=today,
            starts_on__lte=today + dt.timedelta(days=UPCOMING_DAYS),
        )
    )
    overdue = list(audit_list().filter(audits_overdue_q(today)))
    counts: dict[str, dict[str, int]] = {c: {b[0]: 0 for b in AGE_BUCKETS} for c in FindingClass.values}
    raised = Finding.objects.filter(status=FindingStatus.OPEN).values_list("finding_class", "raised_on")
    for finding_class, raised_on in raised:
        age = (today - raised_on).days
        for key, low, high in AGE_BUCKETS:
            if age >= low and (high is None or age <= high):
                counts[finding_class][key] += 1
                break
        else:  # raised in the future by a correction of dates: count it as new
            counts[finding_class][AGE_BUCKETS[0][0]] += 1
    open_by_class = [
        (c, str(FindingClass(c).label), counts[c], sum(counts[c].values())) for c in FindingClass.values
    ]
    years = list(range(today.year - TREND_YEARS + 1, today.year + 1))
    rows = (
        Finding.objects.filter(raised_on__year__gte=years[0])
        .annotate(year=ExtractYear("raised_on"))
        .values("year", "finding_class", "clauses__standard__code", "clauses__standard__edition")
        .annotate(n=Count("pk", distinct=True))
        .order_by("clauses__standard__sort_key", "year")
    )
    trends: dict[str, dict[str, Any]] = {}
    for row in rows:
        code = row["clauses__standard__code"]
        if code is None:
            continue
        label = f"{code}:{row['clauses__standard__edition']}"
        entry = trends.setdefault(
            label,
            {"label": label, "counts": {c: [0] * len(years) for c in FindingClass.values}},
        )
        entry["counts"][row["finding_class"]][years.index(row["year"])] += row["n"]
    return Dashboard(
        upcoming=upcoming,
        overdue=overdue,
        open_by_class=open_by_class,
        overdue_capas=overdue_capas(today=today),
        recurring=recurring_clauses(),
        trend_years=years,
        trends=list(trends.values()),
    )


# --- findings -----------------------------------------------------------------------------------


def finding_list() -> QuerySet[Finding]:
    return (
        Finding.objects.select_related("audit", "owner", "capa", "compliance_evaluation__obligation")
        .prefetch_related(Prefetch("clauses", queryset=Clause.objects.select_related("standard")))
        .order_by("-raised_on", "reference")
    )


def finding_detail(*, pk: int) -> Finding:
    """One finding with its corrective action, the plan's actions and the step log."""
    finding = (
        Finding.objects.select_related(
            "audit__lead_auditor",
            "compliance_evaluation__obligation",
            "owner",
            "raised_by",
            "checklist_item",
            "capa__owner",
            "capa__plan_accepted_by",
        )
        .prefetch_related(
            Prefetch("clauses", queryset=Clause.objects.select_related("standard")),
            "evidence",
        )
        .get(pk=pk)
    )
    capa = getattr(finding, "capa", None)
    if capa is not None:
        capa.action_list = list(CapaAction.objects.filter(capa=capa).select_related("owner"))  # type: ignore[attr-defined]
        capa.step_list = list(CapaStep.objects.filter(capa=capa).select_related("by"))  # type: ignore[attr-defined]
        for step in capa.step_list:  # type: ignore[attr-defined]
            step.changes = step_changes(step)
    return finding


def _shown(value: Any) -> str:
    """A logged value as people read it: lists one item a line, fishbone causes under their
    category, 8D disciplines under their label."""
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, dict):
        labels = {**dict(FISHBONE_LABELS), **{k: label for k, label, _n in EIGHT_D_FIELDS}}
        return "\n".join(
            f"{labels.get(k, k)}: {'; '.join(v) if isinstance(v, list) else v}" for k, v in value.items()
        )
    return str(value)


def step_changes(step: CapaStep) -> list[tuple[str, str, str]]:
    """What a step changed besides the state: (field label, before, after), unchanged fields left out."""
    fields = {f.name: f for f in CorrectiveAction._meta.get_fields() if hasattr(f, "verbose_name")}
    out = []
    for key, after in step.after.items():
        before = step.before.get(key)
        if key == "state" or before == after:
            continue
        field = fields.get(key.removesuffix("_id"))
        label = str(field.verbose_name) if field is not None else key
        if key.endswith("_id"):
            before, after = (_user_name(before), _user_name(after))
        out.append((label, _shown(before), _shown(after)))
    return out


def _user_name(pk: Any) -> str | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk).first()
    return user.display_name if user else str(pk)


def open_majors_for_certificate(*, certificate: Certificate) -> list[Finding]:
    """Open major nonconformities of the audits that keep ``certificate`` alive, soonest deadline first."""
    return list(
        Finding.objects.filter(
            audit__certificate=certificate, finding_class=FindingClass.MAJOR, status=FindingStatus.OPEN
        )
        .select_related("audit", "capa")
        .order_by("body_deadline", "due_on", "reference")
    )


def clause_choices(*, standards: Iterable[Any]) -> QuerySet[Clause]:
    return (
        Clause.objects.filter(standard__in=list(standards))
        .select_related("standard")
        .order_by("standard__sort_key", "position")
    )


# --- what the API reads ------------------------------------------------------------------------


def programme_list() -> QuerySet[AuditProgramme]:
    return AuditProgramme.objects.select_related("site").annotate(audit_count=Count("audits"))


def _counts() -> dict[str, Count]:
    """One count per checklist result and per finding class, named ``items_<result>`` and
    ``findings_<class>`` (``items_open`` for items not yet assessed)."""
    counts = {
        f"items_{value or 'open'}": Count("checklist", filter=Q(checklist__result=value), distinct=True)
        for value in ChecklistResult.values
    }
    counts |= {
        f"findings_{value}": Count("findings", filter=Q(findings__finding_class=value), distinct=True)
        for value in FindingClass.values
    }
    return counts


def audit_list_counted() -> QuerySet[Audit]:
    """Audits with what the API shows: programme, people, scope, and the counts of checklist
    results and finding classes."""
    return (
        Audit.objects.select_related(
            "programme__site", "lead_auditor", "certificate", "report_signed_by", "created_by"
        )
        .prefetch_related("standards", "sites", "clauses", "team")
        .annotate(**_counts())
        .order_by("starts_on", "reference")
    )


def session_list() -> QuerySet[AuditSession]:
    return AuditSession.objects.select_related("auditor").order_by("audit", "starts_at", "pk")


def checklist_item_list() -> QuerySet[ChecklistItem]:
    return (
        ChecklistItem.objects.select_related("updated_by")
        .prefetch_related("clauses", "sampled_evidence")
        .order_by("audit", "position")
    )
