from django.contrib import admin

from greenfactory.core.admin import ReadOnlyAdmin
from metering.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = (
        "original_name",
        "kind",
        "site",
        "status",
        "total_rows",
        "accepted",
        "rejected",
        "created_by",
        "created_at",
    )
    list_filter = ("status", "kind")
