"""The objectives register: progress % at its edges, manual progress, following a site KPI with
its provenance, edit conflicts, pages (query counts constant with objectives following KPIs),
exports and API."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse

from accounting.models import SiteKpi
from certifications.exceptions import EditConflict
from certifications.models import Objective
from certifications.selectors import objectives as objective_selectors
from certifications.selectors.objectives import progress_percent
from certifications.services import objectives as objective_services
from greenfactory.core.exceptions import DomainError

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 2, 10)


def _objective(owner, **kwargs):
    values = {
        "by": owner,
        "reference": "OBJ-1",
        "title": "Zero lost-time injuries",
        "title_zh": "零损工事故",
        "measure": "Lost-time injuries",
        "baseline": Decimal(2),
        "target": Decimal(0),
        "direction": "lower",
        "starts_on": dt.date(2026, 1, 1),
        "due_on": dt.date(2026, 12, 31),
        "owner": owner,
    }
    values.update(kwargs)
    return objective_services.objective_create(**values)


def _kpi_january(site):
    """January 2026 of the site: 1,000,000 kWh grid and 100,000 kWh PV for 4,000 t, every day."""
    SiteKpi.objects.create(
        site=site,
        granularity="month",
        start=dt.datetime(2026, 1, 1, tzinfo=ZONE),
        electricity_kwh=Decimal(1000000),
        pv_kwh=Decimal(100000),
        processed_t=Decimal(4000),
        tce=Decimal(135),
        factors={
            "sets": {"grid-cn": 2},
            "grid": {"region": "north_china", "year": 2023, "kg_per_kwh": "0.6361"},
        },
    )
    SiteKpi.objects.bulk_create(
        SiteKpi(site=site, granularity="day", start=dt.datetime(2026, 1, d, tzinfo=ZONE))
        for d in range(1, 32)
    )


def _kpi_objective(owner, site, **kwargs):
    values = {
        "reference": "OBJ-KPI",
        "title": "Cut electricity per tonne processed by 5 %",
        "title_zh": "单位处理量电耗降低5%",
        "measure": "kWh per tonne",
        "baseline": Decimal(290),
        "target": Decimal("275.5"),
        "unit": "kWh/t",
        "starts_on": dt.date(2026, 1, 1),
        "due_on": dt.date(2026, 1, 31),
        "follows": "kpi",
        "kpi": "electricity_kwh_per_t",
        "kpi_site": site,
    }
    values.update(kwargs)
    return _objective(owner, **values)


@pytest.mark.parametrize(
    ("baseline", "target", "current", "direction", "expected"),
    [
        ("290", "275.5", "290", "lower", "0.0"),
        ("290", "275.5", "275.5", "lower", "100.0"),
        ("290", "275.5", "282.75", "lower", "50.0"),
        ("290", "275.5", "300", "lower", "-69.0"),
        ("98", "100", "99", "higher", "50.0"),
        ("98", "100", "101", "higher", "150.0"),
        (None, "0", "0", "lower", "100"),
        (None, "0", "1", "lower", None),
    ],
)
def test_progress_percent_at_its_edges(baseline, target, current, direction, expected):
    got = progress_percent(
        baseline=None if baseline is None else Decimal(baseline),
        target=Decimal(target),
        current=Decimal(current),
        direction=direction,
    )
    assert got == (None if expected is None else Decimal(expected))


def test_a_target_worse_than_the_baseline_is_refused(staff_user):
    with pytest.raises(DomainError) as exc:
        _objective(staff_user, baseline=Decimal(0), target=Decimal(2))
    assert exc.value.field == "target"
    assert not Objective.objects.exists()


def test_an_objective_following_a_kpi_needs_the_figure_and_the_site(staff_user, site):
    with pytest.raises(DomainError) as exc:
        _objective(staff_user, follows="kpi", kpi="tce")
    assert exc.value.field == "kpi_site"


def test_manual_progress_gives_the_current_value_and_is_refused_on_a_kpi_objective(staff_user, site):
    objective = _objective(staff_user)
    objective_services.progress_add(
        objective=objective, by=staff_user, recorded_on=dt.date(2026, 3, 1), value=Decimal(1)
    )
    objective_services.progress_add(
        objective=objective, by=staff_user, recorded_on=dt.date(2026, 6, 1), value=Decimal(0)
    )
    current = objective_selectors.current_values(objective_selectors.objective_list())[objective.pk]
    assert (current.value, current.on, current.percent, current.achieved) == (
        Decimal(0),
        dt.date(2026, 6, 1),
        Decimal("100.0"),
        True,
    )
    kpi = _kpi_objective(staff_user, site)
    with pytest.raises(DomainError):
        objective_services.progress_add(
            objective=kpi, by=staff_user, recorded_on=dt.date(2026, 1, 5), value=Decimal(1)
        )


def test_a_kpi_objective_reads_the_site_kpi_with_its_provenance(staff_user, site):
    _kpi_january(site)
    objective = _kpi_objective(staff_user, site)
    current = objective_selectors.current_values([objective], today=TODAY)[objective.pk]
    assert current.value == Decimal("275.000000")  # 1,100,000 kWh / 4,000 t
    assert (current.start, current.end, current.days, current.days_with_data) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 31),
        31,
        31,
    )
    assert current.factors[0]["sets"] == {"grid-cn": 2}
    assert current.achieved is True
    assert current.percent == Decimal("103.4")
    before = objective_selectors.current_values([objective], today=dt.date(2026, 1, 1))[objective.pk]
    assert before.value is None


def test_an_edit_from_an_older_version_changes_nothing(staff_user):
    objective = _objective(staff_user)
    objective_services.objective_update(objective=objective, by=staff_user, version=1, target=Decimal(1))
    with pytest.raises(EditConflict):
        objective_services.objective_update(objective=objective, by=staff_user, version=1, title="Stale")
    objective.refresh_from_db()
    assert (objective.target, objective.title, objective.version) == (
        Decimal(1),
        "Zero lost-time injuries",
        2,
    )


@pytest.mark.django_db
def test_list_page_queries_stay_constant_with_many_kpi_objectives(
    staff_client, staff_user, site, django_assert_max_num_queries
):
    _kpi_january(site)
    _kpi_objective(staff_user, site)
    _objective(staff_user, reference="OBJ-M")
    url = reverse("objective-list")
    with django_assert_max_num_queries(40) as small:
        page = staff_client.get(url).content.decode()
    assert "275" in page
    assert "follows Electricity per tonne processed (kWh/t), TJ-01" in page
    for i in range(30):
        _kpi_objective(staff_user, site, reference=f"OBJ-K{i}")
        objective = _objective(staff_user, reference=f"OBJ-M{i}")
        objective_services.progress_add(
            objective=objective, by=staff_user, recorded_on=dt.date(2026, 1, 5), value=Decimal(1)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = staff_client.get(url).content.decode()
    assert "OBJ-M1" in page


@pytest.mark.django_db
def test_detail_page_shows_value_provenance_and_chinese_title(staff_client, staff_user, site):
    _kpi_january(site)
    objective = _kpi_objective(staff_user, site)
    page = staff_client.get(reverse("objective-detail", args=[objective.pk])).content.decode()
    assert "Where it comes from" in page
    assert "31 of 31" in page
    assert "grid-cn v2" in page
    zh = staff_client.get(
        reverse("objective-detail", args=[objective.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "单位处理量电耗降低5%" in zh


@pytest.mark.django_db
def test_pages_create_record_progress_and_export(staff_client, staff_user):
    response = staff_client.post(
        reverse("objective-create"),
        {
            "reference": "OBJ-W",
            "title": "Hazardous waste disposed of compliantly",
            "measure": "Share with manifest",
            "baseline": "98",
            "target": "100",
            "unit": "%",
            "direction": "higher",
            "starts_on": "2026-01-01",
            "due_on": "2026-12-31",
            "status": "active",
            "follows": "manual",
            "owner": staff_user.pk,
        },
    )
    objective = Objective.objects.get(reference="OBJ-W")
    assert response.status_code == 302
    staff_client.post(
        reverse("objective-progress-add", args=[objective.pk]), {"recorded_on": "2026-03-31", "value": "99"}
    )
    page = staff_client.get(reverse("objective-detail", args=[objective.pk])).content.decode()
    assert "50 % of the way from the baseline to the target" in page
    body = b"".join(staff_client.get(reverse("objective-list"), {"export": "csv"}).streaming_content).decode(
        "utf-8-sig"
    )
    assert "OBJ-W" in body
    assert ",99.000000,50.0," in body


@pytest.mark.django_db
def test_api_create_list_with_current_value_and_conflict(staff_client, staff_user, site):
    _kpi_january(site)
    body = {
        "reference": "OBJ-A",
        "title": "Electricity per tonne",
        "measure": "kWh/t",
        "baseline": "290",
        "target": "275.5",
        "direction": "lower",
        "starts_on": "2026-01-01",
        "due_on": "2026-01-31",
        "follows": "kpi",
        "kpi": "electricity_kwh_per_t",
        "kpi_site": "TJ-01",
        "owner": staff_user.username,
    }
    created = staff_client.post("/api/v1/objectives/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["current"]["value"] == "275.000000"
    assert data["current"]["days_with_data"] == 31
    listed = staff_client.get("/api/v1/objectives/").json()["results"]
    assert listed[0]["current"]["percent"] == "103.4"
    stale = staff_client.patch(
        f"/api/v1/objectives/{data['id']}/", {"version": 2, "title": "x"}, content_type="application/json"
    )
    assert stale.status_code == 409
    bad = staff_client.post(
        "/api/v1/objective-progress/",
        {"objective": data["id"], "recorded_on": "2026-01-05", "value": "1"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert not Objective.objects.get().progress.exists()


@pytest.mark.django_db
def test_detail_page_queries_stay_constant_with_many_progress_entries(
    staff_client, staff_user, django_assert_max_num_queries
):
    objective = _objective(staff_user)
    url = reverse("objective-detail", args=[objective.pk])
    objective_services.progress_add(
        objective=objective, by=staff_user, recorded_on=dt.date(2026, 1, 2), value=Decimal(2)
    )
    with django_assert_max_num_queries(40) as small:
        staff_client.get(url)
    for day in range(3, 28):
        objective_services.progress_add(
            objective=objective, by=staff_user, recorded_on=dt.date(2026, 1, day), value=Decimal(1)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = staff_client.get(url).content.decode()
    assert "50 % of the way from the baseline to the target" in page
