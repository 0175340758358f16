from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error

from . import selectors, services
from .exports import production_export
from .filters import ProductionRecordFilter
from .forms import ProductionRecordForm

PAGE_SIZE = 50


class SiteListView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.SITES_READ
    template_name = "sites/site_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sites"] = selectors.site_list()
        return context


class ProductionRecordListView(CapabilityRequiredMixin, TemplateView):
    """Production records with filters, pagination and CSV/Excel export."""

    capability = Capability.PRODUCTION_READ
    template_name = "sites/production_list.html"

    def get(self, request, *args, **kwargs):
        self.filterset = ProductionRecordFilter(
            request.GET or None, queryset=selectors.production_record_list()
        )
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return production_export(fmt=export, records=self.filterset.qs)
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
            can_write=can(self.request.user, Capability.PRODUCTION_WRITE),
        )
        return context


class ProductionRecordCreateView(CapabilityRequiredMixin, FormView):
    capability = Capability.PRODUCTION_WRITE
    template_name = "sites/production_form.html"
    form_class = ProductionRecordForm
    http_method_names = ["get", "post", "head", "options"]

    def form_valid(self, form):
        try:
            services.production_record_create(by=self.request.user, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Production record saved."))
        return redirect("production-list")
