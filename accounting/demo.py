"""Accounting's part of the demo plant: degree days for the baseline year, refrigerant refills,
green certificates and scope 3 activity, the organisation's GHG inventory settings and a footprint study
of this year's black mass (idempotent)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounting.choices import Scope3Category
from accounting.models import DriverValue
from accounting.services.activity import (
    ActivityValues,
    GreenCertificateValues,
    RefrigerantRefillValues,
    Scope3ActivityValues,
    activity_create,
)
from accounting.services.baselines import driver_value_set
from greenfactory.core.time import months_add, months_before
from greenfactory.sites.models import Site
from metering.demo import TIANJIN_HDD, demo_year_start

# The demo footprint's manual items: stage, kind, description, quantity, unit, kgCO2e per unit, source,
# pedigree (reliability, completeness, temporal, geographical, technological).
_DEMO_ITEMS = (
    (
        "raw_materials",
        "chemical",
        "Sodium hydroxide (32 %)",
        "12",
        "t",
        "1200",
        "Demo: generic chlor-alkali factor",
        (3, 2, 2, 3, 2),
    ),
    (
        "raw_materials",
        "packaging",
        "Big bags for black mass",
        "6000",
        "Item(s)",
        "3.5",
        "Demo: supplier declaration",
        (2, 2, 1, 1, 2),
    ),
    (
        "waste",
        "waste_treatment",
        "Electrolyte sludge incineration",
        "40",
        "t",
        "450",
        "Demo: hazardous-waste contractor",
        (2, 3, 1, 1, 3),
    ),
)
# Its co-products: product, production-record material, price (CNY/t), avoided kgCO2e per t.
_DEMO_OUTPUTS = (
    ("black_mass", "Black mass", "18000", None),
    ("copper", "Copper", "62000", "3800"),
    ("aluminium", "Aluminium", "14500", "9000"),
    ("plastics", "Plastics", "1200", "1500"),
    ("electrolyte", "Electrolyte", "2500", "600"),
)


def demo_load(*, site: Site, staff, approver, today: dt.date) -> dict[str, int]:
    """Degree days, activity data and inventory settings for the demo plant."""
    year_start = demo_year_start(site=site, today=today)
    return {
        "degree_days": _degree_days_load(site=site, staff=staff, today=today),
        "activity": _activity_load(site=site, staff=staff, year_start=year_start.date(), today=today),
        "inventory": _inventory_load(site=site, staff=staff, today=today),
        "budgets": _budget_schedule(site=site, staff=staff, today=today),
        "reference_levels": _reference_level_load(site=site, staff=staff, today=today),
        "footprints": _footprint_load(site=site, staff=staff, today=today),
        "neutrality": _neutrality_load(site=site, staff=staff, today=today),
    }


def _footprint_load(*, site: Site, staff, today: dt.date) -> int:
    """This year's ISO 14067 footprint of black mass, cradle to gate, allocated by mass: the measured
    inputs come from the demo's KPIs and activity data, the rest from the items below."""
    from django.db.models import Sum

    from accounting.models import FactorSet, FootprintStudy
    from accounting.services import footprints
    from greenfactory.sites.models import ProductionKind, ProductionRecord

    if FootprintStudy.objects.filter(site=site).exists():
        return 0
    end = dt.date(today.year, today.month, 1) - dt.timedelta(days=1)
    if end.year != today.year:  # January: last year's study
        end = dt.date(today.year - 1, 12, 31)
    study = footprints.footprint_study_create(
        site=site,
        title=f"Black mass {end.year}",
        product="black_mass",
        declared_unit="1 t of black mass",
        boundary="cradle_to_gate",
        period_start=dt.date(end.year, 1, 1),
        period_end=end,
        allocation="mass",
        gwp_set=FactorSet.objects.get(code="gwp-ar5"),
        cut_off="Inputs below 1 % of the input mass and of the total emissions are left out; capital goods excluded.",
        notes="Demo study.",
        by=staff,
    )
    for stage, kind, description, quantity, unit, factor, source, pedigree in _DEMO_ITEMS:
        footprints.footprint_item_create(
            study=study,
            stage=stage,
            kind=kind,
            description=description,
            quantity=Decimal(quantity),
            unit=unit,
            factor_kg_per_unit=Decimal(factor),
            factor_source=source,
            reliability=pedigree[0],
            completeness=pedigree[1],
            temporal=pedigree[2],
            geographical=pedigree[3],
            technological=pedigree[4],
            by=staff,
        )
    # Outputs of the period from the demo's production records, at this year's prices (CNY/t) and with
    # what the recovered metals and materials avoid (kgCO2e/t of primary production).
    outputs = dict(
        ProductionRecord.objects.filter(
            site=site, kind=ProductionKind.OUTPUT, period_start__gte=study.period_start, period_end__lte=end
        )
        .values_list("material")
        .annotate(t=Sum("tonnes"))
    )
    for product, label, price, avoided in _DEMO_OUTPUTS:
        if not outputs.get(label):
            continue
        footprints.footprint_coproduct_save(
            study=study,
            product=product,
            output_t=outputs[label],
            price_cny_per_t=Decimal(price),
            avoided_kg_per_t=None if avoided is None else Decimal(avoided),
            avoided_source="" if avoided is None else "Demo: primary production, secondary database",
            by=staff,
        )
    # Left a draft: the demo's KPIs are computed after this commits, and an issued result is frozen.
    return 1


