"""Hand-entered green-factory values (override with reason and evidence) and gate results."""

import datetime as dt
from decimal import Decimal as D

import pytest

from certifications.exceptions import EditConflict
from certifications.models import GateOutcome, Indicator, IndicatorValue, ValueOrigin
from certifications.selectors.green_factory import evaluation_score
from certifications.selectors.green_factory_gate import evaluation_gate
from certifications.services.green_factory import schemes_load_shipped
from certifications.services.green_factory_values import (
    evaluation_open,
    gate_result_record,
    indicator_value_override,
)
from greenfactory.core.exceptions import DomainError

from .factories import make_evidence


@pytest.fixture
def evaluation(db, site):
    scheme = next(s for s in schemes_load_shipped() if s.edition == "2025")
    return evaluation_open(site=site, year=2026, scheme=scheme)


@pytest.fixture
def evidence(staff_user):
    return make_evidence(owner=staff_user, title="Water meter annual report")


def _indicator(evaluation, code):
    return Indicator.objects.get(scheme=evaluation.scheme, code=code)


def test_an_override_with_reason_and_evidence_changes_the_score(evaluation, evidence, staff_user):
    indicator = _indicator(evaluation, "2.2")
    IndicatorValue.objects.create(
        evaluation=evaluation, indicator=indicator, value=D(80), origin=ValueOrigin.AUTOMATIC,
        provenance={"period": "2026"},
    )  # fmt: skip
    before = evaluation_score(evaluation=evaluation).groups[1].points
    entry = indicator_value_override(
        evaluation=evaluation, indicator=indicator, value=D("87.5"), reason="Reuse meter installed in March",
        evidence=[evidence], version=1, by=staff_user,
    )  # fmt: skip
    assert (entry.origin, entry.version, entry.reason) == (
        ValueOrigin.MANUAL,
        2,
        "Reuse meter installed in March",
    )
    assert entry.provenance["replaces"] == {"value": "80.000000", "provenance": {"period": "2026"}}
    assert list(entry.evidence.all()) == [evidence]
    assert before == 0
    assert evaluation_score(evaluation=evaluation).groups[1].points == D(5)


def test_an_override_without_reason_or_evidence_changes_nothing(evaluation, evidence, staff_user):
    indicator = _indicator(evaluation, "2.2")
    with pytest.raises(DomainError, match="Say why"):
        indicator_value_override(
            evaluation=evaluation, indicator=indicator, value=D(90), reason=" ", evidence=[evidence],
            version=None, by=staff_user,
        )  # fmt: skip
    with pytest.raises(DomainError, match="Attach the evidence"):
        indicator_value_override(
            evaluation=evaluation, indicator=indicator, value=D(90), reason="x", evidence=[],
            version=None, by=staff_user,
        )  # fmt: skip
    assert not IndicatorValue.objects.exists()


def test_a_stale_version_is_refused(evaluation, evidence, staff_user):
    indicator = _indicator(evaluation, "3.1")
    indicator_value_override(
        evaluation=evaluation, indicator=indicator, case="B", reason="Monitoring report", evidence=[evidence],
        version=None, by=staff_user,
    )  # fmt: skip
    with pytest.raises(EditConflict):
        indicator_value_override(
            evaluation=evaluation, indicator=indicator, case="A", reason="x", evidence=[evidence],
            version=None, by=staff_user,
        )  # fmt: skip
    assert IndicatorValue.objects.get().case == "B"


def test_an_unknown_case_is_refused(evaluation, evidence, staff_user):
    with pytest.raises(DomainError, match="cases"):
        indicator_value_override(
            evaluation=evaluation, indicator=_indicator(evaluation, "3.1"), case="Z", reason="x",
            evidence=[evidence], version=None, by=staff_user,
        )  # fmt: skip


def test_a_recorded_result_decides_a_manual_gate_item(evaluation, evidence, staff_user):
    item = evaluation.scheme.gate_items.get(kind="manual")
    with pytest.raises(DomainError, match="evidence"):
        gate_result_record(
            evaluation=evaluation, item=item, outcome=GateOutcome.PASSED, note="", evidence=[], by=staff_user
        )
    gate_result_record(
        evaluation=evaluation, item=item, outcome=GateOutcome.PASSED, note="Listed by the Tianjin bureau in 2025",
        evidence=[evidence], by=staff_user,
    )  # fmt: skip
    checks = {c.item.code: c for c in evaluation_gate(evaluation=evaluation, today=dt.date(2026, 12, 2))}
    assert (checks["G7"].outcome, checks["G7"].reason) == (
        GateOutcome.PASSED,
        "Listed by the Tianjin bureau in 2025",
    )


def test_a_recorded_result_does_not_override_the_permits_register(evaluation, evidence, staff_user):
    item = evaluation.scheme.gate_items.get(kind="permit")
    gate_result_record(
        evaluation=evaluation, item=item, outcome=GateOutcome.PASSED, note="Permit valid to 2029",
        evidence=[evidence], by=staff_user,
    )  # fmt: skip
    checks = {c.item.code: c for c in evaluation_gate(evaluation=evaluation, today=dt.date(2026, 12, 2))}
    assert checks["G5"].outcome == GateOutcome.FAILED
    assert "No " in checks["G5"].reason


def test_opening_twice_returns_the_same_evaluation(evaluation):
    assert evaluation_open(site=evaluation.site, year=2026, scheme=evaluation.scheme) == evaluation
