"""Load profiles of a meter or a site over a period, from the hourly values of the day rollups.

The site's profile is the sum of its top-level electricity meters (its incomers), as the energy
flow's inputs are. Hours are the site's local hours. All figures are hourly means in the meter's
canonical unit per hour (kWh per hour = kW for electricity):

- typical day: the mean of each hour of the day, weekdays (Monday–Friday) and weekends apart;
- base load: each day's lowest hour between 00:00 and 05:00, averaged over the days with data,
  and its share of the mean load;
- off-shift energy: the energy of the hours outside every production shift of the site;
- peak demand: the highest hourly mean and its hour; peak-to-average: peak over the mean load.

Each figure is compared with the previous period of equal length. Days are read as rows (one per
meter and day, in a constant number of queries) and computed on arrays, never hour by hour.

Only days with hourly readings have a shape: a day a meter was read once (a daily register, a
day-long interval) has its consumption spread evenly over its hours, which says nothing about
its base load or its peak. Energy and mean load count every day with data; base load, peak,
off-shift energy, the typical day and the heat map only the days on which each meter has at least
``HOURLY_READINGS`` readings, and the figures say how many those are.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count
from django.db.models.functions import TruncDate

from greenfactory.core.time import Granularity
from greenfactory.sites.models import Site, SiteShift
from metering.choices import Medium
from metering.models import Meter, MeterRollup, Reading
from metering.units import canonical_unit

NIGHT_HOURS = (0, 5)  # base load: lowest hour starting at 00:00 … 04:00
MAX_DAYS = 366
HOURLY_READINGS = 12  # readings of a meter on a day for its hours to count as measured


@dataclass(frozen=True)
class LoadFigures:
    """One period's figures; None where the period has no hourly data."""

    days: int  # days with data
    energy: float | None  # total over the hours with data
    hourly_days: int  # days with hourly readings: those of the figures below mean_load
    mean_load: float | None
    base_load: float | None
    base_share: float | None  # base load / mean load
    peak: float | None
    peak_at: dt.datetime | None  # local start of the peak hour
    peak_to_average: float | None
    off_shift: float | None  # None when the site has no shifts
    off_shift_share: float | None


FIGURES = (
    "energy",
    "mean_load",
    "base_load",
    "base_share",
    "peak",
    "peak_to_average",
    "off_shift",
    "off_shift_share",
)
SHARES = ("base_share", "off_shift_share")


@dataclass
class LoadProfile:
    site: Site
    meter: Meter | None  # None: the site's incomers
    label: str
    unit: str  # the load's unit: kW, m3/h, …
    energy_unit: str  # the quantity's unit: kWh, m3, …
    start: dt.date
    end: dt.date
    previous_start: dt.date
    previous_end: dt.date
    current: LoadFigures
    previous: LoadFigures
    weekday: list[float | None]  # 24 hourly means
    weekend: list[float | None]
    days: list[dt.date]  # the heat map's rows
    matrix: np.ndarray  # days x 24, nan where no data or no hourly readings
    shifts: list[SiteShift] = field(default_factory=list)

    def change(self, name: str) -> float | None:
        """The change of a figure against the previous period: percentage points for shares,
        percent otherwise; None when there is nothing to compare with."""
        now, before = getattr(self.current, name), getattr(self.previous, name)
        if now is None or before is None:
            return None
        if name in SHARES:
            return (now - before) * 100
        return (now - before) / before * 100 if before else None


def load_meters(*, site: Site) -> list[Meter]:
    """The meters a load profile can be drawn for: the site's real meters of hourly media."""
    return list(
        Meter.objects.filter(site=site, is_virtual=False)
        .exclude(medium=Medium.WATER)
        .order_by("medium", "code")
    )


def incomers(meters: list[Meter]) -> list[Meter]:
    """The site's top-level electricity meters, whose sum is the site's load."""
    return [m for m in meters if m.parent_id is None and m.medium == Medium.ELECTRICITY]


