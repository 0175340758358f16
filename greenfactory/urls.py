from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from certifications import urls as certifications_urls
from greenfactory.accounts import views as accounts_views
from greenfactory.core.views import metrics_view

from .api import router

urlpatterns = [
    path("", include("greenfactory.web.urls")),
    path("accounts/", include("greenfactory.accounts.urls")),
    path("sites/", include("greenfactory.sites.urls")),
    path("", include("metering.urls")),
    path("", include("accounting.urls")),
    path("standards/", include(certifications_urls.standards_urlpatterns)),
    path("evidence/", include(certifications_urls.evidence_urlpatterns)),
    path("audits/", include(certifications_urls.audits_urlpatterns)),
    path("registers/", include(certifications_urls.registers_urlpatterns)),
    path("green-factory/", include(certifications_urls.green_factory_urlpatterns)),
    path("green-factory/material-balance/", include(certifications_urls.material_balance_urlpatterns)),
    path("portal/", include(certifications_urls.portal_urlpatterns)),
    path("dossiers/", include(certifications_urls.dossiers_urlpatterns)),
    path("i18n/setlang/", accounts_views.language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((router.urls, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("metrics", metrics_view, name="metrics"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
