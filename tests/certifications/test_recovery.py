"""The recovery formulas against hand-checked vectors, and the thresholds at their edges."""

from __future__ import annotations

from decimal import Decimal

import pytest

from certifications.recovery import (
    Rule,
    balance_rates,
    element_recovery,
    impurity_share,
    powder_recovery,
    rule_passes,
    threshold_sets_from,
    water_recycling,
)
from certifications.selectors.material_balance import threshold_sets

D = Decimal


def test_element_recovery_sums_the_outputs_assayed_for_the_element():
    # Li in: 12.5 t; Li2CO3 carries 10.2 t and the slag 1.05 t -> 11.25 / 12.5 = 0.9 -> 90 %
    rate = element_recovery(input_t=D("12.5"), outputs_t=[D("10.2"), D("1.05"), None])
    assert rate.value == D("90")


def test_element_recovery_without_an_input_assay_is_not_computable_not_zero():
    rate = element_recovery(input_t=None, outputs_t=[D("1")])
    assert rate.value is None
    assert rate.reason == "The input was not assayed for this element."


def test_element_recovery_without_any_output_assay_is_not_computable():
    rate = element_recovery(input_t=D("3"), outputs_t=[None, None])
    assert rate.value is None
    assert "No output" in rate.reason


def test_element_recovery_of_a_zero_input_is_not_computable():
    assert element_recovery(input_t=D("0"), outputs_t=[D("0")]).value is None


def test_powder_recovery_vector():
    # 441 t recovered of 450 t in the input: 441 / 450 = 0.98 -> 98 %
    assert powder_recovery(recovered_t=D("441"), input_t=D("450")).value == D("98")


def test_water_recycling_vector():
    # 1,840 m3 recycled of 2,000 m3 used: 0.92 -> 92 %
    assert water_recycling(recycled_m3=D("1840"), used_m3=D("2000")).value == D("92")
    assert water_recycling(recycled_m3=None, used_m3=D("2000")).value is None


def test_impurity_share_is_the_assay_itself():
    assert impurity_share(assay_pct=D("1.2")).value == D("1.2")
    assert impurity_share(assay_pct=None).value is None


def test_at_least_rule_passes_exactly_at_the_limit_and_fails_just_below():
    rule = Rule("powder_recovery", ">=", D("98"))
    assert rule_passes(rule=rule, value=D("98")) is True
    assert rule_passes(rule=rule, value=D("97.999")) is False


def test_below_rule_fails_exactly_at_the_limit():
    rule = Rule("powder_al_impurity", "<", D("1.5"))
    assert rule_passes(rule=rule, value=D("1.5")) is False
    assert rule_passes(rule=rule, value=D("1.499")) is True


def test_shipped_thresholds_name_their_source_and_hold_the_miit_and_eu_figures():
    sets = {s.code: s for s in threshold_sets()}
    assert set(sets) == {"miit-2024", "eu-2027", "eu-2031"}
    assert all(s.source for s in sets.values())
    miit = {r.metric: (r.comparison, r.limit) for r in sets["miit-2024"].rules}
    assert miit["powder_recovery"] == (">=", D("98"))
    assert miit["powder_al_impurity"] == ("<", D("1.5"))
    assert miit["powder_cu_impurity"] == ("<", D("1.5"))
    assert miit["li_recovery"] == (">=", D("90"))
    assert miit["ni_recovery"] == miit["co_recovery"] == miit["mn_recovery"] == (">=", D("98"))
    assert miit["water_recycling"] == (">=", D("90"))
    eu27 = {r.metric: r.limit for r in sets["eu-2027"].rules}
    eu31 = {r.metric: r.limit for r in sets["eu-2031"].rules}
    assert eu27 == {
        "co_recovery": D("90"),
        "ni_recovery": D("90"),
        "cu_recovery": D("90"),
        "li_recovery": D("50"),
    }
    assert eu31 == {
        "co_recovery": D("95"),
        "ni_recovery": D("95"),
        "cu_recovery": D("95"),
        "li_recovery": D("80"),
    }


def test_an_unknown_metric_in_the_data_is_refused():
    data = {
        "sets": [
            {
                "code": "x",
                "title": "X",
                "source": "S",
                "rules": [{"metric": "gold", "comparison": ">=", "value": 1}],
            }
        ]
    }
    with pytest.raises(ValueError, match="unknown rule"):
        threshold_sets_from(data)


def test_balance_rates_of_a_whole_month():
    figures = {
        "input_li_t": D("4"),
        "input_ni_t": D("20"),
        "input_co_t": D("5"),
        "input_mn_t": None,
        "input_cu_t": D("10"),
        "input_al_t": D("8"),
        "powder_input_t": D("100"),
        "powder_recovered_t": D("99"),
        "powder_al_pct": D("0.8"),
        "powder_cu_pct": D("1.5"),
        "water_used_m3": D("500"),
        "water_recycled_m3": D("450"),
    }
    outputs = [
        {"li_t": D("3.4"), "ni_t": D("19.7"), "co_t": D("4.95")},  # precursor
        {"cu_t": D("9.3"), "al_t": D("7.6")},  # foils
    ]
    rates = balance_rates(figures=figures, outputs=outputs)
    assert rates["li_recovery"].value == D("85")  # 3.4 / 4
    assert rates["ni_recovery"].value == D("98.5")  # 19.7 / 20
    assert rates["co_recovery"].value == D("99")  # 4.95 / 5
    assert rates["mn_recovery"].value is None  # no input assay
    assert rates["cu_recovery"].value == D("93")  # 9.3 / 10
    assert rates["al_recovery"].value == D("95")  # 7.6 / 8
    assert rates["powder_recovery"].value == D("99")  # 99 / 100
    assert rates["powder_cu_impurity"].value == D("1.5")
    assert rates["water_recycling"].value == D("90")  # 450 / 500
