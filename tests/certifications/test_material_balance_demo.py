"""The demo's material balance: every month of the demo year up to its last month of data for TJ-01,
with its assay reports; June's lithium recovery fails MIIT's 90 %, the other months pass."""

from __future__ import annotations

import datetime as dt

import pytest

from certifications.demo_material_balance import demo_material_balance_load
from certifications.selectors.material_balance import balance_assessment, material_balance_list

from .factories import second_person

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)


def test_demo_months_pass_but_june_fails_on_lithium_and_loading_again_adds_nothing(site, staff_user):
    approver = second_person()
    assert demo_material_balance_load(site=site, staff=staff_user, approver=approver, today=TODAY) == 10
    balances = list(material_balance_list(site_id=site.pk, year=2026))
    assert [b.period_start.month for b in balances] == list(range(10, 0, -1))
    verdicts = {}
    for balance in balances:
        miit = next(s for s in balance_assessment(balance).sets if s.threshold_set.code == "miit-2024")
        verdicts[balance.period_start.month] = miit.passed
        failed = {v.rule.metric for v in miit.verdicts if v.passed is False}
        assert failed == ({"li_recovery"} if balance.period_start.month == 6 else set())
        assert balance.evidence.count() == 1
    assert verdicts[6] is False
    assert sum(verdicts.values()) == 9
    june = next(b for b in balances if b.period_start.month == 6)
    assert round(balance_assessment(june).rates["li_recovery"].value, 1) == 87
    assert demo_material_balance_load(site=site, staff=staff_user, approver=approver, today=TODAY) == 0
