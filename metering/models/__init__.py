from metering.models.gateways import Gateway, MeterGatewaySeen
from metering.models.imports import ImportJob
from metering.models.meters import Meter, MeterEvent
from metering.models.quality import (
    FindingKind,
    FindingStatus,
    MeterQualitySettings,
    QualityFinding,
    SiteQualitySettings,
)
from metering.models.readings import DirtyRange, IngestBatch, Reading, ReadingArchive, ReadingCorrection
from metering.models.rollups import MeterRollup, RollupChange

__all__ = [
    "DirtyRange",
    "FindingKind",
    "FindingStatus",
    "Gateway",
    "ImportJob",
    "IngestBatch",
    "Meter",
    "MeterEvent",
    "MeterGatewaySeen",
    "MeterQualitySettings",
    "MeterRollup",
    "QualityFinding",
    "Reading",
    "ReadingArchive",
    "ReadingCorrection",
    "RollupChange",
    "SiteQualitySettings",
]
