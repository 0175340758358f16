"""Pages of the permits register: the list and its exports, a permit with its conditions and
history, recording and editing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error

from ..exceptions import EditConflict
from ..exports.permits import EXPORT_FORMATS, permit_list_response
from ..filters.permits import PermitFilter
from ..forms.permits import PermitForm, PermitUpdateForm
from ..models import Permit
from ..selectors import permits as selectors
from ..selectors.obligations import entry_history
from ..services import permits as services
from .obligations import PAGE_SIZE, _query_without_page


class PermitListView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.REGISTERS_READ
    template_name = "certifications/registers/permits/list.html"

    def get(self, request, *args, **kwargs):
        self.filterset = PermitFilter(request.GET or None, queryset=selectors.permit_list())
        export = request.GET.get("export")
        if export in EXPORT_FORMATS:
            return permit_list_response(permits=self.filterset.qs, fmt=export)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            filter=self.filterset,
            page_obj=page,
            query=_query_without_page(self.request),
            can_write=can(self.request.user, Capability.REGISTERS_WRITE),
        )
        return context


class PermitDetailView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.REGISTERS_READ
    template_name = "certifications/registers/permits/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            permit = selectors.permit_detail(pk=kwargs["pk"])
        except Permit.DoesNotExist as exc:
            raise Http404 from exc
        context.update(
            permit=permit,
            history=entry_history(entry=permit),
            can_write=can(self.request.user, Capability.REGISTERS_WRITE),
        )
        return context


def _form_data(cleaned: dict[str, Any]) -> dict[str, Any]:
    data = dict(cleaned)
    for name in ("title_zh", "scope", "notes"):
        data[name] = data.get(name) or ""
    return data


class PermitCreateView(CapabilityRequiredMixin, FormView):
    capability = Capability.REGISTERS_WRITE
    template_name = "certifications/registers/permits/form.html"
    form_class = PermitForm
    http_method_names = ["get", "post", "head", "options"]

    def get_initial(self):
        return {"owner": self.request.user}

    def form_valid(self, form):
        try:
            permit = services.permit_create(by=self.request.user, **_form_data(form.cleaned_data))
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Permit %(reference)s recorded.") % {"reference": permit.reference})
        return redirect("permit-detail", pk=permit.pk)


class PermitUpdateView(CapabilityRequiredMixin, FormView):
    capability = Capability.REGISTERS_WRITE
    template_name = "certifications/registers/permits/form.html"
    form_class = PermitUpdateForm
    http_method_names = ["get", "post", "head", "options"]

    @cached_property
    def permit(self) -> Permit:
        return get_object_or_404(Permit, pk=self.kwargs["pk"])

    def get_initial(self):
        p = self.permit
        initial = {name: getattr(p, name) for name in services.PERMIT_FIELDS}
        initial.update(version=p.version, sites=list(p.sites.all()), clauses=list(p.clauses.all()))
        return initial

    def form_valid(self, form):
        data = _form_data(form.cleaned_data)
        links = {name: data.pop(name) for name in ("sites", "clauses")}
        try:
            services.permit_update(permit=self.permit, by=self.request.user, **links, **data)
        except EditConflict as exc:  # the version is a hidden field: say it on top
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Permit saved."))
        return redirect("permit-detail", pk=self.permit.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "permit": self.permit}
