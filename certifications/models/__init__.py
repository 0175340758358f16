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
from .green_factory import (
    Evaluation,
    GateItem,
    GateKind,
    GateOutcome,
    GateResult,
    Indicator,
    IndicatorType,
    IndicatorValue,
    Scheme,
    SchemeGroup,
    ValueOrigin,
)
from .reminders import Reminder, ReminderKind
from .standards import Clause, ClauseMapping, MappingRelation, Standard, StandardStatus

__all__ = [
    # green-factory evaluation
    "Evaluation",
    "GateItem",
    "GateKind",
    "GateOutcome",
    "GateResult",
    "Indicator",
    "IndicatorType",
    "IndicatorValue",
    "Scheme",
    "SchemeGroup",
    "ValueOrigin",
    # the rest
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
