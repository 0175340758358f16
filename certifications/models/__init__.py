"""Standards, clauses and their crosswalk; evidence and its files; certificates; reminders."""

from .certificates import Certificate, CertificateStatus, SurveillanceAudit
from .evidence import (
    ClauseExclusion,
    Evidence,
    EvidenceRevision,
    EvidenceStatus,
)
from .reminders import Reminder, ReminderKind
from .standards import Clause, ClauseMapping, MappingRelation, Standard, StandardStatus

__all__ = [
    "Certificate",
    "CertificateStatus",
    "Clause",
    "ClauseExclusion",
    "ClauseMapping",
    "Evidence",
    "EvidenceRevision",
    "EvidenceStatus",
    "MappingRelation",
    "Reminder",
    "ReminderKind",
    "Standard",
    "StandardStatus",
    "SurveillanceAudit",
]
