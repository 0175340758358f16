"""Every non-trivial read of certifications. Each owns its query shape, so a page's query count
does not grow with its data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    Certificate,
    Clause,
    ClauseExclusion,
    ClauseMapping,
    Evidence,
    EvidenceRevision,
    EvidenceStatus,
    Reminder,
    Standard,
)
from .models.certificates import LAPSED_STATUSES
from .standards_io import ClauseRow, MappingRow, StandardData

# --- standards ------------------------------------------------------------------------------------


def standard_list() -> QuerySet[Standard]:
    return Standard.objects.select_related("replaced_by").annotate(clause_count=Count("clauses"))


def standard_clauses(*, standard: Standard) -> QuerySet[Clause]:
    """The clause tree in order, each with its crosswalk mappings and their standards."""
    return (
        standard.clauses.select_related("parent")
        .prefetch_related(
            Prefetch(
                "mappings",
                queryset=ClauseMapping.objects.select_related("target__standard").order_by(
                    "target__standard__code", "target__position"
                ),
            )
        )
        .order_by("position")
    )


def clause_list() -> QuerySet[Clause]:
    return Clause.objects.select_related("standard").order_by(
        "standard__code", "standard__edition", "position"
    )


def crosswalk_equivalents(*, clauses) -> list[ClauseMapping]:
    """Mappings from the given clauses to clauses of other standards: what linking also offers."""
    ids = [c.pk for c in clauses]
    return list(
        ClauseMapping.objects.filter(source_id__in=ids)
        .exclude(target_id__in=ids)
        .select_related("source__standard", "target__standard")
        .order_by("target__standard__code", "target__position")
    )


def standard_export_data(*, standard: Standard) -> StandardData:
    """A standard as plain data, ready to be written as YAML or Excel."""
    clauses = list(standard.clauses.select_related("parent").order_by("position"))
    mappings = (
        ClauseMapping.objects.filter(source__standard=standard)
        .exclude(target__standard=standard)
        .select_related("source", "target__standard")
        .order_by("source__position", "target__standard__code", "target__position")
    )
    return StandardData(
        code=standard.code,
        edition=standard.edition,
        title=standard.title,
        title_zh=standard.title_zh,
        status=standard.status,
        withdrawn_on=standard.withdrawn_on,
        replaced_by=standard.replaced_by.label if standard.replaced_by_id else "",
        note=standard.note,
        note_zh=standard.note_zh,
        clauses=[
            ClauseRow(
                number=c.number,
                title=c.title,
                title_zh=c.title_zh,
                parent=c.parent.number if c.parent_id else "",
            )
            for c in clauses
        ],
        mappings=[
            MappingRow(
                clause=m.source.number,
                standard=m.target.standard.label,
                target=m.target.number,
                relation=m.relation,
            )
            for m in mappings
        ],
    )


# --- evidence -------------------------------------------------------------------------------------


def evidence_list() -> QuerySet[Evidence]:
    """The register: owners, approvers, sites, clauses with their standards and the latest file."""
    latest = EvidenceRevision.objects.filter(evidence=OuterRef("pk")).order_by("-number")
    return (
        Evidence.objects.select_related("owner", "approver")
        .prefetch_related("sites", Prefetch("clauses", queryset=Clause.objects.select_related("standard")))
        .annotate(
            latest_revision=Subquery(latest.values("number")[:1]),
            latest_media_type=Subquery(latest.values("media_type")[:1]),
        )
        .order_by("title", "id")
    )


def evidence_detail(*, pk: int) -> Evidence:
    return (
        Evidence.objects.select_related("owner", "approver")
        .prefetch_related(
            "sites",
            Prefetch(
                "clauses",
                queryset=Clause.objects.select_related("standard").order_by("standard__code", "position"),
            ),
            Prefetch(
                "revisions",
                queryset=EvidenceRevision.objects.select_related("uploaded_by").order_by("-number"),
            ),
        )
        .get(pk=pk)
    )


def revision_for_download(*, pk: int) -> EvidenceRevision:
    return EvidenceRevision.objects.select_related("evidence").get(pk=pk)


# --- coverage -------------------------------------------------------------------------------------


class CoverageState:
    COVERED = "covered"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"

    LABELS = {
        COVERED: _("Covered"),
        EXPIRING: _("Expiring"),
        EXPIRED: _("Expired"),
        MISSING: _("Missing"),
        NOT_APPLICABLE: _("Not applicable"),
    }
    ORDER = (COVERED, EXPIRING, EXPIRED, MISSING, NOT_APPLICABLE)


# Evidence shown per clause on the coverage page; the rest is one click away in the register.
COVERAGE_EVIDENCE_SHOWN = 5


@dataclass
class CoverageRow:
    clause: Clause
    state: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    evidence_count: int = 0
    best_expiry: dt.date | None = None
    exclusion: ClauseExclusion | None = None
    certificate_lapsed: bool = False
    is_heading: bool = False

    @property
    def state_label(self):
        return CoverageState.LABELS.get(self.state, "")

    @property
    def more_evidence(self) -> int:
        return max(self.evidence_count - len(self.evidence), 0)


@dataclass
class Coverage:
    standard: Standard
    site: object
    today: dt.date
    window_days: int
    rows: list[CoverageRow]
    totals: dict[str, int]
    lapsed_certificates: list[Certificate]
    certificates: list[Certificate]

    @property
    def requirement_count(self) -> int:
        return sum(self.totals.values())

    @property
    def covered_percent(self) -> int:
        applicable = self.requirement_count - self.totals[CoverageState.NOT_APPLICABLE]
        if not applicable:
            return 100
        return round(
            100 * (self.totals[CoverageState.COVERED] + self.totals[CoverageState.EXPIRING]) / applicable
        )

    @property
    def totals_list(self) -> list[tuple[str, object, int]]:
        return [(s, CoverageState.LABELS[s], self.totals[s]) for s in CoverageState.ORDER]

    @property
    def gaps(self) -> list[CoverageRow]:
        return [
            r
            for r in self.rows
            if not r.is_heading
            and r.state in (CoverageState.MISSING, CoverageState.EXPIRED, CoverageState.EXPIRING)
        ]


def _state(summary: dict | None, *, warn_until: dt.date) -> str:
    if not summary:
        return CoverageState.MISSING
    if summary["open_ended"] or (summary["latest_current"] and summary["latest_current"] > warn_until):
        return CoverageState.COVERED
    if summary["latest_current"]:
        return CoverageState.EXPIRING
    if summary["lapsed"]:
        return CoverageState.EXPIRED
    return CoverageState.MISSING


def coverage(
    *, standard: Standard, site, today: dt.date | None = None, window_days: int | None = None
) -> Coverage:
    """Each clause of a standard at a site: covered by current approved evidence, expiring within
    the window, expired, missing, or not applicable. Headings (clauses with sub-clauses and no
    evidence of their own) are shown but not counted. A lapsed certificate of the standard at the
    site, with no valid one beside it, flags every applicable clause.

    The states are computed in the database, and only the first few evidence items of each clause
    are loaded, so both the query count and the work per request stay flat as evidence grows.
    """
    today = today or timezone.localdate()
    window_days = settings.EVIDENCE_EXPIRY_WARNING_DAYS if window_days is None else window_days
    warn_until = today + dt.timedelta(days=window_days)
    clauses = list(standard.clauses.order_by("position"))
    parent_ids = {c.parent_id for c in clauses if c.parent_id}

    # Evidence at this site, or without sites (organisation-wide); one filter() so the site join
    # yields at most one row per link.
    links = (
        Evidence.clauses.through.objects.filter(clause__standard=standard)
        .filter(Q(evidence__sites=site) | Q(evidence__sites__isnull=True))
        .exclude(evidence__status=EvidenceStatus.SUPERSEDED)
    )
    approved = Q(evidence__status=EvidenceStatus.APPROVED)
    summaries = {
        row["clause_id"]: row
        for row in links.values("clause_id").annotate(
            total=Count("id"),
            open_ended=Count("id", filter=approved & Q(evidence__expiry_date__isnull=True)),
            latest_current=Max(
                "evidence__expiry_date", filter=approved & Q(evidence__expiry_date__gte=today)
            ),
            lapsed=Count(
                "id",
                filter=Q(evidence__status=EvidenceStatus.EXPIRED)
                | (approved & Q(evidence__expiry_date__lt=today)),
            ),
        )
    }
    status_rank = Case(
        When(evidence__status=EvidenceStatus.APPROVED, then=Value(0)),
        When(evidence__status=EvidenceStatus.IN_REVIEW, then=Value(1)),
        When(evidence__status=EvidenceStatus.DRAFT, then=Value(2)),
        default=Value(3),
    )
    shown = (
        links.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("clause_id")],
                order_by=[
                    status_rank.asc(),
                    F("evidence__expiry_date").desc(nulls_first=True),
                    F("evidence_id").asc(),
                ],
            )
        )
        .filter(rank__lte=COVERAGE_EVIDENCE_SHOWN)
        .select_related("evidence")
        .order_by("clause_id", "rank")
    )
    by_clause: dict[int, list[Evidence]] = defaultdict(list)
    for link in shown:
        by_clause[link.clause_id].append(link.evidence)
    exclusions = {
        x.clause_id: x for x in ClauseExclusion.objects.filter(site=site, clause__standard=standard)
    }
    certificates = list(Certificate.objects.filter(standard=standard, sites=site).order_by("-expires_on"))
    lapsed = [
        c
        for c in certificates
        if c.status in LAPSED_STATUSES or (c.status == "certified" and c.expires_on and c.expires_on < today)
    ]
    held = [
        c for c in certificates if c.status == "certified" and not (c.expires_on and c.expires_on < today)
    ]
    flag = bool(lapsed) and not held
    totals = dict.fromkeys(CoverageState.ORDER, 0)
    rows = []
    for clause in clauses:
        summary = summaries.get(clause.pk)
        row = CoverageRow(
            clause=clause,
            evidence=by_clause.get(clause.pk, []),
            evidence_count=summary["total"] if summary else 0,
            best_expiry=summary["latest_current"] if summary else None,
            is_heading=clause.pk in parent_ids and not summary,
        )
        if clause.pk in exclusions:
            row.state = CoverageState.NOT_APPLICABLE
            row.exclusion = exclusions[clause.pk]
        else:
            row.state = _state(summary, warn_until=warn_until)
        row.certificate_lapsed = flag and row.state != CoverageState.NOT_APPLICABLE
        if not row.is_heading:
            totals[row.state] += 1
        rows.append(row)
    return Coverage(
        standard=standard,
        site=site,
        today=today,
        window_days=window_days,
        rows=rows,
        totals=totals,
        lapsed_certificates=lapsed if flag else [],
        certificates=certificates,
    )


def owner_candidates():
    """People who may own evidence and certificates: active administrators and compliance staff."""
    from greenfactory.accounts.models import User
    from greenfactory.accounts.roles import Role

    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=[Role.ADMIN.value, Role.STAFF.value]))
        .distinct()
        .order_by("username")
    )


# --- certificates and reminders -------------------------------------------------------------------


def certificate_list() -> QuerySet[Certificate]:
    return (
        Certificate.objects.select_related("standard", "owner", "evidence")
        .prefetch_related("sites", "surveillance_audits")
        .order_by("standard__code", "standard__edition", "expires_on")
    )


def reminders_for(*, user) -> QuerySet[Reminder]:
    return (
        Reminder.objects.filter(recipient=user)
        .select_related("evidence", "certificate")
        .order_by("-day", "due_on")
    )
