"""Data-quality findings: derived from a meter's consumption curve, from day rollups and from gateways.

Gaps, spikes and unexplained decreases of registers are the ones the rollups flag
(``rollups.meter_curve``), with their span and size; an interval is a spike when its quantity exceeds
the rated flow over its hours; flatlines are runs of a register standing still or of zero intervals
longer than the threshold; negative intervals are found in SQL; energy balance compares a parent's day rollups with its sub-meters'. Findings are keyed by
(meter or gateway, kind, start): a recomputation updates them, removes open ones that no longer
follow from the data, and never touches an explanation.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.core.exceptions import DomainError, TransitionNotAllowed
from greenfactory.core.time import Granularity, bucket_next
from metering.choices import MeterKind
from metering.models import (
    DirtyRange,
    FindingKind,
    FindingStatus,
    Gateway,
    Meter,
    MeterQualitySettings,
    MeterRollup,
    QualityFinding,
    Reading,
    SiteQualitySettings,
)
from metering.services.rollups import Curve, bucket_edges, meter_curve, refresh_window
from metering.units import canonical_unit, conversion_factor
from metering.virtual_meters import FormulaError, formula_parse

CURVE_KINDS = (
    FindingKind.GAP,
    FindingKind.SPIKE,
    FindingKind.DECREASE,
    FindingKind.FLATLINE,
    FindingKind.NEGATIVE_INTERVAL,
)
# Sub-meters may exceed their parent by this relative amount (floating-point noise) before it is a finding.
_EXCESS_EPSILON = 1e-6
_NS = 1_000_000_000
_HOUR_NS = 3600 * _NS


class QualityInvalid(DomainError):
    pass


def _when(ns: int) -> dt.datetime:
    return pd.Timestamp(int(ns), tz="UTC").to_pydatetime(warn=False)


def _ns(when: dt.datetime) -> int:
    return pd.Timestamp(when).tz_convert("UTC").as_unit("ns").value


def site_quality_settings(*, site) -> SiteQualitySettings:
    """The site's thresholds (an unsaved row with the defaults when none was set)."""
    return SiteQualitySettings.objects.filter(site=site).first() or SiteQualitySettings(site=site)


def _meter_overrides(meter_ids: Iterable[int]) -> dict[int, MeterQualitySettings]:
    return {s.meter_id: s for s in MeterQualitySettings.objects.filter(meter_id__in=list(meter_ids))}


# --- Detection on a curve (pure functions of numpy arrays, tested directly) -------------------------


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


