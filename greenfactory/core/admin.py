from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by services (ingestion, imports): visible in the admin, never edited."""

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        # No "add" page at all rather than one that always answers 403.
        return [u for u in super().get_urls() if not (u.name or "").endswith("_add")]

    def has_change_permission(self, request, obj=None):
        return False
