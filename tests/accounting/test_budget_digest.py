"""Energy-budget overruns in the daily digest: their own heading and wording, apart from the
energy-target alerts, and the reminders stored before they had a kind of their own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounting.services.baselines import baseline_create, target_set
from certifications.models import Reminder, ReminderKind
from certifications.services import reminders

from .baseline_helpers import vector_plant
from .budget_helpers import flat_budget, month_kpi

pytestmark = pytest.mark.django_db

BEFORE = [("certifications", "0010_obligations_permits")]


def _sections(body: str) -> dict[str, list[str]]:
    """The digest's lines under each heading."""
    sections: dict[str, list[str]] = {}
    heading = ""
    for line in body.splitlines():
        if line.startswith("- "):
            sections.setdefault(heading, []).append(line)
        elif line.strip():
            heading = line.strip()
    return sections


@pytest.fixture
def mailed_staff(staff_user):
    staff_user.email = "energy@example.com"
    staff_user.save()
    return staff_user


def test_a_month_over_budget_is_listed_under_the_budget_heading_with_its_figures(site, mailed_staff):
    month_kpi(site, 2026, 1, tce="10")
    month_kpi(site, 2026, 2, tce="12.5")
    flat_budget(site, 2026, tolerance="5", by=mailed_staff)
    reminders.certifications_daily(today=dt.date(2026, 3, 2))
    sections = _sections(mail.outbox[0].body)
    assert sections["Energy budget overrun"] == [
        "- 2026-02-01 · TJ-01 2026 budget · Comprehensive energy (tce) · 2026-02: actual 12.5 tce against "
        "a budget of 10 tce, +25.0 % (tolerance 5 %)"
    ]
    assert "Energy target missed" not in sections


def test_a_month_over_a_budget_of_zero_says_so(site, mailed_staff):
    month_kpi(site, 2026, 1, tce="3")
    flat_budget(site, 2026, tce="0", by=mailed_staff)
    reminders.certifications_daily(today=dt.date(2026, 2, 2))
    [reminder] = Reminder.objects.filter(kind=ReminderKind.BUDGET_OVERRUN)
    assert reminder.subject == (
        "TJ-01 2026 budget · Comprehensive energy (tce) · 2026-01: actual 3 tce against a budget of zero "
        "(tolerance 10 %)"
    )


def test_the_overrun_is_worded_in_the_budget_makers_language(site, mailed_staff):
    mailed_staff.language = "zh-hans"
    mailed_staff.save()
    month_kpi(site, 2026, 1, tce="12")
    flat_budget(site, 2026, by=mailed_staff)
    reminders.certifications_daily(today=dt.date(2026, 2, 2))
    [reminder] = Reminder.objects.filter(kind=ReminderKind.BUDGET_OVERRUN)
    assert "综合能耗" in reminder.subject  # the budget line's name, in Chinese


def test_an_energy_target_miss_stays_under_its_own_heading_beside_a_budget_overrun(
    site, mailed_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        vector_plant(site)
    baseline = baseline_create(
        site=site,
        name="Site electricity",
        base_start=dt.date(2025, 1, 1),
        base_end=dt.date(2025, 12, 31),
        measure="mwh",
        medium="electricity",
        use_hdd=True,
        by=mailed_staff,
    )
    target_set(site=site, baseline=baseline, kind="enpi_max", value=Decimal("0.9"), by=mailed_staff)
    flat_budget(site, 2026, tce="0", by=mailed_staff)
    reminders.certifications_daily(today=dt.date(2026, 2, 3))
    sections = _sections(mail.outbox[0].body)
    [target_line] = sections["Energy target missed"]
    [budget_line] = sections["Energy budget overrun"]
    assert "Site electricity" in target_line
    assert "budget" not in target_line
    assert "2026 budget · Comprehensive energy (tce) · 2026-01" in budget_line


def test_the_notification_links_an_overrun_to_its_budget(site, mailed_staff, staff_client):
    month_kpi(site, 2026, 1, tce="12")
    budget = flat_budget(site, 2026, by=mailed_staff)
    reminders.certifications_daily(today=dt.date(2026, 2, 2))
    page = staff_client.get("/evidence/notifications/").content.decode()
    assert f'href="/energy/budgets/{budget.pk}/"' in page
    assert "Energy budget overrun" in page


@pytest.mark.django_db(transaction=True)
def test_overruns_stored_as_energy_target_reminders_take_the_budget_kind(staff_user):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps.get_model("certifications", "Reminder")
        common = {"recipient_id": staff_user.pk, "day": dt.date(2026, 3, 2), "due_on": dt.date(2026, 2, 1)}
        old.objects.create(
            kind="energy_target", item_key="energy-budget:7:tce:2026-02", subject="b", **common
        )
        old.objects.create(kind="energy_target", item_key="energy-alert:3", subject="t", **common)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert dict(Reminder.objects.values_list("item_key", "kind")) == {
        "energy-budget:7:tce:2026-02": ReminderKind.BUDGET_OVERRUN,
        "energy-alert:3": ReminderKind.ENERGY_TARGET,
    }
