"""Material-balance services: what is stored, what is refused (nothing written), edit conflicts,
the audit trail, and the rates read back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from certifications.exceptions import EditConflict
from certifications.models import MaterialBalance, MaterialOutput
from certifications.selectors.material_balance import balance_assessment, material_balance_detail
from certifications.services.material_balance import material_balance_update
from greenfactory.core.exceptions import DomainError

from .material_balance_data import OUTPUTS, month_balance

D = Decimal
pytestmark = pytest.mark.django_db


def test_a_month_is_stored_with_its_end_outputs_and_computed_rates(site, staff_user):
    balance = month_balance(site=site, by=staff_user)
    stored = material_balance_detail(pk=balance.pk)
    assert stored.period_end == dt.date(2026, 3, 31)
    assert stored.input_total_t == D("1000")
    assert [o.product for o in stored.outputs.all()] == ["Li2CO3", "NCM precursor", "Copper foil"]
    rates = balance_assessment(stored).rates
    assert rates["li_recovery"].value == D("92")
    assert rates["ni_recovery"].value == D("98.5")
    assert rates["mn_recovery"].value == D("97.5")
    assert rates["powder_recovery"].value == D("98.5")
    assert rates["water_recycling"].value == D("93")
    assert rates["al_recovery"].value is None  # no output assayed for Al


def test_verdicts_per_threshold_set(site, staff_user):
    sets = {s.threshold_set.code: s for s in balance_assessment(month_balance(site=site, by=staff_user)).sets}
    miit = {v.rule.metric: v.passed for v in sets["miit-2024"].verdicts}
    assert miit["mn_recovery"] is False  # 97.5 % < 98 %
    assert miit["li_recovery"] is True
    assert sets["miit-2024"].passed is False
    assert sets["eu-2027"].passed is True
    # EU 2031: Li 92 >= 80, Ni 98.5, Co 99, Cu 95 >= 95: all pass
    assert sets["eu-2031"].passed is True


def test_a_missing_assay_makes_the_set_not_computable_rather_than_failed(site, staff_user):
    balance = month_balance(site=site, by=staff_user, input_cu_t=None)
    sets = {s.threshold_set.code: s for s in balance_assessment(balance).sets}
    assert sets["eu-2027"].passed is None
    cu = next(v for v in sets["eu-2027"].verdicts if v.rule.metric == "cu_recovery")
    assert cu.rate.reason == "The input was not assayed for this element."


def test_a_second_balance_for_the_same_month_is_refused(site, staff_user):
    month_balance(site=site, by=staff_user)
    with pytest.raises(DomainError, match="already has a material balance"):
        month_balance(site=site, by=staff_user)
    assert MaterialBalance.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"input_li_t": D("-1")}, "input_li_t"),
        ({"powder_al_pct": D("101")}, "powder_al_pct"),
        ({"input_ni_t": D("2000")}, "input_ni_t"),
        ({"water_recycled_m3": D("6000")}, "water_recycled_m3"),
        ({"input_ncm_t": D("NaN")}, "input_ncm_t"),
    ],
)
def test_impossible_figures_are_refused_and_nothing_is_written(site, staff_user, changes, field):
    with pytest.raises(DomainError) as refused:
        month_balance(site=site, by=staff_user, **changes)
    assert refused.value.field == field
    assert not MaterialBalance.objects.exists()
    assert not MaterialOutput.objects.exists()


def test_a_month_must_start_on_its_first_day(site, staff_user):
    with pytest.raises(DomainError):
        month_balance(site=site, by=staff_user, month=dt.date(2026, 3, 5))


def test_an_output_heavier_in_elements_than_itself_is_refused(site, staff_user):
    outputs = [{"product": "Slag", "tonnes": D("1"), "li_t": D("2")}]
    with pytest.raises(DomainError, match="weigh more"):
        month_balance(site=site, by=staff_user, outputs=outputs)
    assert not MaterialBalance.objects.exists()


def test_an_update_replaces_outputs_and_counts_the_version(site, staff_user):
    balance = month_balance(site=site, by=staff_user)
    changed = material_balance_update(
        balance=balance,
        by=staff_user,
        version=1,
        input_li_t=D("23"),
        outputs=[OUTPUTS[0]],
    )
    assert changed.version == 2
    stored = material_balance_detail(pk=balance.pk)
    assert stored.input_li_t == D("23")
    assert [o.product for o in stored.outputs.all()] == ["Li2CO3"]
    # 18.4 / 23 = 0.8 -> 80 %: below MIIT's 90 %
    assert balance_assessment(stored).rates["li_recovery"].value == D("80")
    assert stored.history.first().history_user == staff_user


def test_an_update_from_an_older_version_changes_nothing(site, staff_user):
    balance = month_balance(site=site, by=staff_user)
    material_balance_update(balance=balance, by=staff_user, version=1, notes="first")
    with pytest.raises(EditConflict):
        material_balance_update(balance=balance, by=staff_user, version=1, input_li_t=D("1"), outputs=[])
    stored = material_balance_detail(pk=balance.pk)
    assert stored.input_li_t == D("20")
    assert stored.outputs.count() == 3