def _curve_findings(
    meter: Meter, curve: Curve, *, lo_ns: int, hi_ns: int, flatline_hours: int
) -> list[QualityFinding]:
    """Gaps, spikes, decreases and flatlines of one meter whose step starts in [lo, hi)."""
    x, y = curve.x, curve.y
    if len(x) < 2:
        return []
    found: list[QualityFinding] = []
    scale = conversion_factor(unit=meter.unit, to=canonical_unit(medium=meter.medium, unit=meter.unit))
    per_register_unit = float(meter.multiplier) * scale

    def make(kind, start_ns, end_ns, magnitude, **details):
        return QualityFinding(
            site_id=meter.site_id,
            meter=meter,
            kind=kind,
            start=_when(start_ns),
            end=_when(end_ns),
            magnitude=round(float(magnitude), 6),
            details=details,
        )

    def within(instants: np.ndarray) -> np.ndarray:
        return instants[(instants >= lo_ns) & (instants < hi_ns)]

    register = meter.kind == MeterKind.REGISTER
    if register:
        # The usual spacing around each gap, as the rollups judged it.
        usual = dict(zip(curve.gaps.tolist(), (curve.gap_usual / _HOUR_NS).tolist(), strict=True))
        for g in within(curve.gaps):
            i = int(np.searchsorted(x, g))
            found.append(
                make(
                    FindingKind.GAP,
                    x[i],
                    x[i + 1],
                    (x[i + 1] - x[i]) / _HOUR_NS,
                    usual_hours=round(usual[int(g)], 3),
                )
            )
    else:
        for g in within(curve.gaps):
            i = int(np.searchsorted(x, g)) - 1  # the previous interval's end
            found.append(make(FindingKind.GAP, x[i], g, (g - x[i]) / _HOUR_NS))
        # The curve holds each interval as two points (its start, its end).
        if meter.rated_max_flow is not None:
            begins, ends = x[0::2], x[1::2]
            hours = (ends - begins) / _HOUR_NS
            rates = (y[1::2] - y[0::2]) / per_register_unit / np.maximum(hours, 1 / 3600)
            over = (rates > float(meter.rated_max_flow)) & (begins >= lo_ns) & (begins < hi_ns)
            for i in np.flatnonzero(over):
                found.append(
                    make(
                        FindingKind.SPIKE,
                        begins[i],
                        ends[i],
                        rates[i],
                        unit=f"{meter.unit}/h",
                        rated_max_flow=float(meter.rated_max_flow),
                    )
                )
    if register:
        for s in within(curve.spikes):
            i = int(np.searchsorted(x, s))
            hours = (x[i + 1] - x[i]) / _HOUR_NS
            rate = (y[i + 1] - y[i]) / per_register_unit / hours
            found.append(
                make(
                    FindingKind.SPIKE,
                    x[i],
                    x[i + 1],
                    rate,
                    unit=f"{meter.unit}/h",
                    rated_max_flow=float(meter.rated_max_flow) if meter.rated_max_flow is not None else None,
                )
            )
        decreases = within(curve.decreases)
        if len(decreases):
            index = np.searchsorted(x, decreases)
            instants = [_when(n) for n in np.concatenate([x[index], x[index + 1]])]
            values = dict(
                Reading.objects.filter(meter=meter, start__isnull=True, ts__in=instants).values_list(
                    "ts", "value"
                )
            )
            for i in index:
                before, after = values.get(_when(x[i])), values.get(_when(x[i + 1]))
                drop = before - after if before is not None and after is not None else 0.0
                found.append(
                    make(
                        FindingKind.DECREASE,
                        x[i],
                        x[i + 1],
                        drop,
                        unit=meter.unit,
                        before=before,
                        after=after,
                    )
                )
        excluded = np.isin(x[:-1], curve.decreases)
    else:
        # Between two intervals the curve stands still too: a hole there is a gap, not a flatline, so it
        # ends a run of zero intervals; back-to-back intervals (no hole) continue it.
        excluded = np.zeros(len(x) - 1, dtype=bool)
        excluded[1::2] = x[2::2] > x[1:-1:2]
    active_from = _ns(meter.active_from)
    active_to = _ns(meter.active_to) if meter.active_to else None
    for first, last in flatline_runs(x, y, exclude=excluded, min_ns=flatline_hours * _HOUR_NS):
        start, end = max(int(x[first]), active_from), int(x[last])
        if active_to is not None:
            end = min(end, active_to)
        if end - start <= flatline_hours * _HOUR_NS or not lo_ns <= x[first] < hi_ns:
            continue  # the meter was not active for long enough of it
        found.append(
            make(FindingKind.FLATLINE, start, end, (end - start) / _HOUR_NS, threshold_hours=flatline_hours)
        )
    return found


def _negative_intervals(meter: Meter, lo: dt.datetime, hi: dt.datetime) -> list[QualityFinding]:
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
    ]


# --- Keeping findings in step with the data ------------------------------------------------------------


def _reconcile(existing: QuerySet[QualityFinding], found: list[QualityFinding], *, key) -> dict[str, int]:
    """Make ``existing`` (the findings a detection pass covers) match ``found``.

    New ones are created; ones found again get the new span and size (their status and explanation
    are kept); open ones no longer found are deleted; explained ones no longer found are kept,
    marked as no longer detected.
    """
    now = timezone.now()
    current = {key(f): f for f in existing}
    create, update = [], []
    for new in found:
        old = current.pop(key(new), None)
        if old is None:
            create.append(new)
        elif (old.end, old.magnitude, old.details, old.detected) != (
            new.end,
            new.magnitude,
            new.details,
            True,
        ):
            old.end, old.magnitude, old.details, old.detected, old.updated_at = (
                new.end,
                new.magnitude,
                new.details,
                True,
                now,
            )
            update.append(old)
    gone_open = [f.pk for f in current.values() if f.status == FindingStatus.OPEN]
    for f in current.values():
        if f.status == FindingStatus.EXPLAINED and f.detected:
            f.detected, f.updated_at = False, now
            update.append(f)
    if gone_open:
        # Someone may have explained one since ``existing`` was read: their note must survive.
        QualityFinding.objects.filter(pk__in=gone_open, status=FindingStatus.OPEN).delete()
    QualityFinding.objects.bulk_create(create, batch_size=1000)
    QualityFinding.objects.bulk_update(
        update, ["end", "magnitude", "details", "detected", "updated_at"], batch_size=1000
    )
    return {"created": len(create), "updated": len(update), "deleted": len(gone_open)}


