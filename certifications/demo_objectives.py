"""The demo plant's risks and opportunities and its objectives (Chinese titles first): spent-battery
supply, electricity price, new national recycling rules, a fire at the storage yard; PV on the roof
and green electricity trading; electricity per tonne processed down 5 % in 2026 (following the site
KPI), hazardous waste disposed of compliantly, and no lost-time injury."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from greenfactory.accounts.models import User

from .models import Clause, Objective, RiskOpportunity, Standard
from .services import objectives as objective_services
from .services import risks as risk_services

CODES = {"9001": "ISO 9001", "14001": "ISO 14001", "45001": "ISO 45001", "50001": "ISO 50001"}

RISKS = [
    # reference, kind, zh, en, standards, source, context, likelihood, consequence, actions
    (
        "RO-001",
        "risk",
        "废旧动力电池回收货源不足",
        "Short supply of spent batteries",
        ("9001",),
        "external",
        "Competing recyclers and informal channels bid for end-of-life packs; OEM take-back contracts run out.",
        4,
        4,
        [("Sign take-back agreements with two more OEM service networks", 60, None, "not_evaluated")],
    ),
    (
        "RO-002",
        "risk",
        "电价上涨",
        "Rising electricity price",
        ("50001", "9001"),
        "external",
        "Time-of-use tariffs in Tianjin rise; shredders and dryers run on peak hours.",
        3,
        3,
        [("Move drying of black mass to off-peak hours", -40, -10, "effective")],
    ),
    (
        "RO-003",
        "risk",
        "国家废旧电池回收新规",
        "New national battery recycling rules",
        ("14001", "9001"),
        "party",
        "MIIT industry conditions for comprehensive use of spent power batteries are being revised.",
        3,
        4,
        [("Gap assessment against the draft industry conditions", 30, None, "not_evaluated")],
    ),
    (
        "RO-004",
        "risk",
        "储存场所火灾",
        "Fire at the battery storage yard",
        ("45001", "14001"),
        "internal",
        "Damaged cells awaiting discharge can go into thermal runaway.",
        2,
        5,
        [
            ("Thermal cameras and sand-bed isolation for damaged packs", -90, -30, "partly"),
            ("Quarterly fire drill with the Ziya park fire brigade", 20, None, "not_evaluated"),
        ],
    ),
    (
        "RO-005",
        "opportunity",
        "厂房屋顶光伏",
        "PV on the workshop roofs",
        ("50001", "14001"),
        "internal",
        "12,000 m² of roof free; a second array would cover daytime base load.",
        4,
        3,
        [("Structural survey of workshop 2 roof", 45, None, "not_evaluated")],
    ),
    (
        "RO-006",
        "opportunity",
        "绿电交易",
        "Green electricity trading",
        ("50001", "14001"),
        "external",
        "Tianjin's green electricity trading opens to plants of our size; lowers market-based scope 2.",
        3,
        3,
        [],
    ),
]


def _standards(keys: tuple[str, ...]) -> list[Standard]:
    return list(Standard.objects.filter(code__in=[CODES[k] for k in keys]))


def _clauses(keys: tuple[str, ...], number: str) -> list[Clause]:
    return list(Clause.objects.filter(standard__code__in=[CODES[k] for k in keys], number=number))


def _risks(*, site, staff: User, today: dt.date) -> int:
    for ref, kind, zh, en, keys, source, context, likelihood, consequence, actions in RISKS:
        entry = risk_services.risk_create(
            by=staff,
            reference=ref,
            kind=kind,
            title=en,
            title_zh=zh,
            source=source,
            context=context,
            likelihood=likelihood,
            consequence=consequence,
            owner=staff,
            status="treating" if actions else "open",
            review_on=today + dt.timedelta(days=90),
            standards=_standards(keys),
            sites=[site],
            clauses=_clauses(keys, "6.1"),
        )
        for text, due, done, effectiveness in actions:
            done_on = today + dt.timedelta(days=done) if done is not None else None
            evaluated = effectiveness != "not_evaluated"
            risk_services.risk_action_add(
                entry=entry,
                by=staff,
                action=text,
                owner=staff,
                due_on=today + dt.timedelta(days=due),
                done_on=done_on,
                effectiveness=effectiveness,
                evaluated_on=today if evaluated else None,
            )
    return len(RISKS)


def _objectives(*, site, staff: User, today: dt.date) -> int:
    year = today.year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    objective_services.objective_create(
        by=staff,
        reference=f"OBJ-{year}-01",
        title=f"Cut electricity per tonne processed by 5 % in {year}",
        title_zh=f"{year}年单位处理量电耗降低5%",
        measure="kWh of electricity (grid and PV) per tonne of batteries processed, over the year",
        baseline=Decimal("680"),
        target=Decimal("646"),
        unit="kWh/t",
        direction="lower",
        starts_on=start,
        due_on=end,
        owner=staff,
        follows="kpi",
        kpi="electricity_kwh_per_t",
        kpi_site=site,
        standards=_standards(("50001", "14001")),
        sites=[site],
        clauses=_clauses(("50001", "14001"), "6.2"),
    )
    waste = objective_services.objective_create(
        by=staff,
        reference=f"OBJ-{year}-02",
        title="Hazardous waste disposed of compliantly: 100 %",
        title_zh="危险废物合规处置率100%",
        measure="Share of hazardous waste (waste electrolyte, separator) handed to licensed receivers with a transfer manifest",
        baseline=Decimal("98"),
        target=Decimal("100"),
        unit="%",
        direction="higher",
        starts_on=start,
        due_on=end,
        owner=staff,
        standards=_standards(("14001",)),
        sites=[site],
        clauses=_clauses(("14001",), "6.2"),
    )
    injuries = objective_services.objective_create(
        by=staff,
        reference=f"OBJ-{year}-03",
        title="Zero lost-time injuries",
        title_zh="零损工事故",
        measure="Lost-time injuries in the year",
        baseline=Decimal("1"),
        target=Decimal("0"),
        unit="",
        direction="lower",
        starts_on=start,
        due_on=end,
        owner=staff,
        standards=_standards(("45001",)),
        sites=[site],
        clauses=_clauses(("45001",), "6.2"),
    )
    for month, value in ((3, "99.2"), (6, "99.6"), (9, "100")):
        if dt.date(year, month, 28) <= today:
            objective_services.progress_add(
                objective=waste, by=staff, recorded_on=dt.date(year, month, 28), value=Decimal(value)
            )
    if dt.date(year, 6, 30) <= today:
        objective_services.progress_add(
            objective=injuries, by=staff, recorded_on=dt.date(year, 6, 30), value=Decimal(0), note="H1 review"
        )
    return 3


def demo_risks_load(*, site, staff: User, today: dt.date) -> int:
    """The entries of both registers, loaded once (nothing happens when either register has entries);
    returns how many were created."""
    if RiskOpportunity.objects.exists() or Objective.objects.exists():
        return 0
    return _risks(site=site, staff=staff, today=today) + _objectives(site=site, staff=staff, today=today)
