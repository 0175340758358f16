from django.urls import include, path

from . import inventory_views, kpi_views, quality_views

urlpatterns = [
    path("", kpi_views.KpiDashboardView.as_view(), name="kpi-dashboard"),
    path("inventory/", inventory_views.InventoryView.as_view(), name="ghg-inventory"),
    path(
        "inventory/settings/",
        inventory_views.InventorySettingsView.as_view(),
        name="ghg-inventory-settings",
    ),
    path("baselines/", include("metering.baseline_urls")),
    path("activity/<slug:kind>/", kpi_views.ActivityView.as_view(), name="kpi-activity"),
    path("quality/", quality_views.QualityFindingListView.as_view(), name="quality-findings"),
    path(
        "quality/<int:pk>/explain/", quality_views.QualityFindingExplainView.as_view(), name="quality-explain"
    ),
    path("quality/settings/", quality_views.QualitySettingsView.as_view(), name="quality-settings"),
]
