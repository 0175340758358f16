"""The demo plant's battery-recycling material balance: one month each of the demo year up to its last
month of data, for the Tianjin plant (TJ-01), with the monthly assay reports attached. The figures
are plausible for an NCM/LFP line of about 1,000 t a month; most months pass the MIIT 2024
conditions, June's lithium recovery (87 %) falls short of its 90 %. Idempotent: months that exist
are left as they are."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from greenfactory.core.time import months_add

from .demo_green_factory import _pdf_evidence
from .models import MaterialBalance
from .services.material_balance import material_balance_create

D = Decimal
ASSAY_EVIDENCE = (
    "Monthly assay reports of the recycling line 回收产线月度化验报告",
    "Laboratory assays (ICP-OES) of the shredded input, the black mass and each product, per month.",
)
# Li recovery per month (%), June short of the MIIT threshold.
LI_RECOVERY = {6: D("87.0")}


def _month_figures(month: int) -> tuple[dict, list[dict]]:
    swing = D(month % 4) - D("1.5")  # -1.5 .. 1.5 from month to month
    ncm = D("620") + swing * 10
    lfp = D("380") - swing * 6
    li_in = (ncm * D("0.021") + lfp * D("0.013")).quantize(D("0.01"))
    ni_in = (ncm * D("0.095")).quantize(D("0.01"))
    co_in = (ncm * D("0.031")).quantize(D("0.01"))
    mn_in = (ncm * D("0.029")).quantize(D("0.01"))
    li_rate = LI_RECOVERY.get(month, D("92.4") + swing / 2) / 100
    figures = {
        "input_ncm_t": ncm,
        "input_lfp_t": lfp,
        "input_li_t": li_in,
        "input_ni_t": ni_in,
        "input_co_t": co_in,
        "input_mn_t": mn_in,
        "input_cu_t": ((ncm + lfp) * D("0.072")).quantize(D("0.01")),
        "input_al_t": ((ncm + lfp) * D("0.051")).quantize(D("0.01")),
        "powder_input_t": ((ncm + lfp) * D("0.38")).quantize(D("0.1")),
        "powder_al_pct": D("0.82") + swing / 20,
        "powder_cu_pct": D("0.61") + swing / 25,
        "water_used_m3": D("5200") + swing * 100,
    }
    figures["powder_recovered_t"] = (figures["powder_input_t"] * (D("0.986") + swing / 1000)).quantize(
        D("0.1")
    )
    figures["water_recycled_m3"] = (figures["water_used_m3"] * D("0.925")).quantize(D("1"))
    cu_in, al_in = figures["input_cu_t"], figures["input_al_t"]
    outputs = [
        {
            "product": "Lithium carbonate 碳酸锂",
            "tonnes": (li_in * li_rate * D("5.32")).quantize(D("0.1")),
            "li_t": (li_in * li_rate).quantize(D("0.001")),
        },
        {
            "product": "NCM precursor 三元前驱体",
            "tonnes": ((ni_in + co_in + mn_in) * D("1.6")).quantize(D("0.1")),
            "ni_t": (ni_in * D("0.987")).quantize(D("0.001")),
            "co_t": (co_in * D("0.989")).quantize(D("0.001")),
            "mn_t": (mn_in * D("0.983")).quantize(D("0.001")),
        },
        {
            "product": "Copper granules 铜粒",
            "tonnes": (cu_in * D("0.97")).quantize(D("0.1")),
            "cu_t": (cu_in * D("0.955")).quantize(D("0.001")),
        },
        {
            "product": "Aluminium granules 铝粒",
            "tonnes": (al_in * D("0.95")).quantize(D("0.1")),
            "al_t": (al_in * D("0.93")).quantize(D("0.001")),
        },
    ]
    return figures, outputs


def demo_material_balance_load(*, site, staff, approver, today: dt.date) -> int:
    """The demo year's months (January to the month before ``today``) for ``site``; returns how many
    were recorded."""
    last = months_add(today, -1)
    evidence = _pdf_evidence(
        title=ASSAY_EVIDENCE[0],
        description=ASSAY_EVIDENCE[1],
        site=site,
        staff=staff,
        approver=approver,
        today=today,
    )
    recorded = 0
    for month in range(1, last.month + 1):
        start = dt.date(last.year, month, 1)
        if MaterialBalance.objects.filter(site=site, period_start=start).exists():
            continue
        figures, outputs = _month_figures(month)
        material_balance_create(
            by=staff, site=site, period_start=start, outputs=outputs, evidence=[evidence], **figures
        )
        recorded += 1
    return recorded
