"""Pages of the incidents register: the list, an incident's page with the site's incident gate and
the steps of its workflow, recording and editing one, and importing incidents."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from greenfactory.accounts.roles import Capability
from greenfactory.core.exceptions import DomainError
from greenfactory.sites.models import Site

from ..exports.incidents import incident_list_response
from ..filters.incidents import IncidentFilter
from ..forms.incidents import IncidentForm, IncidentTransitionForm, IncidentUpdateForm, links_initial
from ..models.incidents import Incident, IncidentStatus
from ..selectors import incidents as incident_selectors
from ..services import incidents as incident_services
from ..services.incidents_import import INCIDENT_TABLE
from ._registers_common import RegisterFormView, blank_as_empty, initial_of, with_links
from ._risk_registers import RegisterDetailView, RegisterListView
from .registers import RegisterImportView

_OPTIONAL_TEXT = ("reference", "title_zh", "description", "notes", "investigation", "root_cause")
_FIELDS = (
    "reference", "title", "title_zh", "kind", "occurred_at", "site", "deaths", "serious_injuries",
    "minor_injuries", "direct_loss_cny", "grade", "description", "owner", "notes", "investigation",
    "root_cause", "investigated_by",
)  # fmt: skip


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
        allowed = incident_services.TRANSITIONS.get(incident.status, frozenset())
        context["transitions"] = [(s.value, s.label) for s in IncidentStatus if s.value in allowed]
        context["today"] = timezone.localdate()
        return context


class IncidentTransitionView(IncidentDetailView):
    """Move an incident to the status posted; a refusal is shown on its page and nothing changes."""

    capability = Capability.REGISTERS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        incident = get_object_or_404(Incident, pk=kwargs["pk"])
        form = IncidentTransitionForm(request.POST)
        error = _("Choose a status and a valid day.")
        if form.is_valid():
            status = form.cleaned_data["status"]
            closed_on = form.cleaned_data["closed_on"]
            try:
                incident_services.incident_transition(
                    incident=incident,
                    status=status,
                    by=request.user,
                    **({"closed_on": closed_on} if closed_on else {}),
                )
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, _("%(reference)s saved.") % {"reference": incident.reference})
                return redirect("register-incident", pk=incident.pk)
        context = self.get_context_data(**kwargs, transition_error=error)
        return self.render_to_response(context, status=400)


class _IncidentFormView(RegisterFormView):
    template_name = "certifications/registers/incidents/form.html"
    entry: Incident | None = None

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "entry": self.entry}


class IncidentCreateView(_IncidentFormView):
    form_class = IncidentForm

    def get_initial(self):
        sites = list(Site.objects.order_by("code")[:2])
        return {"owner": self.request.user, "site": sites[0] if len(sites) == 1 else None}

    def save(self, form):
        data = blank_as_empty(form.cleaned_data, _OPTIONAL_TEXT[:4])
        entry = incident_services.incident_create(by=self.request.user, **data)
        messages.success(self.request, _("%(reference)s saved.") % {"reference": entry.reference})
        return redirect("register-incident", pk=entry.pk)


class IncidentUpdateView(_IncidentFormView):
    form_class = IncidentUpdateForm

    @cached_property
    def entry(self) -> Incident:  # type: ignore[override]
        return get_object_or_404(with_links(incident_selectors.incidents_for_list()), pk=self.kwargs["pk"])

    def get_initial(self):
        initial = initial_of(self.entry, _FIELDS)
        initial["occurred_at"] = timezone.localtime(self.entry.occurred_at)
        return {**initial, **links_initial(self.entry)}

    def save(self, form):
        data = blank_as_empty(form.cleaned_data, _OPTIONAL_TEXT)
        version = data.pop("version")
        incident_services.incident_update(incident=self.entry, by=self.request.user, version=version, **data)
        messages.success(self.request, _("%(reference)s saved.") % {"reference": self.entry.reference})
        return redirect("register-incident", pk=self.entry.pk)


class IncidentImportView(RegisterImportView):
    table = INCIDENT_TABLE
    title = gettext_lazy("Import incidents")
