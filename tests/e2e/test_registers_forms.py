"""Recording an environmental aspect and an OH&S hazard in the browser: only the chosen method's
scores or factors show, the saved entry shows what its method worked out; the forms and the import
pages in both languages at both widths."""

from __future__ import annotations

from django.utils import timezone

from certifications.demo_risks import demo_risks_load
from certifications.models import Aspect, Hazard
from tests.factories import SiteFactory

from .conftest import DESKTOP, PHONE, screenshot, sign_in


def test_a_hazard_and_an_aspect_recorded_and_edited_in_the_browser(live_server, e2e_users, page):
    site = SiteFactory(code="TJ-01", name="Tianjin plant", name_zh="天津工厂")
    demo_risks_load(site=site, staff=e2e_users["staff"], today=timezone.localdate())
    sign_in(page, live_server, "e2e-staff")
    page.goto(f"{live_server.url}/registers/hazards/")
    page.click("text=Record a hazard")
    page.fill("#id_title", "Dust explosion in the shredder")
    page.fill("#id_hazard", "Combustible aluminium dust")
    page.fill("#id_activity", "Shredding")
    assert page.locator("#id_initial__matrix-5x5__likelihood").is_hidden()
    for factor, value in (("L", "3"), ("E", "6"), ("C", "40")):
        page.select_option(f"#id_initial__lec__{factor}", value)
    for factor, value in (("L", "1"), ("E", "6"), ("C", "15")):
        page.select_option(f"#id_residual__lec__{factor}", value)
    page.select_option("#id_controls-0-level", "engineering")
    page.fill("#id_controls-0-description", "Dust extraction with explosion vents")
    page.click("form#hazard-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    hazard = Hazard.objects.get(title="Dust explosion in the shredder")
    assert (hazard.initial_band.code, hazard.residual_band.code) == ("extreme", "significant")
    assert "Dust extraction with explosion vents" in page.locator("#controls").inner_text()
    screenshot(page, "registers-hazard-saved-en-1280")

    aspect = Aspect.objects.get(title_zh="破碎机能源消耗")
    page.goto(f"{live_server.url}/registers/aspects/{aspect.pk}/")
    page.click("text=Edit")
    page.select_option("#id_score__env-5x4__probability", "2")
    page.click("form#aspect-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    aspect.refresh_from_db()
    assert (aspect.score, aspect.significant) == (11, False)
    assert "Not significant" in page.locator("#verdict").inner_text()


def test_the_register_forms_at_both_widths_in_both_languages(live_server, e2e_users, new_page):
    site = SiteFactory(code="TJ-01", name="Tianjin plant", name_zh="天津工厂")
    demo_risks_load(site=site, staff=e2e_users["staff"], today=timezone.localdate())
    hazard = Hazard.objects.get(title_zh="受损电芯热失控")
    forms = {
        "aspect-new": ("/registers/aspects/new/", "#id_score__env-5x4__scale", "厂界外"),
        "hazard-edit": (f"/registers/hazards/{hazard.pk}/edit/", "#id_initial__lec__L", "事故发生的可能性"),
        "aspect-import": ("/registers/aspects/import/", "#id_file", "下载空白模板"),
        "hazard-import": ("/registers/hazards/import/", "#id_file", "下载空白模板"),
    }
    for locale, lang in (("en-GB", "en"), ("zh-CN", "zh")):
        for width, viewport in (("1280", DESKTOP), ("390", PHONE)):
            page = new_page(locale=locale, viewport=viewport)
            sign_in(page, live_server, "e2e-staff")
            for name, (path, field, chinese) in forms.items():
                page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state("networkidle")
                assert page.locator(field).is_visible()
                assert (chinese in page.content()) == (lang == "zh"), (name, locale)
                screenshot(page, f"registers-{name}-{lang}-{width}")
