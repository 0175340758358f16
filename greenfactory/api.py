"""The REST API router: every app registers its viewsets here under /api/v1/."""

from rest_framework.routers import DefaultRouter

from certifications.api import (
    CertificateViewSet,
    ClauseExclusionViewSet,
    ClauseMappingViewSet,
    ClauseViewSet,
    CoverageViewSet,
    EvidenceRevisionViewSet,
    EvidenceViewSet,
    ReminderViewSet,
    StandardViewSet,
)
from greenfactory.sites.api import ProductionRecordViewSet, SiteViewSet
from metering.api import MeterEventViewSet, MeterViewSet, ReadingViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("sites", SiteViewSet, basename="site")
router.register("production-records", ProductionRecordViewSet, basename="production-record")
router.register("meters", MeterViewSet, basename="meter")
router.register("meter-events", MeterEventViewSet, basename="meter-event")
router.register("readings", ReadingViewSet, basename="reading")
router.register("standards", StandardViewSet, basename="standard")
router.register("clauses", ClauseViewSet, basename="clause")
router.register("clause-mappings", ClauseMappingViewSet, basename="clause-mapping")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("evidence-revisions", EvidenceRevisionViewSet, basename="evidence-revision")
router.register("coverage", CoverageViewSet, basename="coverage")
router.register("clause-exclusions", ClauseExclusionViewSet, basename="clause-exclusion")
router.register("certificates", CertificateViewSet, basename="certificate")
router.register("reminders", ReminderViewSet, basename="reminder")
