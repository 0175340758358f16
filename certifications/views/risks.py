"""Pages of the risks and opportunities register: the list with its exports, an entry with its
actions and history, the entry form, and adding, evaluating and removing actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error

from ..exceptions import EditConflict
from ..exports.registers import EXPORT_FORMATS, register_table_response
from ..filters.risks import RiskFilter
from ..forms.risks import RiskActionForm, RiskForm
from ..models import RiskAction, RiskOpportunity
from ..selectors import risks as risk_selectors
from ..services import risks as risk_services
from .registers import RegisterImportView

PAGE_SIZE = 50
_LINKS = ("standards", "sites", "clauses")


class RiskListView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.REGISTERS_READ
    template_name = "certifications/registers/risks/list.html"

    def get(self, request, *args, **kwargs):
        self.filterset = RiskFilter(request.GET or None, queryset=risk_selectors.risk_list())
        if request.GET.get("export") in EXPORT_FORMATS:
            table = risk_services.risk_table()
            return register_table_response(
                columns=table.columns,
                entries=self.filterset.qs.prefetch_related("clauses__standard"),
                fmt=request.GET["export"],
                filename=table.filename,
                sheet=table.sheet,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=self.filterset,
            page_obj=page,
            query=query.urlencode(),
            can_write=can(self.request.user, Capability.REGISTERS_WRITE),
        )
        return context


class RiskDetailView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.REGISTERS_READ
    template_name = "certifications/registers/risks/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            entry = risk_selectors.risk_detail(self.kwargs["pk"])
        except RiskOpportunity.DoesNotExist as exc:
            raise Http404 from exc
        context.update(
            entry=entry,
            matrix=risk_selectors.matrix(),
            action_form=RiskActionForm(initial={"owner": entry.owner_id}),
            history=risk_selectors.entry_history(entry=entry, fields=risk_selectors.RISK_HISTORY_FIELDS),
            can_write=can(self.request.user, Capability.REGISTERS_WRITE),
        )
        return context


class RiskFormView(CapabilityRequiredMixin, FormView):
    """Create an entry, or edit one (``pk`` in the address) from the version it was opened at."""

    capability = Capability.REGISTERS_WRITE
    template_name = "certifications/registers/risks/form.html"
    form_class = RiskForm
    http_method_names = ["get", "post", "head", "options"]

    @cached_property
    def entry(self) -> RiskOpportunity | None:
        pk = self.kwargs.get("pk")
        return None if pk is None else get_object_or_404(RiskOpportunity, pk=pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.entry}

    def get_initial(self):
        return {} if self.entry else {"owner": self.request.user}

    def form_valid(self, form):
        data: dict[str, Any] = dict(form.cleaned_data)
        version = data.pop("version", None)
        links = {name: data.pop(name) for name in _LINKS}
        try:
            if self.entry is None:
                entry = risk_services.risk_create(by=self.request.user, **data, **links)
            else:
                entry = risk_services.risk_update(
                    entry=self.entry,
                    by=self.request.user,
                    version=version or self.entry.version,
                    **data,
                    **links,
                )
        except EditConflict as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(reference)s saved.") % {"reference": entry.reference})
        return redirect("risk-detail", pk=entry.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "entry": self.entry}


class RiskActionAddView(CapabilityRequiredMixin, FormView):
    capability = Capability.REGISTERS_WRITE
    template_name = "certifications/registers/risks/action_form.html"
    form_class = RiskActionForm
    http_method_names = ["post"]

    @cached_property
    def entry(self) -> RiskOpportunity:
        return get_object_or_404(RiskOpportunity, pk=self.kwargs["pk"])

    def form_valid(self, form):
        try:
            risk_services.risk_action_add(entry=self.entry, by=self.request.user, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Action added."))
        return redirect("risk-detail", pk=self.entry.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "entry": self.entry}


class RiskActionUpdateView(CapabilityRequiredMixin, FormView):
    """Edit an action: record it done, and how effective it proved."""

    capability = Capability.REGISTERS_WRITE
    template_name = "certifications/registers/risks/action_form.html"
    form_class = RiskActionForm
    http_method_names = ["get", "post", "head", "options"]

    @cached_property
    def row(self) -> RiskAction:
        return get_object_or_404(RiskAction.objects.select_related("entry"), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.row}

    def form_valid(self, form):
        try:
            risk_services.risk_action_update(row=self.row, by=self.request.user, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Action saved."))
        return redirect("risk-detail", pk=self.row.entry_id)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "entry": self.row.entry, "row": self.row}


class RiskActionDeleteView(CapabilityRequiredMixin, View):
    capability = Capability.REGISTERS_WRITE
    http_method_names = ["post"]

    def post(self, request, pk: int):
        row = get_object_or_404(RiskAction, pk=pk)
        entry_id = row.entry_id
        risk_services.risk_action_delete(row=row, by=request.user)
        messages.success(request, _("Action removed."))
        return redirect("risk-detail", pk=entry_id)


class RiskImportView(RegisterImportView):
    table = risk_services.risk_table()
    title = gettext_lazy("Import risks and opportunities")
