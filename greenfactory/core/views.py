"""The internal metrics endpoint."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from .metrics import metrics_allowed, metrics_text


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus's scrape, from an allowed network only: anyone else gets the 404 of a page that does
    not exist, so the endpoint is not even confirmed."""
    if not metrics_allowed(request.META.get("REMOTE_ADDR", "")):
        raise Http404
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
