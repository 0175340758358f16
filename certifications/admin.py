from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Certificate, Clause, ClauseExclusion, ClauseMapping, Evidence, Reminder, Standard


class ClauseInline(admin.TabularInline):
    model = Clause
    fields = ["number", "title", "title_zh", "parent", "position"]
    raw_id_fields = ["parent"]
    extra = 0


@admin.register(Standard)
class StandardAdmin(SimpleHistoryAdmin):
    list_display = ["code", "edition", "title", "status", "replaced_by"]
    list_filter = ["status"]
    search_fields = ["code", "title", "title_zh"]
    inlines = [ClauseInline]


@admin.register(ClauseMapping)
class ClauseMappingAdmin(admin.ModelAdmin):
    list_display = ["source", "relation", "target"]
    list_filter = ["relation"]
    raw_id_fields = ["source", "target"]


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    """Read-mostly: status, files and links change through the evidence pages and their services."""

    list_display = ["title", "owner", "status", "review_date", "expiry_date"]
    list_filter = ["status"]
    search_fields = ["title", "description"]
    readonly_fields = ["status", "approver", "approved_at", "clauses"]
    filter_horizontal = ["sites"]


@admin.register(ClauseExclusion)
class ClauseExclusionAdmin(SimpleHistoryAdmin):
    list_display = ["clause", "site", "created_by", "created_at"]
    raw_id_fields = ["clause"]


@admin.register(Certificate)
class CertificateAdmin(SimpleHistoryAdmin):
    list_display = ["standard", "certification_body", "number", "status", "expires_on"]
    list_filter = ["status", "standard"]
    readonly_fields = ["status"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["day", "recipient", "kind", "subject", "due_on", "emailed_at", "read_at"]
    list_filter = ["kind", "day"]
