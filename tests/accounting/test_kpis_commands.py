"""manage.py recompute_kpis and load_factor_sets."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounting.models import FactorSet, SiteKpi
from metering.models import DirtyRange, MeterRollup

from .kpi_helpers import march_plant

pytestmark = pytest.mark.django_db


def test_recompute_kpis_rebuilds_a_site_synchronously(site):
    march_plant(site)  # the dirty ranges are pending: no task ran
    out = StringIO()
    call_command("recompute_kpis", "--site", site.code, stdout=out)
    assert "3 pending dirty range(s) consumed" in out.getvalue()
    assert SiteKpi.objects.get(granularity="month").tce == Decimal("212.757")
    MeterRollup.objects.all().delete()
    SiteKpi.objects.all().delete()
    call_command(
        "recompute_kpis", "--site", site.code, "--start", "2025-03-01", "--end", "2025-03-31", stdout=out
    )
    assert SiteKpi.objects.get(granularity="month").tce == Decimal("212.757")
    assert not DirtyRange.objects.filter(consumed_at__isnull=True).exists()
    # Progress, meter by meter, for a long recompute.
    assert "rollups 1/3: E-MAIN" in out.getvalue()
    assert "rollups 3/3: D-01" in out.getvalue()


def test_recompute_kpis_names_bad_arguments(site):
    with pytest.raises(CommandError, match="no site"):
        call_command("recompute_kpis", "--site", "NOPE")
    with pytest.raises(CommandError):
        call_command("recompute_kpis", "--site", site.code, "--start", "March")


def test_load_factor_sets_keeps_what_is_there(db):
    versions = dict(FactorSet.objects.values_list("code", "version"))
    assert {
        "gbt2589",
        "grid-cn",
        "gwp-ar4",
        "gwp-ar5",
        "gwp-ar6",
        "china-guideline",
        "ipcc-2006",
    } <= versions.keys()
    out = StringIO()
    call_command("load_factor_sets", stdout=out)
    assert "0 factor set(s) created" in out.getvalue()
    assert dict(FactorSet.objects.values_list("code", "version")) == versions
