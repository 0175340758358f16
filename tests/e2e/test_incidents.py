"""Incidents in the browser: record a major accident at the demo plant and see the green-factory
evaluation's incident gate item fail, naming it; the incident's form and page at both widths in both
languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from certifications.models import Evaluation, Incident, IncidentGrade
from greenfactory.sites.models import Site
from greenfactory.web.demo import demo_load

from .conftest import DESKTOP, PHONE, screenshot, sign_in


@pytest.fixture
def demo(transactional_db):
    demo_load()
    return Site.objects.get(code="TJ-01")


def test_a_major_accident_recorded_fails_the_green_factory_incident_gate(demo, live_server, new_page):
    evaluation = Evaluation.objects.filter(site=demo).order_by("-year").first()
    major = IncidentGrade.objects.get(code="ps_major")
    page = new_page()
    sign_in(page, live_server, "compliance", "demo-compliance-2026")
    page.goto(f"{live_server.url}/green-factory/evaluations/{evaluation.pk}/")
    assert page.locator("#gate-G6").get_attribute("data-outcome") == "passed"

    page.goto(f"{live_server.url}/registers/incidents/")
    page.click("a.button.primary[href='/registers/incidents/new/']")
    page.fill("#id_title", "Fire in the damaged-pack store")
    page.select_option("#id_kind", value="safety_accident")
    occurred = timezone.localtime() - dt.timedelta(days=40)
    page.fill("#id_occurred_at", occurred.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_site", value=str(demo.pk))
    page.fill("#id_serious_injuries", "52")
    page.select_option("#id_grade", value=str(major.pk))
    page.click("#incident-form button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    incident = Incident.objects.get(title="Fire in the damaged-pack store")
    assert page.locator("#grade").inner_text() == "Major accident"
    assert page.locator("#gate").inner_text().count(incident.reference) == 1
    screenshot(page, "incidents-major-saved-en-1280")

    page.goto(f"{live_server.url}/green-factory/evaluations/{evaluation.pk}/")
    gate = page.locator("#gate-G6")
    assert gate.get_attribute("data-outcome") == "failed"
    assert incident.reference in gate.inner_text()


def test_the_incident_form_and_page_at_both_widths_in_both_languages(demo, live_server, new_page):
    incident = Incident.objects.filter(site=demo).order_by("-occurred_at").first()
    pages = {
        "incident-new": ("/registers/incidents/new/", "#id_grade", "重大事故"),
        "incident-edit": (f"/registers/incidents/{incident.pk}/edit/", "#id_root_cause", "根本原因"),
        "incident-detail": (f"/registers/incidents/{incident.pk}/", "#workflow", "根本原因"),
    }
    for locale, lang in (("en-GB", "en"), ("zh-CN", "zh")):
        for width, viewport in (("1280", DESKTOP), ("390", PHONE)):
            page = new_page(locale=locale, viewport=viewport)
            sign_in(page, live_server, "compliance", "demo-compliance-2026")
            for name, (path, selector, chinese) in pages.items():
                page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state("networkidle")
                assert page.locator(selector).is_visible()
                assert (chinese in page.content()) == (lang == "zh"), (name, locale)
                screenshot(page, f"{name}-{lang}-{width}")
