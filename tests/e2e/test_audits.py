"""Audits in the browser: plan an audit, generate its checklist, raise a minor nonconformity from an
item, carry its corrective action through a failed verification to closure, and close the audit;
then the programme, the audit page and the dashboard at both widths and in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from certifications.models import Audit, AuditStatus, CapaState, Clause, Finding, FindingStatus, Standard
from certifications.services import standards_load_shipped
from tests.factories import SiteFactory

from .conftest import PHONE, screenshot, sign_in


def _submit(page, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state("networkidle")


def _step(page, step: str) -> None:
    _submit(page, f"#step-{step} button[type=submit]")


def test_plan_run_and_close_an_audit_with_a_corrective_action(live_server, e2e_users, new_page):
    standards_load_shipped()
    site = SiteFactory(code="TJ-01", name="Tianjin plant")
    iso14001 = Standard.objects.get(code="ISO 14001")
    staff = e2e_users["staff"]
    today = timezone.localdate()
    page = new_page()
    sign_in(page, live_server, "e2e-staff")

    # Plan the audit.
    page.goto(f"{live_server.url}/audits/new/")
    page.select_option("select[name=site]", str(site.pk))
    page.fill("input[name=title]", "Environmental internal audit")
    page.select_option("select[name=audit_type]", "internal")
    page.check(f"input[name=standards][value='{iso14001.pk}']")
    page.fill("input[name=starts_on]", today.isoformat())
    page.fill("input[name=ends_on]", (today + dt.timedelta(days=1)).isoformat())
    page.select_option("select[name=lead_auditor]", str(staff.pk))
    _submit(page, "form button[type=submit].primary")
    audit = Audit.objects.get(title="Environmental internal audit")
    assert page.url.endswith(f"/audits/{audit.pk}/")
    assert audit.reference == f"IA-{today.year}-01"

    # Generate the checklist and start the fieldwork.
    _submit(page, "#generate button[type=submit]")
    clauses = Clause.objects.filter(standard=iso14001)
    leaves = clauses.exclude(pk__in=clauses.filter(parent__isnull=False).values("parent_id"))
    assert audit.checklist.count() == leaves.count()
    _submit(page, "form:has(input[name=to][value=in_progress]) button")
    assert page.locator("#audit-status").inner_text() == "In progress"

    # Raise a minor nonconformity from the competence item.
    item = audit.checklist.get(number="7.2")
    link = page.locator(f"#item-{item.pk} a[href$='?item={item.pk}']")
    page.goto(f"{live_server.url}{link.get_attribute('href')}")
    page.select_option("select[name=finding_class]", "minor")
    page.fill("textarea[name=statement]", "Two forklift drivers lack spill-response training records.")
    _submit(page, "form button[type=submit].primary")
    finding = Finding.objects.get(audit=audit)
    assert [c.number for c in finding.clauses.all()] == ["7.2"]
    item.refresh_from_db()
    assert item.result == "nonconformity"
    assert page.locator("#capa-state").inner_text() == "Open"

    # The corrective action: containment, 5 whys, a plan, acceptance, implementation.
    page.fill("textarea[name=contain-containment]", "Drivers kept off spill duty until trained.")
    _step(page, "contain")
    page.select_option("select[name=analyse-method]", "five_why")
    page.fill("input[name=analyse-why_1]", "Training was not recorded.")
    page.fill("textarea[name=analyse-root_cause]", "No training matrix for contractors.")
    _step(page, "analyse")
    page.click("text=Add an action")
    page.fill("textarea[name=action-description]", "Train the drivers and keep a matrix.")
    page.select_option("select[name=action-owner]", str(staff.pk))
    page.fill("input[name=action-due_on]", (today + dt.timedelta(days=14)).isoformat())
    _submit(page, "form:has(input[name=step][value=action_add]) button[type=submit]")
    _step(page, "propose")
    _step(page, "accept")
    assert page.locator("#capa-state").inner_text() == "Plan accepted"
    page.fill("#capa-actions input[name=done_on]", today.isoformat())
    _submit(page, "#capa-actions button[type=submit]")
    page.fill("textarea[name=implement-implementation]", "Both drivers trained on the spill kit.")
    _step(page, "implement")

    # The first verification fails: back to the action plan, with the reason.
    page.check("input[name=verify-effective][value=no]")
    page.fill("textarea[name=verify-verification]", "A third driver, hired since, is untrained.")
    _step(page, "verify")
    assert page.locator("#capa-state").inner_text() == "Action plan proposed"
    assert page.locator("#capa-steps").get_by_text("A third driver, hired since, is untrained.").count() == 1
    _step(page, "accept")
    page.fill("textarea[name=implement-implementation]", "Training added to the induction of every driver.")
    _step(page, "implement")
    page.check("input[name=verify-effective][value=yes]")
    page.fill("textarea[name=verify-verification]", "All five drivers' records checked a month later.")
    _step(page, "verify")
    _step(page, "close")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED
    assert finding.capa.state == CapaState.CLOSED
    assert finding.capa.steps.count() == 10
    screenshot(page, "finding-closed-en")

    # Report, sign-off, and the audit closes.
    page.goto(f"{live_server.url}/audits/{audit.pk}/")
    _submit(page, "form:has(input[name=to][value=reporting]) button")
    page.fill("textarea[name=summary]", "ISO 14001 audited over two days.")
    page.fill("textarea[name=conclusions]", "Effective, with one minor nonconformity now closed.")
    _submit(page, "form[action$='/report/'] button[type=submit]")
    _submit(page, "form[action$='/report/sign-off/'] button[type=submit]")
    _submit(page, "form:has(input[name=to][value=closed]) button")
    audit.refresh_from_db()
    assert audit.status == AuditStatus.CLOSED
    assert page.locator("#audit-status").inner_text() == "Closed"
    screenshot(page, "audit-closed-en")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_audits_pages_at_both_widths(live_server, e2e_users, new_page, language):
    from greenfactory.web.demo import demo_load

    demo_load()
    surveillance = Audit.objects.get(audit_type="surveillance", status=AuditStatus.REPORTING)
    year = timezone.localdate().year
    pages = {
        "dashboard": "/audits/",
        "programme": f"/audits/programme/?site=TJ-01&year={year + 1}",
        "audit": f"/audits/{surveillance.pk}/",
        "findings": "/audits/findings/",
        "finding": f"/audits/findings/{surveillance.findings.get(finding_class='major').pk}/",
    }
    for width, viewport in (("1280", None), ("390", PHONE)):
        page = new_page(locale="zh-CN" if language == "zh-hans" else "en-GB", viewport=viewport)
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        sign_in(page, live_server, "compliance", "demo-compliance-2026")
        for name, path in pages.items():
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            # Nothing wider than the screen: the page scrolls down, not sideways.
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (name, width, overflow)
            if name == "dashboard":
                page.wait_for_timeout(1200)  # the charts' bars finish growing
            screenshot(page, f"audits-{name}-{language}-{width}")
        expected = "审核" if language == "zh-hans" else "Audits"
        assert expected in page.locator("h1, nav").first.inner_text() or expected in page.content()
