"""REST API of certifications under /api/v1/: thin viewsets calling selectors and services, one
module per subdomain. The project's router (``greenfactory/api.py``) imports the viewsets from here."""

from .audits import AuditProgrammeViewSet, AuditSessionViewSet, AuditViewSet, ChecklistItemViewSet
from .certificates import CertificateViewSet
from .coverage import ClauseExclusionViewSet, CoverageViewSet
from .evidence import EvidenceRevisionViewSet, EvidenceViewSet
from .findings import CapaActionViewSet, CorrectiveActionViewSet, FindingViewSet
from .reminders import ReminderViewSet
from .standards import ClauseMappingViewSet, ClauseViewSet, StandardViewSet

__all__ = [
    "AuditProgrammeViewSet",
    "AuditSessionViewSet",
    "AuditViewSet",
    "CapaActionViewSet",
    "CertificateViewSet",
    "ChecklistItemViewSet",
    "ClauseExclusionViewSet",
    "ClauseMappingViewSet",
    "ClauseViewSet",
    "CorrectiveActionViewSet",
    "CoverageViewSet",
    "EvidenceRevisionViewSet",
    "EvidenceViewSet",
    "FindingViewSet",
    "ReminderViewSet",
    "StandardViewSet",
]
