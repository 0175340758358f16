from .activity import FuelDelivery, GreenCertificateRetirement, RefrigerantRefill, Scope3Activity
from .baselines import (
    BaselineAdjustment,
    DriverValue,
    EnergyBaseline,
    EnergyTarget,
    TargetAlert,
)
from .factors import Factor, FactorSet, SiteKpiSettings
from .gateways import Gateway, MeterGatewaySeen
from .imports import ImportJob
from .inventory import (
    BaseYearRecalculation,
    InventoryCategory,
    InventorySettings,
    InventorySite,
    SourceUncertainty,
)
from .meters import Meter, MeterEvent
from .quality import FindingKind, FindingStatus, MeterQualitySettings, QualityFinding, SiteQualitySettings
from .readings import DirtyRange, IngestBatch, Reading, ReadingCorrection
from .rollups import MeterRollup, SiteKpi

__all__ = [
    "BaseYearRecalculation",
    "BaselineAdjustment",
    "DriverValue",
    "EnergyBaseline",
    "EnergyTarget",
    "TargetAlert",
    "DirtyRange",
    "Factor",
    "FindingKind",
    "FindingStatus",
    "FactorSet",
    "FuelDelivery",
    "Gateway",
    "GreenCertificateRetirement",
    "ImportJob",
    "IngestBatch",
    "InventoryCategory",
    "InventorySettings",
    "InventorySite",
    "Meter",
    "MeterEvent",
    "MeterGatewaySeen",
    "MeterQualitySettings",
    "MeterRollup",
    "QualityFinding",
    "Reading",
    "ReadingCorrection",
    "RefrigerantRefill",
    "Scope3Activity",
    "SiteKpi",
    "SiteKpiSettings",
    "SiteQualitySettings",
    "SourceUncertainty",
]
