"""The energy flow of a site over a period: its meter tree as nodes and links, for a Sankey diagram.

Top-level meters (the incomers and fuels of each medium) and fuel deliveries are the inputs; each
parent's flow goes to its sub-meters and to an "unmetered rest" band (parent minus the sum of its
sub-meters). Sub-meters whose sum exceeds their parent are reported as a warning, never as a
negative band. Figures are in each medium's KPI unit or in tce, read from the same rollups and
factors as the KPIs, so the flow's inputs in tce equal the KPI total of the site and period.

Water is not energy and virtual meters are derived from the others: neither is part of the flow.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from accounting import formulas
from accounting.models import FuelDelivery
from accounting.selectors.factors import FactorTable, to_kpi_unit
from accounting.units import KPI_UNIT
from greenfactory.core.localized import local_text
from greenfactory.core.time import Granularity
from greenfactory.sites.models import Site
from metering.choices import Medium
from metering.models import Meter, MeterRollup
from metering.units import canonical_unit

UNITS = ("medium", "tce")
# The media with a GB/T 2589 coefficient: the only ones in tce (as in the KPIs).
TCE_MEDIA = (
    Medium.ELECTRICITY,
    Medium.NATURAL_GAS,
    Medium.DIESEL,
    Medium.GASOLINE,
    Medium.LPG,
    Medium.HEAT,
    Medium.STEAM,
)
NOT_ENERGY = (Medium.WATER,)
_ZERO = Decimal(0)
# Differences smaller than this (in the figure's unit) are rounding, not an unmetered rest.
_EPSILON = Decimal("0.000001")


class NodeKind:
    METER = "meter"
    REST = "rest"
    DELIVERY = "delivery"


@dataclass(frozen=True)
class FlowNode:
    key: str
    kind: str  # NodeKind
    code: str
    label: str
    medium: str
    depth: int
    value: Decimal  # in ``unit``
    unit: str
    share: Decimal | None  # of the medium's total (in tce: of the site's total)
    parent_key: str | None = None
    meter_id: int | None = None


@dataclass(frozen=True)
class FlowLink:
    source: str
    target: str
    value: Decimal
    share: Decimal | None


@dataclass(frozen=True)
class FlowWarning:
    """Sub-meters that together measured more than their parent."""

    key: str
    code: str
    label: str
    medium: str
    parent_value: Decimal
    children_value: Decimal
    excess: Decimal
    unit: str


@dataclass
class FlowGroup:
    """One medium's part of the flow: its inputs, in tree order, and its total."""

    medium: str
    label: str
    unit: str
    total: Decimal
    share: Decimal | None  # of the site's total, in tce only
    nodes: list[FlowNode] = field(default_factory=list)
    links: list[FlowLink] = field(default_factory=list)


@dataclass
class EnergyFlow:
    site: Site
    start: dt.date
    end: dt.date
    unit: str  # "medium" or "tce"
    groups: list[FlowGroup]
    warnings: list[FlowWarning]
    total_tce: Decimal | None  # in tce only

    @property
    def nodes(self) -> list[FlowNode]:
        return [node for group in self.groups for node in group.nodes]

    @property
    def links(self) -> list[FlowLink]:
        return [link for group in self.groups for link in group.links]

    @property
    def depth(self) -> int:
        return max((node.depth for node in self.nodes), default=0)

    def warning_for(self, key: str) -> FlowWarning | None:
        return next((w for w in self.warnings if w.key == key), None)


def _share(value: Decimal, total: Decimal) -> Decimal | None:
    return value / total if total > 0 else None


def _meter_key(meter_id: int) -> str:
    return f"meter-{meter_id}"


class _Reading:
    """What the flow is drawn from: the meters' quantities over the period, in the shown unit."""

    def __init__(self, *, site: Site, start: dt.date, end: dt.date, in_tce: bool) -> None:
        zone = zoneinfo.ZoneInfo(site.time_zone)
        lo = dt.datetime.combine(start, dt.time(), tzinfo=zone)
        hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        # Whole months are read from month rollups, as the KPI total is, so both sum the same rows.
        whole_months = start.day == 1 and (end + dt.timedelta(days=1)).day == 1
        granularity = Granularity.MONTH if whole_months else Granularity.DAY
        self.factors = FactorTable.for_site(site=site)
        self.in_tce = in_tce
        self.meters = [
            m
            for m in Meter.objects.filter(site=site, is_virtual=False).order_by("medium", "code")
            if m.medium not in NOT_ENERGY and (not in_tce or m.medium in TCE_MEDIA)
        ]
        quantities = dict(
            MeterRollup.objects.filter(
                meter__site=site,
                meter__is_virtual=False,
                granularity=granularity,
                start__gte=lo,
                start__lt=hi,
            )
            .values("meter_id")
            .annotate(q=Sum("quantity"))
            .order_by()
            .values_list("meter_id", "q")
        )
        self.values: dict[int, Decimal] = {}
        for m in self.meters:
            canonical = canonical_unit(medium=m.medium, unit=m.unit)
            raw = Decimal(repr(round(float(quantities.get(m.pk) or 0.0), 9)))
            self.values[m.pk] = self.figure(
                m.medium, to_kpi_unit(medium=m.medium, unit=canonical, quantity=raw, factors=self.factors)
            )
        self.deliveries: dict[str, Decimal] = defaultdict(lambda: _ZERO)
        for delivery in FuelDelivery.objects.filter(site=site, date__gte=start, date__lte=end):
            if delivery.fuel in NOT_ENERGY or (in_tce and delivery.fuel not in TCE_MEDIA):
                continue
            self.deliveries[delivery.fuel] += to_kpi_unit(
                medium=delivery.fuel, unit=delivery.unit, quantity=delivery.quantity, factors=self.factors
            )
        by_id = {m.pk: m for m in self.meters}
        self.children: dict[int | None, list[Meter]] = defaultdict(list)
        for m in self.meters:
            parent = by_id.get(m.parent_id) if m.parent_id else None
            # A sub-meter of another medium (or of a meter not drawn) cannot be subtracted from its
            # parent: it is not drawn.
            if m.parent_id is None:
                self.children[None].append(m)
            elif parent is not None and parent.medium == m.medium:
                self.children[m.parent_id].append(m)

    def figure(self, medium: str, quantity: Decimal) -> Decimal:
        """A quantity in the medium's KPI unit, as the flow shows it."""
        if self.in_tce:
            return formulas.tce_total([(quantity, self.factors.get("gbt2589", medium))])
        return quantity

    def media(self) -> list[str]:
        present = {m.medium for m in self.children[None]} | {f for f, q in self.deliveries.items() if q}
        return [medium for medium in Medium.values if medium in present]  # electricity first


