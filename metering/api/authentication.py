"""``Authorization: Api-Key <key>`` for gateways, and a per-gateway request throttle.

Only the readings endpoint lists this authentication class, so a gateway key opens nothing else.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.throttling import SimpleRateThrottle

from metering.models import Gateway
from metering.services.gateways import gateway_for_key, gateway_mark_used

KEYWORD = b"api-key"


class GatewayKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Send the header as: Authorization: Api-Key <key>."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed(_("Invalid gateway key.")) from exc
        gateway = gateway_for_key(key=key)
        if gateway is None:
            raise AuthenticationFailed(_("Invalid or revoked gateway key."))
        gateway_mark_used(gateway=gateway, address=request.META.get("REMOTE_ADDR"))
        return gateway.user, gateway

    def authenticate_header(self, request) -> str:
        return "Api-Key"


class RawBodySessionAuthentication(SessionAuthentication):
    """Session sign-in for a view that reads its body raw (no DRF parser). DRF's CSRF check looks
    for a form token in ``request.POST``, which on such a view answers 415; checking the plain
    Django request instead reads no body (JSON and CSV are not forms), so the token comes from the
    X-CSRFToken header, exactly as for every other API call made from a page."""

    def enforce_csrf(self, request):
        return super().enforce_csrf(request._request)


class GatewayRateThrottle(SimpleRateThrottle):
    """Requests per gateway; other callers are not throttled here. Answers 429 with Retry-After."""

    scope = "gateway"

    def get_rate(self) -> str:
        return settings.GATEWAY_THROTTLE_RATE

    def allow_request(self, request, view) -> bool:
        # Read the rate on every request so a changed setting applies at once.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, Gateway):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class GatewayKeyScheme(OpenApiAuthenticationExtension):
    """Documents ``Authorization: Api-Key <key>`` in the OpenAPI schema."""

    target_class = "metering.api.authentication.GatewayKeyAuthentication"
    name = "gatewayKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Gateways send `Authorization: Api-Key <key>`.",
        }


class RawBodySessionScheme(OpenApiAuthenticationExtension):
    """The session cookie of a signed-in page, on the readings upload (CSRF token in X-CSRFToken)."""

    target_class = "metering.api.authentication.RawBodySessionAuthentication"
    name = "sessionCookie"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "A signed-in page's session; send its CSRF token in X-CSRFToken.",
        }
