"""The demo plant's aspects, hazards and incidents: the real ones, Chinese titles, and a passing gate."""

from __future__ import annotations

import pytest
from django.utils import timezone

from certifications.models import Aspect, Hazard, Incident
from certifications.selectors.incidents import incident_gate
from greenfactory.sites.models import Site
from greenfactory.web.demo import demo_load

pytestmark = pytest.mark.django_db


def test_the_demo_registers_tell_the_plants_story_and_load_once():
    demo_load()
    site = Site.objects.get(code="TJ-01")
    assert Aspect.objects.get(title_zh="拆解工序电解液挥发").significant
    assert not Aspect.objects.get(title_zh="设备运行噪声").significant
    runaway = Hazard.objects.get(title_zh="受损电芯热失控")
    assert (runaway.initial_band.code, runaway.residual_band.code) == ("extreme", "significant")
    assert runaway.controls.first().level == "elimination"
    assert Incident.objects.filter(status="closed").count() == 3
    check = incident_gate(site=site, until=timezone.localdate())
    assert check.passed
    assert check.failing == []
    assert demo_load()["risks"] == 0
    assert Incident.objects.count() == 3
