"""Permits and licences in the admin: visible there, written only on the register pages and
through the API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ..models import Permit
from .base import ReadOnlyAdminMixin


@admin.register(Permit)
class PermitAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["reference", "title", "title_zh", "kind", "number", "issuer", "expires_on", "owner"]
    list_filter = ["kind"]
    search_fields = ["reference", "title", "title_zh", "number"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
