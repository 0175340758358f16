"""Data-quality findings kept in step with the data: curve findings per meter, energy balance per
site, stale gateways, and what people do with findings (explain them, set thresholds).

What a meter's curve shows is detected in ``quality_detection``; this module stores it. Energy
balance compares a parent's day rollups with its sub-meters'. Findings are keyed by (meter or
gateway, kind, start): a recomputation updates them, removes open ones that no longer follow from
the data, and never touches an explanation.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Hashable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.core.dispatch import task_after_commit
from greenfactory.core.exceptions import DomainError, TransitionNotAllowed
from greenfactory.core.history import history_reason_set, history_user_set
from greenfactory.core.spans import Span, span_cover
from greenfactory.core.time import Granularity, bucket_next
from metering.choices import MeterKind
from metering.models import (
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
from metering.services.curves import Curve, Window, meter_curve, refresh_window
from metering.services.quality_detection import curve_findings, negative_intervals, ns, when
from metering.services.quality_detection import flatline_runs as flatline_runs  # re-exported
from metering.services.rollups import bucket_edges
from metering.virtual_meters import FormulaError, formula_parse

if TYPE_CHECKING:
    from greenfactory.accounts.models import User
    from greenfactory.sites.models import Site

CURVE_KINDS = (
    FindingKind.GAP,
    FindingKind.SPIKE,
    FindingKind.DECREASE,
    FindingKind.FLATLINE,
    FindingKind.NEGATIVE_INTERVAL,
)
# Sub-meters may exceed their parent by this relative amount (floating-point noise) before it is a finding.
_EXCESS_EPSILON = 1e-6


class QualityInvalid(DomainError):
    pass


def site_quality_settings(*, site: Site) -> SiteQualitySettings:
    """The site's thresholds (an unsaved row with the defaults when none was set)."""
    return SiteQualitySettings.objects.filter(site=site).first() or SiteQualitySettings(site=site)


def _meter_overrides(meter_ids: Iterable[int]) -> dict[int, MeterQualitySettings]:
    return {s.meter_id: s for s in MeterQualitySettings.objects.filter(meter_id__in=list(meter_ids))}


# --- Keeping findings in step with the data ------------------------------------------------------------


def _reconcile(
    existing: QuerySet[QualityFinding],
    found: list[QualityFinding],
    *,
    key: Callable[[QualityFinding], Hashable],
) -> dict[str, int]:
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
    *, meter: Meter, start: dt.datetime, end: dt.datetime, known: tuple[Window, Curve] | None = None
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
    found = curve_findings(meter, curve, lo_ns=ns(lo), hi_ns=ns(hi), flatline_hours=flatline_hours)
    found += negative_intervals(meter, lo, hi)
    # A gap's start may be the reading just before the window: include the keys found as well.
    existing = QualityFinding.objects.filter(meter=meter, kind__in=CURVE_KINDS).filter(
        Q(start__gte=lo, start__lt=hi) | Q(start__in=[f.start for f in found])
    )
    _reconcile(existing, found, key=lambda f: (f.kind, f.start))
    return lo, hi


@transaction.atomic
def site_balance_refresh(*, site: Site, start: dt.datetime, end: dt.datetime) -> int:
    """(Re)derive energy-balance findings for the site's days overlapping [start, end), from day rollups.

    Per parent meter and day: the physical sub-meters summing above the parent is a finding; so are
    losses (parent minus sub-meters) above the tolerance, unless a virtual sub-meter takes the rest
    (the unmetered part is then measured by design). Days where the parent or a sub-meter has no
    rollup are not judged. Returns the number of findings now detected.
    """
    zone = zoneinfo.ZoneInfo(site.time_zone)
    edges = bucket_edges(start, end, granularity=Granularity.DAY, zone=zone)
    lo, hi = when(edges[0]), when(edges[-1])
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
def finding_explain(*, finding: QualityFinding, by: User | None, note: str) -> QualityFinding:
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
    history_reason_set(locked, "explained")
    history_user_set(locked, by)
    locked.save()
    return locked


@transaction.atomic
def site_quality_settings_save(
    *,
    site: Site,
    by: User | None,
    balance_tolerance_pct: Decimal,
    stale_gateway_hours: int,
    flatline_hours: int,
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
    task_after_commit("metering.quality_stale_gateways")
    rederive_after_commit(site_id=site.pk)
    return settings_


def rederive_after_commit(*, site_id: int) -> None:
    """Once the current transaction commits, re-derive the site's findings over its whole history
    (a threshold changed)."""
    task_after_commit("metering.quality_site_rederive", site_id)


@transaction.atomic
def site_findings_rederive(*, site: Site) -> int:
    """Re-derive the findings of the site's real meters and its energy balance over all their readings
    (thresholds changed: dirty-range recomputation would only reach recent windows). Idempotent;
    returns the number of meters re-derived."""
    from greenfactory.sites.models import Site

    # The locks dirty-range processing takes, in its order (meters by id, then the site): no deadlock.
    meters = list(
        Meter.objects.select_for_update(of=("self",), no_key=True)
        .select_related("site")
        .filter(site=site, is_virtual=False)
        .order_by("pk")
    )
    Site.objects.select_for_update(no_key=True).filter(pk=site.pk).values_list("pk", flat=True).first()
    spans = {
        row["meter"]: row
        for row in Reading.objects.filter(meter__in=meters)
        .values("meter")
        .annotate(first=Min("ts"), first_start=Min("start"), last=Max("ts"))
        .order_by()
    }
    windows = []
    for meter in meters:
        span = spans.get(meter.pk)
        if span is None:
            continue
        first = min(span["first"], span["first_start"]) if span["first_start"] else span["first"]
        windows.append(Span(*meter_findings_refresh(meter=meter, start=first, end=span["last"])))
    covered = span_cover(windows)
    if covered is not None:
        site_balance_refresh(site=site, start=covered.start, end=covered.end)
    return len(spans)
