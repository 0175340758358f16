"""Programmes, periods and credits for carbon-neutrality tests, set up through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounting.services import neutrality as service
from accounting.services import neutrality_claims as claims_service


def programme(organisation, *, reference="CN-1", base_year=2024, target_date=dt.date(2030, 12, 31), by=None):
    return service.programme_create(
        reference=reference,
        title="Organisation neutral by 2030",
        organisation=organisation,
        boundary="All plants under operational control; scope 1, 2 and category 3.",
        base_year=base_year,
        target_date=target_date,
        offsetting_strategy="Removal credits preferred; CCER and Gold Standard only.",
        by=by,
    )


def entered(prog, year, tco2e, *, removals="0", note="Verified statement 2026-03", by=None):
    return service.period_save(
        programme=prog,
        year=year,
        source="entered",
        footprint_tco2e=Decimal(tco2e),
        source_note=note,
        removals_tco2e=Decimal(removals),
        removals_note="Tree belt on the plant's land, measured" if Decimal(removals) else "",
        by=by,
    )


def retire(
    prog,
    period,
    start,
    end,
    *,
    registry="gold_standard",
    prefix="GS1-1-CN-GS1234-12-2024-",
    kind="reduction",
    by=None,
):
    return claims_service.credit_retire(
        programme=prog,
        period=period,
        registry=registry,
        serial_prefix=prefix,
        serial_start=start,
        serial_end=end,
        project="Biogas digesters, Hebei",
        standard="GS TPDDTEC",
        kind=kind,
        vintage=2024,
        retired_on=dt.date(2026, 2, 10),
        quality_criteria=["additional", "verified", "no_double_counting"],
        evidence_reference="https://registry.goldstandard.org/retirements/12345",
        by=by,
    )
