"""The name shown in the page's language: ``name_zh`` on Chinese pages when given, else ``name``."""

from __future__ import annotations

from types import SimpleNamespace

from django.template import Context, Template
from django.utils import translation

from greenfactory.core.localized import local_text

METER = SimpleNamespace(name="Main incomer", name_zh="总进线电表")


def test_chinese_pages_show_the_chinese_name():
    with translation.override("zh-hans"):
        assert local_text(METER) == "总进线电表"
    with translation.override("en"):
        assert local_text(METER) == "Main incomer"


def test_without_a_chinese_name_chinese_pages_show_the_name():
    with translation.override("zh-hans"):
        assert local_text(SimpleNamespace(name="Line 2", name_zh="")) == "Line 2"
        assert local_text({"source": "ASHRAE 34"}, "source") == "ASHRAE 34"
        assert local_text(None) == ""


def test_the_template_filter_picks_the_field():
    template = Template('{% load localized %}{{ f|local:"source" }} / {{ m|local }}')
    factor = {"source": "Guideline Appendix", "source_zh": "核算指南附录"}
    with translation.override("zh-hans"):
        assert template.render(Context({"f": factor, "m": METER})) == "核算指南附录 / 总进线电表"
    with translation.override("en"):
        assert template.render(Context({"f": factor, "m": METER})) == "Guideline Appendix / Main incomer"
