"""Baseline pages, API, targets and alerts as staff and energy managers use them."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from accounting.models import BaselineAdjustment, EnergyBaseline, EnergyTarget, TargetAlert
from accounting.services.baselines import adjustment_record, baseline_create, driver_value_set, target_set
from certifications.models import Reminder, ReminderKind
from certifications.services import reminders

from .baseline_helpers import vector_plant

pytestmark = pytest.mark.django_db
API = "/api/v1/energy-baselines/"


@pytest.fixture
def plant(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        vector_plant(site)
    return site


@pytest.fixture
def baseline(plant, staff_user):
    return baseline_create(
        site=plant,
        name="Site electricity",
        base_start=dt.date(2025, 1, 1),
        base_end=dt.date(2025, 12, 31),
        measure="mwh",
        medium="electricity",
        use_hdd=True,
        by=staff_user,
    )


def test_staff_build_a_baseline_from_the_form_and_see_its_model(plant, staff_client):
    response = staff_client.post(
        "/kpis/baselines/new/",
        {
            "site": plant.code,
            "name": "Plant electricity",
            "scope": "site",
            "measure": "mwh",
            "medium": "electricity",
            "base_start": "2025-01",
            "base_end": "2025-12",
            "use_hdd": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    page = staff_client.get(response["Location"]).content.decode()
    assert "0.99697" in page
    assert "E = 467.152 + 0.164903 × P + 0.209909 × HDD" in page
    assert 'id="chart-cusum"' in page
    assert "1,201.727" in page
    assert "81.727" in page
    assert "0.9320" in page
    assert 'id="complete-months"' in page


def test_a_form_with_too_few_months_says_why_and_stores_nothing(plant, staff_client):
    response = staff_client.post(
        "/kpis/baselines/new/",
        {
            "site": plant.code,
            "name": "Short",
            "scope": "site",
            "measure": "tce",
            "base_start": "2025-01",
            "base_end": "2025-06",
        },
    )
    assert response.status_code == 400
    assert "at least 12 monthly periods" in response.content.decode()
    assert not EnergyBaseline.objects.exists()


def test_the_page_warns_of_a_weak_model(baseline, staff_client):
    EnergyBaseline.objects.filter(pk=baseline.pk).update(r2=0.6)
    page = staff_client.get(f"/kpis/baselines/{baseline.pk}/").content.decode()
    assert 'id="weak-model"' in page
    assert "below 0.75" in page


def test_the_month_filter_and_exports_hold_the_table(baseline, staff_client):
    page = staff_client.get(
        f"/kpis/baselines/{baseline.pk}/", {"start": "2026-01", "end": "2026-01"}
    ).content.decode()
    assert page.count("<tr") - page.count("<tr><td colspan") >= 2
    assert "2025-06" not in page.split('id="baseline-months"')[1]
    csv = staff_client.get(f"/kpis/baselines/{baseline.pk}/", {"start": "2026-01", "export": "csv"})
    body = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert len(body) == 2
    assert body[1].startswith("2026-01,no,4200.0,200.0,,1120.0")
    xlsx = staff_client.get(f"/kpis/baselines/{baseline.pk}/", {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_adjustment_from_the_page_changes_expected(baseline, staff_client):
    response = staff_client.post(
        f"/kpis/baselines/{baseline.pk}/adjustments/",
        {"effective_from": "2026-01-01", "per_period": "50", "reason": "New shredder line"},
    )
    assert response.status_code == 302
    page = staff_client.get(f"/kpis/baselines/{baseline.pk}/").content.decode()
    assert "1,251.727" in page
    assert "New shredder line" in page
    assert BaselineAdjustment.objects.get().recorded_by.username == "staff1"


def test_an_adjustment_without_a_reason_is_refused_on_the_page(baseline, staff_client):
    response = staff_client.post(
        f"/kpis/baselines/{baseline.pk}/adjustments/", {"effective_from": "2026-01-01", "per_period": "50"}
    )
    assert response.status_code == 400
    assert not BaselineAdjustment.objects.exists()


def test_a_missed_target_raises_one_alert_and_one_digest_line(baseline, staff_user, settings):
    target_set(site=baseline.site, baseline=baseline, kind="enpi_max", value=Decimal("0.9"), by=staff_user)
    [alert] = TargetAlert.objects.all()
    assert alert.period == dt.date(2026, 1, 1)
    assert alert.actual.quantize(Decimal("0.00001")) == Decimal("0.93199")
    staff_user.email = "energy@example.com"
    staff_user.save()
    first = reminders.certifications_daily(today=dt.date(2026, 2, 3))
    again = reminders.certifications_daily(today=dt.date(2026, 2, 3))
    tomorrow = reminders.certifications_daily(today=dt.date(2026, 2, 4))
    assert first["reminders"] == 1
    assert again["reminders"] == tomorrow["reminders"] == 0
    [reminder] = Reminder.objects.filter(kind=ReminderKind.ENERGY_TARGET)
    assert reminder.recipient == staff_user
    assert "Site electricity" in reminder.subject
    assert "2026-01" in reminder.subject
    assert len(mail.outbox) == 1
    assert "Energy target missed" in mail.outbox[0].body
    assert TargetAlert.objects.count() == 1


def test_a_met_target_raises_nothing_and_an_adjustment_clears_a_miss(baseline, staff_user):
    target_set(site=baseline.site, baseline=baseline, kind="enpi_max", value=Decimal("0.95"), by=staff_user)
    assert not TargetAlert.objects.exists()
    target = target_set(
        site=baseline.site, baseline=baseline, kind="enpi_max", value=Decimal("0.92"), by=staff_user
    )
    assert TargetAlert.objects.filter(target=target).count() == 1
    adjustment_record(
        baseline=baseline, effective_from=dt.date(2026, 1, 1), per_period=Decimal(50), reason="Static change"
    )
    assert not TargetAlert.objects.exists()  # 1120 / 1251.727 = 0.8948 meets 0.92


def test_a_site_intensity_target_is_checked_every_month(plant, staff_client):
    response = staff_client.post(
        "/kpis/baselines/targets/", {"site": plant.code, "kind": "tce_per_t_max", "value": "0.035"}
    )
    assert response.status_code == 302
    # 1050 MWh x 0.1229 kgce/kWh / 3000 t = 0.0430 tce/t misses it, as do 3400 t and 3900 t (twice each);
    # 4100 t and above, and January 2026 (0.0328), meet it.
    assert TargetAlert.objects.filter(target__kind="tce_per_t_max").count() == 6
    page = staff_client.get("/kpis/baselines/", {"site": plant.code}).content.decode()
    assert "months missed" in page


def test_the_list_shows_alert_badges(baseline, staff_user, staff_client):
    target_set(site=baseline.site, baseline=baseline, kind="enpi_max", value=Decimal("0.9"), by=staff_user)
    page = staff_client.get("/kpis/baselines/").content.decode()
    assert "Site electricity" in page
    assert "1 month missed a target" in page


def test_the_sector_thresholds_are_described_without_a_file_path(plant, staff_client):
    page = staff_client.get("/kpis/baselines/", {"site": plant.code}).content.decode()
    assert "Reference values from the MIIT industry standard conditions" in page
    assert "sector_thresholds.yaml" not in page
    assert "accounting/data" not in page


def test_degree_days_are_entered_for_a_year(plant, staff_client):
    response = staff_client.post(
        f"/kpis/baselines/degree-days/?site={plant.code}&year=2027",
        {"hdd_2027_01": "612.5", "cdd_2027_07": "150"},
    )
    assert response.status_code == 302
    page = staff_client.get(f"/kpis/baselines/degree-days/?site={plant.code}&year=2027").content.decode()
    assert 'value="612.50"' in page
    bad = staff_client.post(
        f"/kpis/baselines/degree-days/?site={plant.code}&year=2027", {"hdd_2027_02": "-5"}
    )
    assert bad.status_code == 400


def test_the_baseline_page_query_count_does_not_grow_with_months(
    baseline, staff_client, staff_user, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    url = f"/kpis/baselines/{baseline.pk}/"
    with django_assert_max_num_queries(25) as small:
        staff_client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        from .kpi_helpers import ingest, processed

        readings = []
        for i in range(1, 9):  # March to October 2026, after the vector's last reading on 1 February
            month = dt.date(2026, 2 + i, 1)
            value = 15_040_000 + 1_100_000 * i
            readings.append({"meter": "E-MAIN", "ts": f"{month}T00:00:00+08:00", "value": value})
            processed(baseline.site, dt.date(2026, 1 + i, 1), month - dt.timedelta(days=1), "4000")
            driver_value_set(site=baseline.site, period=dt.date(2026, 1 + i, 1), hdd=Decimal(100), cdd=None)
        ingest(baseline.site, readings)
    for value in ("0.5", "0.6", "0.7"):
        target_set(
            site=baseline.site, baseline=baseline, kind="enpi_max", value=Decimal(value), by=staff_user
        )
        adjustment_record(
            baseline=baseline, effective_from=dt.date(2026, 3, 1), per_period=Decimal(1), reason="x"
        )
    assert TargetAlert.objects.count() > 6
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = staff_client.get(url)
    assert page.status_code == 200


# --- API ---------------------------------------------------------------------------------------------


def test_the_api_fits_a_baseline_and_lists_its_months(plant, staff_client):
    response = staff_client.post(
        API,
        {
            "site": plant.code,
            "name": "API electricity",
            "measure": "mwh",
            "medium": "electricity",
            "base_start": "2025-01-01",
            "base_end": "2025-12-31",
            "use_hdd": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert round(body["r2"], 5) == 0.99697
    assert body["weak"] is False
    periods = staff_client.get(f"{API}{body['id']}/periods/", {"start": "2026-01-01"}).json()["results"]
    [january] = periods
    assert round(january["expected"], 3) == 1201.727
    assert round(january["savings"], 3) == 81.727
    assert round(january["enpi"], 5) == 0.93199
    assert round(january["cusum"], 3) == 81.727
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(plant.time_zone)).date()
    last_complete = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    whole = staff_client.get(f"{API}{body['id']}/periods/").json()
    assert whole["last_complete_month"] == last_complete.strftime("%Y-%m")
    assert whole["results"][-1]["period"] <= last_complete.strftime("%Y-%m")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"base_end": "2025-10-31"}, "base_end"),
        ({"base_start": "1800-01-01"}, "base_start"),
        ({"measure": "joules"}, "measure"),
        ({"medium": "water"}, "medium"),
        ({"site": "NOPE"}, "site"),
        ({"scope": "seu"}, "meters"),
        ({"name": ""}, "name"),
    ],
)
def test_the_api_refuses_bad_baselines_with_400_and_stores_nothing(plant, staff_client, change, field):
    body = {
        "site": plant.code,
        "name": "Bad",
        "measure": "mwh",
        "medium": "electricity",
        "base_start": "2025-01-01",
        "base_end": "2025-12-31",
        **change,
    }
    response = staff_client.post(API, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not EnergyBaseline.objects.exists()


def _idle_heat_meter(site, django_capture_on_commit_callbacks):
    """A heat meter read every month that never moves: its KPIs are all zero."""
    from .baseline_helpers import vector_months
    from .kpi_helpers import ingest, meter

    meter(site, "H-1", "heat", "GJ")
    months = [m for m, *_rest in vector_months()]
    with django_capture_on_commit_callbacks(execute=True):
        ingest(site, [{"meter": "H-1", "ts": f"{m.isoformat()}T00:00:00+08:00", "value": 7} for m in months])


def test_the_api_refuses_a_baseline_of_a_medium_that_used_no_energy(
    plant, staff_client, django_capture_on_commit_callbacks
):
    _idle_heat_meter(plant, django_capture_on_commit_callbacks)
    body = {
        "site": plant.code,
        "name": "Idle heat",
        "measure": "mwh",
        "medium": "heat",
        "base_start": "2025-01-01",
        "base_end": "2025-12-31",
    }
    response = staff_client.post(API, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "energy is zero in every month" in str(response.json())
    assert not EnergyBaseline.objects.exists()
    assert staff_client.get(API).status_code == 200


def test_the_form_refuses_a_baseline_of_a_medium_that_used_no_energy(
    plant, staff_client, django_capture_on_commit_callbacks
):
    _idle_heat_meter(plant, django_capture_on_commit_callbacks)
    response = staff_client.post(
        "/kpis/baselines/new/",
        {
            "site": plant.code,
            "name": "Idle heat",
            "scope": "site",
            "measure": "mwh",
            "medium": "heat",
            "base_start": "2025-01",
            "base_end": "2025-12",
        },
    )
    assert response.status_code == 400
    assert "energy is zero in every month" in response.content.decode()
    assert not EnergyBaseline.objects.exists()


def test_the_api_records_adjustments_targets_and_degree_days(baseline, staff_client):
    adj = staff_client.post(
        "/api/v1/baseline-adjustments/",
        {"baseline": baseline.pk, "effective_from": "2026-01-01", "per_period": "50", "reason": "New line"},
        content_type="application/json",
    )
    assert adj.status_code == 201, adj.content
    target = staff_client.post(
        "/api/v1/energy-targets/",
        {"site": baseline.site.code, "baseline": baseline.pk, "kind": "enpi_max", "value": "0.85"},
        content_type="application/json",
    )
    assert target.status_code == 201, target.content
    alerts = staff_client.get("/api/v1/target-alerts/", {"site": baseline.site.code}).json()
    assert alerts["results"][0]["period"] == "2026-01-01"
    dd = staff_client.post(
        "/api/v1/driver-values/",
        {"site": baseline.site.code, "period": "2026-01-15", "hdd": "210"},
        content_type="application/json",
    )
    assert dd.status_code == 201, dd.content
    assert dd.json()["period"] == "2026-01-01"


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/baseline-adjustments/", {"effective_from": "2026-01-01", "per_period": "5", "reason": " "}),
        (
            "/api/v1/baseline-adjustments/",
            {"effective_from": "2026-01-01", "per_period": "NaN", "reason": "x"},
        ),
        ("/api/v1/energy-targets/", {"kind": "enpi_max", "value": "-1"}),
        ("/api/v1/energy-targets/", {"kind": "enpi_max", "value": "0.9", "baseline": None}),
        ("/api/v1/driver-values/", {"period": "2026-01-01", "hdd": "-3"}),
        ("/api/v1/driver-values/", {"period": "2026-13-01", "hdd": "3"}),
    ],
)
def test_the_api_refuses_bad_writes_with_400(baseline, staff_client, url, body):
    body = {**body, "site": baseline.site.code}
    if "baseline" not in body and "adjustments" in url:
        body["baseline"] = baseline.pk
    before = (BaselineAdjustment.objects.count(), EnergyTarget.objects.count())
    response = staff_client.post(url, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert (BaselineAdjustment.objects.count(), EnergyTarget.objects.count()) == before


def test_auditors_and_gateways_cannot_read_or_write_baselines(baseline, auditor_client, gateway_client):
    for client in (auditor_client, gateway_client):
        assert client.get(f"{API}{baseline.pk}/periods/").status_code == 403
        assert client.post(f"/kpis/baselines/{baseline.pk}/refit/").status_code == 403


def test_the_api_builds_a_significant_energy_use_from_meter_codes_of_its_site(plant, staff_client):
    from tests.factories import SiteFactory

    from .kpi_helpers import meter

    meter(SiteFactory(code="BJ-01"), "E-MAIN")  # the same code at another site
    body = {
        "site": plant.code,
        "name": "Main incomer",
        "scope": "seu",
        "seu_name": "Main incomer",
        "meters": ["E-MAIN"],
        "measure": "mwh",
        "base_start": "2025-01-01",
        "base_end": "2025-12-31",
    }
    response = staff_client.post(API, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["meters"] == ["E-MAIN"]
    assert round(response.json()["r2"], 5) == 0.98237
    unknown = staff_client.post(
        API, {**body, "name": "x", "meters": ["NOPE"]}, content_type="application/json"
    )
    assert unknown.status_code == 400
    assert "NOPE" in unknown.json()["meters"][0]


@pytest.fixture
def _back_to_default_language():
    from django.utils import translation

    yield
    translation.deactivate()  # the middleware leaves the request's language active in this thread


@pytest.mark.usefixtures("_back_to_default_language")
def test_the_baseline_pages_speak_chinese(baseline, staff_client):
    headers = {"HTTP_ACCEPT_LANGUAGE": "zh-Hans"}
    detail = staff_client.get(f"/kpis/baselines/{baseline.pk}/", **headers).content.decode()
    assert "节能量累积和（CUSUM）" in detail
    assert "基准期之后的绩效" in detail
    listing = staff_client.get("/kpis/baselines/", **headers).content.decode()
    assert "能源基准与能源绩效参数" in listing
    assert "行业规范指标（工信部 2024）" in listing
    assert "破碎分离后电极粉料回收率" in listing
    refused = staff_client.post(
        "/kpis/baselines/new/",
        {
            "site": baseline.site.code,
            "name": "x",
            "scope": "site",
            "measure": "tce",
            "base_start": "2025-01",
            "base_end": "2025-03",
        },
        **headers,
    )
    assert "基准至少需要 12 个月度周期" in refused.content.decode()


def test_new_readings_that_miss_a_target_raise_its_alert_without_waiting_for_the_digest(
    baseline, staff_user, django_capture_on_commit_callbacks
):
    from .kpi_helpers import ingest, meter

    target_set(site=baseline.site, baseline=baseline, kind="enpi_max", value=Decimal("0.95"), by=staff_user)
    assert not TargetAlert.objects.exists()  # January 2026: EnPI 0.93199
    meter(baseline.site, "E-2")  # a second incomer adds 100 MWh to January: EnPI 1220 / 1201.727
    with django_capture_on_commit_callbacks(execute=True):
        ingest(
            baseline.site,
            [
                {"meter": "E-2", "ts": "2026-01-01T00:00:00+08:00", "value": 0},
                {"meter": "E-2", "ts": "2026-02-01T00:00:00+08:00", "value": 100_000},
            ],
        )
    [alert] = TargetAlert.objects.all()
    assert alert.period == dt.date(2026, 1, 1)
    assert alert.actual.quantize(Decimal("0.0001")) == Decimal("1.0152")


@pytest.mark.parametrize(
    ("period", "accepted"), [("1989-12-01", False), ("1990-01-01", True), ("2101-01-01", False)]
)
def test_the_api_takes_degree_days_of_months_in_the_one_plausible_range(
    baseline, staff_client, period, accepted
):
    response = staff_client.post(
        "/api/v1/driver-values/",
        {"site": baseline.site.code, "period": period, "hdd": "210"},
        content_type="application/json",
    )
    if accepted:
        assert response.status_code == 201, response.content
        assert response.json()["period"] == period
    else:
        assert response.status_code == 400
        assert response.json() == {"period": ["Give a date between 1990 and 2100."]}
