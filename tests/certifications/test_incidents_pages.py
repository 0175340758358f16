"""The aspects, hazards and incidents pages: what they show, filters, exports, and query counts
that do not grow with the register."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from certifications.models import Hazard, Incident, IncidentGrade, RiskMethod, SignificanceMethod
from certifications.services import aspects as aspect_services
from certifications.services import hazards as hazard_services
from certifications.services import incidents as incident_services

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def loaded(db):
    aspect_services.significance_methods_load()
    hazard_services.risk_methods_load()
    incident_services.incident_grades_load()


def add_incidents(n, *, site, by, start=1):
    grade = IncidentGrade.objects.get(code="ps_larger")
    for i in range(start, start + n):
        incident_services.incident_create(
            by=by, kind="safety_accident", occurred_at=dt.datetime(2025, 3, i, 9, tzinfo=TZ), site=site,
            title=f"Accident {i}", title_zh=f"事故{i}", grade=grade, deaths=3,
        )  # fmt: skip


def add_aspects(n, *, site, by, start=1):
    method = SignificanceMethod.objects.get()
    for i in range(start, start + n):
        aspect_services.aspect_create(
            by=by, title=f"Aspect {i}", title_zh=f"环境因素{i}", activity="Crushing", aspect="Dust",
            impact="Air", method=method, scores={"scale": 5, "severity": 5, "probability": 5, "legal": 1},
            sites=[site],
        )  # fmt: skip


def add_hazards(n, *, site, by, start=1):
    method = RiskMethod.objects.get(code="lec")
    for i in range(start, start + n):
        hazard_services.hazard_create(
            by=by, title=f"Hazard {i}", title_zh=f"危险源{i}", hazard="HF", activity="Opening cells",
            method=method, initial_factors={"L": 3, "E": 6, "C": 40}, residual_factors={"L": 1, "E": 6, "C": 7},
            controls=[("ppe", "Respirator", True), ("engineering", "LEV", True)], sites=[site],
        )  # fmt: skip


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response.content.decode()


@pytest.mark.parametrize(
    ("adder", "url_name", "shown"),
    [(add_incidents, "register-incidents", "Larger accident"), (add_aspects, "register-aspects", "Significant"),
     (add_hazards, "register-hazards", "720")],
)  # fmt: skip
def test_list_pages_show_entries_with_constant_queries(
    loaded, site, staff_user, staff_client, adder, url_name, shown
):
    url = reverse(url_name)
    adder(2, site=site, by=staff_user)
    few, page = count_queries(staff_client, url)
    assert shown in page
    adder(6, site=site, by=staff_user, start=3)
    many, page = count_queries(staff_client, url)
    assert many == few
    assert "8 entries" in page


@pytest.mark.parametrize(
    ("adder", "url_name", "model_name"),
    [(add_incidents, "register-incident", "incident"), (add_aspects, "register-aspect", "aspect"),
     (add_hazards, "register-hazard", "hazard")],
)  # fmt: skip
def test_detail_pages_show_links_and_history_in_chinese(
    loaded, site, staff_user, staff_client, adder, url_name, model_name
):
    adder(1, site=site, by=staff_user)
    from django.apps import apps

    entry = apps.get_model("certifications", model_name).objects.get()
    with translation.override("zh-hans"):
        response = staff_client.get(reverse(url_name, args=[entry.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert f"{entry.reference} {entry.title_zh}" in page
    assert 'id="history"' in page


def test_the_incident_page_says_the_gate_fails_and_why(loaded, site, staff_user, staff_client):
    add_incidents(1, site=site, by=staff_user)
    page = staff_client.get(reverse("register-incident", args=[Incident.objects.get().pk])).content.decode()
    assert "Fails" in page
    assert "INC-2025-001" in page


def test_the_hazard_page_lists_controls_in_hierarchy_order(loaded, site, staff_user, staff_client):
    add_hazards(1, site=site, by=staff_user)
    page = staff_client.get(reverse("register-hazard", args=[Hazard.objects.get().pk])).content.decode()
    assert page.index("Engineering controls") < page.index("Personal protective equipment")
    assert "720" in page
    assert "7.2E" not in page


def test_filters_and_export(loaded, site, staff_user, staff_client):
    add_incidents(2, site=site, by=staff_user)
    incident_services.incident_create(
        by=staff_user, kind="near_miss", occurred_at=dt.datetime(2025, 4, 1, 9, tzinfo=TZ), site=site,
        title="Near miss", title_zh="险肇事件",
    )  # fmt: skip
    page = staff_client.get(reverse("register-incidents"), {"kind": "near_miss"}).content.decode()
    assert "险肇事件" not in page  # English page shows the English title
    assert "Near miss" in page
    assert "Accident 1" not in page
    csv = b"".join(
        staff_client.get(reverse("register-incidents"), {"export": "csv"}).streaming_content
    ).decode()
    assert csv.count("INC-2025-") == 3
    xlsx = staff_client.get(reverse("register-aspects"), {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_overview_lists_the_three_registers(loaded, staff_client):
    page = staff_client.get(reverse("area-registers")).content.decode()
    for url_name in ("register-aspects", "register-hazards", "register-incidents"):
        assert reverse(url_name) in page


def test_the_admin_shows_incidents_but_offers_no_edit_or_delete(loaded, site, staff_user, admin_client):
    add_incidents(1, site=site, by=staff_user)
    listing = admin_client.get("/admin/certifications/incident/").content.decode()
    assert "INC-2025-001" in listing
    change = admin_client.get("/admin/certifications/incident/1/change/").content.decode()
    assert 'name="_save"' not in change
    assert admin_client.get("/admin/certifications/incident/1/delete/").status_code == 403
