"""The aspects, hazards and incidents registers in the browser, in both languages at both widths:
the lists show the demo plant's entries, the hazard page its controls and the incident page its gate."""

from __future__ import annotations

from django.utils import timezone

from certifications.demo_risks import demo_risks_load
from certifications.models import Hazard, Incident
from tests.factories import SiteFactory

from .conftest import DESKTOP, PHONE, screenshot, sign_in


def test_the_risk_registers_at_both_widths_in_both_languages(live_server, e2e_users, new_page):
    site = SiteFactory(code="TJ-01", name="Tianjin plant", name_zh="天津工厂")
    demo_risks_load(site=site, staff=e2e_users["staff"], today=timezone.localdate())
    hazard = Hazard.objects.get(title_zh="受损电芯热失控")
    incident = Incident.objects.get(title_zh="拆解工手部割伤")
    pages = {
        "aspects": ("/registers/aspects/", "拆解工序电解液挥发", "Electrolyte vapour during disassembly"),
        "hazards": (f"/registers/hazards/{hazard.pk}/", "受损电芯热失控", "Thermal runaway of damaged cells"),
        "incidents": (
            f"/registers/incidents/{incident.pk}/",
            "拆解工手部割伤",
            "Hand cut during disassembly",
        ),
    }
    for locale, lang in (("en-GB", "en"), ("zh-CN", "zh")):
        for width, viewport in (("1280", DESKTOP), ("390", PHONE)):
            page = new_page(locale=locale, viewport=viewport)
            sign_in(page, live_server, "e2e-staff")
            for name, (path, zh, en) in pages.items():
                page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state("networkidle")
                assert (zh if lang == "zh" else en) in page.content(), (name, locale)
                screenshot(page, f"registers-{name}-{lang}-{width}")
            page.goto(f"{live_server.url}/registers/incidents/")
            assert page.locator("#incident-list tbody tr").count() == 3
            screenshot(page, f"registers-incident-list-{lang}-{width}")
