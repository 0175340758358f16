"""Pages of the risks and opportunities register: the list with its exports, an entry with its
actions and history, the entry form, and adding, evaluating and removing actions."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability

from ..exports.registers import register_table_response
from ..filters.risks import RiskFilter
from ..forms.risks import RiskActionForm, RiskForm
from ..models import RiskAction, RiskOpportunity
from ..selectors import risks as risk_selectors
from ..selectors._common import entry_history
from ..services import risks as risk_services
from ._registers_common import RegisterEntryView, RegisterFormView, RegisterListView, VersionedEntryFormView
from .registers import RegisterImportView


def _export(entries, fmt: str):
    table = risk_services.risk_table()
    return register_table_response(
        columns=table.columns,
        entries=entries.prefetch_related("clauses__standard"),
        fmt=fmt,
        filename=table.filename,
        sheet=table.sheet,
    )


class RiskListView(RegisterListView):
    template_name = "certifications/registers/risks/list.html"
    filter_class = RiskFilter
    queryset = staticmethod(risk_selectors.risk_list)
    export = staticmethod(_export)


class RiskDetailView(RegisterEntryView):
    template_name = "certifications/registers/risks/detail.html"

    def get_entry(self, pk: int) -> RiskOpportunity:
        return risk_selectors.risk_detail(pk)

    def entry_context(self, entry: RiskOpportunity) -> dict:
        return {
            "matrix": risk_selectors.matrix(),
            "action_form": RiskActionForm(initial={"owner": entry.owner_id}),
            "history": entry_history(entry=entry, fields=risk_selectors.RISK_HISTORY_FIELDS),
        }


class RiskFormView(VersionedEntryFormView):
    """Create an entry, or edit one (``pk`` in the address) from the version it was opened at."""

    template_name = "certifications/registers/risks/form.html"
    form_class = RiskForm
    model = RiskOpportunity
    detail_url_name = "risk-detail"
    create = staticmethod(risk_services.risk_create)
    update = staticmethod(risk_services.risk_update)


class RiskActionAddView(RegisterFormView):
    template_name = "certifications/registers/risks/action_form.html"
    form_class = RiskActionForm
    http_method_names = ["post"]

    @cached_property
    def entry(self) -> RiskOpportunity:
        return get_object_or_404(RiskOpportunity, pk=self.kwargs["pk"])

    def save(self, form):
        risk_services.risk_action_add(entry=self.entry, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Action added."))
        return redirect("risk-detail", pk=self.entry.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "entry": self.entry}


class RiskActionUpdateView(RegisterFormView):
    """Edit an action: record it done, and how effective it proved."""

    template_name = "certifications/registers/risks/action_form.html"
    form_class = RiskActionForm

    @cached_property
    def row(self) -> RiskAction:
        return get_object_or_404(RiskAction.objects.select_related("entry"), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.row}

    def save(self, form):
        risk_services.risk_action_update(row=self.row, by=self.request.user, **form.cleaned_data)
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
