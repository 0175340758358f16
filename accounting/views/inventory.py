"""The GHG inventory pages: the inventory of one organisation and year (ISO 14064-1), and its settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounting.choices import CombustionMethod, GridRegion
from accounting.exports.inventory import inventory_export
from accounting.forms.inventory import (
    FORMS,
    CategoryForm,
    EventForm,
    InventoryQueryForm,
    SettingsForm,
    SiteBoundaryForm,
    UncertaintyForm,
)
from accounting.models.inventory import ConsolidationApproach, EmissionSource, RecalculationKind
from accounting.selectors import inventory as selectors
from accounting.selectors.factors import shipped_chinese
from accounting.selectors.inventory_report import (
    CATEGORY_LABELS,
    GASES,
    Inventory,
    recalculation_trigger_label,
)
from accounting.services import inventory
from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.choices import choice_label
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error
from greenfactory.core.site_picker import pick_by_code
from greenfactory.sites.models import Organisation
from metering.choices import Medium


def _medium(value: str) -> str:
    return choice_label(Medium, value)


def _organisations() -> list[Organisation]:
    return list(Organisation.objects.order_by("name"))


def _labelled(result: Inventory) -> dict:
    """The inventory's codes with the labels the page shows."""
    return {
        "consolidation": choice_label(ConsolidationApproach, result.consolidation),
        "categories": [
            {"row": row, "label": CATEGORY_LABELS[str(row.category)]} for row in result.categories
        ],
        "gases": GASES,
        "gas_rows": [
            {"label": CATEGORY_LABELS[str(c)], "values": [result.gases[c][g] for g in GASES]} for c in (1, 2)
        ],
        "unsplit": [{"label": CATEGORY_LABELS[str(c)], "value": v} for c, v in result.unsplit_gases.items()],
        "sources": [
            {
                "row": s,
                "label": choice_label(EmissionSource, s.source),
                "activity": [(_medium(m), q, u) for m, q, u in s.activity],
            }
            for s in result.sources
        ],
        "grid": [{**g, "label": choice_label(GridRegion, g["region"])} for g in result.grid],
        "residual": [{**g, "label": choice_label(GridRegion, g["region"])} for g in result.residual],
        "methods": [choice_label(CombustionMethod, m) for m in result.combustion_methods],
        "events": [
            {"row": e, "kind": choice_label(RecalculationKind, e.kind)}
            for e in (result.base_year.events if result.base_year else [])
        ],
        "base_kinds": [
            {"row": k, "kind": choice_label(RecalculationKind, k.kind)}
            for k in (result.base_year.kinds if result.base_year else [])
        ],
        "triggered_by": [
            recalculation_trigger_label(t)
            for t in (result.base_year.triggered_by if result.base_year else [])
        ],
    }


class InventoryView(CapabilityRequiredMixin, TemplateView):
    """One organisation's inventory for a year, in the order of an ISO 14064-1 report."""

    capability = Capability.KPIS_READ
    template_name = "accounting/inventory/inventory.html"

    def get(self, request, *args, **kwargs):
        picked = pick_by_code(
            choices=_organisations(),
            code=request.GET.get("organisation"),
            not_found=_("No such organisation."),
        )
        organisations, organisation = picked.choices, picked.chosen
        if organisation is None:
            return super().get(request, *args, organisations=organisations, organisation=None)
        years = selectors.inventory_years(organisation=organisation)
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
        result = selectors.ghg_inventory(organisation=organisation, year=year)
        if request.GET.get("export") == "xlsx":
            return inventory_export(result)
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
            **_labelled(result),
            can_edit=can(self.request.user, Capability.INVENTORY_WRITE),
            query=self.request.GET.urlencode(),
            api=f"/api/v1/ghg-inventories/?organisation={result.organisation_code}&year={result.year}",
        )
        return context


class InventorySettingsView(CapabilityRequiredMixin, TemplateView):
    """An organisation's boundaries, base year, recalculation events and source uncertainties."""

    capability = Capability.KPIS_READ
    write_capability = Capability.INVENTORY_WRITE
    template_name = "accounting/inventory/settings.html"
    http_method_names = ["get", "post", "head", "options"]

    def _organisation(self, request) -> Organisation:
        code = request.GET.get("organisation") or request.POST.get("organisation")
        picked = pick_by_code(choices=_organisations(), code=code, not_found=_("No such organisation."))
        if picked.chosen is None:
            raise Http404(_("No such organisation."))
        return picked.chosen

    def _forms(self, organisation: Organisation, bound: dict | None = None) -> dict:
        settings_row = selectors.inventory_settings(organisation=organisation)
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
            extra["instance"] = selectors.inventory_settings(organisation=organisation)
        form = FORMS[section](request.POST, prefix=section, **extra)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                self._save(section, organisation, data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(f"{request.path}?organisation={organisation.code}")
        context = self.get_context_data(organisation=organisation, bound={section: form})
        return self.render_to_response(context, status=400)

    def _save(self, section: str, organisation: Organisation, data: dict) -> None:
        by = self.request.user
        if section == "settings":
            inventory.inventory_settings_save(
                organisation=organisation,
                consolidation=data["consolidation"],
                boundary_note=data["boundary_note"],
                base_year=data["base_year"],
                base_year_tco2e=data["base_year_tco2e"],
                recalculation_threshold_pct=data["recalculation_threshold_pct"],
                by=by,
            )
        elif section == "site":
            inventory.inventory_site_save(by=by, **data)
        elif section == "category":
            inventory.inventory_category_save(organisation=organisation, by=by, **data)
        elif section == "event":
            inventory.base_year_recalculation_create(organisation=organisation, by=by, **data)
        else:
            inventory.source_uncertainty_set(
                source=data["source"], percent=data["percent"], basis=data["basis"], by=by
            )

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
                {"row": row, "label": CATEGORY_LABELS[str(row.category)]}
                for row in selectors.inventory_categories(organisation=organisation)
            ],
            sites=selectors.inventory_sites(organisation=organisation),
            events=[
                {"row": e, "kind": choice_label(RecalculationKind, e.kind)}
                for e in selectors.base_year_recalculations(organisation=organisation)
            ],
            uncertainties=[
                {
                    "row": u,
                    "label": choice_label(EmissionSource, u.source),
                    "basis": {
                        "basis": u.basis,
                        "basis_zh": shipped_chinese(english=u.basis, what="basis", of=(u.source,)),
                    },
                }
                for u in sorted(
                    selectors.uncertainty_table().values(),
                    key=lambda u: EmissionSource.values.index(u.source),
                )
            ],
        )
        return context
