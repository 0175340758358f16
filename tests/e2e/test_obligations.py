"""Obligations in the browser: import a spreadsheet with one bad line, see the error, fix it and
import; record a failed evaluation of compliance and see its finding and the digest entry; then the
obligations and permits pages at both widths and in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from certifications.models import Finding, Obligation, Permit
from certifications.services.reminders import reminders_send_daily
from tests.factories import SiteFactory

from .conftest import PHONE, screenshot, sign_in

LINES = (
    "reference,title,title_zh,source_type,issuer,effective_on,review_months,owner\n"
    "LAW-EPL,Environmental Protection Law,中华人民共和国环境保护法,law,全国人大常委会,2015-01-01,12,e2e-staff\n"
    "STD-GB12348,Boundary noise standard,工业企业厂界环境噪声排放标准,national_standard,环境保护部,2008-10-32,12,e2e-staff\n"
)


def _upload(page, live_server, tmp_path, text: str) -> None:
    path = tmp_path / "obligations.csv"
    path.write_text(text, encoding="utf-8")
    page.goto(f"{live_server.url}/registers/obligations/import/")
    page.set_input_files("input[name=file]", str(path))
    page.click("form button[type=submit].primary")
    page.wait_for_load_state("networkidle")


def test_import_with_a_bad_line_then_a_failed_evaluation_raises_a_finding_and_a_digest_entry(
    live_server, e2e_users, new_page, tmp_path
):
    SiteFactory(code="TJ-01", name="Tianjin plant")
    page = new_page()
    sign_in(page, live_server, "e2e-staff")
    _upload(page, live_server, tmp_path, LINES)
    errors = page.locator("#import-errors")
    assert "Not a date" in errors.inner_text()
    assert "3" in errors.locator("td.num").first.inner_text()  # the bad line, counted with its header
    screenshot(page, "obligations-import-error-en")
    assert Obligation.objects.count() == 0

    _upload(page, live_server, tmp_path, LINES.replace("2008-10-32", "2008-10-01"))
    assert "2 obligation(s) recorded" in page.content()
    assert page.locator("#obligation-list tbody tr").count() == 2

    ob = Obligation.objects.get(reference="STD-GB12348")
    page.goto(f"{live_server.url}/registers/obligations/{ob.pk}/evaluate/")
    page.select_option("select[name=result]", "not_compliant")
    page.fill("textarea[name=notes]", "Night-time boundary noise 58 dB(A), limit 55 dB(A)")
    page.fill("input[name=finding_due_on]", (timezone.localdate() + dt.timedelta(days=20)).isoformat())
    page.click("form button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    assert "EVAL-STD-GB12348-1" in page.locator("#evaluations").inner_text()
    screenshot(page, "obligation-failed-evaluation-en")

    page.click("#evaluations a:has-text('EVAL-STD-GB12348-1')")
    page.wait_for_load_state("networkidle")
    assert "Evaluation of compliance STD-GB12348" in page.content()
    assert Finding.objects.get().capa is not None

    reminders_send_daily(today=timezone.localdate())  # the daily job
    page.goto(f"{live_server.url}/evidence/notifications/")
    body = page.content()
    assert "EVAL-STD-GB12348-1" in body  # the corrective action's first step
    assert "LAW-EPL" in body  # never evaluated since 2015: evaluation overdue
    assert "Evaluation of compliance overdue" in body
    screenshot(page, "obligations-digest-en")
    assert any("EVAL-STD-GB12348-1" in m.body for m in mail.outbox)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_obligations_and_permits_pages_at_both_widths(live_server, e2e_users, new_page, language):
    from greenfactory.web.demo import demo_load

    demo_load()
    failed = Obligation.objects.get(reference="STD-GB18597")
    pages = {
        "obligations": "/registers/obligations/",
        "obligation": f"/registers/obligations/{failed.pk}/",
        "evaluate": f"/registers/obligations/{failed.pk}/evaluate/",
        "import": "/registers/obligations/import/",
        "permits": "/registers/permits/",
        "permit": f"/registers/permits/{Permit.objects.get(reference='PMT-PDP').pk}/",
        "home": "/",
    }
    for width, viewport in (("1280", None), ("390", PHONE)):
        page = new_page(locale="zh-CN" if language == "zh-hans" else "en-GB", viewport=viewport)
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        sign_in(page, live_server, "compliance", "demo-compliance-2026")
        for name, path in pages.items():
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (name, width, overflow)
            screenshot(page, f"registers-{name}-{language}-{width}")
        if name == "home":
            assert "危险废物经营许可证" in page.content() or "Hazardous-waste" in page.content()
