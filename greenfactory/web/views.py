from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from certifications.selectors.certificates import certificates_needing_attention
from certifications.selectors.evidence_requests import open_requests_owned
from certifications.selectors.permits import permits_needing_attention
from certifications.selectors.portal import invitations_in_force, scope_of
from certifications.services.portal import portal_access_record
from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.health import broker_status, database_status
from greenfactory.core.task_failures import unresolved_summary
from greenfactory.web.navigation import AREAS
from metering.selectors.pipeline import pipeline_failures


class HomeView(TemplateView):
    """Staff land on the workspace overview; auditors on their portal."""

    template_name = "core/home.html"
    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        if not request.user.is_authenticated:
            return redirect("login")
        if can(request.user, Capability.WORKSPACE):
            return super().dispatch(request, *args, **kwargs)
        if can(request.user, Capability.PORTAL):
            return redirect("portal")
        raise PermissionDenied

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["areas"] = [a for a in AREAS if a.capability == Capability.WORKSPACE]
        if can(self.request.user, Capability.CERTIFICATES_READ):
            context["certificate_alerts"] = certificates_needing_attention(today=timezone.localdate())
        # Registers: permits expiring or expired warn beside the certificates.
        if can(self.request.user, Capability.REGISTERS_READ):
            context["permit_alerts"] = permits_needing_attention(today=timezone.localdate())
        # Administrators see background tasks that failed and were not resolved.
        if can(self.request.user, Capability.ADMINISTER):
            context["task_failures"] = unresolved_summary()
        # Evidence auditors asked for that landed with this person, until answered or declined.
        if can(self.request.user, Capability.AUDITS_READ):
            context["my_evidence_requests"] = open_requests_owned(
                user=self.request.user, today=timezone.localdate()
            )
        return context


class AreaView(CapabilityRequiredMixin, TemplateView):
    """An area's landing page: what it holds and the pages it has so far."""

    capability = Capability.WORKSPACE
    template_name = "core/area.html"
    area_key: str = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context["area"] = next(a for a in AREAS if a.key == self.area_key)
        except StopIteration as exc:
            raise Http404 from exc
        return context


class PortalView(CapabilityRequiredMixin, TemplateView):
    """The auditor's invitations in force; read again on every request, so a revoked or expired one
    is gone from the next page."""

    capability = Capability.PORTAL
    template_name = "core/portal.html"
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        portal_access_record(
            user=request.user, invitation=None, path=request.get_full_path(), remote_address=_address(request)
        )
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["invitations"] = [
            scope_of(invitation) for invitation in invitations_in_force(self.request.user)
        ]
        return context


def _address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@never_cache
@require_GET
def healthz(request):
    """Database and broker status for load balancers and monitoring: 200 when usable, else 503.
    ``pipeline_failures`` counts meters and sites whose figures failed to compute (for an alert; the
    service itself is still usable, so it does not change the status)."""
    database = database_status()
    broker = broker_status()
    healthy = database == "ok" and broker in ("ok", "not configured")
    body: dict[str, object] = {
        "status": "ok" if healthy else "degraded",
        "database": database,
        "broker": broker,
    }
    if database == "ok":
        body["pipeline_failures"] = len(pipeline_failures())
    return JsonResponse(body, status=200 if healthy else 503)
