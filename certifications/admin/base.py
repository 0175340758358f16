"""What the certification admins share."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class NoAddAdminMixin:
    """For records created only on the pages or by services: no add page in the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        # No "add" page at all rather than one that always answers 403.
        return [u for u in super().get_urls() if not (u.name or "").endswith("_add")]  # type: ignore[misc]


class ReadOnlyAdminMixin(NoAddAdminMixin):
    """For records written only by services: visible in the admin, never added or edited there."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
