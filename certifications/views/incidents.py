"""Pages of the incidents register: the list and an incident's page, with the site's incident gate."""

from __future__ import annotations

from django.utils import timezone

from ..exports.incidents import incident_list_response
from ..filters.incidents import IncidentFilter
from ..selectors import incidents as incident_selectors
from ._risk_registers import RegisterDetailView, RegisterListView


class IncidentListView(RegisterListView):
    template_name = "certifications/registers/incidents/list.html"
    filter_class = IncidentFilter
    queryset = staticmethod(incident_selectors.incidents_for_list)
    export = staticmethod(lambda qs, fmt: incident_list_response(incidents=qs, fmt=fmt))


class IncidentDetailView(RegisterDetailView):
    template_name = "certifications/registers/incidents/detail.html"
    queryset = staticmethod(incident_selectors.incidents_for_list)
    history_fields = [
        "title", "kind", "occurred_at", "grade", "deaths", "serious_injuries", "direct_loss_cny",
        "investigation", "root_cause", "status", "closed_on",
    ]  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident = context["entry"]
        context["suggested_grade"] = incident_selectors.incident_effective_grade(incident)
        context["gate"] = incident_selectors.incident_gate(site=incident.site, until=timezone.localdate())
        return context
