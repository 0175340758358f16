from django.contrib import admin

from greenfactory.core.admin import ReadOnlyAdmin
from metering.models import DirtyRange, IngestBatch, Reading, ReadingArchive, ReadingCorrection

# Readings, their corrections, batches and dirty ranges are written by ingestion and the pipeline
# only: a reading changed or deleted here would leave rollups, KPIs and findings behind it.


@admin.register(Reading)
class ReadingAdmin(ReadOnlyAdmin):
    list_display = ("meter", "start", "ts", "value", "quality", "source", "batch")
    list_filter = ("source", "quality")
    list_select_related = ("meter", "batch")
    show_full_result_count = False


@admin.register(ReadingCorrection)
class ReadingCorrectionAdmin(ReadOnlyAdmin):
    list_display = ("reading", "old_value", "new_value", "corrected_by", "gateway", "corrected_at")


@admin.register(IngestBatch)
class IngestBatchAdmin(ReadOnlyAdmin):
    list_display = (
        "received_at",
        "source",
        "gateway",
        "client_batch_id",
        "rows",
        "accepted",
        "duplicate",
        "conflict",
        "rejected",
    )
    list_filter = ("source",)


@admin.register(DirtyRange)
class DirtyRangeAdmin(ReadOnlyAdmin):
    list_display = ("meter", "start", "end", "created_at", "consumed_at")


@admin.register(ReadingArchive)
class ReadingArchiveAdmin(ReadOnlyAdmin):
    """Months archived by `manage.py reading_partitions archive`, with their files and checksums."""

    list_display = ("month", "rows", "corrections", "file", "sha256", "archived_at", "restored_at")
    list_filter = (("restored_at", admin.EmptyFieldListFilter),)
