"""Material-balance objects for the fuzz test, so every ``{id}`` route of the material-balance API
reaches one: a month of the demo site with its outputs and an assay report, and one whose assays are
missing (its rates not computable). Safe when the demo already holds them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from certifications.models import Evidence, MaterialBalance
from certifications.services.material_balance import material_balance_create
from greenfactory.sites.models import Site

D = Decimal


def material_balance_objects_add(*, staff, today: dt.date) -> None:
    site = Site.objects.get(code="TJ-01")
    evidence = Evidence.objects.order_by("pk").first()
    for years_back, assayed in ((2, True), (3, False)):
        start = dt.date(today.year - years_back, 1, 1)
        if MaterialBalance.objects.filter(site=site, period_start=start).exists():
            continue
        material_balance_create(
            by=staff,
            site=site,
            period_start=start,
            input_ncm_t=D("600"),
            input_li_t=D("12") if assayed else None,
            powder_input_t=D("230") if assayed else None,
            powder_recovered_t=D("226"),
            outputs=[{"product": "Li2CO3", "tonnes": D("58"), "li_t": D("11") if assayed else None}],
            evidence=[evidence] if evidence else [],
        )
