from django.urls import path

from . import views

urlpatterns = [
    path("", views.MeterListView.as_view(), name="meter-list"),
    path("<int:pk>/", views.MeterDetailView.as_view(), name="meter-detail"),
    path("<int:pk>/events/", views.MeterEventCreateView.as_view(), name="meter-event-create"),
    path("imports/", views.ImportListView.as_view(), name="import-list"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/progress/", views.ImportProgressView.as_view(), name="import-progress"),
    path("imports/<int:pk>/commit/", views.ImportActionView.as_view(action="commit"), name="import-commit"),
    path("imports/<int:pk>/cancel/", views.ImportActionView.as_view(action="cancel"), name="import-cancel"),
]
