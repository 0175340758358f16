"""Evidence in the browser: upload a revision, approve it, see coverage change; the pages at both
widths and in both languages."""

from __future__ import annotations

import pytest

from certifications.models import Clause, Evidence, Standard
from certifications.services import evidence_create, standards_load_shipped
from greenfactory.web.demo import demo_load
from tests.certifications.factories import PDF_BYTES
from tests.factories import SiteFactory

from .conftest import PHONE, screenshot, sign_in


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _state(page, number: str) -> str:
    return page.locator(f"tr[id='clause-{number}'] [data-state]").get_attribute("data-state")


def test_upload_a_revision_approve_it_and_see_coverage_change(live_server, e2e_users, new_page, tmp_path):
    standards_load_shipped()
    site = SiteFactory(code="TJ-01", name="Tianjin plant")
    standard = Standard.objects.get(code="ISO 9001")
    audit = Clause.objects.get(standard=standard, number="9.2")
    evidence = evidence_create(
        title="Internal audit report 2026", owner=e2e_users["staff"], by=e2e_users["staff"], clauses=[audit]
    )
    coverage_url = f"{live_server.url}/standards/coverage/?standard={standard.pk}&site={site.code}"

    staff = new_page()
    sign_in(staff, live_server, "e2e-staff")
    staff.goto(coverage_url)
    assert _state(staff, "9.2") == "missing"

    staff.goto(f"{live_server.url}/evidence/{evidence.pk}/")
    report = tmp_path / "internal-audit-2026.pdf"
    report.write_bytes(PDF_BYTES)
    staff.set_input_files("input[name=file]", str(report))
    staff.click("text=Upload revision")
    staff.wait_for_load_state("networkidle")
    assert staff.locator("text=internal-audit-2026.pdf").count() == 1
    staff.click("button[data-transition=in_review]")
    staff.wait_for_load_state("networkidle")
    assert staff.locator("#evidence-status").inner_text() == "In review"
    screenshot(staff, "evidence-detail-in-review-en")

    admin = new_page()
    sign_in(admin, live_server, "e2e-admin")
    admin.goto(f"{live_server.url}/evidence/{evidence.pk}/")
    admin.click("button[data-transition=approved]")
    admin.wait_for_load_state("networkidle")
    assert admin.locator("#evidence-status").inner_text() == "Approved"

    staff.goto(coverage_url)
    assert _state(staff, "9.2") == "covered"
    assert Evidence.objects.get(pk=evidence.pk).approver == e2e_users["admin"]


# The elements sticking out of the viewport, to say what to fix when a page is too wide.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap, .mainnav'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""

PAGES = {
    "standards": "/standards/",
    "standard-gbt": None,
    "coverage-45001": None,
    "evidence": "/evidence/",
    "evidence-detail": None,
    "certificates": "/standards/certificates/",
    "notifications": "/evidence/notifications/",
    "evidence-new": "/evidence/new/",
    "certificate-new": "/standards/certificates/new/",
    "import": "/standards/import/",
}


@pytest.mark.parametrize(
    ("locale", "viewport", "suffix"),
    [("en-GB", None, "en"), ("zh-CN", None, "zh-hans"), ("en-GB", PHONE, "phone")],
)
def test_certification_pages_with_the_demo_plant(
    live_server, transactional_db, new_page, locale, viewport, suffix
):
    demo_load()
    gbt = Standard.objects.get(code="GB/T 36132")
    iso45001 = Standard.objects.get(code="ISO 45001")
    review = Evidence.objects.get(title="Risk and opportunity register")
    urls = dict(PAGES)
    urls["standard-gbt"] = f"/standards/{gbt.pk}/"
    urls["coverage-45001"] = f"/standards/coverage/?standard={iso45001.pk}&site=TJ-01"
    urls["evidence-detail"] = f"/evidence/{review.pk}/"
    page = new_page(locale=locale, viewport=viewport)
    sign_in(page, live_server, "compliance", password="demo-compliance-2026")  # noqa: S106
    for name, url in urls.items():
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        if viewport:
            width = page.evaluate("document.documentElement.scrollWidth")
            wide = page.evaluate(WIDEST)
            assert width <= PHONE["width"], f"{url} is {width}px wide on a phone: {wide}"
        screenshot(page, f"cert-{name}-{suffix}")
    if suffix == "zh-hans":
        page.goto(f"{live_server.url}{urls['coverage-45001']}")
        assert "已覆盖" in page.content()


def test_a_broken_import_lists_each_problem_with_its_line(live_server, e2e_users, page, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "code: ISO 9999\nedition: '2030'\ncolour: green\nclauses:\n  - number: '4'\n  - number: '4'\n    title: Again\n",
        encoding="utf-8",
    )
    sign_in(page, live_server, "e2e-staff")
    page.goto(f"{live_server.url}/standards/import/")
    page.set_input_files("input[name=file]", str(broken))
    page.click("form button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    report = page.locator("table.report").inner_text()
    assert "line 3" in report
    assert "line 6" in report
    screenshot(page, "cert-import-problems-en")
