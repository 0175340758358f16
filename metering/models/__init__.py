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
from .meters import Meter, MeterEvent
from .readings import DirtyRange, IngestBatch, Reading, ReadingCorrection
from .rollups import MeterRollup, SiteKpi

__all__ = [
    "BaselineAdjustment",
    "DriverValue",
    "EnergyBaseline",
    "EnergyTarget",
    "TargetAlert",
    "DirtyRange",
    "Factor",
    "FactorSet",
    "FuelDelivery",
    "Gateway",
    "GreenCertificateRetirement",
    "ImportJob",
    "IngestBatch",
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
]
