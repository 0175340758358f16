"""Data-quality detection on one meter's consumption curve: what the findings are, not how they are kept.

Gaps, spikes and unexplained decreases of registers are the ones the curve flags
(``curves.meter_curve``), with their span and size; an interval is a spike when its quantity exceeds
the rated flow over its hours; flatlines are runs of a register standing still or of zero intervals
longer than the threshold; negative intervals are found in SQL. Every function returns unsaved
``QualityFinding`` objects; ``quality`` reconciles them with the stored ones.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from metering.choices import MeterKind
from metering.models import FindingKind, Meter, QualityFinding, Reading
from metering.services.curves import Curve
from metering.units import canonical_unit, conversion_factor

_NS = 1_000_000_000
_HOUR_NS = 3600 * _NS


def when(ns: int) -> dt.datetime:
    """An instant from UTC nanoseconds."""
    return pd.Timestamp(int(ns), tz="UTC").to_pydatetime(warn=False)


def ns(instant: dt.datetime) -> int:
    """UTC nanoseconds of an instant."""
    return pd.Timestamp(instant).tz_convert("UTC").as_unit("ns").value


def flatline_runs(x: np.ndarray, y: np.ndarray, *, exclude: np.ndarray, min_ns: int) -> list[tuple[int, int]]:
    """Runs of consecutive steps where the cumulative curve does not rise, longer than ``min_ns``.

    ``exclude`` marks steps that are zero for another reason (an unexplained decrease). Returns
    (first index, last index) pairs into ``x``.
    """
    if len(x) < 2:
        return []
    still = (np.diff(y) == 0) & ~exclude
    edges = np.diff(np.concatenate([[0], still.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    long = (x[ends] - x[starts]) > min_ns
    return list(zip(starts[long].tolist(), ends[long].tolist(), strict=True))


class _Detector:
    """One meter's curve, the window [lo, hi) whose steps are judged, and how to make a finding."""

    def __init__(self, meter: Meter, curve: Curve, *, lo_ns: int, hi_ns: int) -> None:
        self.meter, self.curve, self.lo_ns, self.hi_ns = meter, curve, lo_ns, hi_ns
        scale = conversion_factor(unit=meter.unit, to=canonical_unit(medium=meter.medium, unit=meter.unit))
        self.per_register_unit = float(meter.multiplier) * scale
        self.rated = float(meter.rated_max_flow) if meter.rated_max_flow is not None else None

    def make(
        self, kind: str, start_ns: int, end_ns: int, magnitude: float, **details: object
    ) -> QualityFinding:
        return QualityFinding(
            site_id=self.meter.site_id,
            meter=self.meter,
            kind=kind,
            start=when(start_ns),
            end=when(end_ns),
            magnitude=round(float(magnitude), 6),
            details=details,
        )

    def within(self, instants: np.ndarray) -> np.ndarray:
        return instants[(instants >= self.lo_ns) & (instants < self.hi_ns)]

    def register(self) -> list[QualityFinding]:
        """A register's gaps, spikes and unexplained decreases."""
        x, y, curve = self.curve.x, self.curve.y, self.curve
        # The usual spacing around each gap, as the curve judged it.
        if curve.gap_usual is None:
            raise TypeError("a register's curve carries the usual spacing around its gaps")
        usual_hours: np.ndarray = curve.gap_usual / _HOUR_NS
        usual = dict(zip(curve.gaps.tolist(), usual_hours.tolist(), strict=True))
        found = []
        for g in self.within(curve.gaps):
            i = int(np.searchsorted(x, g))
            found.append(
                self.make(
                    FindingKind.GAP,
                    x[i],
                    x[i + 1],
                    (x[i + 1] - x[i]) / _HOUR_NS,
                    usual_hours=round(usual[int(g)], 3),
                )
            )
        for s in self.within(curve.spikes):
            i = int(np.searchsorted(x, s))
            rate = (y[i + 1] - y[i]) / self.per_register_unit / ((x[i + 1] - x[i]) / _HOUR_NS)
            found.append(
                self.make(
                    FindingKind.SPIKE,
                    x[i],
                    x[i + 1],
                    rate,
                    unit=f"{self.meter.unit}/h",
                    rated_max_flow=self.rated,
                )
            )
        return found + self.decreases()

    def decreases(self) -> list[QualityFinding]:
        """A register's unexplained decreases, with the readings before and after."""
        x, decreases = self.curve.x, self.within(self.curve.decreases)
        if not len(decreases):
            return []
        index = np.searchsorted(x, decreases)
        instants = [when(n) for n in np.concatenate([x[index], x[index + 1]])]
        values = dict(
            Reading.objects.filter(meter=self.meter, start__isnull=True, ts__in=instants).values_list(
                "ts", "value"
            )
        )
        found = []
        for i in index:
            before, after = values.get(when(x[i])), values.get(when(x[i + 1]))
            drop = before - after if before is not None and after is not None else 0.0
            found.append(
                self.make(
                    FindingKind.DECREASE,
                    x[i],
                    x[i + 1],
                    drop,
                    unit=self.meter.unit,
                    before=before,
                    after=after,
                )
            )
        return found

    def interval(self) -> list[QualityFinding]:
        """Gaps between intervals, and intervals above the rated flow."""
        x, y = self.curve.x, self.curve.y
        found = []
        for g in self.within(self.curve.gaps):
            i = int(np.searchsorted(x, g)) - 1  # the previous interval's end
            found.append(self.make(FindingKind.GAP, x[i], g, (g - x[i]) / _HOUR_NS))
        if self.rated is None:
            return found
        # The curve holds each interval as two points (its start, its end).
        begins, ends = x[0::2], x[1::2]
        hours = (ends - begins) / _HOUR_NS
        rates = (y[1::2] - y[0::2]) / self.per_register_unit / np.maximum(hours, 1 / 3600)
        over = (rates > self.rated) & (begins >= self.lo_ns) & (begins < self.hi_ns)
        for k in np.flatnonzero(over):
            found.append(
                self.make(
                    FindingKind.SPIKE,
                    begins[k],
                    ends[k],
                    rates[k],
                    unit=f"{self.meter.unit}/h",
                    rated_max_flow=self.rated,
                )
            )
        return found

    def flatlines(self, flatline_hours: int) -> list[QualityFinding]:
        """Runs standing still longer than ``flatline_hours`` while the meter was active."""
        x, y = self.curve.x, self.curve.y
        if self.meter.kind == MeterKind.REGISTER:
            excluded = np.isin(x[:-1], self.curve.decreases)
        else:
            # Between two intervals the curve stands still too: a hole there is a gap, not a flatline,
            # so it ends a run of zero intervals; back-to-back intervals (no hole) continue it.
            excluded = np.zeros(len(x) - 1, dtype=bool)
            excluded[1::2] = x[2::2] > x[1:-1:2]
        active_from = ns(self.meter.active_from)
        active_to = ns(self.meter.active_to) if self.meter.active_to else None
        found = []
        for first, last in flatline_runs(x, y, exclude=excluded, min_ns=flatline_hours * _HOUR_NS):
            start, end = max(int(x[first]), active_from), int(x[last])
            if active_to is not None:
                end = min(end, active_to)
            if end - start <= flatline_hours * _HOUR_NS or not self.lo_ns <= x[first] < self.hi_ns:
                continue  # the meter was not active for long enough of it
            found.append(
                self.make(
                    FindingKind.FLATLINE, start, end, (end - start) / _HOUR_NS, threshold_hours=flatline_hours
                )
            )
        return found


