"""Pages of the battery-recycling material balance: the list by site and month with its rates and
verdicts (and its Excel export), a month's balance checked against every threshold set, recording
and editing one (with its outputs), and importing one from Excel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error

from ..exceptions import EditConflict, ImportRejected
from ..exports.material_balance import (
    BALANCE_TEMPLATE_FIELDS,
    OUTPUT_TEMPLATE_COLUMNS,
    material_balance_list_response,
    material_balance_template_response,
    rate_labels,
    rate_short_labels,
)
from ..forms.material_balance import (
    MaterialBalanceFilterForm,
    MaterialBalanceForm,
    MaterialBalanceImportForm,
    MaterialBalanceUpdateForm,
    OutputFormSet,
)
from ..models import MaterialBalance
from ..selectors import material_balance as selectors
from ..selectors._common import entry_changes
from ..services import material_balance as services
from ..services.material_balance_import import material_balance_import
from ._registers_common import PAGE_SIZE, UploadLimitMixin, query_without_page

READ = Capability.GREEN_FACTORY_READ
WRITE = Capability.GREEN_FACTORY_WRITE
LIST_RATES = (
    "li_recovery",
    "ni_recovery",
    "co_recovery",
    "mn_recovery",
    "powder_recovery",
    "water_recycling",
)


class MaterialBalanceListView(CapabilityRequiredMixin, TemplateView):
    capability = READ
    template_name = "certifications/material_balance/list.html"

    def get(self, request, *args, **kwargs):
        self.filter_form = MaterialBalanceFilterForm(request.GET or None)
        filters: dict[str, Any] = {}
        if self.filter_form.is_valid():
            site = self.filter_form.cleaned_data["site"]
            filters = {"site_id": site.pk if site else None, "year": self.filter_form.cleaned_data["year"]}
        self.balances = selectors.material_balance_list(**filters)
        if request.GET.get("export") == "xlsx":
            return material_balance_list_response(balances=self.balances)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.balances, PAGE_SIZE).get_page(self.request.GET.get("page"))
        labels, short_labels = rate_labels(), rate_short_labels()
        rows = []
        for balance in page.object_list:
            assessment = selectors.balance_assessment(balance)
            rows.append(
                {
                    "balance": balance,
                    "rates": [(labels[m], assessment.rates[m]) for m in LIST_RATES],
                    "sets": assessment.sets,
                }
            )
        context.update(
            filter_form=self.filter_form,
            page_obj=page,
            rows=rows,
            rate_headers=[(short_labels[m], labels[m]) for m in LIST_RATES],
            set_titles=[
                (selectors.threshold_set_title(s, short=True), selectors.threshold_set_title(s))
                for s in selectors.threshold_sets()
            ],
            query=query_without_page(self.request),
            can_write=can(self.request.user, WRITE),
        )
        return context


class MaterialBalanceDetailView(CapabilityRequiredMixin, TemplateView):
    capability = READ
    template_name = "certifications/material_balance/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            balance = selectors.material_balance_detail(pk=kwargs["pk"])
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        labels = rate_labels()
        assessment = selectors.balance_assessment(balance)
        context.update(
            balance=balance,
            assessment=assessment,
            rates=[(labels[m], rate) for m, rate in assessment.rates.items()],
            labels=labels,
            history=entry_changes(entry=balance),
            can_write=can(self.request.user, WRITE),
        )
        return context


def _plain(value: Any) -> Any:
    """A stored decimal as a form shows it: 600, not 600.0000."""
    if not isinstance(value, Decimal):
        return value
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _outputs(formset) -> list[dict[str, Any]]:
    return [dict(f.cleaned_data) for f in formset.forms if f.cleaned_data and f.cleaned_data.get("product")]


class MaterialBalanceFormView(CapabilityRequiredMixin, FormView):
    """Record a month's balance, or (``pk`` in the address) edit one from the version it was opened
    at; the outputs are a formset saved with it. A refusal is shown on the form."""

    capability = WRITE
    template_name = "certifications/material_balance/form.html"
    http_method_names = ["get", "post", "head", "options"]

    @cached_property
    def balance(self) -> MaterialBalance | None:
        pk = self.kwargs.get("pk")
        return None if pk is None else get_object_or_404(MaterialBalance, pk=pk)

    def get_form_class(self):
        return MaterialBalanceForm if self.balance is None else MaterialBalanceUpdateForm

    def get_initial(self):
        if self.balance is None:
            return {}
        initial = {name: _plain(getattr(self.balance, name)) for name in services.BALANCE_FIELDS}
        initial.update(
            site=self.balance.site,
            period_start=self.balance.period_start,
            version=self.balance.version,
            evidence=list(self.balance.evidence.all()),
        )
        return initial

    @cached_property
    def formset(self):
        initial = []
        if self.balance is not None:
            initial = [
                {name: _plain(getattr(o, name)) for name in services.OUTPUT_FIELDS}
                for o in self.balance.outputs.all()
            ]
        data = self.request.POST if self.request.method == "POST" else None
        return OutputFormSet(data, initial=initial, prefix="outputs")

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid() and self.formset.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        evidence = data.pop("evidence")
        version = data.pop("version", None)
        site, period_start = data.pop("site"), data.pop("period_start")
        try:
            if self.balance is None:
                balance = services.material_balance_create(
                    by=self.request.user,
                    site=site,
                    period_start=period_start,
                    outputs=_outputs(self.formset),
                    evidence=evidence,
                    **data,
                )
            else:
                balance = services.material_balance_update(
                    balance=self.balance,
                    by=self.request.user,
                    version=version,
                    outputs=_outputs(self.formset),
                    evidence=evidence,
                    **data,
                )
        except EditConflict as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Material balance saved."))
        return redirect("material-balance-detail", pk=balance.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "balance": self.balance, "formset": self.formset}


class MaterialBalanceImportView(UploadLimitMixin, CapabilityRequiredMixin, FormView):
    capability = WRITE
    template_name = "certifications/material_balance/import.html"
    form_class = MaterialBalanceImportForm
    http_method_names = ["get", "post", "head", "options"]

    def upload_limit(self) -> int:
        return settings.IMPORT_MAX_BYTES

    def form_valid(self, form):
        try:
            result = material_balance_import(data=form.cleaned_data["file"].read(), by=self.request.user)
        except ImportRejected as exc:
            context = self.get_context_data(form=form, problem=exc.message, problems=exc.problems)
            return self.render_to_response(context, status=400)
        except DomainError as exc:  # not a readable workbook
            return self.render_to_response(self.get_context_data(form=form, problem=exc.message), status=400)
        if result.created:
            messages.success(self.request, _("Material balance imported."))
        else:
            messages.success(self.request, _("Material balance replaced by the imported one."))
        return redirect("material-balance-detail", pk=result.balance.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "balance_fields": BALANCE_TEMPLATE_FIELDS,
            "output_columns": OUTPUT_TEMPLATE_COLUMNS,
        }


class MaterialBalanceTemplateView(CapabilityRequiredMixin, View):
    capability = READ

    def get(self, request, *args, **kwargs):
        return material_balance_template_response()
