"""Standards, clauses and their crosswalk; evidence and its files; certificates; audits, findings and
corrective actions; reminders."""

# --- registers: aspects, hazards, incidents ---
from .aspects import (
    Aggregation,
    Aspect,
    AspectCondition,
    SignificanceCriterion,
    SignificanceMethod,
)

# --- end registers: aspects, hazards, incidents ---
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
from .dossier_shares import DossierCopy, DossierShare
from .dossiers import Dossier, DossierKind, DossierLanguage, DossierStatus
from .evidence import (
    ClauseExclusion,
    Evidence,
    EvidencePolicy,
    EvidenceRevision,
    EvidenceStatus,
)
from .evidence_requests import EvidenceRequest, EvidenceRequestStatus
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

# --- registers: aspects, hazards, incidents ---
from .hazards import ControlLevel, Hazard, HazardControl, RiskBand, RiskMethod
from .incidents import Incident, IncidentGrade, IncidentKind, IncidentStatus

# --- end registers: aspects, hazards, incidents ---
from .material_balance import MaterialBalance, MaterialOutput
from .objectives import Direction, Follows, KpiFigure, Objective, ObjectiveProgress, ObjectiveStatus

# Registers: compliance obligations, evaluations of compliance, permits and licences
from .obligations import (
    ComplianceEvaluation,
    EvaluationResult,
    Obligation,
    ObligationSource,
    ObligationStatus,
)
from .permits import Permit, PermitKind, PermitStatus
from .portal import AuditInvitation, InvitationStatus, PortalAccessLog, PortalAction
from .reminders import Reminder, ReminderKind
from .risks import Effectiveness, RiskAction, RiskKind, RiskOpportunity, RiskSource, RiskStatus
from .standards import Clause, ClauseMapping, MappingRelation, Standard, StandardStatus

__all__ = [
    "MaterialBalance",
    "MaterialOutput",
    # --- registers: aspects, hazards, incidents ---
    "Aggregation",
    "Aspect",
    "AspectCondition",
    "ControlLevel",
    "Hazard",
    "HazardControl",
    "Incident",
    "IncidentGrade",
    "IncidentKind",
    "IncidentStatus",
    "RiskBand",
    "RiskMethod",
    "SignificanceCriterion",
    "SignificanceMethod",
    # --- end registers: aspects, hazards, incidents ---
    # Registers: risks and opportunities, objectives
    "Direction",
    "Effectiveness",
    "Follows",
    "KpiFigure",
    "Objective",
    "ObjectiveProgress",
    "ObjectiveStatus",
    "RiskAction",
    "RiskKind",
    "RiskOpportunity",
    "RiskSource",
    "RiskStatus",
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
    "AuditInvitation",
    "InvitationStatus",
    "PortalAccessLog",
    "PortalAction",
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
    "Dossier",
    "DossierCopy",
    "DossierShare",
    "DossierKind",
    "DossierLanguage",
    "DossierStatus",
    "Evidence",
    "EvidencePolicy",
    "EvidenceRequest",
    "EvidenceRequestStatus",
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
