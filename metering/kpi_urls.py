from django.urls import path

from . import inventory_views, kpi_views

urlpatterns = [
    path("", kpi_views.KpiDashboardView.as_view(), name="kpi-dashboard"),
    path("inventory/", inventory_views.InventoryView.as_view(), name="ghg-inventory"),
    path(
        "inventory/settings/",
        inventory_views.InventorySettingsView.as_view(),
        name="ghg-inventory-settings",
    ),
    path("activity/<slug:kind>/", kpi_views.ActivityView.as_view(), name="kpi-activity"),
]
