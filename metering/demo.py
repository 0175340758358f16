"""The demo plant's meters (every medium), a demo gateway with a fixed key, and recent readings.

Idempotent: meters and the gateway are looked up by code and name first, and readings are a
pure function of their time, so loading again stores nothing twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import zoneinfo

from greenfactory.core.time import month_next, months_add, months_before
from greenfactory.sites.models import ProductionKind, ProductionRecord, Site
from metering.choices import Medium, MeterKind, Source
from metering.models import Gateway, Meter
from metering.services.gateways import gateway_create
from metering.services.ingest import readings_ingest
from metering.services.meters import meter_create

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
TIANJIN_HDD = [640, 520, 350, 150, 35, 0, 0, 0, 25, 190, 410, 590]
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


def demo_load(*, site: Site, staff, approver, today: dt.date) -> dict[str, int]:
    """Create the demo meters and gateway, and the last week of hourly and last year of monthly data."""
    zone = zoneinfo.ZoneInfo(site.time_zone)
    created = {
        "meters": _meters_load(site=site, staff=staff, since=dt.datetime(today.year - 2, 1, 1, tzinfo=zone))
    }
    created["readings"] = 0
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
    year_start = demo_year_start(site=site, today=today)
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
    for previous, month_start in _months_before(end):
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
    monthly += _shredder_months(site=site, end=end)
    result = readings_ingest(site=site, raw_rows=monthly, source=Source.IMPORT, by=staff)
    created["readings"] += result.accepted
    return created


def _meters_load(*, site: Site, staff, since: dt.datetime) -> int:
    """The demo's metered and virtual meters that the site does not have yet; returns how many."""
    created = {"meters": 0}
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
    return created["meters"]


def _shredder_months(*, site: Site, end: dt.datetime) -> list[dict]:
    """E-104's monthly MWh follows tonnes processed and heating degree days (as shredders do: more load,
    and cold starts in winter), so the demo year makes a sound ISO 50001 baseline (accounting's demo
    stores the same months' degree days)."""
    processed = {
        r.period_start: float(r.tonnes)
        for r in ProductionRecord.objects.filter(site=site, kind=ProductionKind.PROCESSED)
    }
    rows = []
    for previous, month_start in _months_before(end):
        hdd = TIANJIN_HDD[previous.month - 1]
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
    return rows


def _months_before(end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """The twelve months before ``end``'s month, newest first, as (start, next month's start) at
    local midnight."""

    def midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=end.tzinfo)

    return [
        (midnight(month), midnight(month_next(month))) for month in reversed(months_before(end.date(), 12))
    ]


def demo_year_start(*, site: Site, today: dt.date) -> dt.datetime:
    """The first day of the demo's year of daily readings (the month that began a year before this one)."""
    return dt.datetime.combine(months_add(today, -12), dt.time(), tzinfo=zoneinfo.ZoneInfo(site.time_zone))


def demo_notes() -> list[str]:
    """What ``load_demo`` prints about metering: the demo gateway key and a reading to send with it."""
    return [
        "Demo gateway key (site TJ-01, all meters; demo only, never on a real plant):",
        f"  {DEMO_GATEWAY_KEY}",
        "  curl -H 'Authorization: Api-Key "
        + DEMO_GATEWAY_KEY
        + "' -H 'Content-Type: text/csv' --data-binary $'meter,ts,value\\nW-01,<ISO time with offset>,<value>' "
        "http://127.0.0.1:8000/api/v1/readings/",
    ]
