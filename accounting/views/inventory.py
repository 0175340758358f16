"""The GHG inventory page (ISO 14064-1, one organisation and year) and its Excel workbook."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from openpyxl import Workbook

from accounting.choices import CombustionMethod, GridRegion
from accounting.models import (
    BaseYearRecalculation,
    InventoryCategory,
    InventorySettings,
    InventorySite,
    SourceUncertainty,
)
from accounting.models.inventory import ConsolidationApproach, EmissionSource, RecalculationKind
from accounting.services import inventory
from accounting.services.inventory import GASES, Inventory
from accounting.views.kpis import _CATEGORIES
from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.choices import choice_label
from greenfactory.core.exceptions import DomainError
from greenfactory.core.exports import neutralise
from greenfactory.sites.models import Organisation, Site
from metering.choices import Medium

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _medium(value: str) -> str:
    return choice_label(Medium, value)


class InventoryQueryForm(forms.Form):
    """The page's year filter: a calendar year in range, or empty for the latest year with data."""

    year = forms.IntegerField(min_value=1990, max_value=2100, required=False)


class InventoryView(CapabilityRequiredMixin, TemplateView):
    """One organisation's inventory for a year, in the order of an ISO 14064-1 report."""

    capability = Capability.KPIS_READ
    template_name = "accounting/inventory/inventory.html"

    def get(self, request, *args, **kwargs):
        organisations = list(Organisation.objects.order_by("name"))
        if not organisations:
            return super().get(request, *args, organisations=organisations, organisation=None)
        code = request.GET.get("organisation") or organisations[0].code
        organisation = next((o for o in organisations if o.code == code), None)
        if organisation is None:
            raise Http404(_("No such organisation."))
        years = inventory.inventory_years(organisation=organisation)
        query = InventoryQueryForm(request.GET)
        if not query.is_valid():
            # A bad filter answers 400 with the filter shown again, as the other pages do.
            return self.render_to_response(
                self.get_context_data(
                    organisations=organisations,
                    organisation=organisation,
                    years=years,
                    year_error=_("Choose a year between 1990 and 2100."),
                ),
                status=400,
            )
        year = query.cleaned_data["year"] or (years[0] if years else timezone.now().year)
        result = inventory.ghg_inventory(organisation=organisation, year=year)
        if request.GET.get("export") == "xlsx":
            response = HttpResponse(inventory_workbook(result), content_type=XLSX)
            name = f"ghg-inventory-{organisation.code}-{year}"
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
        return super().get(
            request,
            *args,
            organisations=organisations,
            organisation=organisation,
            years=sorted(set(years) | {year}, reverse=True),
            inventory=result,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(organisations=kwargs["organisations"], organisation=kwargs.get("organisation"))
        result: Inventory | None = kwargs.get("inventory")
        if result is None:
            context.update(years=kwargs.get("years", []), year_error=kwargs.get("year_error"))
            return context
        context.update(
            years=kwargs["years"],
            inv=result,
            consolidation=choice_label(ConsolidationApproach, result.consolidation),
            categories=[{"row": row, "label": _CATEGORIES[str(row.category)]} for row in result.categories],
            gases=GASES,
            gas_rows=[
                {"label": _CATEGORIES[str(c)], "values": [result.gases[c][g] for g in GASES]} for c in (1, 2)
            ],
            unsplit=[{"label": _CATEGORIES[str(c)], "value": v} for c, v in result.unsplit_gases.items()],
            sources=[
                {
                    "row": s,
                    "label": choice_label(EmissionSource, s.source),
                    "activity": [(_medium(m), q, u) for m, q, u in s.activity],
                }
                for s in result.sources
            ],
            grid=[{**g, "label": choice_label(GridRegion, g["region"])} for g in result.grid],
            residual=[{**g, "label": choice_label(GridRegion, g["region"])} for g in result.residual],
            methods=[choice_label(CombustionMethod, m) for m in result.combustion_methods],
            events=[
                {"row": e, "kind": choice_label(RecalculationKind, e.kind)}
                for e in (result.base_year.events if result.base_year else [])
            ],
            can_edit=can(self.request.user, Capability.INVENTORY_WRITE),
            query=self.request.GET.urlencode(),
            api=f"/api/v1/ghg-inventories/?organisation={result.organisation_code}&year={result.year}",
        )
        return context


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


def inventory_workbook(inv: Inventory) -> bytes:
    """The inventory as one workbook, one sheet per section of the report."""
    workbook = Workbook(write_only=True)
    _sheet(
        workbook,
        _("Summary"),
        [_("Item"), _("Value")],
        [
            [_("Organisation"), f"{inv.organisation_name} ({inv.organisation_code})"],
            [_("Reporting period"), f"{inv.start.isoformat()} – {inv.end.isoformat()}"],
            [_("Consolidation approach"), choice_label(ConsolidationApproach, inv.consolidation)],
            [_("Total, scope 2 location-based (tCO2e)"), inv.total_tco2e],
            [_("Total, scope 2 market-based (tCO2e)"), inv.total_market_tco2e],
            [_("Combined uncertainty (± %)"), inv.combined_uncertainty_pct],
            [_("Months with KPIs"), inv.months_with_data],
        ],
    )
    _sheet(
        workbook,
        _("Organisational boundary"),
        [_("Site"), _("Name"), _("Included"), _("Share (%)"), _("Note")],
        [[s.code, s.name, s.included, s.share_pct, s.note] for s in inv.sites],
    )
    _sheet(
        workbook,
        _("Categories"),
        [_("Category"), _("Included"), _("Emissions (tCO2e)"), _("Reported (tCO2e)"), _("Justification")],
        [
            [str(_CATEGORIES[str(c.category)]), c.included, c.tco2e, c.reported_tco2e, c.justification]
            for c in inv.categories
        ]
        + [
            [_("Scope 2, market-based (reported beside category 2)"), "", inv.scope2_market_tco2e, "", ""],
        ],
    )
    _sheet(
        workbook,
        _("Gases"),
        [_("Category"), *GASES],
        [[str(_CATEGORIES[str(c)]), *[inv.gases[c][g] for g in GASES]] for c in (1, 2)]
        + [
            [
                _("Refrigerant"),
                _("kg"),
                _("GWP"),
                _("tCO2e"),
                *sorted({k for r in inv.refrigerants for k in r.components}),
            ]
        ]
        + [
            [
                r.gas,
                r.kg,
                r.gwp,
                r.tco2e,
                *[r.components.get(k) for k in sorted({k for x in inv.refrigerants for k in x.components})],
            ]
            for r in inv.refrigerants
        ],
    )
    _sheet(
        workbook,
        _("Factors"),
        [_("Factor set"), _("Version"), _("Key"), _("Year"), _("Value"), _("Unit"), _("Source")],
        [[f.set_code, f.version, f.key, f.year, f.value, f.unit, f.source] for f in inv.factors],
    )
    _sheet(
        workbook,
        _("Uncertainty"),
        [
            _("Source"),
            _("Category"),
            _("Included"),
            _("Emissions (tCO2e)"),
            _("Uncertainty (± %)"),
            _("± tCO2e"),
            _("Basis"),
        ],
        [
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
        + [[_("Combined (IPCC approach 1)"), "", "", inv.total_tco2e, inv.combined_uncertainty_pct, "", ""]],
    )
    base = inv.base_year
    base_rows = []
    if base:
        base_rows = [
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
    _sheet(workbook, _("Base year"), [_("Item"), _("Value"), "", ""], base_rows)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Settings page ------------------------------------------------------------------------------------


class SettingsForm(forms.ModelForm):
    class Meta:
        model = InventorySettings
        fields = [
            "consolidation",
            "boundary_note",
            "base_year",
            "base_year_tco2e",
            "recalculation_threshold_pct",
        ]
        widgets = {"boundary_note": forms.Textarea(attrs={"rows": 2})}


class SiteBoundaryForm(forms.ModelForm):
    class Meta:
        model = InventorySite
        fields = ["site", "included", "equity_share_pct", "note"]

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(organisation=organisation).order_by("code")

    def validate_unique(self):
        """One entry per site: saving an existing site's entry changes it (the service upserts)."""


class CategoryForm(forms.ModelForm):
    category = forms.TypedChoiceField(
        label=gettext_lazy("Category"), coerce=int, choices=[(k, v) for k, v in _CATEGORIES.items()]
    )

    class Meta:
        model = InventoryCategory
        fields = ["category", "included", "justification"]
        widgets = {"justification": forms.Textarea(attrs={"rows": 2})}

    def validate_unique(self):
        """One entry per category: saving it again changes it (the service upserts)."""


class EventForm(forms.ModelForm):
    class Meta:
        model = BaseYearRecalculation
        fields = ["date", "kind", "effect_tco2e", "reason"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "reason": forms.Textarea(attrs={"rows": 2}),
        }


class UncertaintyForm(forms.ModelForm):
    source = forms.ChoiceField(label=gettext_lazy("Emission source"), choices=EmissionSource.choices)

    class Meta:
        model = SourceUncertainty
        fields = ["source", "percent", "basis"]

    def validate_unique(self):
        """The source's row exists already: the form corrects it."""


FORMS = {
    "settings": SettingsForm,
    "site": SiteBoundaryForm,
    "category": CategoryForm,
    "event": EventForm,
    "uncertainty": UncertaintyForm,
}


class InventorySettingsView(CapabilityRequiredMixin, TemplateView):
    """An organisation's boundaries, base year, recalculation events and source uncertainties."""

    capability = Capability.KPIS_READ
    write_capability = Capability.INVENTORY_WRITE
    template_name = "accounting/inventory/settings.html"
    http_method_names = ["get", "post", "head", "options"]

    def _organisation(self, request) -> Organisation:
        code = request.GET.get("organisation") or request.POST.get("organisation")
        queryset = Organisation.objects.order_by("name")
        organisation = queryset.filter(code=code).first() if code else queryset.first()
        if organisation is None:
            raise Http404(_("No such organisation."))
        return organisation

    def _forms(self, organisation: Organisation, bound: dict | None = None) -> dict:
        settings_row = inventory.inventory_settings(organisation=organisation)
        forms_ = {
            "settings": SettingsForm(instance=settings_row, prefix="settings"),
            "site": SiteBoundaryForm(organisation=organisation, prefix="site"),
            "category": CategoryForm(prefix="category"),
            "event": EventForm(prefix="event"),
            "uncertainty": UncertaintyForm(prefix="uncertainty"),
        }
        forms_.update(bound or {})
        return forms_

    def get(self, request, *args, **kwargs):
        organisation = self._organisation(request)
        return self.render_to_response(self.get_context_data(organisation=organisation))

    def post(self, request, *args, **kwargs):
        organisation = self._organisation(request)
        # Reading the page must not write, so missing default uncertainties are restored here.
        inventory.uncertainty_defaults_load()
        section = request.POST.get("section")
        if section not in FORMS:
            return self.render_to_response(self.get_context_data(organisation=organisation), status=400)
        extra = {"organisation": organisation} if section == "site" else {}
        if section == "settings":
            extra["instance"] = inventory.inventory_settings(organisation=organisation)
        form = FORMS[section](request.POST, prefix=section, **extra)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                self._save(section, organisation, data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect(f"{request.path}?organisation={organisation.code}")
        context = self.get_context_data(organisation=organisation, bound={section: form})
        return self.render_to_response(context, status=400)

    def _save(self, section: str, organisation: Organisation, data: dict) -> None:
        by = self.request.user
        if section == "settings":
            inventory.inventory_settings_save(organisation=organisation, by=by, **data)
        elif section == "site":
            inventory.inventory_site_save(by=by, **data)
        elif section == "category":
            inventory.inventory_category_save(organisation=organisation, by=by, **data)
        elif section == "event":
            inventory.base_year_recalculation_create(organisation=organisation, by=by, **data)
        else:
            row = SourceUncertainty.objects.filter(source=data["source"]).first() or SourceUncertainty(
                source=data["source"]
            )
            inventory.source_uncertainty_save(row=row, percent=data["percent"], basis=data["basis"], by=by)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation: Organisation = kwargs["organisation"]
        can_edit = can(self.request.user, Capability.INVENTORY_WRITE)
        context.update(
            organisation=organisation,
            organisations=Organisation.objects.order_by("name"),
            forms=self._forms(organisation, kwargs.get("bound")) if can_edit else {},
            can_edit=can_edit,
            categories=[
                {"row": row, "label": _CATEGORIES[str(row.category)]}
                for row in InventoryCategory.objects.filter(organisation=organisation).order_by("category")
            ],
            sites=InventorySite.objects.filter(site__organisation=organisation).select_related("site"),
            events=[
                {"row": e, "kind": choice_label(RecalculationKind, e.kind)}
                for e in BaseYearRecalculation.objects.filter(organisation=organisation).order_by(
                    "date", "id"
                )
            ],
            uncertainties=[
                {"row": u, "label": choice_label(EmissionSource, u.source)}
                for u in sorted(
                    inventory.uncertainty_table().values(),
                    key=lambda u: EmissionSource.values.index(u.source),
                )
            ],
        )
        return context
