"""Standards, clauses and their crosswalk; evidence and its files; certificates; audits, findings and
corrective actions; reminders."""

from .audits import (
    Audit,
    AuditProgramme,
    AuditSession,
    AuditStatus,
    AuditType,
    ChecklistItem,
    ChecklistResult,
)
from .certificates import Certificate, CertificateStatus, SurveillanceAudit
from .evidence import (
    ClauseExclusion,
    Evidence,
    EvidencePolicy,
    EvidenceRevision,
    EvidenceStatus,
)
from .findings import (
    CapaAction,
    CapaState,
    CapaStep,
    CorrectiveAction,
    Finding,
    FindingClass,
    FindingStatus,
    RootCauseMethod,
)

# Registers: compliance obligations, evaluations of compliance, permits and licences
from .obligations import (
    ComplianceEvaluation,
    EvaluationResult,
    Obligation,
    ObligationSource,
    ObligationStatus,
)
from .permits import Permit, PermitKind, PermitStatus
from .reminders import Reminder, ReminderKind
from .standards import Clause, ClauseMapping, MappingRelation, Standard, StandardStatus

__all__ = [
    # Registers: obligations and permits
    "ComplianceEvaluation",
    "EvaluationResult",
    "Obligation",
    "ObligationSource",
    "ObligationStatus",
    "Permit",
    "PermitKind",
    "PermitStatus",
    "Audit",
    "AuditProgramme",
    "AuditSession",
    "AuditStatus",
    "AuditType",
    "CapaAction",
    "CapaState",
    "CapaStep",
    "Certificate",
    "CertificateStatus",
    "ChecklistItem",
    "ChecklistResult",
    "Clause",
    "ClauseExclusion",
    "ClauseMapping",
    "CorrectiveAction",
    "Evidence",
    "EvidencePolicy",
    "EvidenceRevision",
    "EvidenceStatus",
    "Finding",
    "FindingClass",
    "FindingStatus",
    "MappingRelation",
    "Reminder",
    "ReminderKind",
    "RootCauseMethod",
    "Standard",
    "StandardStatus",
    "SurveillanceAudit",
]
