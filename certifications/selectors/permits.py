"""Reads of permits and licences: the register, the status filters, those needing attention on the
home page, and the green-factory gate's permit check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from greenfactory.sites.models import Site

from ..models import Obligation, Permit, PermitKind, PermitStatus

# An expired permit stays on the home page's alert this long after its expiry date.
EXPIRED_ALERT_DAYS = 30
# The permit kinds the green-factory gate requires to be held at the site.
GATE_REQUIRED_KINDS = (PermitKind.DISCHARGE,)


def permit_list() -> QuerySet[Permit]:
    return Permit.objects.select_related("owner").prefetch_related("sites").order_by("reference")


def permits_with_status(rows: QuerySet[Permit], status: str, today: dt.date) -> QuerySet[Permit]:
    """The permits of ``rows`` whose derived status (``Permit.status_on``) is ``status``: the
    reminder window is per permit, so the dates are read once (one query) and compared here."""
    dates = Permit.objects.only("id", "expires_on", "reminder_days", "revoked_on", "issued_on")
    return rows.filter(pk__in=[p.pk for p in dates if p.status_on(today) == status])


def permit_detail(*, pk: int) -> Permit:
    conditions = Obligation.objects.select_related("owner", "superseded_by").order_by("reference")
    return (
        permit_list()
        .prefetch_related(
            "clauses__standard", "evidence", "findings", Prefetch("conditions", queryset=conditions)
        )
        .get(pk=pk)
    )


def permits_needing_attention(*, today: dt.date) -> list[Permit]:
    """Permits not revoked whose expiry is inside their reminder window or passed in the last month,
    soonest first: what the home page warns about, beside the certificates."""
    since = today - dt.timedelta(days=EXPIRED_ALERT_DAYS)
    rows = permit_list().filter(expires_on__gte=since).exclude(revoked_on__lte=today)
    return [p for p in rows.order_by("expires_on", "pk") if p.status_on(today) != PermitStatus.VALID]


def permits_at(site: Site) -> QuerySet[Permit]:
    """The permits of a site: those naming it and those naming no site (held for every site)."""
    return permit_list().filter(Q(sites=site) | Q(sites__isnull=True)).distinct()


@dataclass
class GateCheck:
    """The green-factory gate's permit check: whether it passed, why not, and the permits that fail."""

    passed: bool
    reasons: list[str] = field(default_factory=list)
    failing: list[Permit] = field(default_factory=list)


def permit_gate(*, site: Site, on: dt.date) -> GateCheck:
    """Whether the site held every required permit (a discharge permit) on ``on``. A required kind
    with no permit at all is a reason without a failing permit; a required kind held only by
    expired, revoked or not yet issued permits lists those permits as failing."""
    held = list(permits_at(site).filter(kind__in=GATE_REQUIRED_KINDS))
    reasons: list[str] = []
    failing: list[Permit] = []
    for kind in GATE_REQUIRED_KINDS:
        of_kind = [p for p in held if p.kind == kind]
        if any(p.is_valid_on(on) for p in of_kind):
            continue
        label = str(PermitKind(kind).label)
        if not of_kind:
            reasons.append(_("No %(kind)s is recorded for %(site)s.") % {"kind": label, "site": site})
        for p in of_kind:
            failing.append(p)
            reasons.append(_permit_reason(p, on))
    return GateCheck(passed=not reasons, reasons=reasons, failing=failing)


def _permit_reason(permit: Permit, on: dt.date) -> str:
    values = {"permit": f"{permit.reference} {permit.number}", "day": on.isoformat()}
    if permit.revoked_on is not None and permit.revoked_on <= on:
        values["since"] = permit.revoked_on.isoformat()
        return _("%(permit)s was revoked on %(since)s, before %(day)s.") % values
    if permit.issued_on is not None and permit.issued_on > on:
        values["since"] = permit.issued_on.isoformat()
        return _("%(permit)s was only issued on %(since)s, after %(day)s.") % values
    values["since"] = permit.expires_on.isoformat() if permit.expires_on else ""
    return _("%(permit)s expired on %(since)s, before %(day)s.") % values