class _GroupBuilder:
    """One medium's nodes and bands, walked down the meter tree with each parent's rest."""

    def __init__(self, reading: _Reading, medium: str, warnings: list[FlowWarning]) -> None:
        self.reading = reading
        self.warnings = warnings
        shown_unit = "tce" if reading.in_tce else KPI_UNIT[medium]
        self.roots = [m for m in reading.children[None] if m.medium == medium]
        delivered = (
            reading.figure(medium, reading.deliveries[medium]) if reading.deliveries.get(medium) else _ZERO
        )
        total = sum((reading.values[m.pk] for m in self.roots), _ZERO) + delivered
        self.group = FlowGroup(
            medium=medium, label=str(Medium(medium).label), unit=shown_unit, total=total, share=None
        )
        self.delivered = delivered

    def add(self, node: FlowNode, source: str | None) -> None:
        self.group.nodes.append(node)
        if source is not None:
            self.group.links.append(
                FlowLink(source, node.key, node.value, _share(node.value, self.group.total))
            )

    def build(self) -> FlowGroup:
        for root in self.roots:
            self.walk(root, 0, None)
        medium, group = self.group.medium, self.group
        if self.delivered:
            self.add(
                FlowNode(
                    key=f"delivery-{medium}",
                    kind=NodeKind.DELIVERY,
                    code="",
                    label=_("Deliveries of %(fuel)s (not metered)") % {"fuel": Medium(medium).label},
                    medium=medium,
                    depth=0,
                    value=self.delivered,
                    unit=group.unit,
                    share=_share(self.delivered, group.total),
                ),
                None,
            )
        return group

    def walk(self, meter: Meter, depth: int, parent_key: str | None) -> None:
        group = self.group
        key = _meter_key(meter.pk)
        value = self.reading.values[meter.pk]
        self.add(
            FlowNode(
                key=key,
                kind=NodeKind.METER,
                code=meter.code,
                label=local_text(meter),
                medium=meter.medium,
                depth=depth,
                value=value,
                unit=group.unit,
                share=_share(value, group.total),
                parent_key=parent_key,
                meter_id=meter.pk,
            ),
            parent_key,
        )
        subs = self.reading.children.get(meter.pk, [])
        if not subs:
            return
        for sub in subs:
            self.walk(sub, depth + 1, key)
        metered = sum((self.reading.values[s.pk] for s in subs), _ZERO)
        rest = value - metered
        if rest > _EPSILON:
            self.add(
                FlowNode(
                    key=f"rest-{meter.pk}",
                    kind=NodeKind.REST,
                    code="",
                    label=_("Unmetered rest or losses of %(code)s") % {"code": meter.code},
                    medium=meter.medium,
                    depth=depth + 1,
                    value=rest,
                    unit=group.unit,
                    share=_share(rest, group.total),
                    parent_key=key,
                ),
                key,
            )
        elif rest < -_EPSILON:
            self.warnings.append(
                FlowWarning(
                    key=key,
                    code=meter.code,
                    label=local_text(meter),
                    medium=meter.medium,
                    parent_value=value,
                    children_value=metered,
                    excess=-rest,
                    unit=group.unit,
                )
            )


def energy_flow(*, site: Site, start: dt.date, end: dt.date, unit: str = "medium") -> EnergyFlow:
    """The site's energy flow over the days [start, end] in the site's time zone, in each medium's
    KPI unit (``unit="medium"``) or in tce. A constant number of queries whatever the meters."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}")
    in_tce = unit == "tce"
    reading = _Reading(site=site, start=start, end=end, in_tce=in_tce)
    warnings: list[FlowWarning] = []
    groups = [_GroupBuilder(reading, medium, warnings).build() for medium in reading.media()]
    total_tce = None
    if in_tce:
        total_tce = sum((g.total for g in groups), _ZERO)
        groups = [g for g in groups if g.total > 0]
        for g in groups:
            g.share = _share(g.total, total_tce)
            # In tce, shares are of the site's total: the media add up.
            g.nodes = [replace(n, share=_share(n.value, total_tce)) for n in g.nodes]
            g.links = [FlowLink(k.source, k.target, k.value, _share(k.value, total_tce)) for k in g.links]
    return EnergyFlow(
        site=site, start=start, end=end, unit=unit, groups=groups, warnings=warnings, total_tce=total_tce
    )
