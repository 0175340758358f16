from django.urls import include, path

from . import kpi_views

urlpatterns = [
    path("", kpi_views.KpiDashboardView.as_view(), name="kpi-dashboard"),
    path("baselines/", include("metering.baseline_urls")),
    path("activity/<slug:kind>/", kpi_views.ActivityView.as_view(), name="kpi-activity"),
]
