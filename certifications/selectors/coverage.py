"""The coverage report: how well each clause of a standard is evidenced at a site."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Case, Count, F, Max, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenfactory.sites.models import Site

from ..models import Certificate, Clause, ClauseExclusion, Evidence, EvidenceStatus, Standard
from ..models.certificates import LAPSED_STATUSES
from .registers import register_clause_counts

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise
else:
    StrOrPromise = str


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
    # Register entries (obligations, aspects, hazards, ...) linked to the clause; each one covers it.
    register_count: int = 0

    @property
    def state_label(self) -> StrOrPromise:
        return CoverageState.LABELS.get(self.state, "")

    @property
    def more_evidence(self) -> int:
        return max(self.evidence_count - len(self.evidence), 0)


@dataclass
class Coverage:
    standard: Standard
    site: Site
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
    def totals_list(self) -> list[tuple[str, StrOrPromise, int]]:
        return [(s, CoverageState.LABELS[s], self.totals[s]) for s in CoverageState.ORDER]

    @property
    def gaps(self) -> list[CoverageRow]:
        return [
            r
            for r in self.rows
            if not r.is_heading
            and r.state in (CoverageState.MISSING, CoverageState.EXPIRED, CoverageState.EXPIRING)
        ]


def _state(summary: dict[str, Any] | None, *, warn_until: dt.date) -> str:
    if not summary:
        return CoverageState.MISSING
    if summary["open_ended"] or (summary["latest_current"] and summary["latest_current"] > warn_until):
        return CoverageState.COVERED
    if summary["latest_current"]:
        return CoverageState.EXPIRING
    if summary["lapsed"]:
        return CoverageState.EXPIRED
    return CoverageState.MISSING


def coverage_report(
    *, standard: Standard, site: Site, today: dt.date | None = None, window_days: int | None = None
) -> Coverage:
    """Each clause of a standard at a site: covered by current approved evidence (or by a register
    entry linked to it), expiring within
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
    links = _evidence_links(standard=standard, site=site)
    summaries = _link_summaries(links, today=today)
    by_clause = _evidence_shown(links)
    registered = register_clause_counts(standard=standard, site=site)
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
            is_heading=clause.pk in parent_ids and not summary and not registered.get(clause.pk),
            register_count=registered.get(clause.pk, 0),
        )
        if clause.pk in exclusions:
            row.state = CoverageState.NOT_APPLICABLE
            row.exclusion = exclusions[clause.pk]
        elif row.register_count:
            row.state = CoverageState.COVERED
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


def _evidence_links(*, standard: Standard, site: Site) -> QuerySet[Any]:
    """Links of the standard's clauses to evidence at this site, or without sites
    (organisation-wide); one filter() so the site join yields at most one row per link."""
    through: Any = Evidence.clauses.through
    links: QuerySet[Any] = (
        through.objects.filter(clause__standard=standard)
        .filter(Q(evidence__sites=site) | Q(evidence__sites__isnull=True))
        .exclude(evidence__status=EvidenceStatus.SUPERSEDED)
    )
    return links


def _link_summaries(links: QuerySet[Any], *, today: dt.date) -> dict[int, dict[str, Any]]:
    """Per clause: how many items, how many approved without expiry, the latest current expiry
    and how many have lapsed."""
    approved = Q(evidence__status=EvidenceStatus.APPROVED)
    return {
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


def _evidence_shown(links: QuerySet[Any]) -> dict[int, list[Evidence]]:
    """The first few items of each clause: approved first, then in review, drafts, the rest."""
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
    return by_clause


def coverage_default_standard() -> Standard | None:
    """The standard the coverage page shows first: ISO 9001, or else the first one loaded."""
    return Standard.objects.filter(code="ISO 9001").first() or Standard.objects.first()


def coverage_default_site() -> Site | None:
    return Site.objects.order_by("code").first()
