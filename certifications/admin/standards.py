"""Standards, clauses and the crosswalk are written by the import service and the shipped data
(``load_standards``): read-only here, so every edition keeps its clauses and mappings both ways."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ..models import Clause, ClauseMapping, Standard
from .base import ReadOnlyAdminMixin, ReadOnlyInline


class ClauseInline(ReadOnlyInline):
    model = Clause
    fields = ["number", "title", "title_zh", "parent", "position"]


@admin.register(Standard)
class StandardAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "edition", "title", "status", "replaced_by"]
    list_filter = ["status"]
    search_fields = ["code", "title", "title_zh"]
    inlines = [ClauseInline]


@admin.register(ClauseMapping)
class ClauseMappingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["source", "relation", "target"]
    list_filter = ["relation"]
