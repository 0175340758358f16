"""Writes of green-factory evaluations: opening one, overriding an indicator by hand with a reason and
evidence, and recording the hand-decided gate items."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError
from greenfactory.sites.models import Site

from ..exceptions import EditConflict
from ..models import (
    Evaluation,
    Evidence,
    GateItem,
    GateOutcome,
    GateResult,
    Indicator,
    IndicatorType,
    IndicatorValue,
    Scheme,
    ValueOrigin,
)
from ._common import history_by


@transaction.atomic
def evaluation_open(*, site: Site, year: int, scheme: Scheme, by: User | None = None) -> Evaluation:
    """The site's evaluation for the year, created under ``scheme`` when there is none yet."""
    if not 2000 <= year <= 2100:
        raise DomainError(_("The year must be between 2000 and 2100."), field="year")
    evaluation = Evaluation.objects.filter(site=site, year=year).first()
    if evaluation is None:
        evaluation = Evaluation(site=site, year=year, scheme=scheme)
        history_by(evaluation, by)
        evaluation.save()
    return evaluation


@transaction.atomic
def indicator_value_override(  # noqa: PLR0913 - the fields of one hand-entered value
    *,
    evaluation: Evaluation,
    indicator: Indicator,
    value: Decimal | None = None,
    case: str = "",
    reason: str,
    evidence: list[Evidence],
    version: int | None,
    by: User,
) -> IndicatorValue:
    """Enter (or override an automatic) value by hand. A reason and at least one evidence record are
    required; ``version`` is the version the person saw (None when there was no value yet), a stale one
    is refused with EditConflict and nothing changes."""
    if indicator.scheme_id != evaluation.scheme_id:
        raise DomainError(_("The indicator is not part of this evaluation's scheme."), field="indicator")
    if not reason.strip():
        raise DomainError(_("Say why the value is entered by hand."), field="reason")
    if not evidence:
        raise DomainError(_("Attach the evidence the value comes from."), field="evidence")
    if indicator.type == IndicatorType.QUALITATIVE:
        if case not in [c["code"] for c in indicator.cases]:
            raise DomainError(_("Choose one of the indicator's cases."), field="case")
        value = None
    elif value is None or not value.is_finite():
        raise DomainError(_("Enter the value in the indicator's unit."), field="value")
    entry = (
        IndicatorValue.objects.select_for_update().filter(evaluation=evaluation, indicator=indicator).first()
    )
    current = entry.version if entry else None
    if current != version:
        raise EditConflict(
            _("Someone changed this value since you opened it; reload and try again."),
            current_version=current or 0,
        )
    if entry is None:
        entry = IndicatorValue(evaluation=evaluation, indicator=indicator, version=0)
    replaces = _previous(entry)
    entry.value, entry.case, entry.reason = value, case, reason.strip()
    entry.origin = ValueOrigin.MANUAL
    entry.provenance = {"entered_by": by.get_username(), "replaces": replaces}
    entry.version += 1
    entry.updated_by = by
    history_by(entry, by)
    entry.save()
    entry.evidence.set(evidence)
    return entry


def _previous(entry: IndicatorValue) -> dict | None:
    if entry.pk is None or entry.origin != ValueOrigin.AUTOMATIC:
        return None
    return {"value": None if entry.value is None else str(entry.value), "provenance": entry.provenance}


@transaction.atomic
def gate_result_record(
    *, evaluation: Evaluation, item: GateItem, outcome: str, note: str, evidence: list[Evidence], by: User
) -> GateResult:
    """Record a hand-decided gate item (manual kinds, and permits/incidents until their registers
    decide them); a pass needs evidence."""
    if item.scheme_id != evaluation.scheme_id:
        raise DomainError(_("The gate item is not part of this evaluation's scheme."), field="item")
    if outcome not in GateOutcome.values:
        raise DomainError(_("Choose passed, failed or not decided."), field="outcome")
    if outcome == GateOutcome.PASSED and not evidence:
        raise DomainError(_("Attach the evidence the item passes on."), field="evidence")
    result = GateResult.objects.filter(evaluation=evaluation, item=item).first() or GateResult(
        evaluation=evaluation, item=item
    )
    result.outcome, result.note = outcome, note.strip()
    history_by(result, by)
    result.save()
    result.evidence.set(evidence)
    return result
