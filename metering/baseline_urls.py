from django.urls import path

from . import baseline_views as views

urlpatterns = [
    path("", views.BaselineListView.as_view(), name="baseline-list"),
    path("new/", views.BaselineCreateView.as_view(), name="baseline-create"),
    path("degree-days/", views.DriverValuesView.as_view(), name="baseline-degree-days"),
    path("targets/", views.SiteTargetCreateView.as_view(), name="baseline-site-target-create"),
    path("targets/<int:pk>/delete/", views.TargetDeleteView.as_view(), name="baseline-target-delete"),
    path("<int:pk>/", views.BaselineDetailView.as_view(), name="baseline-detail"),
    path("<int:pk>/refit/", views.BaselineRefitView.as_view(), name="baseline-refit"),
    path("<int:pk>/delete/", views.BaselineDeleteView.as_view(), name="baseline-delete"),
    path("<int:pk>/adjustments/", views.AdjustmentCreateView.as_view(), name="baseline-adjustment-create"),
    path("<int:pk>/targets/", views.BaselineTargetCreateView.as_view(), name="baseline-target-create"),
]