@transaction.atomic
def meter_findings_refresh(
    *, meter: Meter, start: dt.datetime, end: dt.datetime, known=None
) -> tuple[dt.datetime, dt.datetime]:
    """(Re)derive the meter's gaps, spikes, decreases, flatlines and negative intervals for readings
    changed in [start, end], over the whole months ``rollups.meter_rollups_refresh`` builds its
    curve over (so both see the same gaps and spikes). ``known`` is ``(window, curve)`` from that
    refresh, used when the window is the same. Idempotent. Returns the window recomputed."""
    if meter.is_virtual:
        return start, end
    window = refresh_window(meter, start, end)
    lo, hi = window[2:]
    override = _meter_overrides([meter.pk]).get(meter.pk)
    flatline_hours = (override and override.flatline_hours) or site_quality_settings(
        site=meter.site
    ).flatline_hours
    if meter.kind == MeterKind.REGISTER and known is not None and known[0] == window:
        curve = known[1]  # the very curve the rollups were just built from
    else:
        # Intervals (few rows) are read again: one ending exactly at the window's start is outside
        # the rollups' window but bounds a gap in it.
        curve = meter_curve(meter=meter, lo=lo - dt.timedelta(microseconds=1), hi=hi)
    found = _curve_findings(meter, curve, lo_ns=_ns(lo), hi_ns=_ns(hi), flatline_hours=flatline_hours)
    found += _negative_intervals(meter, lo, hi)
    # A gap's start may be the reading just before the window: include the keys found as well.
    existing = QualityFinding.objects.filter(meter=meter, kind__in=CURVE_KINDS).filter(
        Q(start__gte=lo, start__lt=hi) | Q(start__in=[f.start for f in found])
    )
    _reconcile(existing, found, key=lambda f: (f.kind, f.start))
    return lo, hi


@transaction.atomic
def site_balance_refresh(*, site, start: dt.datetime, end: dt.datetime) -> int:
    """(Re)derive energy-balance findings for the site's days overlapping [start, end), from day rollups.

    Per parent meter and day: the physical sub-meters summing above the parent is a finding; so are
    losses (parent minus sub-meters) above the tolerance, unless a virtual sub-meter takes the rest
    (the unmetered part is then measured by design). Days where the parent or a sub-meter has no
    rollup are not judged. Returns the number of findings now detected.
    """
    zone = zoneinfo.ZoneInfo(site.time_zone)
    edges = bucket_edges(start, end, granularity=Granularity.DAY, zone=zone)
    lo, hi = _when(edges[0]), _when(edges[-1])
    meters = list(
        Meter.objects.filter(site=site).values_list("pk", "code", "parent_id", "is_virtual", "formula")
    )
    children: dict[int, list[int]] = {}
    for pk, _code, parent_id, is_virtual, _formula in meters:
        if parent_id is not None and not is_virtual:
            children.setdefault(parent_id, []).append(pk)
    remainder = _parents_with_a_remainder(meters, children)
    found: list[QualityFinding] = []
    if children:
        settings_ = site_quality_settings(site=site)
        overrides = _meter_overrides(children)
        ids = set(children) | {c for kids in children.values() for c in kids}
        rows = MeterRollup.objects.filter(
            meter_id__in=ids, granularity=Granularity.DAY, start__gte=lo, start__lt=hi
        ).values_list("meter_id", "start", "quantity")
        frame = pd.DataFrame.from_records(list(rows), columns=["meter", "start", "quantity"])
        table = frame.pivot_table(index="start", columns="meter", values="quantity", aggfunc="sum")
        for parent_id, kids in sorted(children.items()):
            if parent_id not in table.columns or not set(kids) <= set(table.columns):
                continue
            days = table[[parent_id, *kids]].dropna()
            parent, metered = days[parent_id], days[kids].sum(axis=1)
            override = overrides.get(parent_id)
            tolerance = float(
                override.balance_tolerance_pct
                if override and override.balance_tolerance_pct is not None
                else settings_.balance_tolerance_pct
            )
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(
                    parent > 0, (parent - metered) / parent * 100, np.where(metered > 0, -100.0, 0.0)
                )
            excess = (metered - parent) > _EXCESS_EPSILON * np.maximum(parent.abs(), 1.0)
            losses = (share > tolerance) & (parent_id not in remainder)
            for day, p, m, pct, over, lost in zip(
                days.index, parent, metered, share, excess, losses, strict=True
            ):
                if not (over or lost):
                    continue
                found.append(
                    QualityFinding(
                        site=site,
                        meter_id=parent_id,
                        kind=FindingKind.ENERGY_BALANCE,
                        start=day.to_pydatetime(),
                        end=bucket_next(day.to_pydatetime(), granularity=Granularity.DAY, zone=zone),
                        magnitude=round(abs(float(pct)), 4),
                        details={
                            "direction": "above_parent" if over else "losses",
                            "parent": round(float(p), 6),
                            "sub_meters": round(float(m), 6),
                            "sub_meter_ids": sorted(kids),
                            "tolerance_pct": tolerance,
                        },
                    )
                )
    existing = QualityFinding.objects.filter(
        site=site, kind=FindingKind.ENERGY_BALANCE, start__gte=lo, start__lt=hi
    )
    _reconcile(existing, found, key=lambda f: (f.meter_id, f.start))
    return len(found)


