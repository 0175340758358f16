"""Product carbon footprint pages: the studies register, a study with its inventory, allocation switcher
(a GET parameter: nothing is written), sensitivity table and comparison with the previous period; the
forms of a study, its items and co-products; issuing and reopening."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from accounting.exports.footprints import (
    footprint_jsonld_response,
    footprint_list_export,
    footprint_workbook_response,
)
from accounting.filters.footprints import FootprintStudyFilter
from accounting.forms.footprints import FootprintCoProductForm, FootprintItemForm, FootprintStudyForm
from accounting.models.footprints import AVOIDED_LABEL, Allocation, LifeCycleStage
from accounting.selectors import footprints as selectors
from accounting.services import footprints as service
from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error

PAGE_SIZE = 50


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class FootprintListView(CapabilityRequiredMixin, TemplateView):
    """Every footprint study: filters, pagination, CSV and Excel export."""

    capability = Capability.KPIS_READ
    template_name = "accounting/footprints/list.html"
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        filterset = FootprintStudyFilter(request.GET or None, queryset=selectors.footprint_study_list())
        if request.GET.get("export") in ("csv", "xlsx"):
            return footprint_list_export(fmt=request.GET["export"], studies=filterset.qs)
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        for study in page.object_list:
            study.latest = next(iter(study.results.all()), None)
        return self.render_to_response(
            self.get_context_data(
                filter=filterset,
                page_obj=page,
                query=_query_without_page(request),
                can_write=can(request.user, Capability.FOOTPRINTS_WRITE),
            )
        )


def _labelled(result: dict) -> dict:
    """The result with stage names for the page."""
    stages = dict(LifeCycleStage.choices)
    stages[selectors.AVOIDED] = AVOIDED_LABEL
    result["stage_rows"] = [(stages.get(k, k), v) for k, v in result.get("by_stage", {}).items()]
    result["uncertainty_pct"] = round(result["uncertainty"] * 100, 2)
    result["lines"] = [
        {
            **line,
            "stage_label": stages.get(line["stage"], line["stage"]),
            "uncertainty_pct": round(line["uncertainty"] * 100, 2),
        }
        for line in result["lines"]
    ]
    result["contributors"] = [
        {**c, "share_pct": None if c["share"] is None else round(float(c["share"]) * 100, 2)}
        for c in result["contributors"]
    ]
    return result


class FootprintDetailView(CapabilityRequiredMixin, TemplateView):
    """A study: the issued figure (or the draft's), what it would now be, ``?allocation=`` to see it
    under another method, the sensitivity table, the inventory and the previous period."""

    capability = Capability.KPIS_READ
    template_name = "accounting/footprints/detail.html"
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, pk: int, **kwargs):
        study = selectors.footprint_study_get(pk=pk)
        export = request.GET.get("export")
        if export == "xlsx":
            return footprint_workbook_response(study=study)
        if export == "jsonld":
            return footprint_jsonld_response(study=study)
        switched = request.GET.get("allocation")
        if switched not in Allocation.values or switched == study.allocation:
            switched = None
        inventory = selectors.footprint_inventory(study=study)
        live = selectors.footprint_compute(study=study, inventory=inventory)
        sensitivity = selectors.footprint_sensitivity(study=study, inventory=inventory)
        issued = selectors.latest_result(study=study)
        if switched:
            shown = selectors.footprint_compute(study=study, allocation=switched, inventory=inventory)
        elif issued is not None and study.issued:
            shown = issued.result
        else:
            shown = live
        would_now_be = None
        if issued is not None and study.issued and live["per_unit_kg"] != issued.result["per_unit_kg"]:
            would_now_be = live["per_unit_kg"]
        previous = selectors.footprint_previous(study=study)
        return self.render_to_response(
            self.get_context_data(
                study=study,
                result=_labelled(dict(shown)),
                switched=switched,
                issued=issued,
                frozen=shown is not live and not switched,
                would_now_be=would_now_be,
                sensitivity=sensitivity,
                previous=previous,
                change=selectors.change_pct(shown["per_unit_kg"], previous["per_unit_kg"])
                if previous
                else None,
                allocations=Allocation.choices,
                items={item.pk: item for item in study.items.all()},
                can_write=can(request.user, Capability.FOOTPRINTS_WRITE) and not study.issued,
                can_issue=can(request.user, Capability.FOOTPRINTS_ISSUE),
            )
        )


class FootprintCreateView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.FOOTPRINTS_WRITE
    template_name = "accounting/footprints/form.html"
    http_method_names = ["get", "post", "head", "options"]

    def get(self, request, *args, **kwargs):
        form = FootprintStudyForm(
            initial={"gwp_set": selectors.default_gwp_set(), "site": request.GET.get("site")}
        )
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = FootprintStudyForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                study = service.footprint_study_create(by=request.user, **data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Footprint study saved."))
                return redirect("footprint-detail", pk=study.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class FootprintEditView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.FOOTPRINTS_WRITE
    template_name = "accounting/footprints/form.html"
    http_method_names = ["get", "post", "head", "options"]

    def get(self, request, *args, pk: int, **kwargs):
        study = selectors.footprint_study_get(pk=pk)
        form = FootprintStudyForm(instance=study, initial={"version": study.version}, editing=True)
        return self.render_to_response(self.get_context_data(form=form, study=study))

    def post(self, request, *args, pk: int, **kwargs):
        study = selectors.footprint_study_get(pk=pk)
        form = FootprintStudyForm(
            request.POST, instance=study, initial={"version": study.version}, editing=True
        )
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("site", "version")}
            try:
                service.footprint_study_update(
                    study=study, version=form.cleaned_data["version"] or 0, by=request.user, **data
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Footprint study saved."))
                return redirect("footprint-detail", pk=study.pk)
        return self.render_to_response(self.get_context_data(form=form, study=study), status=400)


class _StudyAction(CapabilityRequiredMixin, View):
    http_method_names = ["post", "options"]

    def act(self, study, user) -> str:
        raise NotImplementedError

    def post(self, request, pk: int):
        study = selectors.footprint_study_get(pk=pk)
        try:
            message = self.act(study, request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("footprint-detail", pk=study.pk)
        messages.success(request, message)
        return redirect(self.after(study))

    def after(self, study) -> str:
        return reverse("footprint-detail", args=[study.pk])


class FootprintIssueView(_StudyAction):
    capability = Capability.FOOTPRINTS_ISSUE

    def act(self, study, user) -> str:
        result = service.footprint_study_issue(study=study, by=user)
        return _("Study issued as version %(version)s.") % {"version": result.version}


class FootprintReopenView(_StudyAction):
    capability = Capability.FOOTPRINTS_ISSUE

    def act(self, study, user) -> str:
        service.footprint_study_reopen(study=study, by=user)
        return _("Study reopened: its issued versions stay as they were.")


class FootprintDeleteView(_StudyAction):
    capability = Capability.FOOTPRINTS_WRITE

    def act(self, study, user) -> str:
        service.footprint_study_delete(study=study, by=user)
        return _("Footprint study deleted.")

    def after(self, study) -> str:
        return reverse("footprint-list")


class FootprintItemView(CapabilityRequiredMixin, TemplateView):
    """Add a manual inventory item (no ``item`` in the address) or edit one."""

    capability = Capability.FOOTPRINTS_WRITE
    template_name = "accounting/footprints/item_form.html"
    http_method_names = ["get", "post", "head", "options"]

    def _objects(self, pk: int, item: int | None):
        study = selectors.footprint_study_get(pk=pk)
        return study, (selectors.footprint_item_get(study=study, pk=item) if item else None)

    def get(self, request, *args, pk: int, item: int | None = None, **kwargs):
        study, entry = self._objects(pk, item)
        form = FootprintItemForm(instance=entry)
        return self.render_to_response(self.get_context_data(form=form, study=study, item=entry))

    def post(self, request, *args, pk: int, item: int | None = None, **kwargs):
        study, entry = self._objects(pk, item)
        form = FootprintItemForm(request.POST, instance=entry)
        if form.is_valid():
            try:
                if entry is None:
                    service.footprint_item_create(study=study, by=request.user, **form.cleaned_data)
                else:
                    service.footprint_item_update(item=entry, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Inventory item saved."))
                return redirect("footprint-detail", pk=study.pk)
        return self.render_to_response(self.get_context_data(form=form, study=study, item=entry), status=400)


class FootprintItemDeleteView(CapabilityRequiredMixin, View):
    capability = Capability.FOOTPRINTS_WRITE
    http_method_names = ["post", "options"]

    def post(self, request, pk: int, item: int):
        study = selectors.footprint_study_get(pk=pk)
        try:
            service.footprint_item_delete(
                item=selectors.footprint_item_get(study=study, pk=item), by=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Inventory item removed."))
        return redirect("footprint-detail", pk=study.pk)


class FootprintCoProductView(CapabilityRequiredMixin, TemplateView):
    """Enter a co-product's output, price and avoided emissions (entering one again corrects it)."""

    capability = Capability.FOOTPRINTS_WRITE
    template_name = "accounting/footprints/coproduct_form.html"
    http_method_names = ["get", "post", "head", "options"]

    def get(self, request, *args, pk: int, **kwargs):
        study = selectors.footprint_study_get(pk=pk)
        existing = {c.product: c for c in study.coproducts.all()}
        entry = existing.get(request.GET.get("product", ""))
        form = FootprintCoProductForm(instance=entry, initial={"product": request.GET.get("product")})
        return self.render_to_response(self.get_context_data(form=form, study=study))

    def post(self, request, *args, pk: int, **kwargs):
        study = selectors.footprint_study_get(pk=pk)
        form = FootprintCoProductForm(request.POST)
        if form.is_valid():
            try:
                service.footprint_coproduct_save(study=study, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Co-product saved."))
                return redirect("footprint-detail", pk=study.pk)
        return self.render_to_response(self.get_context_data(form=form, study=study), status=400)


class FootprintCoProductDeleteView(CapabilityRequiredMixin, View):
    capability = Capability.FOOTPRINTS_WRITE
    http_method_names = ["post", "options"]

    def post(self, request, pk: int, coproduct: int):
        study = selectors.footprint_study_get(pk=pk)
        try:
            service.footprint_coproduct_delete(
                coproduct=selectors.footprint_coproduct_get(study=study, pk=coproduct), by=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Co-product removed."))
        return redirect("footprint-detail", pk=study.pk)
