"""The GHG inventory workbook: one sheet per section of the ISO 14064-1 report, built from the same
``Inventory`` the page and the API show.

The inventory page's download calls it; the dossier will attach the same workbook. Every cell goes
through greenfactory.core.exports' ``neutralise``, so text a spreadsheet would run as a formula stays text.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounting.models.inventory import ConsolidationApproach, EmissionSource, RecalculationKind
from accounting.selectors.inventory_report import CATEGORY_LABELS, GASES, Inventory
from greenfactory.core.choices import choice_label
from greenfactory.core.exports import neutralise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(workbook: Workbook, title: str, header: list, rows: list[list]) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([neutralise(str(h)) for h in header])
    for row in rows:
        sheet.append([neutralise(_cell(v)) for v in row])


def _cell(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float | dt.date):
        return value
    if hasattr(value, "is_nan"):  # Decimal
        return float(value)
    return str(value)


Section = tuple[str, list, list[list]]  # sheet title, header, rows


def _summary(inv: Inventory) -> Section:
    rows = [
        [_("Organisation"), f"{inv.organisation_name} ({inv.organisation_code})"],
        [_("Reporting period"), f"{inv.start.isoformat()} – {inv.end.isoformat()}"],
        [_("Consolidation approach"), choice_label(ConsolidationApproach, inv.consolidation)],
        [_("Total, scope 2 location-based (tCO2e)"), inv.total_tco2e],
        [_("Total, scope 2 market-based (tCO2e)"), inv.total_market_tco2e],
        [_("Combined uncertainty (± %)"), inv.combined_uncertainty_pct],
        [_("Months with KPIs"), inv.months_with_data],
    ]
    return _("Summary"), [_("Item"), _("Value")], rows


def _boundary(inv: Inventory) -> Section:
    header = [_("Site"), _("Name"), _("Included"), _("Share (%)"), _("Note")]
    return (
        _("Organisational boundary"),
        header,
        [[s.code, s.name, s.included, s.share_pct, s.note] for s in inv.sites],
    )


def _categories(inv: Inventory) -> Section:
    header = [_("Category"), _("Included"), _("Emissions (tCO2e)"), _("Reported (tCO2e)"), _("Justification")]
    rows = [
        [str(CATEGORY_LABELS[str(c.category)]), c.included, c.tco2e, c.reported_tco2e, c.justification]
        for c in inv.categories
    ]
    rows.append(
        [_("Scope 2, market-based (reported beside category 2)"), "", inv.scope2_market_tco2e, "", ""]
    )
    return _("Categories"), header, rows


def _gases(inv: Inventory) -> Section:
    rows = [[str(CATEGORY_LABELS[str(c)]), *[inv.gases[c][g] for g in GASES]] for c in (1, 2)]
    components = sorted({k for r in inv.refrigerants for k in r.components})
    rows.append([_("Refrigerant"), _("kg"), _("GWP"), _("tCO2e"), *components])
    rows += [
        [r.gas, r.kg, r.gwp, r.tco2e, *[r.components.get(k) for k in components]] for r in inv.refrigerants
    ]
    return _("Gases"), [_("Category"), *GASES], rows


def _factors(inv: Inventory) -> Section:
    header = [_("Factor set"), _("Version"), _("Key"), _("Year"), _("Value"), _("Unit"), _("Source")]
    return (
        _("Factors"),
        header,
        [[f.set_code, f.version, f.key, f.year, f.value, f.unit, f.source] for f in inv.factors],
    )


def _uncertainty(inv: Inventory) -> Section:
    header = [
        _("Source"),
        _("Category"),
        _("Included"),
        _("Emissions (tCO2e)"),
        _("Uncertainty (± %)"),
        _("± tCO2e"),
        _("Basis"),
    ]
    rows = [
        [
            choice_label(EmissionSource, s.source),
            s.category,
            s.included,
            s.tco2e,
            s.uncertainty_pct,
            s.uncertainty_tco2e,
            s.basis,
        ]
        for s in inv.sources
    ]
    rows.append(
        [_("Combined (IPCC approach 1)"), "", "", inv.total_tco2e, inv.combined_uncertainty_pct, "", ""]
    )
    return _("Uncertainty"), header, rows


def _base_year(inv: Inventory) -> Section:
    base = inv.base_year
    rows = []
    if base:
        rows = [
            [_("Base year"), base.year, "", ""],
            [_("Base-year total (tCO2e)"), base.total_tco2e, "", ""],
            [_("Recalculation threshold (%)"), base.threshold_pct, "", ""],
            *[
                [e.date, choice_label(RecalculationKind, e.kind), e.effect_tco2e, e.reason]
                for e in base.events
            ],
            [_("Change (tCO2e)"), base.change_tco2e, _("Change (%)"), base.change_pct],
            [_("Recalculate"), base.recalculate, _("Restated base year (tCO2e)"), base.restated_tco2e],
        ]
    return _("Base year"), [_("Item"), _("Value"), "", ""], rows


SECTIONS = (_summary, _boundary, _categories, _gases, _factors, _uncertainty, _base_year)


def inventory_workbook(inv: Inventory) -> bytes:
    """The inventory as one workbook, one sheet per section of the report."""
    workbook = Workbook(write_only=True)
    for section in SECTIONS:
        _sheet(workbook, *section(inv))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def inventory_export(inv: Inventory) -> HttpResponse:
    """The workbook as a download named after the organisation and year."""
    response = HttpResponse(inventory_workbook(inv), content_type=XLSX)
    name = f"ghg-inventory-{inv.organisation_code}-{inv.year}"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