def curve_findings(
    meter: Meter, curve: Curve, *, lo_ns: int, hi_ns: int, flatline_hours: int
) -> list[QualityFinding]:
    """Gaps, spikes, decreases and flatlines of one meter whose step starts in [lo, hi)."""
    if len(curve.x) < 2:
        return []
    detector = _Detector(meter, curve, lo_ns=lo_ns, hi_ns=hi_ns)
    found = detector.register() if meter.kind == MeterKind.REGISTER else detector.interval()
    return found + detector.flatlines(flatline_hours)


def negative_intervals(meter: Meter, lo: dt.datetime, hi: dt.datetime) -> list[QualityFinding]:
    """Interval readings below zero (the ingest refuses them; data restored or loaded otherwise may not)."""
    if meter.kind != MeterKind.INTERVAL:
        return []
    rows = Reading.objects.filter(
        meter=meter, start__isnull=False, value__lt=0, start__gte=lo, start__lt=hi
    ).values_list("start", "ts", "value")
    return [
        QualityFinding(
            site_id=meter.site_id,
            meter=meter,
            kind=FindingKind.NEGATIVE_INTERVAL,
            start=start,
            end=end,
            magnitude=value,
            details={"unit": meter.unit},
        )
        for start, end, value in rows
        if start is not None  # always (filtered above): narrows the column's type
    ]
