from django.urls import path

from greenfactory.web import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("portal/", views.PortalView.as_view(), name="portal"),
    path("energy/", views.AreaView.as_view(area_key="energy"), name="area-energy"),
]