def _parents_with_a_remainder(meters: list[tuple], children: dict[int, list[int]]) -> set[int]:
    """Parents whose unmetered rest is a virtual meter: a virtual sub-meter, or a virtual meter whose
    formula uses the parent and one of its sub-meters (``[E-MAIN] - [E-101] - ...``)."""
    codes = {pk: code for pk, code, *_rest in meters}
    found: set[int] = set()
    for _pk, _code, parent_id, is_virtual, formula in meters:
        if not is_virtual:
            continue
        if parent_id is not None:
            found.add(parent_id)
        try:
            used = formula_parse(formula).meter_codes
        except FormulaError:
            continue
        for parent, kids in children.items():
            if codes[parent] in used and used & {codes[k] for k in kids}:
                found.add(parent)
    return found


def findings_after_rollups(*, ranges: list[DirtyRange], curves: dict | None = None) -> None:
    """After the rollups of these dirty ranges were refreshed: their meters' findings and their sites'
    energy balance, over the same windows, reusing the curves (``curves``) the rollups were built from."""
    spans: dict[int, list[dt.datetime]] = {}
    for dirty in ranges:
        span = spans.setdefault(dirty.meter_id, [dirty.start, dirty.end])
        span[0], span[1] = min(span[0], dirty.start), max(span[1], dirty.end)
    sites: dict[int, list] = {}
    for meter in Meter.objects.select_related("site").filter(pk__in=spans, is_virtual=False).order_by("pk"):
        lo, hi = meter_findings_refresh(
            meter=meter, start=spans[meter.pk][0], end=spans[meter.pk][1], known=(curves or {}).get(meter.pk)
        )
        site_span = sites.setdefault(meter.site_id, [meter.site, lo, hi])
        site_span[1], site_span[2] = min(site_span[1], lo), max(site_span[2], hi)
    for _site_id, (site, lo, hi) in sorted(sites.items()):
        site_balance_refresh(site=site, start=lo, end=hi)


@transaction.atomic
def gateways_stale_refresh(*, now: dt.datetime | None = None) -> int:
    """Flag every gateway (not revoked) without an upload for longer than its site's threshold; a
    gateway that uploads again loses its open finding. Returns the number of stale gateways."""
    now = now or timezone.now()
    gateways = list(Gateway.objects.select_related("site").order_by("pk"))
    thresholds = {s.site_id: s.stale_gateway_hours for s in SiteQualitySettings.objects.all()}
    found: list[QualityFinding] = []
    for gateway in gateways:
        if gateway.is_revoked:
            continue
        hours = thresholds.get(
            gateway.site_id, SiteQualitySettings._meta.get_field("stale_gateway_hours").default
        )
        last = gateway.last_used_at or gateway.created_at
        silent = (now - last).total_seconds() / 3600
        if silent > hours:
            found.append(
                QualityFinding(
                    site_id=gateway.site_id,
                    gateway=gateway,
                    kind=FindingKind.STALE_GATEWAY,
                    start=last,
                    end=now,
                    magnitude=round(silent, 2),
                    details={"threshold_hours": hours, "never_used": gateway.last_used_at is None},
                )
            )
    existing = QualityFinding.objects.filter(kind=FindingKind.STALE_GATEWAY)
    _reconcile(existing, found, key=lambda f: (f.gateway_id, f.start))
    return len(found)


