"""The demo plant's evidence tells a story, and loading it twice changes nothing."""

from __future__ import annotations

import pytest

from certifications.models import Certificate, Evidence, Reminder, Standard
from certifications.selectors import coverage as coverage_selectors
from greenfactory.sites.models import Site
from greenfactory.web.demo import demo_load

pytestmark = pytest.mark.django_db


def test_the_demo_has_evidence_for_all_ten_standards_with_gaps_and_a_lapsed_certificate():
    demo_load()
    site = Site.objects.get(code="TJ-01")
    reports = {
        s.code: coverage_selectors.coverage_report(standard=s, site=site) for s in Standard.objects.all()
    }
    assert len(reports) == 10
    for code, report in reports.items():
        if code != "PAS 2060":  # withdrawn: its only evidence is superseded
            assert report.totals["covered"] > 0, code
    assert sum(r.totals["expired"] for r in reports.values()) >= 5
    assert sum(r.totals["missing"] for r in reports.values()) >= 5
    assert reports["ISO 45001"].lapsed_certificates
    assert set(Certificate.objects.values_list("standard__code", flat=True)) == {
        "ISO 9001",
        "ISO 14001",
        "ISO 45001",
    }
    assert Reminder.objects.exists()


def test_loading_the_demo_twice_changes_nothing():
    demo_load()
    counts = (Evidence.objects.count(), Certificate.objects.count(), Reminder.objects.count())
    second = demo_load()
    assert second["evidence"] == 0
    assert second["certificates"] == 0
    assert (Evidence.objects.count(), Certificate.objects.count(), Reminder.objects.count()) == counts