def _neutrality_load(*, site: Site, staff, today: dt.date) -> int:
    """The organisation's ISO 14068-1 programme: base period two years back, last year's footprint
    below it, a target with milestones, two reduction actions, one retired credit batch and a draft
    commitment whose requirements still lack some evidence (the claim panel shows which)."""
    from accounting.models import NeutralityProgramme
    from accounting.services import neutrality

    reference = "CN-ORG"
    if NeutralityProgramme.objects.filter(reference=reference).exists():
        return 0
    base, last = today.year - 2, today.year - 1
    target = base + 11
    programme = neutrality.programme_create(
        reference=reference,
        title=f"Organisation carbon neutral by {target}",
        organisation=site.organisation,
        boundary=(
            "All plants under operational control: scope 1, scope 2 (market-based) and inbound "
            "transport (category 3)."
        ),
        base_year=base,
        target_date=dt.date(target, 12, 31),
        offsetting_strategy=(
            "Residual emissions only, after reductions: removal credits preferred, CCER and Gold "
            "Standard, vintages no older than five years, retired in the organisation's name."
        ),
        formerly_pas_2060=True,
        by=staff,
    )
    neutrality.target_create(
        programme=programme,
        description="Scope 1 and 2 emissions down against the base period",
        target_year=target,
        reduction_percent=Decimal(60),
        milestones=[(base + 4, Decimal(25)), (base + 8, Decimal(45))],
        by=staff,
    )
    neutrality.action_create(
        programme=programme,
        title="Rooftop PV on the disassembly hall (1.2 MWp)",
        owner=staff,
        start_date=dt.date(last, 3, 1),
        due_date=dt.date(today.year, 6, 30),
        expected_reduction_tco2e=Decimal(850),
        status="in_progress",
        by=staff,
    )
    neutrality.action_create(
        programme=programme,
        title="Heat pumps replace the gas boiler for process heat",
        owner=staff,
        start_date=dt.date(today.year, 1, 1),
        due_date=dt.date(today.year + 1, 12, 31),
        expected_reduction_tco2e=Decimal(420),
        by=staff,
    )
    _neutrality_periods_load(programme=programme, staff=staff, today=today)
    return 1


def _neutrality_periods_load(*, programme, staff, today: dt.date) -> None:
    """The demo programme's base period and last year's footprint, a retired CCER batch for last
    year, and a draft commitment with the evidence of its first requirement."""
    from accounting.services import neutrality
    from accounting.services import neutrality_claims as claims_service

    base, last = programme.base_year, today.year - 1
    target = programme.target_date.year
    neutrality.period_save(
        programme=programme,
        year=base,
        source="entered",
        footprint_tco2e=Decimal(22150),
        source_note=f"Demo: verified GHG statement {base}",
        by=staff,
    )
    period = neutrality.period_save(
        programme=programme,
        year=last,
        source="entered",
        footprint_tco2e=Decimal(21400),
        source_note=f"Demo: GHG inventory {last}, scope 2 market-based",
        by=staff,
    )
    claims_service.credit_retire(
        programme=programme,
        period=period,
        registry="ccer",
        serial_prefix=f"CCER-{last}-TJ-",
        serial_start=100001,
        serial_end=105000,
        project="Demo: Hebei wind farm",
        standard="CCER-14-001",
        kind="reduction",
        vintage=last,
        retired_on=dt.date(today.year, 2, 15),
        quality_criteria=["additional", "verified", "no_double_counting"],
        evidence_reference=f"Demo: CCER retirement statement {last}-0042",
        by=staff,
    )
    claim = claims_service.claim_create(
        programme=programme,
        period=period,
        kind="committed",
        verification="third_party",
        verifier="Demo certification body",
        statement=f"We commit to carbon neutrality of the organisation by {target} under ISO 14068-1:2023.",
        by=staff,
    )
    first = claim.requirements.order_by("pk").first()
    if first is not None:
        claims_service.requirement_evidence_set(
            requirement=first, evidence_reference=f"Demo: verification statement {last}", by=staff
        )


def _reference_level_load(*, site: Site, staff, today: dt.date) -> int:
    """The plant's own energy-per-tonne target for this year, drawn on the benchmarking page (the
    demo months fall on both sides of it)."""
    from accounting.models import ReferenceLevel
    from accounting.services.benchmarks import reference_level_create

    if ReferenceLevel.objects.filter(site=site).exists():
        return 0
    reference_level_create(
        site=site,
        metric="kgce_per_t",
        value=Decimal("100"),
        unit="kgce/t",
        label=f"Plant target {today.year}",
        source_note="Demo: energy target set in the management review",
        valid_from=dt.date(today.year, 1, 1),
        by=staff,
    )
    return 1


