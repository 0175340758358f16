"""A plausible month of an NCM/LFP recycling line, set up through the service as users would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from certifications.services.material_balance import material_balance_create

D = Decimal

# Inputs 1,000 t: Li 20 t, Ni 60 t, Co 20 t, Mn 18 t, Cu 80 t, Al 50 t, powder 400 t.
FIGURES = {
    "input_ncm_t": D("600"),
    "input_lfp_t": D("400"),
    "input_li_t": D("20"),
    "input_ni_t": D("60"),
    "input_co_t": D("20"),
    "input_mn_t": D("18"),
    "input_cu_t": D("80"),
    "input_al_t": D("50"),
    "powder_input_t": D("400"),
    "powder_recovered_t": D("394"),
    "powder_al_pct": D("0.9"),
    "powder_cu_pct": D("0.6"),
    "water_used_m3": D("5000"),
    "water_recycled_m3": D("4650"),
}
# Li 18.4 of 20 = 92 %; Ni 59.1 of 60 = 98.5 %; Co 19.8 of 20 = 99 %; Mn 17.55 of 18 = 97.5 %;
# Cu 76 of 80 = 95 %; powder 394 / 400 = 98.5 %; water 4650 / 5000 = 93 %.
OUTPUTS = [
    {"product": "Li2CO3", "tonnes": D("97.9"), "li_t": D("18.4")},
    {
        "product": "NCM precursor",
        "tonnes": D("300"),
        "ni_t": D("59.1"),
        "co_t": D("19.8"),
        "mn_t": D("17.55"),
    },
    {"product": "Copper foil", "tonnes": D("77"), "cu_t": D("76")},
]


def month_balance(*, site, by, month: dt.date = dt.date(2026, 3, 1), **changes):
    figures = {**FIGURES, **changes}
    outputs = figures.pop("outputs", OUTPUTS)
    return material_balance_create(by=by, site=site, period_start=month, outputs=outputs, **figures)
