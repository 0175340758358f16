"""The REST API router: every app registers its viewsets here under /api/v1/."""

from rest_framework.routers import DefaultRouter

from greenfactory.sites.api import ProductionRecordViewSet, SiteViewSet
from metering.api import MeterEventViewSet, MeterViewSet, ReadingViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("sites", SiteViewSet, basename="site")
router.register("production-records", ProductionRecordViewSet, basename="production-record")
router.register("meters", MeterViewSet, basename="meter")
router.register("meter-events", MeterEventViewSet, basename="meter-event")
router.register("readings", ReadingViewSet, basename="reading")
