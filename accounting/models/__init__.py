"""Energy and carbon accounting: factor sets, activity data, site KPIs, baselines and targets, the
GHG inventory, product footprints. The older models came from metering and keep its tables
(``metering_*``)."""

from accounting.models.activity import (
    FuelDelivery,
    GreenCertificateRetirement,
    RefrigerantRefill,
    Scope3Activity,
)
from accounting.models.baselines import (
    BaselineAdjustment,
    DriverValue,
    EnergyBaseline,
    EnergyTarget,
    TargetAlert,
)
from accounting.models.benchmarks import BenchmarkMetric, ReferenceLevel
from accounting.models.budgets import BudgetLine, BudgetQuantity, BudgetTariff, EnergyBudget
from accounting.models.factors import Factor, FactorSet, SiteKpiSettings
from accounting.models.footprints import (
    FootprintCoProduct,
    FootprintItem,
    FootprintResult,
    FootprintStudy,
)
from accounting.models.inventory import (
    BaseYearRecalculation,
    InventoryCategory,
    InventorySettings,
    InventorySite,
    SourceUncertainty,
)
from accounting.models.kpis import SiteKpi
from accounting.models.neutrality import (
    CarbonCredit,
    ClaimRequirement,
    CreditSerialBlock,
    NeutralityAction,
    NeutralityClaim,
    NeutralityPeriod,
    NeutralityProgramme,
    ReductionMilestone,
    ReductionTarget,
)

__all__ = [
    "BaseYearRecalculation",
    "BaselineAdjustment",
    "BenchmarkMetric",
    "BudgetLine",
    "BudgetQuantity",
    "BudgetTariff",
    "CarbonCredit",
    "ClaimRequirement",
    "CreditSerialBlock",
    "DriverValue",
    "EnergyBaseline",
    "EnergyBudget",
    "EnergyTarget",
    "FuelDelivery",
    "Factor",
    "FactorSet",
    "FootprintCoProduct",
    "FootprintItem",
    "FootprintResult",
    "FootprintStudy",
    "GreenCertificateRetirement",
    "InventoryCategory",
    "InventorySettings",
    "InventorySite",
    "NeutralityAction",
    "NeutralityClaim",
    "NeutralityPeriod",
    "NeutralityProgramme",
    "ReductionMilestone",
    "ReductionTarget",
    "RefrigerantRefill",
    "ReferenceLevel",
    "Scope3Activity",
    "SiteKpi",
    "SiteKpiSettings",
    "SourceUncertainty",
    "TargetAlert",
]
