"""The registers overview: every management-system register with its size."""

from __future__ import annotations

from django.views.generic import TemplateView

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability

from ..selectors import registers as register_selectors


class RegisterOverviewView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.REGISTERS_READ
    template_name = "certifications/registers/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registers"] = register_selectors.register_overview()
        return context
