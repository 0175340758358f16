"""The demo plant's meters (every medium), a demo gateway with a fixed key, and recent readings.

Idempotent: meters and the gateway are looked up by code and name first, and readings are a
pure function of their time, so loading again stores nothing twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import zoneinfo
from decimal import Decimal

from greenfactory.sites.models import ProductionKind, ProductionRecord, Site

from .choices import Medium, MeterKind, Scope3Category, Source
from .models import DriverValue, Gateway, GreenCertificateRetirement, Meter, RefrigerantRefill, Scope3Activity
from .services.activity import activity_create
from .services.baselines import driver_value_set
from .services.gateways import gateway_create
from .services.ingest import readings_ingest
from .services.meters import meter_create

# Demo only: a fixed, clearly-marked key so `make demo` can print it. Real keys are random.
DEMO_GATEWAY_NAME = "Demo gateway (substation 1)"
DEMO_GATEWAY_KEY = "gfk_demo0000.DEMO-ONLY-not-a-secret-key"

_R, _I = MeterKind.REGISTER, MeterKind.INTERVAL
# code, name, medium, unit, kind, multiplier, register max, rated flow per hour, parent
_METERS = [
    ("E-MAIN", "Main incomer 10 kV", Medium.ELECTRICITY, "kWh", _R, 200, 999999, 30, None),
    ("E-101", "Crushing and disassembly line", Medium.ELECTRICITY, "kWh", _R, 40, 99999, 80, "E-MAIN"),
    ("E-102", "Sorting and separation line", Medium.ELECTRICITY, "kWh", _R, 40, 99999, 60, "E-MAIN"),
    ("E-103", "Offices and lighting", Medium.ELECTRICITY, "kWh", _R, 1, 99999, 300, "E-MAIN"),
    ("PV-01", "Rooftop PV, warehouse B", Medium.PV_GENERATION, "kWh", _R, 1, 9999999, 1500, None),
    ("GE-01", "Green electricity contract", Medium.GREEN_ELECTRICITY, "MWh", _I, 1, None, None, None),
    ("G-01", "Natural gas, boiler house", Medium.NATURAL_GAS, "m3", _R, 1, 9999999, 400, None),
    ("W-01", "Water main", Medium.WATER, "m3", _R, 1, 999999, 60, None),
    ("CA-01", "Compressed air header", Medium.COMPRESSED_AIR, "m3", _R, 1, 99999999, 3000, None),
    ("D-01", "Diesel generator fuel", Medium.DIESEL, "L", _I, 1, None, None, None),
    ("GS-01", "Gasoline, site vehicles", Medium.GASOLINE, "L", _I, 1, None, None, None),
    ("LPG-01", "LPG, canteen", Medium.LPG, "kg", _I, 1, None, None, None),
    ("ST-01", "Purchased steam", Medium.STEAM, "t", _I, 1, None, None, None),
    ("H-01", "District heating", Medium.HEAT, "GJ", _I, 1, None, None, None),
    ("E-104", "Shredders and hammer mills", Medium.ELECTRICITY, "MWh", _I, 1, None, None, "E-101"),
]
_VIRTUAL = [
    ("E-REST", "Unmetered rest of the plant", "[E-MAIN] - [E-101] - [E-102] - [E-103]"),
    # E-104 meters only the shredders: the rest of the line is shown, not reported as losses.
    ("E-101-REST", "Rest of the crushing line", "[E-101] - [E-104]"),
]
# Hourly register steps (in register units) at full load, and monthly interval quantities.
_HOURLY = {
    "E-MAIN": 25.0,
    "E-101": 60.0,
    "E-102": 45.0,
    "E-103": 90.0,
    "PV-01": 900.0,
    "G-01": 220.0,
    "W-01": 18.0,
    "CA-01": 1900.0,
}
_MONTHLY = {"GE-01": 300.0, "D-01": 800.0, "GS-01": 1200.0, "LPG-01": 450.0, "ST-01": 120.0, "H-01": 900.0}
# Heating degree days (base 18 °C) of a typical Tianjin year, January to December.
_TIANJIN_HDD = [640, 520, 350, 150, 35, 0, 0, 0, 25, 190, 410, 590]
_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
# Planted data-quality findings: days of the year without a water reading, and a burst on W-01.
DEMO_LOST_DAYS = (150, 151, 152)
DEMO_BURST_M3 = 400.0
_REGISTER_MAX = {row[0]: row[6] for row in _METERS if row[6] is not None}


def _load(code: str, when: dt.datetime, zone: zoneinfo.ZoneInfo) -> float:
    """A plausible load factor for an hour: two shifts on weekdays, daylight for PV."""
    local = when.astimezone(zone)
    if code == "PV-01":
        return max(0.0, math.sin(math.pi * (local.hour - 6) / 12)) if 6 <= local.hour <= 18 else 0.0
    shift = 1.0 if 7 <= local.hour < 23 else 0.35
    return shift * (0.6 if local.weekday() >= 5 else 1.0)


@functools.cache
def _hourly_totals(code: str, zone_key: str, hours: int) -> tuple[float, ...]:
    """Cumulative full-load hours of a meter from the epoch, hour by hour (exact, so never decreasing)."""
    zone = zoneinfo.ZoneInfo(zone_key)
    total, totals = 0.0, [0.0]
    for h in range(hours):
        total += _load(code, _EPOCH + dt.timedelta(hours=h), zone)
        totals.append(total)
    return tuple(totals)


def _register_value(code: str, when: dt.datetime, zone: zoneinfo.ZoneInfo) -> float:
    """The register at ``when`` (a whole hour): a pure function of time, so reloading finds identical
    values; it wraps to 0 past the register maximum, as the real register does."""
    hours = int((when - _EPOCH).total_seconds() // 3600)
    horizon = (hours // 8760 + 1) * 8760  # one cache entry per year of horizon
    value = _hourly_totals(code, zone.key, horizon)[hours] * _HOURLY[code]
    return round(value % (_REGISTER_MAX[code] + 1), 1)


def metering_demo_load(*, site: Site, staff, today: dt.date) -> dict:
    """Create the demo meters and gateway, and the last week of hourly and last year of monthly data."""
    created = {"meters": 0, "readings": 0}
    zone = zoneinfo.ZoneInfo(site.time_zone)
    since = dt.datetime(today.year - 2, 1, 1, tzinfo=zone)
    existing = {m.code: m for m in Meter.objects.filter(site=site)}
    for code, name, medium, unit, kind, multiplier, register_max, flow, parent in _METERS:
        if code in existing:
            continue
        existing[code] = meter_create(
            site=site,
            code=code,
            name=name,
            medium=medium,
            unit=unit,
            kind=kind,
            multiplier=multiplier,
            register_max=register_max,
            rated_max_flow=flow,
            parent=existing.get(parent) if parent else None,
            active_from=since,
            by=staff,
        )
        created["meters"] += 1
    for code, name, formula in _VIRTUAL:
        if code in existing:
            continue
        meter_create(
            site=site,
            code=code,
            name=name,
            medium=Medium.ELECTRICITY,
            unit="kWh",
            kind=MeterKind.REGISTER,
            multiplier=1,
            active_from=since,
            is_virtual=True,
            formula=formula,
            by=staff,
        )
        created["meters"] += 1
    gateway = Gateway.objects.filter(site=site, name=DEMO_GATEWAY_NAME).first()
    if gateway is None:
        gateway = gateway_create(site=site, name=DEMO_GATEWAY_NAME, key=DEMO_GATEWAY_KEY, by=staff).gateway

    end = dt.datetime.combine(today, dt.time(), tzinfo=zone)
    # Data-quality findings to look at: the water main's gateway lost three days in the year, and a
    # burst pipe ran 400 m3 through it in one night-time hour of the last week (a spike).
    burst = end - dt.timedelta(days=3, hours=2)

    def value(code: str, when: dt.datetime) -> float:
        extra = DEMO_BURST_M3 if code == "W-01" and when >= burst else 0.0
        return round(_register_value(code, when, zone) + extra, 1)

    hourly = [
        {
            "meter": c,
            "ts": (end - dt.timedelta(hours=h)).isoformat(),
            "value": value(c, end - dt.timedelta(hours=h)),
        }
        for c in _HOURLY
        for h in range(7 * 24, -1, -1)
    ]
    # A year of daily register readings before the hourly week: enough for every KPI page.
    year_start = (end.replace(day=1) - dt.timedelta(days=365)).replace(day=1)
    lost = {year_start + dt.timedelta(days=d) for d in DEMO_LOST_DAYS}
    daily = [
        {"meter": c, "ts": day.isoformat(), "value": value(c, day)}
        for c in _HOURLY
        for day in (year_start + dt.timedelta(days=d) for d in range((end - year_start).days - 6))
        if not (c == "W-01" and day in lost)
    ]
    result = readings_ingest(site=site, raw_rows=daily + hourly, source=Source.GATEWAY, gateway=gateway)
    created["readings"] += result.accepted
    monthly = []
    month_start = end.replace(day=1)
    for _ in range(12):
        previous = (month_start - dt.timedelta(days=1)).replace(day=1)
        for c, quantity in _MONTHLY.items():
            seasonal = 1.0 + 0.25 * math.cos(2 * math.pi * (previous.month - 1) / 12)
            monthly.append(
                {
                    "meter": c,
                    "start": previous.isoformat(),
                    "end": month_start.isoformat(),
                    "value": round(quantity * seasonal, 1),
                }
            )
        month_start = previous
    monthly += _shredder_months(site=site, end=end, staff=staff)
    result = readings_ingest(site=site, raw_rows=monthly, source=Source.IMPORT, by=staff)
    created["readings"] += result.accepted
    created["activity"] = _activity_load(site=site, staff=staff, year_start=year_start.date(), today=today)
    created["inventory"] = _inventory_load(site=site, staff=staff, today=today)
    return created


def _inventory_load(*, site: Site, staff, today: dt.date) -> int:
    """The organisation's inventory settings: base year, one recalculation event, category 5
    excluded with its justification (only when the organisation has none yet)."""
    from .models import InventorySettings
    from .services import inventory

    organisation = site.organisation
    if InventorySettings.objects.filter(organisation=organisation).exists():
        return 0
    inventory.inventory_settings_save(
        organisation=organisation,
        boundary_note="All plants the organisation operates (operational control).",
        base_year=today.year - 1,
        base_year_tco2e=Decimal("21400"),
        by=staff,
    )
    inventory.base_year_recalculation_create(
        organisation=organisation,
        date=dt.date(today.year, 3, 1),
        kind="method",
        effect_tco2e=Decimal("-480"),
        reason="Grid factor changed from the national average to the North China grid.",
        by=staff,
    )
    inventory.inventory_category_save(
        organisation=organisation,
        category=5,
        included=False,
        justification=(
            "Black mass and recovered metals are intermediates refined by customers; "
            "their use is outside the organisation's influence."
        ),
        by=staff,
    )
    return 1


def _shredder_months(*, site: Site, end: dt.datetime, staff) -> list[dict]:
    """E-104's monthly MWh follows tonnes processed and heating degree days (as shredders do: more load,
    and cold starts in winter), so the demo year makes a sound ISO 50001 baseline. The degree days are
    stored for the same months."""
    processed = {
        r.period_start: float(r.tonnes)
        for r in ProductionRecord.objects.filter(site=site, kind=ProductionKind.PROCESSED)
    }
    rows = []
    month_start = end.replace(day=1)
    for _ in range(12):
        previous = (month_start - dt.timedelta(days=1)).replace(day=1)
        hdd = _TIANJIN_HDD[previous.month - 1]
        if not DriverValue.objects.filter(site=site, period=previous.date()).exists():
            driver_value_set(site=site, period=previous.date(), hdd=Decimal(hdd), cdd=None, by=staff)
        tonnes = processed.get(previous.date())
        if tonnes is not None:
            mwh = 120 + 0.062 * tonnes + 0.085 * hdd + 4 * math.sin(previous.month * 1.7)
            rows.append(
                {
                    "meter": "E-104",
                    "start": previous.isoformat(),
                    "end": month_start.isoformat(),
                    "value": round(mwh, 1),
                }
            )
        month_start = previous
    return rows


def _activity_load(*, site: Site, staff, year_start: dt.date, today: dt.date) -> int:
    """Refrigerant refills, green certificates and scope 3 activity over the demo year (idempotent)."""
    rows: list[tuple[type, dict]] = []
    for months, equipment, gas, kg in (
        (2, "Chiller 1, battery storage hall", "R-410A", "4.5"),
        (6, "Split air conditioners, offices", "R-407C", "2.8"),
        (9, "Chiller 1, battery storage hall", "R-410A", "3.2"),
        (10, "Cold room, canteen", "HFC-134a", "1.6"),
    ):
        day = _months_after(year_start, months, 12)
        rows.append((RefrigerantRefill, {"date": day, "equipment": equipment, "gas": gas, "kg": Decimal(kg)}))
    for quarter in range(4):
        day = _months_after(year_start, 3 * quarter + 2, 20)
        ref = f"GEC-{day:%Y%m}-TJ01"
        rows.append(
            (
                GreenCertificateRetirement,
                {"date": day, "kwh": Decimal(150_000), "vintage": day.year, "certificate_ref": ref},
            )
        )
    for month in range(12):
        day = _months_after(year_start, month, 28)
        rows.append(
            (
                Scope3Activity,
                {
                    "date": day,
                    "category": Scope3Category.TRANSPORT,
                    "description": "Inbound spent batteries by road",
                    "quantity": Decimal(4200 * 320),
                    "unit": "t·km",
                    "factor_kg_per_unit": Decimal("0.078"),
                    "factor_source": "Demo figure for heavy road freight; use the carrier's figure",
                },
            )
        )
    created = 0
    for model, fields in rows:
        if fields["date"] >= today or model.objects.filter(site=site, date=fields["date"]).exists():
            continue
        activity_create(model=model, site=site, by=staff, **fields)
        created += 1
    return created


def _months_after(start: dt.date, months: int, day: int) -> dt.date:
    year, month = divmod(start.month - 1 + months, 12)
    return dt.date(start.year + year, month + 1, day)
