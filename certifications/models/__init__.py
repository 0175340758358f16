"""Standards, clauses and their crosswalk; evidence and its files; certificates; reminders."""

from .certificates import Certificate, CertificateStatus, SurveillanceAudit
from .evidence import (
    ClauseExclusion,
    Evidence,
    EvidencePolicy,
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
    "EvidencePolicy",
    "EvidenceRevision",
    "EvidenceStatus",
    "MappingRelation",
    "Reminder",
    "ReminderKind",
    "Standard",
    "StandardStatus",
    "SurveillanceAudit",
]