def _degree_days_load(*, site: Site, staff, today: dt.date) -> int:
    """Tianjin's heating degree days for the twelve months before this one (the shredder's monthly
    readings in metering's demo follow them)."""
    created = 0
    for month in reversed(months_before(today, 12)):
        if not DriverValue.objects.filter(site=site, period=month).exists():
            hdd = Decimal(TIANJIN_HDD[month.month - 1])
            driver_value_set(site=site, period=month, hdd=hdd, cdd=None, by=staff)
            created += 1
    return created


def _inventory_load(*, site: Site, staff, today: dt.date) -> int:
    """The organisation's inventory settings: base year, one recalculation event, category 5
    excluded with its justification (only when the organisation has none yet)."""
    from accounting.models import InventorySettings
    from accounting.services import inventory

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


def _activity_load(*, site: Site, staff, year_start: dt.date, today: dt.date) -> int:
    """Refrigerant refills, green certificates and scope 3 activity over the demo year (idempotent)."""
    rows: list[ActivityValues] = []
    for months, equipment, gas, kg in (
        (2, "Chiller 1, battery storage hall", "R-410A", "4.5"),
        (6, "Split air conditioners, offices", "R-407C", "2.8"),
        (9, "Chiller 1, battery storage hall", "R-410A", "3.2"),
        (10, "Cold room, canteen", "HFC-134a", "1.6"),
    ):
        day = months_add(year_start, months).replace(day=12)
        rows.append(RefrigerantRefillValues(date=day, equipment=equipment, gas=gas, kg=Decimal(kg)))
    for quarter in range(4):
        day = months_add(year_start, 3 * quarter + 2).replace(day=20)
        rows.append(
            GreenCertificateValues(
                date=day, kwh=Decimal(150_000), vintage=day.year, certificate_ref=f"GEC-{day:%Y%m}-TJ01"
            )
        )
    for month in range(12):
        rows.append(
            Scope3ActivityValues(
                date=months_add(year_start, month).replace(day=28),
                category=Scope3Category.TRANSPORT,
                description="Inbound spent batteries by road",
                quantity=Decimal(4200 * 320),
                unit="t·km",
                factor_kg_per_unit=Decimal("0.078"),
                factor_source="Demo figure for heavy road freight; use the carrier's figure",
            )
        )
    created = 0
    for values in rows:
        if values.date >= today or values.model.objects.filter(site=site, date=values.date).exists():
            continue
        activity_create(site=site, values=values, by=staff)
        created += 1
    return created


def _budget_schedule(*, site: Site, staff, today: dt.date) -> int:
    """This year's energy and carbon budget, set once the demo's month KPIs are stored (they are
    computed when the load commits, so the budget is written after them)."""
    from django.db import transaction

    from accounting.models import EnergyBudget

    if EnergyBudget.objects.filter(site=site, year=today.year).exists():
        return 0
    transaction.on_commit(lambda: _budget_load(site=site, staff=staff, year=today.year, today=today))
    return 1


def _budget_load(*, site: Site, staff, year: int, today: dt.date) -> None:
    """Each month's budget a little above its actual, but for the latest complete month with
    actuals, which runs 12 % over its budget (beyond the 5 % tolerance): the budget page and the
    digest show it. The month still running is planned like a month without actuals."""
    from accounting.selectors.budgets import lines_from_actuals
    from accounting.services.budgets import budget_create

    keys = [("tce", ""), ("medium", "electricity"), ("tco2e", "")]
    actuals = lines_from_actuals(site=site, year=year, percent=Decimal(0), keys=keys)
    running = today.month - 1 if today.year == year else None
    measured = [m for m in range(12) if actuals[("tce", "")][m] > 0 and m != running]
    if not measured:
        return
    over = measured[-1]
    lines = {}
    for key, amounts in actuals.items():
        known = [amounts[m] for m in measured]
        mean = sum(known, Decimal(0)) / len(known)
        planned = []
        for month in range(12):
            actual = amounts[month] if month in measured else mean
            factor = Decimal(1) / Decimal("1.12") if month == over else Decimal("1.04")
            planned.append((actual * factor).quantize(Decimal("0.001")))
        lines[key] = planned
    budget_create(
        site=site,
        year=year,
        lines=lines,
        tolerance_percent=Decimal(5),
        tariffs=[
            {
                "medium": "electricity",
                "price_cny": Decimal("0.72"),
                "valid_from": dt.date(year, 1, 1),
                "valid_to": dt.date(year, 6, 30),
            },
            {
                "medium": "electricity",
                "price_cny": Decimal("0.75"),
                "valid_from": dt.date(year, 7, 1),
                "valid_to": None,
            },
        ],
        notes="Demo: each month planned about 4 % above the year's actuals; one month runs over.",
        by=staff,
    )
