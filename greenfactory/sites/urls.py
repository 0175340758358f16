from django.urls import path

from . import views

urlpatterns = [
    path("", views.SiteListView.as_view(), name="site-list"),
    path("production/", views.ProductionRecordListView.as_view(), name="production-list"),
    path("production/new/", views.ProductionRecordCreateView.as_view(), name="production-create"),
]
