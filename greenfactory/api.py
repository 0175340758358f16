"""The REST API router: every app registers its viewsets here under /api/v1/."""

from rest_framework.routers import DefaultRouter

from accounting.api.activity import (
    FuelDeliveryViewSet,
    GreenCertificateViewSet,
    RefrigerantRefillViewSet,
    Scope3ActivityViewSet,
)
from accounting.api.baselines import (
    BaselineAdjustmentViewSet,
    DriverValueViewSet,
    EnergyBaselineViewSet,
    EnergyTargetViewSet,
    TargetAlertViewSet,
)
from accounting.api.benchmarks import BenchmarkViewSet, ReferenceLevelViewSet
from accounting.api.budgets import EnergyBudgetViewSet
from accounting.api.energy import EnergyFlowViewSet, EnergyFunctionViewSet
from accounting.api.factors import FactorSetViewSet, FactorViewSet
from accounting.api.footprints import FootprintCoProductViewSet, FootprintItemViewSet, FootprintStudyViewSet
from accounting.api.inventory import (
    BaseYearRecalculationViewSet,
    GhgInventoryViewSet,
    InventoryCategoryViewSet,
    InventorySettingsViewSet,
    InventorySiteViewSet,
    SourceUncertaintyViewSet,
)
from accounting.api.kpis import KpiViewSet
from accounting.api.load_profiles import LoadProfileViewSet
from accounting.api.neutrality import NeutralityProgrammeViewSet
from accounting.api.neutrality_claims import CarbonCreditViewSet, NeutralityClaimViewSet
from certifications.api import (
    AuditProgrammeViewSet,
    AuditSessionViewSet,
    AuditViewSet,
    CapaActionViewSet,
    CertificateViewSet,
    ChecklistItemViewSet,
    ClauseExclusionViewSet,
    ClauseMappingViewSet,
    ClauseViewSet,
    CorrectiveActionViewSet,
    CoverageViewSet,
    EvidenceRevisionViewSet,
    EvidenceViewSet,
    FindingViewSet,
    ReminderViewSet,
    StandardViewSet,
)
from certifications.api.aspects import AspectViewSet
from certifications.api.dossiers import DossierViewSet
from certifications.api.green_factory import GreenFactoryEvaluationViewSet, GreenFactorySchemeViewSet
from certifications.api.hazards import HazardViewSet
from certifications.api.incidents import IncidentViewSet
from certifications.api.material_balance import MaterialBalanceViewSet
from certifications.api.objectives import ObjectiveProgressViewSet, ObjectiveViewSet
from certifications.api.obligations import ObligationViewSet
from certifications.api.permits import PermitViewSet
from certifications.api.risks import RiskActionViewSet, RiskOpportunityViewSet
from greenfactory.sites.api import ProductionRecordViewSet, SiteViewSet
from metering.api.meters import MeterEventViewSet, MeterViewSet
from metering.api.quality import QualityFindingViewSet
from metering.api.readings import ReadingViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("sites", SiteViewSet, basename="site")
router.register("production-records", ProductionRecordViewSet, basename="production-record")
router.register("meters", MeterViewSet, basename="meter")
router.register("meter-events", MeterEventViewSet, basename="meter-event")
router.register("readings", ReadingViewSet, basename="reading")
router.register("kpis", KpiViewSet, basename="kpi")
router.register("energy-flow", EnergyFlowViewSet, basename="energy-flow")
router.register("energy-functions", EnergyFunctionViewSet, basename="energy-function")
# Load profiles and advice
router.register("load-profile", LoadProfileViewSet, basename="load-profile")
# Benchmarking
router.register("energy-benchmarks", BenchmarkViewSet, basename="energy-benchmark")
router.register("reference-levels", ReferenceLevelViewSet, basename="reference-level")
router.register("factor-sets", FactorSetViewSet, basename="factor-set")
router.register("factors", FactorViewSet, basename="factor")
router.register("refrigerant-refills", RefrigerantRefillViewSet, basename="refrigerant-refill")
router.register("fuel-deliveries", FuelDeliveryViewSet, basename="fuel-delivery")
router.register("green-certificates", GreenCertificateViewSet, basename="green-certificate")
router.register("scope3-activities", Scope3ActivityViewSet, basename="scope3-activity")
router.register("quality-findings", QualityFindingViewSet, basename="quality-finding")
router.register("ghg-inventories", GhgInventoryViewSet, basename="ghg-inventory")
router.register("inventory-settings", InventorySettingsViewSet, basename="inventory-settings")
router.register("inventory-sites", InventorySiteViewSet, basename="inventory-site")
router.register("inventory-categories", InventoryCategoryViewSet, basename="inventory-category")
router.register("base-year-recalculations", BaseYearRecalculationViewSet, basename="base-year-recalculation")
router.register("source-uncertainties", SourceUncertaintyViewSet, basename="source-uncertainty")
router.register("energy-baselines", EnergyBaselineViewSet, basename="energy-baseline")
router.register("energy-budgets", EnergyBudgetViewSet, basename="energy-budget")  # energy budgets
router.register("footprint-studies", FootprintStudyViewSet, basename="footprint-study")  # ISO 14067
router.register("footprint-items", FootprintItemViewSet, basename="footprint-item")
router.register("footprint-coproducts", FootprintCoProductViewSet, basename="footprint-coproduct")
router.register("neutrality-programmes", NeutralityProgrammeViewSet, basename="neutrality-programme")
router.register("carbon-credits", CarbonCreditViewSet, basename="carbon-credit")
router.register("neutrality-claims", NeutralityClaimViewSet, basename="neutrality-claim")
router.register("baseline-adjustments", BaselineAdjustmentViewSet, basename="baseline-adjustment")
router.register("energy-targets", EnergyTargetViewSet, basename="energy-target")
router.register("driver-values", DriverValueViewSet, basename="driver-value")
router.register("target-alerts", TargetAlertViewSet, basename="target-alert")
router.register("standards", StandardViewSet, basename="standard")
router.register("clauses", ClauseViewSet, basename="clause")
router.register("clause-mappings", ClauseMappingViewSet, basename="clause-mapping")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("evidence-revisions", EvidenceRevisionViewSet, basename="evidence-revision")
router.register("coverage", CoverageViewSet, basename="coverage")
router.register("clause-exclusions", ClauseExclusionViewSet, basename="clause-exclusion")
router.register("certificates", CertificateViewSet, basename="certificate")
router.register("reminders", ReminderViewSet, basename="reminder")
router.register("audit-programmes", AuditProgrammeViewSet, basename="audit-programme")
router.register("audits", AuditViewSet, basename="audit")
router.register("audit-sessions", AuditSessionViewSet, basename="audit-session")
router.register("checklist-items", ChecklistItemViewSet, basename="checklist-item")
router.register("findings", FindingViewSet, basename="finding")
router.register("corrective-actions", CorrectiveActionViewSet, basename="corrective-action")
router.register("capa-actions", CapaActionViewSet, basename="capa-action")
# Registers: risks and opportunities, objectives
router.register("risks", RiskOpportunityViewSet, basename="risk")
router.register("risk-actions", RiskActionViewSet, basename="risk-action")
router.register("objectives", ObjectiveViewSet, basename="objective")
router.register("objective-progress", ObjectiveProgressViewSet, basename="objective-progress")
# Registers: compliance obligations and permits
router.register("obligations", ObligationViewSet, basename="obligation")
router.register("permits", PermitViewSet, basename="permit")
# Registers: environmental aspects, OH&S hazards, incidents
router.register("aspects", AspectViewSet, basename="aspect")
router.register("hazards", HazardViewSet, basename="hazard")
router.register("incidents", IncidentViewSet, basename="incident")
# Green-factory evaluation (GB/T 36132)
router.register("green-factory-schemes", GreenFactorySchemeViewSet, basename="green-factory-scheme")
router.register(
    "green-factory-evaluations", GreenFactoryEvaluationViewSet, basename="green-factory-evaluation"
)
# Battery-recycling material balance
router.register("material-balances", MaterialBalanceViewSet, basename="material-balance")
# Audit dossiers
router.register("dossiers", DossierViewSet, basename="dossier")