# --- What people do --------------------------------------------------------------------------------


@transaction.atomic
def finding_explain(*, finding: QualityFinding, by, note: str) -> QualityFinding:
    """Mark an open finding explained with a note (kept across recomputations); history records who."""
    note = (note or "").strip()
    if not note:
        raise QualityInvalid(_("Say what explains this finding."), field="note")
    locked = QualityFinding.objects.select_for_update().get(pk=finding.pk)
    if locked.status == FindingStatus.EXPLAINED:
        raise TransitionNotAllowed(_("This finding is already explained."))
    locked.status, locked.note, locked.explained_by, locked.explained_at = (
        FindingStatus.EXPLAINED,
        note,
        by,
        timezone.now(),
    )
    locked._change_reason = "explained"
    locked._history_user = by
    locked.save()
    return locked


@transaction.atomic
def site_quality_settings_save(
    *, site, by, balance_tolerance_pct: Decimal, stale_gateway_hours: int, flatline_hours: int
) -> SiteQualitySettings:
    """Set a site's thresholds; after commit the site's findings are re-derived over its whole history
    (and stale gateways checked)."""
    if not Decimal(0) <= balance_tolerance_pct <= Decimal(100):
        raise QualityInvalid(
            _("The tolerance is a percentage between 0 and 100."), field="balance_tolerance_pct"
        )
    if stale_gateway_hours < 1 or flatline_hours < 1:
        raise QualityInvalid(_("Hours must be at least 1."))
    settings_, _created = SiteQualitySettings.objects.update_or_create(
        site=site,
        defaults={
            "balance_tolerance_pct": balance_tolerance_pct,
            "stale_gateway_hours": stale_gateway_hours,
            "flatline_hours": flatline_hours,
        },
    )
    transaction.on_commit(_stale_gateways_later)
    rederive_after_commit(site_id=site.pk)
    return settings_


def rederive_after_commit(*, site_id: int) -> None:
    """Once the current transaction commits, re-derive the site's findings over its whole history
    (a threshold changed)."""
    transaction.on_commit(lambda: _site_findings_later(site_id))


def _stale_gateways_later() -> None:
    from metering.tasks import quality_stale_gateways

    quality_stale_gateways.delay()


def _site_findings_later(site_id: int) -> None:
    from metering.tasks import quality_site_rederive

    quality_site_rederive.delay(site_id)


@transaction.atomic
def site_findings_rederive(*, site) -> int:
    """Re-derive the findings of the site's real meters and its energy balance over all their readings
    (thresholds changed: dirty-range recomputation would only reach recent windows). Idempotent;
    returns the number of meters re-derived."""
    from greenfactory.sites.models import Site

    # The locks dirty-range processing takes, in its order (meters by id, then the site): no deadlock.
    meters = list(
        Meter.objects.select_for_update(of=("self",))
        .select_related("site")
        .filter(site=site, is_virtual=False)
        .order_by("pk")
    )
    Site.objects.select_for_update().filter(pk=site.pk).values_list("pk", flat=True).first()
    spans = {
        row["meter"]: row
        for row in Reading.objects.filter(meter__in=meters)
        .values("meter")
        .annotate(first=Min("ts"), first_start=Min("start"), last=Max("ts"))
        .order_by()
    }
    lo = hi = None
    for meter in meters:
        span = spans.get(meter.pk)
        if span is None:
            continue
        first = min(span["first"], span["first_start"]) if span["first_start"] else span["first"]
        start, end = meter_findings_refresh(meter=meter, start=first, end=span["last"])
        lo, hi = (start, end) if lo is None else (min(lo, start), max(hi, end))
    if lo is not None:
        site_balance_refresh(site=site, start=lo, end=hi)
    return len(spans)
