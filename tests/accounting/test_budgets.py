"""Energy budgets: actual against budget from stored month KPIs, forecasts, overruns, the edit rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from accounting.models import BudgetLine, EnergyBudget
from accounting.selectors.budgets import budget_overruns, budget_vs_actual, lines_from_actuals
from accounting.services.baselines import baseline_create
from accounting.services.budgets import BudgetEditConflict, BudgetInvalid, budget_create, budget_update
from certifications.models import Reminder, ReminderKind
from certifications.services import reminders
from greenfactory.core.exceptions import AlreadyExists

from .baseline_helpers import vector_plant
from .budget_helpers import flat_budget, month_kpi

pytestmark = pytest.mark.django_db


def test_actual_against_budget_month_by_month_with_the_run_rate_forecast(site):
    # Hand-computed: budget 10 tce a month, tolerance 10 %; actuals 10, 12, 14 in January to March.
    for month, tce in ((1, 10), (2, 12), (3, 14)):
        month_kpi(site, 2026, month, tce=tce)
    [series] = budget_vs_actual(budget=flat_budget(site, 2026))
    jan, feb, mar, apr = series.months[:4]
    assert (jan.actual, jan.variance, jan.over) == (Decimal(10), Decimal(0), False)
    assert (feb.variance, feb.variance_percent, feb.over) == (Decimal(2), Decimal(20), True)
    assert (mar.cumulative_budget, mar.cumulative_actual, mar.variance_percent) == (30, 36, 40)
    assert apr.actual is None
    assert apr.variance is None
    assert not apr.over
    assert series.elapsed == 3
    assert series.actual_to_date == 36
    assert series.budget_total == 120
    assert series.run_rate_forecast == 144  # 36 / 3 * 12
    assert series.baseline_forecast is None  # the site has no baseline


def test_the_running_month_shows_its_actual_so_far_and_stays_out_of_the_forecast(site):
    # Budget 10 tce a month, tolerance 10 %; January and February done (10, 12), March 3 days in (2).
    for month, tce in ((1, 10), (2, 12), (3, 2)):
        month_kpi(site, 2026, month, tce=tce)
    [series] = budget_vs_actual(budget=flat_budget(site, 2026), today=dt.date(2026, 3, 3))
    march = series.months[2]
    assert (march.actual, march.running, march.over) == (Decimal(2), True, False)
    assert not series.months[1].running
    assert (series.elapsed, series.actual_to_date) == (2, 22)
    assert series.run_rate_forecast == 132  # 22 / 2 * 12, not 24 / 3 * 12


def test_a_running_month_already_beyond_its_budget_is_over(site):
    month_kpi(site, 2026, 3, tce=15)
    [series] = budget_vs_actual(budget=flat_budget(site, 2026), today=dt.date(2026, 3, 20))
    assert (series.months[2].running, series.months[2].over) == (True, True)
    [later] = budget_vs_actual(budget=flat_budget(site, 2027), today=dt.date(2027, 1, 5))
    assert not any(m.running for m in later.months)  # no actuals in 2027 yet


def test_a_month_within_the_tolerance_is_not_over(site):
    month_kpi(site, 2026, 1, tce="10.9")
    [series] = budget_vs_actual(budget=flat_budget(site, 2026, tolerance="10"))
    assert series.months[0].variance_percent == Decimal("9")
    assert not series.months[0].over


def test_a_gap_in_the_actuals_stops_the_run_rate_at_the_last_month_before_it(site):
    month_kpi(site, 2026, 1, tce=12)
    month_kpi(site, 2026, 3, tce=30)
    [series] = budget_vs_actual(budget=flat_budget(site, 2026))
    assert series.elapsed == 1
    assert series.run_rate_forecast == 144


def test_emissions_and_electricity_read_the_kpis_totals_and_tariffs_price_the_medium(site):
    month_kpi(site, 2026, 1, electricity_kwh=1000, scope1_tco2e=2, scope2_location_tco2e=3, category4_tco2e=1)
    budget = budget_create(
        site=site,
        year=2026,
        lines={("tco2e", ""): [Decimal(5)] * 12, ("medium", "electricity"): [Decimal(900)] * 12},
        tariffs=[
            {
                "medium": "electricity",
                "price_cny": Decimal("0.8"),
                "valid_from": dt.date(2026, 1, 1),
                "valid_to": dt.date(2026, 6, 30),
            },
            {"medium": "electricity", "price_cny": Decimal("0.9"), "valid_from": dt.date(2026, 7, 1)},
        ],
    )
    electricity, emissions = budget_vs_actual(budget=budget)
    assert emissions.unit == "tCO2e"
    assert emissions.months[0].actual == 6
    assert electricity.unit == "kWh"
    assert electricity.months[0].actual == 1000
    assert electricity.months[0].actual_cost == 800
    assert electricity.months[0].budget_cost == 720
    assert electricity.months[6].budget_cost == 810
    assert (
        electricity.cost_budget_total == Decimal(900) * Decimal("0.8") * 6 + Decimal(900) * Decimal("0.9") * 6
    )


def test_baseline_forecast_adds_the_model_for_the_remaining_months(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        vector_plant(site)
    baseline_create(
        site=site,
        name="Site electricity",
        base_start=dt.date(2025, 1, 1),
        base_end=dt.date(2025, 12, 31),
        measure="mwh",
        medium="electricity",
        use_hdd=True,
    )
    budget = budget_create(site=site, year=2026, lines={("medium", "electricity"): [Decimal(1_100_000)] * 12})
    [series] = budget_vs_actual(budget=budget)
    assert series.elapsed == 1
    assert series.months[0].actual == 1_120_000
    # OLS fitted values sum to the fitted actuals: 2025 holds 13,920 MWh; January 2025 (P 3000, HDD 420)
    # is fitted at 467.152 + 0.164903 * 3000 + 0.209909 * 420 = 1050.023 MWh, so February to December
    # (driven by 2025's months) predict 12,869.977 MWh; with January 2026's 1,120 MWh: 13,989.977 MWh.
    assert series.baseline_name == "Site electricity"
    assert abs(series.baseline_forecast - Decimal("13989977")) < 10
    assert series.run_rate_forecast == 1_120_000 * 12


def test_overruns_list_past_months_over_the_tolerance(site, staff_user):
    month_kpi(site, 2026, 1, tce=10)
    month_kpi(site, 2026, 2, tce=12)
    month_kpi(site, 2026, 3, tce=20)
    flat_budget(site, 2026, by=staff_user)
    overruns = budget_overruns(on=dt.date(2026, 3, 15))
    assert [o.month for o in overruns] == [dt.date(2026, 2, 1)]  # March is not over yet
    assert overruns[0].subject.startswith(
        f"{site.code} 2026 budget · Comprehensive energy (tce) · 2026-02: actual 12 tce against a budget of 10 tce"
    )
    assert [o.month for o in budget_overruns(on=dt.date(2026, 4, 1))] == [
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]


def test_copy_from_last_years_actuals_less_a_percentage(site):
    month_kpi(site, 2025, 1, tce=100, electricity_kwh=2000)
    lines = lines_from_actuals(
        site=site, year=2025, percent=Decimal(-5), keys=[("tce", ""), ("medium", "electricity")]
    )
    assert lines[("tce", "")][0] == Decimal(95)
    assert lines[("medium", "electricity")][0] == Decimal(1900)
    assert lines[("tce", "")][1] == 0


def test_one_budget_per_site_and_year(site):
    flat_budget(site, 2026)
    with pytest.raises(AlreadyExists):
        flat_budget(site, 2026)
    assert EnergyBudget.objects.count() == 1


@pytest.mark.parametrize(
    "lines",
    [
        {},
        {("tce", ""): [Decimal(1)] * 11},
        {("tce", ""): [Decimal(-1)] * 12},
        {("tce", ""): [Decimal("NaN")] * 12},
        {("medium", ""): [Decimal(1)] * 12},
        {("medium", "moonlight"): [Decimal(1)] * 12},
        {("tce", "electricity"): [Decimal(1)] * 12},
    ],
)
def test_bad_lines_are_refused_and_nothing_is_stored(site, lines):
    with pytest.raises(BudgetInvalid):
        budget_create(site=site, year=2026, lines=lines)
    assert not EnergyBudget.objects.exists()


def test_an_edit_made_on_an_old_version_changes_nothing(site, staff_user):
    budget = flat_budget(site, 2026)
    budget_update(budget=budget, version=1, lines={("tce", ""): [Decimal(8)] * 12}, by=staff_user)
    with pytest.raises(BudgetEditConflict) as info:
        budget_update(budget=budget, version=1, lines={("tce", ""): [Decimal(99)] * 12})
    assert info.value.current_version == 2
    assert set(BudgetLine.objects.values_list("amount", flat=True)) == {Decimal(8)}
    budget.refresh_from_db()
    assert budget.history.first().history_user == staff_user


def test_changing_the_tolerance_keeps_the_months(site):
    budget = flat_budget(site, 2026, tce="7")
    budget_update(budget=budget, version=1, tolerance_percent=Decimal(3))
    budget.refresh_from_db()
    assert budget.tolerance_percent == 3
    assert budget.version == 2
    assert BudgetLine.objects.filter(budget=budget, amount=7).count() == 12


def test_a_month_over_budget_is_told_once_in_the_daily_digest(site, staff_user):
    staff_user.email = "energy@example.com"
    staff_user.save()
    month_kpi(site, 2026, 1, tce=10)
    month_kpi(site, 2026, 2, tce=12)
    flat_budget(site, 2026, by=staff_user)
    first = reminders.certifications_daily(today=dt.date(2026, 3, 2))
    again = reminders.certifications_daily(today=dt.date(2026, 3, 3))
    assert first["reminders"] == 1
    assert again["reminders"] == 0
    [reminder] = Reminder.objects.filter(kind=ReminderKind.BUDGET_OVERRUN)
    assert reminder.recipient == staff_user
    assert reminder.subject == (
        "TJ-01 2026 budget · Comprehensive energy (tce) · 2026-02: actual 12 tce against a budget of "
        "10 tce, +20.0 % (tolerance 10 %)"
    )
    assert len(mail.outbox) == 1
    assert reminder.subject in mail.outbox[0].body
