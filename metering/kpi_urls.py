from django.urls import path

from . import kpi_views

urlpatterns = [
    path("", kpi_views.KpiDashboardView.as_view(), name="kpi-dashboard"),
    path("activity/<slug:kind>/", kpi_views.ActivityView.as_view(), name="kpi-activity"),
]
