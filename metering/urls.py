"""Pages of the metering app: meters and imports under /meters/, data quality under /kpis/quality/."""

from django.urls import include, path

from metering.views import imports, meters, quality

meter_patterns = [
    path("", meters.MeterListView.as_view(), name="meter-list"),
    path("<int:pk>/", meters.MeterDetailView.as_view(), name="meter-detail"),
    path("<int:pk>/events/", meters.MeterEventCreateView.as_view(), name="meter-event-create"),
    path("imports/", imports.ImportListView.as_view(), name="import-list"),
    path("imports/<int:pk>/", imports.ImportDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/progress/", imports.ImportProgressView.as_view(), name="import-progress"),
    path("imports/<int:pk>/commit/", imports.ImportActionView.as_view(action="commit"), name="import-commit"),
    path("imports/<int:pk>/cancel/", imports.ImportActionView.as_view(action="cancel"), name="import-cancel"),
]

quality_patterns = [
    path("", quality.QualityFindingListView.as_view(), name="quality-findings"),
    path("<int:pk>/explain/", quality.QualityFindingExplainView.as_view(), name="quality-explain"),
    path("settings/", quality.QualitySettingsView.as_view(), name="quality-settings"),
]

urlpatterns = [
    path("meters/", include(meter_patterns)),
    path("kpis/quality/", include(quality_patterns)),
]
