"""Permission checks for the API and the pages, all answered by ``roles.can``."""

from __future__ import annotations

from django.contrib.auth.mixins import AccessMixin
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .roles import Capability, can


class DenyAll(BasePermission):
    """The API default: an endpoint that forgets to declare its permission is closed."""

    def has_permission(self, request, view) -> bool:
        return False


def capability_permission(*, read: Capability, write: Capability | None = None) -> type[BasePermission]:
    """A DRF permission class: safe methods need ``read``, others ``write`` (none: read-only)."""

    class _CapabilityPermission(BasePermission):
        def has_permission(self, request, view) -> bool:
            if request.method in SAFE_METHODS:
                return can(request.user, read)
            return write is not None and can(request.user, write)

    _CapabilityPermission.__name__ = f"Can_{read.value}_{write.value if write else 'readonly'}"
    return _CapabilityPermission


class CanReadApiDocs(BasePermission):
    def has_permission(self, request, view) -> bool:
        return can(request.user, Capability.API_DOCS)


class CapabilityRequiredMixin(AccessMixin):
    """Page views: anonymous visitors go to sign-in, signed-in users without the capability get 403."""

    capability: Capability
    write_capability: Capability | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        needed = self.capability
        if request.method not in SAFE_METHODS:
            needed = self.write_capability or self.capability
        if not can(request.user, needed):
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)
