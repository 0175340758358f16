"""The green-factory self-evaluation in the browser: open the evaluation, enter one value by hand with
evidence and see the indicator, its group and the total change; let a required certificate lapse and
see the gate fail. The pages at both widths in both languages."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D

from certifications.models import CertificateStatus, Evaluation, Indicator, Standard
from certifications.services import certificates as certificate_services
from certifications.services import standards_load_shipped
from certifications.services.green_factory import schemes_load_shipped
from certifications.services.green_factory_fill import evaluation_fill
from certifications.services.green_factory_values import evaluation_open
from metering.choices import Medium, MeterKind
from tests.accounting.kpi_helpers import march_plant
from tests.certifications.factories import make_evidence
from tests.factories import SiteFactory
from tests.metering.helpers import ingest, meter

from .conftest import DESKTOP, PHONE, screenshot, sign_in

MARCH = {"start": "2025-03-01T00:00:00+08:00", "end": "2025-04-01T00:00:00+08:00"}


def _plant(staff):
    site = SiteFactory(code="TJ-01", name="Tianjin plant", name_zh="天津工厂")
    march_plant(site)
    meter(site, "W-01", Medium.WATER, "m3", MeterKind.INTERVAL)
    ingest(site, [{"meter": "W-01", **MARCH, "value": 6000}])
    standards_load_shipped()
    scheme = next(s for s in schemes_load_shipped() if s.edition == "2025")
    evaluation = evaluation_open(site=site, year=2025, scheme=scheme)
    evaluation_fill(evaluation=evaluation)
    evidence = make_evidence(owner=staff, title="Water reuse loop flow records", sites=[site])
    certificate = certificate_services.certificate_create(
        standard=Standard.objects.filter(code="ISO 9001").order_by("-sort_key").first(),
        number="Q-2024-17", certification_body="CQC", scope="Battery recycling",
        issued_on=dt.date(2024, 1, 1), expires_on=dt.date(2099, 1, 1), sites=[site],
        status=CertificateStatus.CERTIFIED, owner=staff, by=staff,
    )  # fmt: skip
    return evaluation, evidence, certificate


def _number(page, selector: str) -> D:
    return D(re.sub(r"[^\d.\-]", "", page.locator(selector).first.inner_text()))


def test_override_a_value_with_evidence_then_a_lapsed_certificate_fails_the_gate(
    live_server, e2e_users, new_page
):
    staff = e2e_users["staff"]
    evaluation, evidence, certificate = _plant(staff)
    reuse = Indicator.objects.get(scheme=evaluation.scheme, code="2.2")
    page = new_page()
    sign_in(page, live_server, "e2e-staff")
    page.goto(f"{live_server.url}/green-factory/")
    page.click(f"#evaluations a[href='/green-factory/evaluations/{evaluation.pk}/']")
    page.wait_for_load_state("networkidle")
    total_before = _number(page, "#total-points")
    group_before = _number(page, "#group-2 .gf-group-points")
    assert page.locator("#gate-G1").get_attribute("data-outcome") == "passed"

    page.click(f"#ind-{reuse.pk} a.button")
    page.fill("input[name=value]", "87.5")
    page.fill("textarea[name=reason]", "Loop flow meters, read monthly")
    page.select_option("select[name=evidence]", value=str(evidence.pk))
    page.click("form button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    assert _number(page, f"#ind-{reuse.pk} .gf-points strong") == D("5.00")
    assert _number(page, "#group-2 .gf-group-points") == group_before + 5
    assert _number(page, "#total-points") == total_before + 5
    assert "Water reuse loop flow records" in page.locator(f"#ind-{reuse.pk}").inner_text()

    certificate_services.certificate_set_status(
        certificate=certificate, status=CertificateStatus.SUSPENDED, by=staff
    )
    page.reload()
    assert page.locator("#gate-G1").get_attribute("data-outcome") == "failed"
    assert "Q-2024-17 (Suspended)" in page.locator("#gate-G1").inner_text()
    assert "Gate failed: no title whatever the score" in page.locator("#verdict").inner_text()


def test_the_green_factory_pages_at_both_widths_in_both_languages(live_server, e2e_users, new_page):
    evaluation, _evidence, _certificate = _plant(e2e_users["staff"])
    scheme = evaluation.scheme
    reuse = Indicator.objects.get(scheme=scheme, code="2.2")
    pages = {
        "list": "/green-factory/",
        "evaluation": f"/green-factory/evaluations/{evaluation.pk}/",
        "what-if": f"/green-factory/evaluations/{evaluation.pk}/?indicator={reuse.pk}&value=90#what-if",
        "value": f"/green-factory/evaluations/{evaluation.pk}/indicators/{reuse.pk}/",
        "schemes": "/green-factory/schemes/",
        "scheme": f"/green-factory/schemes/{scheme.pk}/",
        "import": "/green-factory/schemes/import/",
    }
    assert Evaluation.objects.count() == 1
    for locale, lang in (("en-GB", "en"), ("zh-CN", "zh")):
        for width, viewport in (("1280", DESKTOP), ("390", PHONE)):
            page = new_page(locale=locale, viewport=viewport)
            sign_in(page, live_server, "e2e-staff")
            for name, path in pages.items():
                page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state("networkidle")
                assert "能源低碳化" in page.content() or name in ("list", "schemes", "value", "import"), name
                screenshot(page, f"green-factory-{name}-{lang}-{width}")
