from django.contrib import admin

from greenfactory.core.admin import ReadOnlyAdmin
from metering.models import RollupChange


@admin.register(RollupChange)
class RollupChangeAdmin(ReadOnlyAdmin):
    """The outbox of changed rollups: metering's pipeline writes a row in the transaction of its
    rollups and accounting's KPI task consumes it. A row added, changed or deleted here would make
    the KPIs miss or repeat a recomputation, so administrators only read them."""

    list_display = ("site", "start", "end", "created_at", "consumed_at")
    list_filter = ("site", ("consumed_at", admin.EmptyFieldListFilter))  # empty: not consumed yet
    list_select_related = ("site",)
