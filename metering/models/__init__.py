from .activity import FuelDelivery, GreenCertificateRetirement, RefrigerantRefill, Scope3Activity
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
from .readings import DirtyRange, IngestBatch, Reading, ReadingCorrection
from .rollups import MeterRollup, SiteKpi

__all__ = [
    "BaseYearRecalculation",
    "DirtyRange",
    "Factor",
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
    "MeterRollup",
    "Reading",
    "ReadingCorrection",
    "RefrigerantRefill",
    "Scope3Activity",
    "SiteKpi",
    "SiteKpiSettings",
    "SourceUncertainty",
]
