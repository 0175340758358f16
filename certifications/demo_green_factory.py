"""The demo plant's green-factory self-evaluation (GB/T 36132-2025): this year's filled from the demo
KPIs (energy per tonne, carbon intensity, renewable share, water intake, platform functions), the
water reuse rate entered by hand with its evidence and reason (the demo meters do not measure the
reuse loop), the province list gate item recorded with evidence, and last year's evaluation as it was
filed, entered by hand (the demo's meters start in last year's last months: they are not the year).
Idempotent: what exists is left as it is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

from django.db import transaction

from greenfactory.core.time import months_add

from .models import Evaluation, Evidence, EvidenceStatus, GateItem, GateOutcome, GateResult, Indicator, Scheme
from .models import IndicatorValue as Value
from .services import evidence as evidence_services
from .services.green_factory import schemes_load_shipped
from .services.green_factory_fill import evaluation_fill
from .services.green_factory_values import evaluation_open, gate_result_record, indicator_value_override

SCHEME = "GB/T 36132-2025"

REUSE_EVIDENCE = (
    "Water reuse loop flow records 中水回用流量记录",
    "Monthly readings of the reuse loop's own flow meters (cooling towers and washing line), signed off "
    "by the energy manager.",
)
REUSE_VALUE = Decimal("86.5")
REUSE_REASON = (
    "The reuse loop's flow meters are not connected to this system yet; the rate is taken from their "
    "monthly readings (reused water / total water used)."
)
LIST_EVIDENCE = (
    "Tianjin municipal green factory list 天津市绿色工厂名单",
    "Notice of the Tianjin Municipal Bureau of Industry and Information Technology naming the plant.",
)
FILED_EVIDENCE = (
    "Green factory self-evaluation as filed, last year 上年度绿色工厂自评价表（已报送）",
    "The self-evaluation form filed on the ministry's platform, with its annexes.",
)
FILED_REASON = (
    "As filed last year: the meters in this system start in the year's last months, their data is not "
    "the year's figure."
)
# Last year's filed figures (indicator code -> value, or case code for a qualitative indicator).
FILED = {
    "1.1.1": Decimal("121.4"),
    "1.2.1": Decimal("0.493"),
    "1.3.1": Decimal("14.2"),
    "1.4.1": Decimal("5"),
    "2.1": Decimal("2.35"),
    "2.2": Decimal("82"),
}


def _pdf_evidence(*, title: str, description: str, site, staff, approver, today: dt.date) -> Evidence:
    """An approved evidence record with a one-page PDF (the demo's stand-in for a scan)."""
    found = Evidence.objects.filter(title=title).first()
    if found is not None:
        return found
    from .demo import _pdf, _slug  # the demo's shared PDF stand-in; imported late: demo.py imports this

    evidence = evidence_services.evidence_create(
        title=title, description=description, owner=staff, by=staff, sites=[site]
    )
    evidence_services.evidence_revision_add(
        evidence=evidence, file=BytesIO(_pdf(title)), name=_slug(title), by=staff
    )
    evidence_services.evidence_transition(evidence=evidence, to=EvidenceStatus.IN_REVIEW, by=staff)
    return evidence_services.evidence_transition(
        evidence=evidence, to=EvidenceStatus.APPROVED, by=approver, today=today
    )


def _by_hand(*, evaluation: Evaluation, code: str, value: Decimal | str, reason: str, evidence, staff) -> int:
    indicator = Indicator.objects.get(scheme=evaluation.scheme, code=code)
    entry = Value.objects.filter(evaluation=evaluation, indicator=indicator).first()
    if entry is not None and entry.origin == "manual":
        return 0
    indicator_value_override(
        evaluation=evaluation,
        indicator=indicator,
        value=value if isinstance(value, Decimal) else None,
        case=value if isinstance(value, str) else "",
        reason=reason,
        evidence=[evidence],
        version=entry.version if entry else None,
        by=staff,
    )
    return 1


def _province_list(*, evaluation: Evaluation, evidence, staff) -> int:
    item = GateItem.objects.get(scheme=evaluation.scheme, code="G7")
    if GateResult.objects.filter(evaluation=evaluation, item=item).exists():
        return 0
    gate_result_record(
        evaluation=evaluation,
        item=item,
        outcome=GateOutcome.PASSED,
        note="Listed by the Tianjin bureau of industry and information technology.",
        evidence=[evidence],
        by=staff,
    )
    return 1


def demo_green_factory_load(*, site, staff, approver, today: dt.date) -> int:
    """The demo's evaluations of this year (the year of the demo's last month of data) and last year;
    returns how many values and gate results were entered."""
    schemes_load_shipped(by=staff)
    scheme = Scheme.objects.get(code=SCHEME)
    year = months_add(today, -1).year
    current = evaluation_open(site=site, year=year, scheme=scheme, by=staff)
    previous = evaluation_open(site=site, year=year - 1, scheme=scheme, by=staff)
    evidence = {
        key: _pdf_evidence(
            title=title, description=text, site=site, staff=staff, approver=approver, today=today
        )
        for key, (title, text) in {
            "reuse": REUSE_EVIDENCE,
            "list": LIST_EVIDENCE,
            "filed": FILED_EVIDENCE,
        }.items()
    }
    entered = _by_hand(
        evaluation=current,
        code="2.2",
        value=REUSE_VALUE,
        reason=REUSE_REASON,
        evidence=evidence["reuse"],
        staff=staff,
    )
    for code, value in FILED.items():
        entered += _by_hand(
            evaluation=previous,
            code=code,
            value=value,
            reason=FILED_REASON,
            evidence=evidence["filed"],
            staff=staff,
        )
    for evaluation in (current, previous):
        entered += _province_list(evaluation=evaluation, evidence=evidence["list"], staff=staff)
    # The demo's KPIs are computed once its readings commit (metering's pipeline, queued before this);
    # the KPI pipeline then refills both evaluations, and this fill makes sure of it.
    for evaluation in (current, previous):
        pk = evaluation.pk
        transaction.on_commit(lambda pk=pk: evaluation_fill(evaluation=Evaluation.objects.get(pk=pk)))
    return entered
