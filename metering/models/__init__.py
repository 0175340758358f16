from .gateways import Gateway, MeterGatewaySeen
from .imports import ImportJob
from .meters import Meter, MeterEvent
from .readings import DirtyRange, IngestBatch, Reading, ReadingCorrection

__all__ = [
    "DirtyRange",
    "Gateway",
    "ImportJob",
    "IngestBatch",
    "Meter",
    "MeterEvent",
    "MeterGatewaySeen",
    "Reading",
    "ReadingCorrection",
]
