"""The basic requirements (gate) of a green-factory evaluation: pass, fail or not decided per item.

Plug point for other registers
------------------------------
``GATE_CHECKS`` maps a gate-item kind to the function that decides it: certificates from the
certificate register, ``permit`` from the permits register (selectors/permits.py ``permit_gate``),
``incidents`` from the incidents register (selectors/incidents.py ``incident_gate``); ``manual``
items are recorded by hand with evidence. A check returns ``None`` to fall back to the hand-recorded ``GateResult``. Any failed item means no
title, whatever the score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import Certificate, CertificateStatus, Evaluation, GateItem, GateKind, GateOutcome, GateResult
from ..models.certificates import LAPSED_STATUSES
from .incidents import incident_gate
from .permits import permit_gate


@dataclass
class GateCheck:
    item: GateItem
    outcome: str
    reason: str
    certificates: list[Certificate] = field(default_factory=list)
    result: GateResult | None = None

    @property
    def passed(self) -> bool:
        return self.outcome == GateOutcome.PASSED

    @property
    def failed(self) -> bool:
        return self.outcome == GateOutcome.FAILED


@dataclass
class GateContext:
    """What the checks read, fetched once for the whole gate (query count independent of the items)."""

    evaluation: Evaluation
    today: dt.date
    certificates: list[Certificate]


GateCheckFn = Callable[[GateContext, GateItem], "GateCheck | None"]


def certificate_check(context: GateContext, item: GateItem) -> GateCheck:
    """Passed while a certificate of the required standard covers the site and is certified today; a
    lapsed (suspended, withdrawn, expired) certificate fails the item at once and is named."""
    matching = [c for c in context.certificates if c.standard.code == item.standard_code]
    held = [c for c in matching if c.status_on(context.today) == CertificateStatus.CERTIFIED]
    if held:
        names = ", ".join(f"{c.standard} {c.number}" for c in held)
        return GateCheck(item, GateOutcome.PASSED, _("Certified: %(names)s.") % {"names": names}, held)
    lapsed = [c for c in matching if c.status_on(context.today) in LAPSED_STATUSES]
    if lapsed:
        names = ", ".join(
            f"{c.standard} {c.number} ({CertificateStatus(c.status_on(context.today)).label})" for c in lapsed
        )
        return GateCheck(
            item, GateOutcome.FAILED, _("Certificate lapsed: %(names)s.") % {"names": names}, lapsed
        )
    return GateCheck(
        item,
        GateOutcome.FAILED,
        _("No certificate of %(standard)s covers this site.") % {"standard": item.standard_code},
    )


def permit_check(context: GateContext, item: GateItem) -> GateCheck:
    """Decided by the permits register: the site's discharge permit held on the day."""
    verdict = permit_gate(site=context.evaluation.site, on=context.today)
    if verdict.passed:
        return GateCheck(
            item,
            GateOutcome.PASSED,
            _("Every required permit is held on %(day)s.") % {"day": context.today.isoformat()},
        )
    return GateCheck(item, GateOutcome.FAILED, " ".join(str(r) for r in verdict.reasons))


def incidents_check(context: GateContext, item: GateItem) -> GateCheck:
    """Decided by the incidents register: no major incident at the site in the last three years,
    naming the incident that fails it."""
    verdict = incident_gate(site=context.evaluation.site, until=context.today)
    outcome = GateOutcome.PASSED if verdict.passed else GateOutcome.FAILED
    return GateCheck(item, outcome, " ".join(str(r) for r in verdict.reasons))


def not_decided_check(context: GateContext, item: GateItem) -> None:
    """No register decides this kind yet: the hand-recorded result (with evidence) is used."""
    return None


# kind -> check. The permits and incidents registers plug in here (see the module docstring).
GATE_CHECKS: dict[str, GateCheckFn] = {
    GateKind.CERTIFICATE: certificate_check,
    GateKind.PERMIT: permit_check,
    GateKind.INCIDENTS: incidents_check,
    GateKind.MANUAL: not_decided_check,
}


def evaluation_gate(*, evaluation: Evaluation, today: dt.date) -> list[GateCheck]:
    """Every gate item of the evaluation's scheme with its outcome, in the scheme's order."""
    items = list(GateItem.objects.filter(scheme_id=evaluation.scheme_id).order_by("position"))
    certificates = list(
        Certificate.objects.filter(sites=evaluation.site_id).select_related("standard").order_by("pk")
    )
    results = {
        r.item_id: r for r in GateResult.objects.filter(evaluation=evaluation).prefetch_related("evidence")
    }
    context = GateContext(evaluation=evaluation, today=today, certificates=certificates)
    checks = []
    for item in items:
        check = GATE_CHECKS.get(item.kind, not_decided_check)(context, item)
        if check is None:
            result = results.get(item.pk)
            if result is None:
                check = GateCheck(item, GateOutcome.UNDECIDED, _("Not decided: record the result by hand."))
            else:
                check = GateCheck(item, result.outcome, result.note, result=result)
        checks.append(check)
    return checks


def gate_passed(checks: list[GateCheck]) -> bool | None:
    """False when any item failed, None while some are undecided, True when all passed."""
    if any(c.failed for c in checks):
        return False
    if all(c.passed for c in checks):
        return True
    return None


def gate_verdict_label(verdict: bool | None) -> str:
    """The gate's verdict in plain words: a failed gate means no title whatever the score."""
    if verdict is False:
        return _("Gate failed: no title whatever the score")
    if verdict is True:
        return _("Gate passed")
    return _("Gate not decided: some basic requirements are still open")