def _bounds(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def _hourly_read(*, ids: list[int], first: dt.date, days: int, zone: zoneinfo.ZoneInfo) -> np.ndarray:
    """Meters x days: True where the meter has at least HOURLY_READINGS readings on the local day."""
    read = np.zeros((max(len(ids), 1), days), dtype=bool)
    index = {pk: i for i, pk in enumerate(ids)}
    counts = (
        Reading.objects.filter(
            meter_id__in=ids,
            ts__gte=_bounds(first, zone),
            ts__lt=_bounds(first + dt.timedelta(days=days), zone),
        )
        .annotate(day=TruncDate("ts", tzinfo=zone))
        .values_list("meter_id", "day")
        .annotate(n=Count("pk"))
    )
    for meter_id, day, n in counts:
        offset = (day - first).days
        if 0 <= offset < days and n >= HOURLY_READINGS:
            read[index[meter_id], offset] = True
    return read


def _matrix(
    *, meters: list[Meter], first: dt.date, days: int, zone: zoneinfo.ZoneInfo
) -> tuple[np.ndarray, np.ndarray]:
    """Days x 24 local hours from ``first``, the sum of the meters (nan where none has data), and
    the same with nan on every day some meter with data that day was not read hourly."""
    ids = [m.pk for m in meters]
    cube = np.full((max(len(ids), 1), days, 24), np.nan)
    index = {pk: i for i, pk in enumerate(ids)}
    rows = MeterRollup.objects.filter(
        meter_id__in=ids,
        granularity=Granularity.DAY,
        start__gte=_bounds(first, zone),
        start__lt=_bounds(first + dt.timedelta(days=days), zone),
    ).values_list("meter_id", "start", "hourly")
    for meter_id, start, hourly in rows:
        if not hourly:
            continue
        local = start.astimezone(zone)
        day = (local.date() - first).days
        if not 0 <= day < days:
            continue
        values = np.array([np.nan if v is None else v for v in hourly], dtype=float)
        if len(values) == 24:
            cube[index[meter_id], day] = values
            continue
        # A daylight-saving day (23 or 25 hours): each value goes to its local hour.
        slot = cube[index[meter_id], day]
        for i, value in enumerate(values):
            hour = (start + dt.timedelta(hours=i)).astimezone(zone).hour
            slot[hour] = value if np.isnan(slot[hour]) else slot[hour] + value
    empty = np.all(np.isnan(cube), axis=0)
    total = np.nansum(cube, axis=0)
    total[empty] = np.nan
    has_data = ~np.all(np.isnan(cube), axis=2)  # meters x days
    shaped_days = ~np.any(has_data & ~_hourly_read(ids=ids, first=first, days=days, zone=zone), axis=0)
    shaped = total.copy()
    shaped[~shaped_days] = np.nan
    return total, shaped


def _shift_mask(shifts: list[SiteShift]) -> np.ndarray:
    """7 ISO weekdays (index 0 = Monday) x 24 hours: True inside a shift."""
    mask = np.zeros((7, 24), dtype=bool)
    for shift in shifts:
        for digit in shift.weekdays:
            mask[int(digit) - 1, list(shift.hours())] = True
    return mask


def _mean(values: np.ndarray) -> float | None:
    valid = values[~np.isnan(values)]
    return float(valid.mean()) if valid.size else None


def _column_means(matrix: np.ndarray) -> list[float | None]:
    return [_mean(matrix[:, hour]) for hour in range(24)]


def figures(
    matrix: np.ndarray,
    *,
    first: dt.date,
    mask: np.ndarray | None,
    zone: zoneinfo.ZoneInfo,
    shaped: np.ndarray | None = None,
) -> LoadFigures:
    """The figures of one period's days x 24 matrix starting on ``first``; ``shaped`` is the same
    matrix with only the days of hourly readings (all of them when not given)."""
    valid = ~np.isnan(matrix)
    days = int(valid.any(axis=1).sum())
    if not days:
        return LoadFigures(0, None, 0, None, None, None, None, None, None, None, None)
    energy = float(np.nansum(matrix))
    mean = float(matrix[valid].mean())
    shape = _shape_figures(matrix if shaped is None else shaped, first=first, mask=mask, zone=zone)
    base = shape["base_load"]
    return LoadFigures(
        days=days,
        energy=energy,
        mean_load=mean,
        base_share=base / mean if base is not None and mean else None,
        peak_to_average=shape["peak"] / mean if shape["peak"] is not None and mean else None,
        **shape,
    )


def _shape_figures(
    matrix: np.ndarray, *, first: dt.date, mask: np.ndarray | None, zone: zoneinfo.ZoneInfo
) -> dict:
    """Base load, peak and off-shift energy of the days with hourly readings."""
    valid = ~np.isnan(matrix)
    hourly_days = int(valid.any(axis=1).sum())
    if not hourly_days:
        return {
            "hourly_days": 0,
            "base_load": None,
            "peak": None,
            "peak_at": None,
            "off_shift": None,
            "off_shift_share": None,
        }
    energy = float(np.nansum(matrix))
    night = matrix[:, NIGHT_HOURS[0] : NIGHT_HOURS[1]]
    nights = ~np.isnan(night).all(axis=1)
    base = float(np.nanmin(night[nights], axis=1).mean()) if nights.any() else None
    flat = np.where(valid, matrix, -np.inf)
    day, hour = divmod(int(flat.argmax()), 24)
    peak = float(matrix[day, hour])
    peak_at = _bounds(first + dt.timedelta(days=day), zone) + dt.timedelta(hours=hour)
    off = off_share = None
    if mask is not None:
        weekdays = [(first + dt.timedelta(days=d)).weekday() for d in range(matrix.shape[0])]
        outside = ~mask[weekdays] & valid
        off = float(matrix[outside].sum())
        off_share = off / energy if energy else None
    return {
        "hourly_days": hourly_days,
        "base_load": base,
        "peak": peak,
        "peak_at": peak_at,
        "off_shift": off,
        "off_shift_share": off_share,
    }


def load_profile(*, site: Site, start: dt.date, end: dt.date, meter: Meter | None = None) -> LoadProfile:
    """The load profile of ``meter`` (or of the site's incomers) over the days [start, end] of the
    site's time zone, with the previous period of equal length. A constant number of queries."""
    if end < start or (end - start).days + 1 > MAX_DAYS:
        raise ValueError("a load profile covers 1 to 366 days")
    zone = zoneinfo.ZoneInfo(site.time_zone)
    length = (end - start).days + 1
    previous_start = start - dt.timedelta(days=length)
    if meter is None:
        meters = incomers(load_meters(site=site))
        label, unit = site.code, "kWh"
    else:
        meters = [meter]
        label = meter.code
        unit = canonical_unit(medium=meter.medium, unit=meter.unit)
    shifts = list(SiteShift.objects.filter(site=site))
    mask = _shift_mask(shifts) if shifts else None
    both, both_shaped = _matrix(meters=meters, first=previous_start, days=2 * length, zone=zone)
    before, matrix = both[:length], both[length:]
    before_shaped, shaped = both_shaped[:length], both_shaped[length:]
    weekend = np.array([(start + dt.timedelta(days=d)).weekday() >= 5 for d in range(length)])
    return LoadProfile(
        site=site,
        meter=meter,
        label=label,
        unit="kW" if unit == "kWh" else f"{unit}/h",
        energy_unit=unit,
        start=start,
        end=end,
        previous_start=previous_start,
        previous_end=start - dt.timedelta(days=1),
        current=figures(matrix, first=start, mask=mask, zone=zone, shaped=shaped),
        previous=figures(before, first=previous_start, mask=mask, zone=zone, shaped=before_shaped),
        weekday=_column_means(shaped[~weekend]),
        weekend=_column_means(shaped[weekend]),
        days=[start + dt.timedelta(days=d) for d in range(length)],
        matrix=shaped,
        shifts=shifts,
    )
