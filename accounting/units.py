"""The unit each medium's quantity is reported in by the KPIs: kWh, m3, kg (liquid fuels, through
their density), GJ (heat and steam).

A pure table, so that the KPI computation, the KPI reads and the baselines share it without the
reads importing a service.
"""

from __future__ import annotations

from metering.choices import Medium

KPI_UNIT: dict[str, str] = {
    Medium.ELECTRICITY: "kWh",
    Medium.PV_GENERATION: "kWh",
    Medium.GREEN_ELECTRICITY: "kWh",
    Medium.NATURAL_GAS: "m3",
    Medium.WATER: "m3",
    Medium.COMPRESSED_AIR: "m3",
    Medium.DIESEL: "kg",
    Medium.GASOLINE: "kg",
    Medium.LPG: "kg",
    Medium.STEAM: "GJ",
    Medium.HEAT: "GJ",
}
